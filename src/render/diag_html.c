/*
 * diag_html.c - the diagnosis as the HTML report leaders share: the same
 * five questions as the terminal, with DORA tiles, the weekly trend, the
 * stage waterfall, the cumulative flow, the cycle-time scatter and review
 * load, each chart with its numbers (src/render/html.c does the drawing
 * and escapes everything that comes from the data).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "orgmri/metrics.h"
#include "orgmri/render.h"
#include "orgmri/report.h"
#include "orgmri/time.h"

static const orgmri_metric_row *row(const orgmri_diagnosis *d,
                                    const char *prefix)
{
	for (size_t i = 0; i < d->norganisational; i++)
		if (strncmp(d->organisational[i].name, prefix, strlen(prefix)) == 0)
			return &d->organisational[i];
	return NULL;
}

static orgmri_report_tone tone_of(const char *tier)
{
	static const struct { const char *tier; orgmri_report_tone tone; } t[] = {
		{ "elite", ORGMRI_TONE_BEST }, { "high", ORGMRI_TONE_GOOD },
		{ "medium", ORGMRI_TONE_FAIR }, { "low", ORGMRI_TONE_POOR },
	};
	for (size_t i = 0; tier && i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(tier, t[i].tier) == 0)
			return t[i].tone;
	return ORGMRI_TONE_NEUTRAL;
}

/* One DORA tile from a before/after row: the after value and its 2024
 * tier, the before value underneath. */
#define TILE_TEXT 160

static void dora_tile(orgmri_report_tile *tile, const orgmri_metric_row *r,
                      const char *label, int metric, double scale,
                      char *value, char *detail)
{
	memset(tile, 0, sizeof(*tile));
	tile->label = label;
	if (!r || isnan(r->diff.after)) {
		tile->value = "n/a";
		tile->detail = r && r->note[0] ? r->note : "no data";
		return;
	}
	char b[32];
	orgmri_format_value(r->diff.after, r->unit, value, TILE_TEXT);
	orgmri_format_value(r->diff.before, r->unit, b, sizeof(b));
	snprintf(detail, TILE_TEXT, "before: %s%s", b, !r->diff.significant ?
	         " (change within noise)" : "");
	tile->value = value;
	tile->detail = detail;
	double v = r->diff.after * scale;
	/* deployment frequency bands are in deployment days; per week is
	 * the closest figure the diagnosis has (docs/diagnosis.md) */
	tile->tier = orgmri_dora_tier(ORGMRI_BANDS_2024, metric, v,
	                              metric == ORGMRI_DORA_DF ? v * 30.0 / 7 : 0);
	tile->tone = tone_of(tile->tier);
}

static void dora_tiles(orgmri_report *r, const orgmri_diagnosis *d)
{
	orgmri_report_tile tiles[4];
	char v[4][TILE_TEXT], det[4][TILE_TEXT];
	dora_tile(&tiles[0], row(d, "deployment frequency"), "Deployment frequency",
	          ORGMRI_DORA_DF, 1, v[0], det[0]);
	dora_tile(&tiles[1], row(d, "lead time"), "Lead time for changes",
	          ORGMRI_DORA_LT, ORGMRI_MS_HOUR, v[1], det[1]);
	dora_tile(&tiles[2], row(d, "change failure rate"), "Change failure rate",
	          ORGMRI_DORA_CFR, 1, v[2], det[2]);
	dora_tile(&tiles[3], row(d, "time to restore"), "Time to restore",
	          ORGMRI_DORA_FDRT, ORGMRI_MS_HOUR, v[3], det[3]);
	orgmri_report_tiles(r, tiles, 4);
}

static void rows_table(orgmri_report *r, const char *caption,
                       const orgmri_metric_row *rows, size_t n)
{
	static const char *const head[] = { "figure", "statistic", "before",
	                                    "after", "change", "95% interval",
	                                    "verdict" };
	orgmri_report_table_begin(r, caption, head, 7, "llrrrll");
	for (size_t i = 0; i < n; i++) {
		const orgmri_metric_row *m = &rows[i];
		char b[32], a[32], c[32], lo[32], hi[32], iv[80];
		orgmri_format_value(m->diff.before, m->unit, b, sizeof(b));
		orgmri_format_value(m->diff.after, m->unit, a, sizeof(a));
		orgmri_format_value(m->diff.delta, m->unit, c, sizeof(c));
		orgmri_format_value(m->diff.lo, m->unit, lo, sizeof(lo));
		orgmri_format_value(m->diff.hi, m->unit, hi, sizeof(hi));
		iv[0] = '\0';
		if (!isnan(m->diff.lo))
			snprintf(iv, sizeof(iv), "[%s, %s]", lo, hi);
		int up = m->diff.delta > 0;
		const char *verdict = isnan(m->diff.lo) ? m->note :
			!m->diff.significant ? "within noise" :
			m->better == ORGMRI_BETTER_NEITHER ? (up ? "up" : "down") :
			(m->better == ORGMRI_BETTER_HIGHER) == up ? "better" : "worse";
		const char *cells[] = { m->name, m->stat, b, a, c, iv, verdict };
		orgmri_report_table_row(r, cells);
	}
	orgmri_report_table_end(r);
}

static void faster_section(orgmri_report *r, const orgmri_diagnosis *d,
                           const orgmri_diag_series *s)
{
	orgmri_report_section(r, "Are we faster?");
	dora_tiles(r, d);
	orgmri_report_note(r, "Tiles show the period after the split, with its "
	                   "DORA 2024 tier; the line below gives the period before. "
	                   "Lead time runs from a change's first commit to the first "
	                   "production deployment containing it.");
	rows_table(r, "Individual figures", d->individual, d->nindividual);
	rows_table(r, "Organisational figures", d->organisational,
	           d->norganisational);
	orgmri_report_note(r, "Each change has a 95% bootstrap interval; \"within "
	                   "noise\" means the interval includes no change at all.");

	orgmri_chart_series lead = { "median lead time", s->lead_p50_h };
	orgmri_chart_lines c = ORGMRI_CHART_LINES_INIT;
	c.text.title = "Lead time per week";
	c.text.how_to_read = "Each point is the median lead time of the changes "
		"deployed that week. The dashed line is the split date; compare the "
		"level of the line on either side.";
	c.y_label = "lead time";
	c.y_unit = "hours";
	c.x = s->week;
	c.n = s->nweeks;
	c.series = &lead;
	c.nseries = 1;
	c.split = d->after_from;
	c.split_label = "split";
	orgmri_report_chart_lines(r, &c);

	orgmri_chart_series dep[2] = { { "production deployments", s->deploys },
	                               { "changes merged", s->merged } };
	c.text.title = "Deployments and merges per week";
	c.text.how_to_read = "Deployments reaching production and changes merged, "
		"per week. More merges without more deployments means bigger "
		"batches per deployment.";
	c.y_label = "per week";
	c.y_unit = "count";
	c.series = dep;
	c.nseries = 2;
	orgmri_report_chart_lines(r, &c);
}

static void stages_section(orgmri_report *r, const orgmri_diagnosis *d,
                           const orgmri_diag_series *s)
{
	orgmri_report_section(r, "Where did the time go?");
	const char *names[ORGMRI_DIAG_MAX_STAGES];
	double wait[2][ORGMRI_DIAG_MAX_STAGES], work[2][ORGMRI_DIAG_MAX_STAGES];
	for (size_t i = 0; i < d->nstages; i++) {
		const orgmri_stage_row *st = &d->stages[i];
		names[i] = st->name;
		wait[0][i] = st->wait_before;
		work[0][i] = st->work_before;
		wait[1][i] = st->wait_after;
		work[1][i] = st->work_after;
	}
	orgmri_chart_stages c = ORGMRI_CHART_STAGES_INIT;
	c.text.title = "Mean time per change in each stage, before and after";
	c.text.how_to_read = "One row per stage; the upper bar is before the split, "
		"the lower after. Solid is working time, light is waiting. Bars "
		"continue where the previous stage ended, so the bottom row is the "
		"mean lead time. The red stage is the constraint.";
	c.unit = "hours";
	c.stages = names;
	c.nstages = d->nstages;
	c.wait[0] = wait[0];
	c.wait[1] = wait[1];
	c.work[0] = work[0];
	c.work[1] = work[1];
	c.constraint = d->constraint_after.stage;
	orgmri_report_chart_stages(r, &c);

	static const char *const head[] = { "stage", "median before",
	                                    "median after", "mean before",
	                                    "mean after", "contribution" };
	orgmri_report_table_begin(r, "Stage times (hours); contributions add up "
	                          "to the change in mean lead time", head, 6,
	                          "lrrrrr");
	for (size_t i = 0; i < d->nstages; i++) {
		const orgmri_stage_row *st = &d->stages[i];
		char v[5][32];
		orgmri_format_value(st->span.before, "h", v[0], 32);
		orgmri_format_value(st->span.after, "h", v[1], 32);
		orgmri_format_value(st->mean_before, "h", v[2], 32);
		orgmri_format_value(st->mean_after, "h", v[3], 32);
		orgmri_format_value(st->contribution, "h", v[4], 32);
		const char *cells[] = { st->name, v[0], v[1], v[2], v[3], v[4] };
		orgmri_report_table_row(r, cells);
	}
	orgmri_report_table_end(r);

	orgmri_chart_flow f = ORGMRI_CHART_FLOW_INIT;
	f.text.title = "Cumulative flow";
	f.text.how_to_read = "Bands show how many changes are in each stage over "
		"time; the bottom band is everything done. A band that keeps "
		"widening is a queue that grows: work arrives faster than it leaves.";
	f.y_unit = "changes";
	f.x = s->sample;
	f.n = s->nsamples;
	f.stages = s->flow_names;
	f.nstages = s->nflow;
	f.counts = s->flow;
	f.split = d->after_from;
	f.split_label = "split";
	orgmri_report_chart_flow(r, &f);

	orgmri_chart_refline lines[3] = { { s->p50, "50th percentile" },
	                                  { s->p85, "85th percentile" },
	                                  { s->p95, "95th percentile" } };
	orgmri_chart_scatter sc = ORGMRI_CHART_SCATTER_INIT;
	sc.text.title = "Cycle time of finished changes";
	sc.text.how_to_read = "One dot per change, placed at the day it reached "
		"production (or was merged, when it was never deployed) and at "
		"how long it took from its first commit. 85% of changes lie below "
		"the 85th percentile line.";
	sc.y_label = "cycle time";
	sc.y_unit = "hours";
	sc.x = s->done_at;
	sc.y = s->cycle_h;
	sc.n = s->npoints;
	sc.lines = lines;
	sc.nlines = 3;
	sc.split = d->after_from;
	sc.split_label = "split";
	orgmri_report_chart_scatter(r, &sc);
}

/* How changes actually moved: the process map of their events. */
static void map_chart(orgmri_report *r, const orgmri_diag_series *s)
{
	if (!s->map)
		return;
	orgmri_map_chart c;
	orgmri_error err;
	if (orgmri_map_chart_make(s->map, &c, &err)) {
		orgmri_report_warning(r, "The process map could not be drawn: "
		                      "out of memory.");
		return;
	}
	c.graph.text.title = "How changes move: the process map";
	c.graph.text.how_to_read = "Each box is an activity recorded on the "
		"changes of both periods, with its number of events; each arrow is "
		"how often one activity directly followed another on the same "
		"change, thicker for more, labelled with that count and the "
		"median wait in between. Orange arrows go back up: rework loops "
		"such as changes requested, pushed, reviewed again. Rare "
		"activities and transitions are left out of the drawing (the "
		"line under it says how many); the table lists them all.";
	orgmri_report_chart_graph(r, &c.graph);
	orgmri_map_chart_free(&c);
}

static void constraint_section(orgmri_report *r, const orgmri_diagnosis *d)
{
	orgmri_report_section(r, "What is the constraint now?");
	const orgmri_constraint *c = &d->constraint_after;
	char text[1024];
	if (c->stage < 0) {
		snprintf(text, sizeof(text), "Cannot tell: %s.", c->reason);
		orgmri_report_warning(r, text);
	} else {
		snprintf(text, sizeof(text), "The constraint is %s (confidence: %s): "
		         "%s.", d->stages[c->stage].name,
		         orgmri_confidence_name(c->confidence), c->reason);
		orgmri_report_paragraph(r, text);
		if (c->next >= 0) {
			snprintf(text, sizeof(text), "Once it is relieved, %s is next "
			         "in line (%.0f%% utilised).", d->stages[c->next].name,
			         100 * d->stages[c->next].load_after.utilisation);
			orgmri_report_paragraph(r, text);
		}
	}
	static const char *const head[] = { "stage", "people", "utilisation",
	                                    "arrivals /week", "departures /week",
	                                    "queue /week", "waiting h",
	                                    "working h" };
	orgmri_report_table_begin(r, "Load of each stage where people do the "
	                          "work (after the split)", head, 8, "lrrrrrrr");
	for (size_t i = 0; i < d->nstages; i++) {
		const orgmri_stage_row *st = &d->stages[i];
		if (!st->has_load)
			continue;
		const orgmri_stage_load *l = &st->load_after;
		char v[7][32];
		snprintf(v[0], 32, "%d", l->servers);
		orgmri_format_value(l->utilisation, "%", v[1], 32);
		snprintf(v[2], 32, "%.1f", l->arrivals_per_week);
		snprintf(v[3], 32, "%.1f", l->departures_per_week);
		snprintf(v[4], 32, "%+.1f", l->queue_growth_per_week);
		orgmri_format_value(l->wait_h_mean, "h", v[5], 32);
		orgmri_format_value(l->service_h_mean, "h", v[6], 32);
		const char *cells[] = { st->name, v[0], v[1], v[2], v[3], v[4], v[5],
		                        v[6] };
		orgmri_report_table_row(r, cells);
	}
	orgmri_report_table_end(r);
	orgmri_report_note(r, "Utilisation is the share of the people's time spent "
	                   "on the stage's work, estimated from when each person "
	                   "finished items; a stage near 100% cannot absorb more "
	                   "work, and its queue grows.");
}

static void health_section(orgmri_report *r, const orgmri_diagnosis *d,
                           const orgmri_diag_series *s)
{
	orgmri_report_section(r, "How healthy are we?");
	orgmri_report_tile tiles[ORGMRI_DIAG_MAX_ROWS];
	char value[ORGMRI_DIAG_MAX_ROWS][32];
	for (size_t i = 0; i < d->nhealth; i++) {
		const orgmri_health_row *h = &d->health[i];
		memset(&tiles[i], 0, sizeof(tiles[i]));
		tiles[i].label = h->name;
		tiles[i].value = orgmri_format_value(h->value, h->unit, value[i], 32);
		tiles[i].tier = isnan(h->value) ? "n/a" : h->concern ? "concern"
		                                                     : "ok";
		tiles[i].tone = isnan(h->value) ? ORGMRI_TONE_NEUTRAL :
		                h->concern ? ORGMRI_TONE_POOR : ORGMRI_TONE_GOOD;
		tiles[i].detail = h->detail;
	}
	orgmri_report_tiles(r, tiles, d->nhealth);

	char labels[64][24];
	const char *lp[64];
	size_t n = s->nreviewers < 64 ? s->nreviewers : 64;
	for (size_t i = 0; i < n; i++) {
		snprintf(labels[i], sizeof(labels[i]), "reviewer %zu", i + 1);
		lp[i] = labels[i];
	}
	double total = 0;
	for (size_t i = 0; i < s->nreviewers; i++)
		total += s->reviews[i];
	orgmri_chart_refline even = { s->nreviewers ? total / (double)s->nreviewers
	                                            : 0, "even share" };
	orgmri_chart_bars b = ORGMRI_CHART_BARS_INIT;
	b.text.title = "Review load per reviewer, after the split";
	b.text.how_to_read = "Reviews (approvals, change requests, comments on "
		"others' changes) per reviewer, busiest first. Reviewers are numbered, "
		"not named: the point is how concentrated the load is, not who.";
	b.value_label = "reviews";
	b.unit = NULL;
	b.labels = lp;
	b.values = s->reviews;
	b.n = n;
	b.line = &even;
	orgmri_report_chart_bars(r, &b);
}

int orgmri_render_diagnosis_html(const orgmri_diagnosis *d,
                                 const orgmri_diag_series *s,
                                 const char *title, const char *path,
                                 orgmri_error *err)
{
	char sub[256], a[ORGMRI_TIME_BUFSZ], b[ORGMRI_TIME_BUFSZ],
	     c[ORGMRI_TIME_BUFSZ], e[ORGMRI_TIME_BUFSZ];
	snprintf(sub, sizeof(sub), "before %.10s to %.10s (%zu changes), after "
	         "%.10s to %.10s (%zu changes); split from %s",
	         orgmri_time_format(d->before_from, a),
	         orgmri_time_format(d->before_to, b), d->items_before,
	         orgmri_time_format(d->after_from, c),
	         orgmri_time_format(d->after_to, e), d->items_after,
	         d->split_source);
	orgmri_report *r;
	int rc = orgmri_report_new(&r, title, sub, err);
	if (rc)
		return rc;
	faster_section(r, d, s);
	stages_section(r, d, s);
	map_chart(r, s);
	constraint_section(r, d);
	health_section(r, d, s);
	orgmri_report_section(r, "What to fix first");
	orgmri_report_rec recs[ORGMRI_DIAG_MAX_ADVICE];
	for (size_t i = 0; i < d->nadvice; i++) {
		recs[i].title = d->advice[i].lever;
		recs[i].why = d->advice[i].why;
		recs[i].effect = d->advice[i].expect;
	}
	orgmri_report_recommendations(r, recs, d->nadvice);
	if (d->nnotes) {
		orgmri_report_section(r, "Notes on the data");
		for (size_t i = 0; i < d->nnotes; i++)
			orgmri_report_warning(r, d->notes[i]);
	}
	rc = orgmri_report_write_file(r, path, err);
	orgmri_report_free(r);
	return rc;
}
