/*
 * diag_json.c - the diagnosis as one JSON document (schema
 * orgmri.scan/1, docs/json.md): the same content as the text, with
 * unrounded numbers; NaN (no data) is null.
 */
#include <jansson.h>
#include <math.h>

#include "orgmri/render.h"
#include "orgmri/time.h"

static json_t *num(double v)
{
	return isnan(v) || isinf(v) ? json_null() : json_real(v);
}

static json_t *time_str(int64_t ms)
{
	char b[ORGMRI_TIME_BUFSZ];
	return json_string(orgmri_time_format(ms, b));
}

static json_t *diff_json(const orgmri_diff *d)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:I,s:I,s:b,s:s}",
	                 "before", num(d->before), "after", num(d->after),
	                 "delta", num(d->delta), "ci_low", num(d->lo),
	                 "ci_high", num(d->hi), "n_before", (json_int_t)d->n_before,
	                 "n_after", (json_int_t)d->n_after,
	                 "significant", d->significant,
	                 "interval", d->normal ? "normal" : "bootstrap");
}

static json_t *rows_json(const orgmri_metric_row *r, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack(
			"{s:s,s:s,s:s,s:s,s:s,s:o,s:s}", "name", r[i].name,
			"unit", r[i].unit, "statistic", r[i].stat,
			"source", r[i].source,
			"better", r[i].better < 0 ? "lower" :
			          r[i].better > 0 ? "higher" : "neither",
			"change", diff_json(&r[i].diff), "note", r[i].note));
	return a;
}

static json_t *load_json(const orgmri_stage_load *l)
{
	return json_pack("{s:I,s:I,s:o,s:o,s:o,s:o,s:i,s:o,s:o,s:o,s:o}",
	                 "visits", (json_int_t)l->visits,
	                 "served", (json_int_t)l->served,
	                 "arrivals_per_week", num(l->arrivals_per_week),
	                 "departures_per_week", num(l->departures_per_week),
	                 "queue_growth_per_week", num(l->queue_growth_per_week),
	                 "wip_mean", num(l->wip_mean), "people", l->servers,
	                 "work_hours_mean", num(l->service_h_mean),
	                 "wait_hours_mean", num(l->wait_h_mean),
	                 "utilisation", num(l->utilisation),
	                 "wait_load_correlation", num(l->wait_load_corr));
}

static json_t *constraint_json(const orgmri_diagnosis *d,
                               const orgmri_constraint *c)
{
	return json_pack("{s:o,s:o,s:s,s:s}",
	                 "stage", c->stage >= 0 ?
	                          json_string(d->stages[c->stage].name) : json_null(),
	                 "next", c->next >= 0 ?
	                         json_string(d->stages[c->next].name) : json_null(),
	                 "confidence", orgmri_confidence_name(c->confidence),
	                 "reason", c->reason);
}

int orgmri_render_diagnosis_json(FILE *fp, const orgmri_diagnosis *d,
                                 unsigned flags)
{
	json_t *root = json_object();
	json_object_set_new(root, "schema", json_string("orgmri.scan/1"));
	json_object_set_new(root, "periods", json_pack(
		"{s:{s:o,s:o,s:I},s:{s:o,s:o,s:I},s:s}",
		"before", "from", time_str(d->before_from), "to",
		time_str(d->before_to), "changes", (json_int_t)d->items_before,
		"after", "from", time_str(d->after_from), "to",
		time_str(d->after_to), "changes", (json_int_t)d->items_after,
		"split_source", d->split_source));
	json_object_set_new(root, "bootstrap", json_pack("{s:i,s:I}", "resamples",
		d->bootstrap_reps, "seed", (json_int_t)d->seed));
	json_object_set_new(root, "individual",
	                    rows_json(d->individual, d->nindividual));
	json_object_set_new(root, "organisational",
	                    rows_json(d->organisational, d->norganisational));
	json_t *stages = json_array();
	for (size_t i = 0; i < d->nstages; i++) {
		const orgmri_stage_row *s = &d->stages[i];
		json_t *o = json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			"name", s->name, "kind", s->work ? "work" : "wait",
			"median_hours", diff_json(&s->span),
			"mean_hours_before", num(s->mean_before),
			"mean_hours_after", num(s->mean_after),
			"contribution_hours", num(s->contribution),
			"wait_hours_before", num(s->wait_before),
			"wait_hours_after", num(s->wait_after),
			"work_hours_before", num(s->work_before),
			"work_hours_after", num(s->work_after),
			"load", s->has_load ? json_pack("{s:o,s:o}",
				"before", load_json(&s->load_before),
				"after", load_json(&s->load_after)) : json_null());
		json_array_append_new(stages, o);
	}
	json_object_set_new(root, "stages", stages);
	json_object_set_new(root, "lead_time_mean_hours", json_pack("{s:o,s:o}",
		"before", num(d->lead_mean_before), "after", num(d->lead_mean_after)));
	if (!(flags & ORGMRI_RENDER_COMPARE_ONLY)) {
		json_object_set_new(root, "constraint",
		                    constraint_json(d, &d->constraint_after));
		json_object_set_new(root, "constraint_before",
		                    constraint_json(d, &d->constraint_before));
		json_t *health = json_array();
		for (size_t i = 0; i < d->nhealth; i++) {
			const orgmri_health_row *h = &d->health[i];
			json_array_append_new(health, json_pack(
				"{s:s,s:o,s:s,s:o,s:s,s:b,s:s}", "name", h->name,
				"value", num(h->value), "unit", h->unit,
				"threshold", num(h->threshold),
				"concern_when", h->higher_is_worse ? "above" : "below",
				"concern", h->concern, "detail", h->detail));
		}
		json_object_set_new(root, "health", health);
		json_t *advice = json_array();
		for (size_t i = 0; i < d->nadvice; i++)
			json_array_append_new(advice, json_pack(
				"{s:I,s:s,s:s,s:s,s:s}", "rank", (json_int_t)(i + 1),
				"stage", d->advice[i].stage, "lever", d->advice[i].lever,
				"why", d->advice[i].why, "expect", d->advice[i].expect));
		json_object_set_new(root, "recommendations", advice);
	}
	json_t *notes = json_array();
	for (size_t i = 0; i < d->nnotes; i++)
		json_array_append_new(notes, json_string(d->notes[i]));
	json_object_set_new(root, "notes", notes);
	int rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                    JSON_REAL_PRECISION(6));
	fputc('\n', fp);
	json_decref(root);
	return rc || ferror(fp) ? ORGMRI_EIO : 0;
}
