/*
 * diag_text.c - the diagnosis on one terminal screen: are we faster,
 * where did the time go, what is the constraint, how healthy are we, what
 * to fix first.  Aligned columns, unicode bars; colour only when asked.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "orgmri/render.h"
#include "orgmri/time.h"

typedef struct out {
	FILE *fp;
	int color;
} out;

static const char *c_on(const out *o, const char *code)
{
	return o->color ? code : "";
}

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

char *orgmri_format_value(double v, const char *unit, char *buf, size_t size)
{
	if (isnan(v)) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (strcmp(unit, "h") == 0) {
		double a = fabs(v);
		if (a >= 72)
			snprintf(buf, size, "%.1f d", v / 24);
		else if (a >= 10)
			snprintf(buf, size, "%.0f h", v);
		else
			snprintf(buf, size, "%.1f h", v);
	} else if (strcmp(unit, "%") == 0) {
		/* small shares keep a decimal: 0.24% is not 0% */
		double p = 100 * v;
		snprintf(buf, size, p != 0 && fabs(p) < 9.95 ? "%.1f%%" : "%.0f%%",
		         p);
	} else if (fabs(v) >= 100 || v == floor(v)) {
		snprintf(buf, size, "%.0f%s%s", v, unit[0] ? " " : "", unit);
	} else {
		snprintf(buf, size, "%.2g%s%s", v, unit[0] ? " " : "", unit);
	}
	return buf;
}

/* "+12%" of delta relative to before, or the delta itself in units. */
static void change_text(const orgmri_metric_row *r, char *buf, size_t size)
{
	const orgmri_diff *d = &r->diff;
	if (isnan(d->delta)) {
		snprintf(buf, size, "-");
	} else if (strcmp(r->unit, "%") != 0 && d->before != 0 &&
	           !isnan(d->before)) {
		snprintf(buf, size, "%+.0f%%", 100 * d->delta / fabs(d->before));
	} else {
		char v[32];
		orgmri_format_value(d->delta, r->unit, v, sizeof(v));
		snprintf(buf, size, "%s%s", d->delta > 0 ? "+" : "", v);
	}
}

static void interval_text(const orgmri_metric_row *r, char *buf, size_t size)
{
	const orgmri_diff *d = &r->diff;
	if (isnan(d->lo)) {
		snprintf(buf, size, " ");
		return;
	}
	if (strcmp(r->unit, "%") != 0 && d->before != 0 && !isnan(d->before)) {
		snprintf(buf, size, "[%+.0f%%, %+.0f%%]",
		         100 * d->lo / fabs(d->before), 100 * d->hi / fabs(d->before));
		return;
	}
	char lo[32], hi[32];
	orgmri_format_value(d->lo, r->unit, lo, sizeof(lo));
	orgmri_format_value(d->hi, r->unit, hi, sizeof(hi));
	snprintf(buf, size, "[%s, %s]", lo, hi);
}

static void verdict(const out *o, const orgmri_metric_row *r)
{
	const orgmri_diff *d = &r->diff;
	if (isnan(d->lo)) {
		fprintf(o->fp, "%s", r->note[0] ? r->note : "");
		return;
	}
	if (!d->significant) {
		fprintf(o->fp, "%swithin noise%s", c_on(o, DIM), c_on(o, RESET));
		return;
	}
	int up = d->delta > 0;
	int good = r->better == ORGMRI_BETTER_NEITHER ? -1 :
	           (r->better == ORGMRI_BETTER_HIGHER) == up;
	const char *word = good < 0 ? (up ? "up" : "down") :
	                   good ? "better" : "worse";
	fprintf(o->fp, "%s%s%s", c_on(o, good < 0 ? "" : good ? GREEN : RED),
	        word, c_on(o, RESET));
}

static void metric_rows(const out *o, const char *title,
                        const orgmri_metric_row *rows, size_t n)
{
	fprintf(o->fp, "  %s%s%s\n", c_on(o, BOLD), title, c_on(o, RESET));
	for (size_t i = 0; i < n; i++) {
		const orgmri_metric_row *r = &rows[i];
		char b[32], a[32], ch[32], iv[48], label[64];
		snprintf(label, sizeof(label), "%s (%s)", r->name, r->stat);
		fprintf(o->fp, "    %-44s %10s %10s %7s %-18s ", label,
		        orgmri_format_value(r->diff.before, r->unit, b, sizeof(b)),
		        orgmri_format_value(r->diff.after, r->unit, a, sizeof(a)),
		        (change_text(r, ch, sizeof(ch)), ch),
		        (interval_text(r, iv, sizeof(iv)), iv));
		verdict(o, r);
		fputc('\n', o->fp);
	}
}

static void bar(const out *o, double wait, double work, double scale,
                int width)
{
	int nw = isnan(wait) || scale <= 0 ? 0 : (int)lround(wait / scale * width);
	int nk = isnan(work) || scale <= 0 ? 0 : (int)lround(work / scale * width);
	fputs(c_on(o, YELLOW), o->fp);
	for (int i = 0; i < nw; i++)
		fputs("\u2591", o->fp);   /* light shade: waiting */
	fputs(c_on(o, RESET), o->fp);
	for (int i = 0; i < nk; i++)
		fputs("\u2588", o->fp);   /* full block: working */
	for (int i = nw + nk; i < width; i++)
		fputc(' ', o->fp);
}

static void stage_table(const out *o, const orgmri_diagnosis *d)
{
	double scale = 0;
	for (size_t i = 0; i < d->nstages; i++) {
		const orgmri_stage_row *s = &d->stages[i];
		if (s->mean_before > scale)
			scale = s->mean_before;
		if (s->mean_after > scale)
			scale = s->mean_after;
	}
	fprintf(o->fp, "    %-12s %10s %10s %10s   %-24s %s\n", "stage",
	        "p50 before", "p50 after", "mean chg", "before (mean)",
	        "after (mean)");
	for (size_t i = 0; i < d->nstages; i++) {
		const orgmri_stage_row *s = &d->stages[i];
		char b[32], a[32], c[32];
		int is_c = d->constraint_after.stage == (int)i;
		fprintf(o->fp, "    %s%-12s%s %10s %10s %10s   ",
		        c_on(o, is_c ? BOLD : ""), s->name, c_on(o, RESET),
		        orgmri_format_value(s->span.before, "h", b, sizeof(b)),
		        orgmri_format_value(s->span.after, "h", a, sizeof(a)),
		        orgmri_format_value(s->contribution, "h", c, sizeof(c)));
		bar(o, s->wait_before, s->work_before, scale, 24);
		fputc(' ', o->fp);
		bar(o, s->wait_after, s->work_after, scale, 24);
		if (is_c)
			fprintf(o->fp, " %s<- constraint%s", c_on(o, RED), c_on(o, RESET));
		fputc('\n', o->fp);
	}
	char b[32], a[32], c[32];
	fprintf(o->fp, "    %-12s %10s %10s %10s   (%s\u2591%s waiting, \u2588 working)\n",
	        "lead (mean)",
	        orgmri_format_value(d->lead_mean_before, "h", b, sizeof(b)),
	        orgmri_format_value(d->lead_mean_after, "h", a, sizeof(a)),
	        orgmri_format_value(d->lead_mean_after - d->lead_mean_before, "h",
	                            c, sizeof(c)),
	        c_on(o, YELLOW), c_on(o, RESET));
	fprintf(o->fp, "    %sThe stage changes in the 'mean chg' column add up to the "
	        "change in mean lead time;%s\n    %smedians do not add up, so "
	        "they are shown per stage only.%s\n", c_on(o, DIM), c_on(o, RESET),
	        c_on(o, DIM), c_on(o, RESET));
}

static void constraint_section(const out *o, const orgmri_diagnosis *d)
{
	const orgmri_constraint *c = &d->constraint_after;
	if (c->stage < 0) {
		fprintf(o->fp, "  %sCannot tell%s: %s.\n", c_on(o, BOLD),
		        c_on(o, RESET), c->reason);
	} else {
		const orgmri_stage_row *s = &d->stages[c->stage];
		const orgmri_stage_load *l = &s->load_after;
		fprintf(o->fp, "  %s%s%s (confidence: %s): %s.\n", c_on(o, BOLD),
		        s->name, c_on(o, RESET), orgmri_confidence_name(c->confidence),
		        c->reason);
		char w[32], sv[32];
		fprintf(o->fp, "    utilisation %.0f%% with %d people; %.1f arrivals "
		        "vs %.1f departures per week; queue %+.1f per week;\n"
		        "    waiting %s and working %s per item on average",
		        100 * l->utilisation, l->servers, l->arrivals_per_week,
		        l->departures_per_week, l->queue_growth_per_week,
		        orgmri_format_value(l->wait_h_mean, "h", w, sizeof(w)),
		        orgmri_format_value(l->service_h_mean, "h", sv, sizeof(sv)));
		if (!isnan(l->wait_load_corr))
			fprintf(o->fp, "; waits %s with load (rank correlation %.2f)",
			        l->wait_load_corr > 0.3 ? "grow" : "do not clearly grow",
			        l->wait_load_corr);
		fprintf(o->fp, ".\n");
		if (c->next >= 0)
			fprintf(o->fp, "    Next in line: %s (%.0f%% utilised).\n",
			        d->stages[c->next].name,
			        100 * d->stages[c->next].load_after.utilisation);
	}
	const orgmri_constraint *p = &d->constraint_before;
	if (p->stage >= 0 && p->stage != c->stage)
		fprintf(o->fp, "    Before the split the constraint was %s: it "
		        "has moved.\n", d->stages[p->stage].name);
	else if (p->stage >= 0)
		fprintf(o->fp, "    It was the constraint before the split too.\n");
	fprintf(o->fp, "    %sPer stage, after:%s", c_on(o, DIM), c_on(o, RESET));
	for (size_t i = 0; i < d->nstages; i++)
		if (d->stages[i].has_load)
			fprintf(o->fp, " %s %.0f%%", d->stages[i].name,
			        100 * d->stages[i].load_after.utilisation);
	fputc('\n', o->fp);
}

static void health_section(const out *o, const orgmri_diagnosis *d)
{
	for (size_t i = 0; i < d->nhealth; i++) {
		const orgmri_health_row *h = &d->health[i];
		char v[32], t[32];
		orgmri_format_value(h->value, h->unit, v, sizeof(v));
		orgmri_format_value(h->threshold, h->unit, t, sizeof(t));
		const char *mark = isnan(h->value) ? "n/a" : h->concern ? "concern" : "ok";
		char limit[48] = "";
		if (!isnan(h->threshold))
			snprintf(limit, sizeof(limit), "(%s %s)",
			         h->higher_is_worse ? ">" : "<", t);
		fprintf(o->fp, "    %-26s %10s  %s%-7s%s %-16s %s\n", h->name, v,
		        c_on(o, isnan(h->value) ? DIM : h->concern ? RED : GREEN),
		        mark, c_on(o, RESET), limit, h->detail);
	}
}

int orgmri_render_diagnosis_text(FILE *fp, const orgmri_diagnosis *d,
                                 unsigned flags)
{
	out o = { fp, (flags & ORGMRI_RENDER_COLOR) != 0 };
	char a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ], c[ORGMRI_TIME_BUFSZ],
	     e[ORGMRI_TIME_BUFSZ];
	fprintf(fp, "%sBefore%s %.10s .. %.10s (%zu changes)   %sAfter%s %.10s .. "
	        "%.10s (%zu changes)   split from %s\n",
	        c_on(&o, BOLD), c_on(&o, RESET),
	        orgmri_time_format(d->before_from, a),
	        orgmri_time_format(d->before_to, b), d->items_before,
	        c_on(&o, BOLD), c_on(&o, RESET),
	        orgmri_time_format(d->after_from, c),
	        orgmri_time_format(d->after_to, e), d->items_after,
	        d->split_source);
	fprintf(fp, "\n%s1. Are we faster?%s  (%d bootstrap resamples, seed %llu; "
	        "95%% intervals of the change)\n", c_on(&o, BOLD), c_on(&o, RESET),
	        d->bootstrap_reps, (unsigned long long)d->seed);
	fprintf(fp, "    %-44s %10s %10s %7s %-18s\n", "", "before", "after",
	        "change", "95% interval");
	metric_rows(&o, "Individual", d->individual, d->nindividual);
	metric_rows(&o, "Organisation", d->organisational, d->norganisational);
	fprintf(fp, "\n%s2. Where did the time go?%s  (per change, hours)\n",
	        c_on(&o, BOLD), c_on(&o, RESET));
	stage_table(&o, d);
	if (!(flags & ORGMRI_RENDER_COMPARE_ONLY)) {
		fprintf(fp, "\n%s3. What is the constraint now?%s\n", c_on(&o, BOLD),
		        c_on(&o, RESET));
		constraint_section(&o, d);
		fprintf(fp, "\n%s4. How healthy are we?%s\n", c_on(&o, BOLD),
		        c_on(&o, RESET));
		health_section(&o, d);
		fprintf(fp, "\n%s5. What to fix first%s\n", c_on(&o, BOLD),
		        c_on(&o, RESET));
		for (size_t i = 0; i < d->nadvice; i++) {
			const orgmri_advice *v = &d->advice[i];
			fprintf(fp, "  %zu. %s\n     why: %s\n     likely effect: %s\n",
			        i + 1, v->lever, v->why, v->expect);
		}
	}
	if (d->nnotes) {
		fprintf(fp, "\n%sNotes%s\n", c_on(&o, BOLD), c_on(&o, RESET));
		for (size_t i = 0; i < d->nnotes; i++)
			fprintf(fp, "  - %s\n", d->notes[i]);
	}
	return ferror(fp) ? ORGMRI_EIO : 0;
}
