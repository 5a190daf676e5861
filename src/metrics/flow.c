/*
 * flow.c - Flow Framework metrics over the model's work items.
 *
 * For a window [S, U) (docs/metrics.md, "flow"):
 *   velocity   = items done in [S, U) per week
 *   flow time  = done - created (first event), over items done in [S, U)
 *   efficiency = sum of work-stage spans / sum of flow times, over the
 *                completed items (stages of kind work are active time)
 *   load       = time-weighted average number of items with
 *                created <= t < done (open items run to U)
 *   distribution = completed items by flow type from labels / type
 *                attributes (keyword table below)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "orgmri/metrics.h"

static const struct {
	const char *keyword;
	int type;
} keywords[] = {
	/* checked in order: risk and defect words win over generic ones */
	{ "security", ORGMRI_FLOW_RISK }, { "vulnerab", ORGMRI_FLOW_RISK },
	{ "compliance", ORGMRI_FLOW_RISK }, { "risk", ORGMRI_FLOW_RISK },
	{ "bug", ORGMRI_FLOW_DEFECT }, { "defect", ORGMRI_FLOW_DEFECT },
	{ "incident", ORGMRI_FLOW_DEFECT }, { "hotfix", ORGMRI_FLOW_DEFECT },
	{ "fix", ORGMRI_FLOW_DEFECT },
	{ "debt", ORGMRI_FLOW_DEBT }, { "refactor", ORGMRI_FLOW_DEBT },
	{ "chore", ORGMRI_FLOW_DEBT }, { "cleanup", ORGMRI_FLOW_DEBT },
	{ "feature", ORGMRI_FLOW_FEATURE }, { "enhancement", ORGMRI_FLOW_FEATURE },
	{ "story", ORGMRI_FLOW_FEATURE },
};

const char *orgmri_flow_type_name(int type)
{
	static const char *const names[] = { "feature", "defect", "risk",
	                                     "debt", "other" };
	return (unsigned)type < ORGMRI_FLOW_NTYPES ? names[type] : "?";
}

int orgmri_flow_type_of(const char *labels)
{
	if (!labels)
		return ORGMRI_FLOW_OTHER;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcasestr(labels, keywords[i].keyword))
			return keywords[i].type;
	return ORGMRI_FLOW_OTHER;
}

/* The first labels/type attribute that classifies the item. */
static int item_type(const orgmri_table *t, uint32_t o, uint32_t k_labels,
                     uint32_t k_type)
{
	for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++) {
		int ty = orgmri_flow_type_of(orgmri_table_attr(t, ev, k_type));
		if (ty == ORGMRI_FLOW_OTHER)
			ty = orgmri_flow_type_of(orgmri_table_attr(t, ev, k_labels));
		if (ty != ORGMRI_FLOW_OTHER)
			return ty;
	}
	return ORGMRI_FLOW_OTHER;
}

int orgmri_flow_compute(const orgmri_model *m, const orgmri_filter *f,
                        orgmri_flow *out, orgmri_error *err)
{
	orgmri_filter all = ORGMRI_FILTER_INIT;
	if (!f)
		f = &all;
	memset(out, 0, sizeof(*out));
	snprintf(out->conventions, sizeof(out->conventions),
	         "stream=%s done=merged|resolved|closed flow-time=first-event-or-stage-start->done "
	         "efficiency=work-stages/flow-time load=time-weighted",
	         m->stream.name);
	orgmri_filter_window(m, f, &out->since, &out->until);
	out->weeks = (double)(out->until - out->since) / ORGMRI_MS_WEEK;
	const orgmri_table *t = m->table;
	uint32_t k_labels = orgmri_table_attr_key(t, "labels");
	uint32_t k_type = orgmri_table_attr_key(t, "type");
	double *ft = malloc((m->nitems ? m->nitems : 1) * sizeof(double));
	if (!ft)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	size_t n = 0;
	double work = 0, flow = 0, open_ms = 0;
	for (size_t i = 0; i < m->nitems; i++) {
		if (!orgmri_filter_item(m, f, i))
			continue;
		int64_t c = m->item_created[i], d = m->item_done[i];
		if (c == ORGMRI_NO_TIME)
			continue;
		/* an item starts at its first event or its first stage start
		 * (coding starts at the first commit, before the PR exists) */
		for (size_t st = 0; st < m->nstages; st++) {
			int64_t a = m->start[i * m->nstages + st];
			if (a != ORGMRI_NO_TIME && a < c)
				c = a;
		}
		int64_t e = d == ORGMRI_NO_TIME || d > out->until ? out->until : d;
		int64_t s = c < out->since ? out->since : c;
		if (e > s)
			open_ms += (double)(e - s);
		if (d == ORGMRI_NO_TIME || d < out->since || d >= out->until || d < c)
			continue;
		ft[n++] = (double)(d - c);
		flow += (double)(d - c);
		for (size_t st = 0; st < m->nstages; st++) {
			int64_t ms;
			if (m->stream.stages[st].kind == ORGMRI_STAGE_WORK &&
			    orgmri_model_span(m, i, st, &ms))
				work += (double)ms;
		}
		out->distribution[item_type(t, m->item[i], k_labels, k_type)]++;
	}
	out->completed = (long long)n;
	out->velocity = out->weeks > 0 ? (double)n / out->weeks : NAN;
	orgmri_summarize(ft, n, ORGMRI_STAT_MEDIAN, &out->flow_time);
	out->efficiency = flow > 0 ? work / flow : NAN;
	out->load = out->until > out->since
		? open_ms / (double)(out->until - out->since) : NAN;
	free(ft);
	return 0;
}
