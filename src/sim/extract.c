/*
 * extract.c - the simulation's input from the event table: one record per
 * change with its value-stream stage intervals (DESIGN.md's default PR
 * stream), plus production deployment and incident times.
 *
 * This is deliberately the only file that knows the event vocabulary, so
 * that it can later be switched to the value-stream model of the metrics
 * module.  The stages are computed simply:
 *
 *   coding   first commit authored (committed if no authored event) ->
 *            ready_for_review, else opened
 *   pickup   ready -> first review (approved, changes_requested or
 *            commented by someone other than the opener, not a bot)
 *   review   first review -> last approval by a team other than security
 *            and qa (rework loops = changes_requested count; rework time
 *            = changes_requested -> next pushed/ready/review_requested)
 *   security review_requested with team=security -> first approved with
 *            team=security at or after it
 *   qa       the same with team=qa
 *   merge    last approval of any team (else ready) -> merged
 *   deploy   merged -> first `deployed` (environment absent, production
 *            or prod) of a deployment linked to the change or one of its
 *            commits, at or after the merge
 *
 * A stage counts as visited when both ends exist and end >= start.
 * Closed, unmerged changes are abandoned work and left out; open ones are
 * kept as unfinished (done = 0).  When deployments of changes are
 * recorded (a production deployment linked to a change or to a commit of
 * one), a merged change not yet deployed is unfinished too (it waits for
 * a deployment); when none is, a change is done when merged.
 *
 * The window [since, until) is the history as it was known at `until`:
 * events at or after `until` are not read (a change merged later is still
 * open, its later stages unvisited), and the changes kept are those in
 * progress at some time in the window: arrived before `until`, and done
 * at or after `since` or not done.  Calibration then uses the stage
 * visits that ended in the window and counts as arrivals the changes that
 * arrived in it, so that a change's long stage is neither cut off at the
 * end of the window nor lost because the change started before it.
 *
 * A change seen only in git history (a merge or squash commit: merged,
 * never opened) counts as opened when it merged, so its coding runs from
 * its first commit to the merge (and it is unknown before its merge).
 * A squash merge's one commit is authored at its merge, so its coding
 * lasts exactly 0: its coding is unobserved (orgmri_sim_coding_unobserved)
 * and it arrives at its merge; calibrate.c and des.c treat it so.  (Not
 * when the git adapter found its pull request's commits under
 * refs/pull/N/head: they are among its commits, and its coding is seen.)
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "orgmri/sim.h"

#define MS_PER_HOUR 3600000.0

/* Paths that make a change high risk (substring match on `paths`). */
static const char *const sensitive_words[] = {
	"auth", "security", "crypto", "secret", "password", "token",
	"payment", "migration", "permission",
};

/* Dictionary ids the extraction needs; ORGMRI_NONE when absent. */
typedef struct ids {
	uint32_t t_change, t_commit, t_deploy, t_incident;
	uint32_t a_authored, a_committed, a_opened, a_ready, a_requested;
	uint32_t a_approved, a_changes, a_commented, a_merged, a_closed;
	uint32_t a_pushed, a_deployed, a_incident;
	uint32_t k_team, k_env, k_add, k_del, k_files, k_paths;
} ids;

typedef struct grow_i64 {
	int64_t *v;
	size_t n, cap;
} grow_i64;

static int push_i64(grow_i64 *g, int64_t x)
{
	if (g->n == g->cap) {
		size_t c = g->cap ? g->cap * 2 : 64;
		int64_t *v = orgmri_reallocarray(g->v, c, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		g->v = v;
		g->cap = c;
	}
	g->v[g->n++] = x;
	return 0;
}

static void find_ids(const orgmri_table *t, ids *d)
{
	d->t_change = orgmri_table_type(t, "change");
	d->t_commit = orgmri_table_type(t, "commit");
	d->t_deploy = orgmri_table_type(t, "deployment");
	d->t_incident = orgmri_table_type(t, "incident");
	d->a_authored = orgmri_table_activity(t, "authored");
	d->a_committed = orgmri_table_activity(t, "committed");
	d->a_opened = orgmri_table_activity(t, "opened");
	d->a_ready = orgmri_table_activity(t, "ready_for_review");
	d->a_requested = orgmri_table_activity(t, "review_requested");
	d->a_approved = orgmri_table_activity(t, "approved");
	d->a_changes = orgmri_table_activity(t, "changes_requested");
	d->a_commented = orgmri_table_activity(t, "commented");
	d->a_merged = orgmri_table_activity(t, "merged");
	d->a_closed = orgmri_table_activity(t, "closed");
	d->a_pushed = orgmri_table_activity(t, "pushed");
	d->a_deployed = orgmri_table_activity(t, "deployed");
	d->a_incident = orgmri_table_activity(t, "incident_opened");
	d->k_team = orgmri_table_attr_key(t, "team");
	d->k_env = orgmri_table_attr_key(t, "environment");
	d->k_add = orgmri_table_attr_key(t, "additions");
	d->k_del = orgmri_table_attr_key(t, "deletions");
	d->k_files = orgmri_table_attr_key(t, "files");
	d->k_paths = orgmri_table_attr_key(t, "paths");
}

static const char *attr(const orgmri_table *t, size_t ev, uint32_t key)
{
	return key == ORGMRI_NONE ? NULL : orgmri_table_attr(t, ev, key);
}

static uint32_t attr_u32(const orgmri_table *t, size_t ev, uint32_t key)
{
	const char *v = attr(t, ev, key);
	if (!v)
		return 0;
	long long x = strtoll(v, NULL, 10);
	return x < 0 ? 0 : x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

static int team_is(const orgmri_table *t, size_t ev, const ids *d,
                   const char *team)
{
	const char *v = attr(t, ev, d->k_team);
	return v && strcmp(v, team) == 0;
}

static int is_production(const orgmri_table *t, size_t ev, const ids *d)
{
	const char *v = attr(t, ev, d->k_env);
	return !v || strcmp(v, "production") == 0 || strcmp(v, "prod") == 0;
}

/* First production `deployed` time of deployment object o, or 0. */
static int64_t deployed_at(const orgmri_table *t, uint32_t o, const ids *d)
{
	for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++)
		if (t->ev_activity[e] == d->a_deployed && is_production(t, e, d))
			return t->ev_time[e];
	return 0;
}

static int sensitive_paths(const char *paths)
{
	if (!paths)
		return 0;
	for (size_t i = 0; i < sizeof(sensitive_words) / sizeof(*sensitive_words);
	     i++)
		if (strstr(paths, sensitive_words[i]))
			return 1;
	return 0;
}

int orgmri_sim_tier(uint32_t size, uint32_t files, int sensitive)
{
	if (sensitive || size > 500)
		return ORGMRI_TIER_HIGH;
	if (size <= 100 && files <= 5)
		return ORGMRI_TIER_LOW;
	return ORGMRI_TIER_MEDIUM;
}

/* Exactly 0, not "short": a squash commit is authored when it merges, to
 * the second; a change coded for a few seconds does not exist. */
int orgmri_sim_coding_unobserved(const orgmri_sim_item *it)
{
	return it->end[ORGMRI_STAGE_CODING] != 0 &&
	       it->span[ORGMRI_STAGE_CODING] == 0;
}

/* What one change's events say, before stage intervals are formed. */
typedef struct facts {
	int64_t first_commit, opened, ready, first_review, last_review_ok;
	int64_t last_ok, sec_req, sec_ok, qa_req, qa_ok, merged, deployed;
	uint32_t opener, first_reviewer, reviewer, sec_actor, qa_actor;
	uint32_t merger, coder, deployer;
	uint32_t loops, size, files;
	int64_t rework_ms, pending_change;
	int64_t until;   /* events at or after this are not known yet */
	int closed, sensitive, own_size;
} facts;

static void change_event(const orgmri_table *t, const ids *d, size_t e,
                         facts *f)
{
	uint32_t a = t->ev_activity[e], who = t->ev_actor[e];
	int64_t ts = t->ev_time[e];
	int bot = who && t->person_bot[who];
	if (ts >= f->until)
		return;
	if (f->pending_change && (a == d->a_pushed || a == d->a_ready ||
	                          a == d->a_requested)) {
		f->rework_ms += ts - f->pending_change;
		f->pending_change = 0;
	}
	if (a == d->a_opened && !f->opened) {
		f->opened = ts;
		f->opener = who;
		f->size = attr_u32(t, e, d->k_add) + attr_u32(t, e, d->k_del);
		f->own_size = attr(t, e, d->k_add) || attr(t, e, d->k_del);
		f->files = attr_u32(t, e, d->k_files);
		f->sensitive = sensitive_paths(attr(t, e, d->k_paths));
	} else if (a == d->a_ready && !f->ready) {
		f->ready = ts;
	} else if (a == d->a_requested) {
		if (team_is(t, e, d, "security") && !f->sec_req)
			f->sec_req = ts;
		if (team_is(t, e, d, "qa") && !f->qa_req)
			f->qa_req = ts;
	} else if (a == d->a_merged && !f->merged) {
		f->merged = ts;
		f->merger = who;
	} else if (a == d->a_closed) {
		f->closed = 1;
	}
	int review = a == d->a_approved || a == d->a_changes ||
	             a == d->a_commented;
	if (review && !bot && who != f->opener && !f->first_review) {
		f->first_review = ts;
		f->first_reviewer = who;
	}
	if (a == d->a_changes && !bot) {
		f->loops++;
		f->pending_change = ts;
	}
	if (a != d->a_approved || bot)
		return;
	f->last_ok = ts;
	if (team_is(t, e, d, "security")) {
		if (f->sec_req && !f->sec_ok && ts >= f->sec_req) {
			f->sec_ok = ts;
			f->sec_actor = who;
		}
	} else if (team_is(t, e, d, "qa")) {
		if (f->qa_req && !f->qa_ok && ts >= f->qa_req) {
			f->qa_ok = ts;
			f->qa_actor = who;
		}
	} else {
		f->last_review_ok = ts;
		f->reviewer = who;
	}
}

/* A commit or deployment linked to the change (either direction). */
static void linked_object(const orgmri_table *t, const ids *d, uint32_t o,
                          facts *f, int depth);

static void each_link(const orgmri_table *t, const ids *d, uint32_t o,
                      facts *f, int depth)
{
	for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
		linked_object(t, d, t->link_dst[l], f, depth);
	for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
		linked_object(t, d, t->rlink_src[l], f, depth);
}

static void linked_object(const orgmri_table *t, const ids *d, uint32_t o,
                          facts *f, int depth)
{
	uint32_t type = t->obj_type[o];
	if (type == d->t_deploy && f->merged) {
		int64_t at = deployed_at(t, o, d);
		if (at && at >= f->merged && at < f->until &&
		    (!f->deployed || at < f->deployed)) {
			f->deployed = at;
			uint32_t e = t->obj_first[o];
			while (e < t->obj_first[o + 1] && t->ev_time[e] != at)
				e++;
			f->deployer = e < t->obj_first[o + 1] ? t->ev_actor[e] : 0;
		}
		return;
	}
	if (type != d->t_commit || depth > 0)
		return;
	int64_t authored = 0;
	for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++) {
		uint32_t a = t->ev_activity[e];
		if (a == d->a_authored || (a == d->a_committed && !authored))
			authored = t->ev_time[e];
		if (a == d->a_authored)
			break;
	}
	if (authored && authored < f->until &&
	    (!f->first_commit || authored < f->first_commit))
		f->first_commit = authored;
	/* size from the commits when the change has none */
	if (!f->own_size && authored < f->until) {
		for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++)
			if (t->ev_activity[e] == d->a_authored) {
				f->files += attr_u32(t, e, d->k_files);
				f->size += attr_u32(t, e, d->k_add) +
				           attr_u32(t, e, d->k_del);
			}
	}
	each_link(t, d, o, f, depth + 1);   /* deployments of the commit */
}

static void set_stage(orgmri_sim_item *it, int s, int64_t start,
                      int64_t end, uint32_t actor)
{
	if (!start || !end || end < start)
		return;
	it->end[s] = end;
	it->span[s] = (double)(end - start) / MS_PER_HOUR;
	it->actor[s] = actor;
}

static void build_item(const facts *f, int tracked, orgmri_sim_item *it)
{
	memset(it, 0, sizeof(*it));
	for (int s = 0; s < ORGMRI_SIM_NSTAGES; s++)
		it->span[s] = -1;
	int64_t ready = f->ready ? f->ready : f->opened;
	set_stage(it, ORGMRI_STAGE_CODING, f->first_commit, ready, f->opener);
	set_stage(it, ORGMRI_STAGE_PICKUP, ready, f->first_review,
	          f->first_reviewer);
	set_stage(it, ORGMRI_STAGE_REVIEW, f->first_review, f->last_review_ok,
	          f->reviewer);
	set_stage(it, ORGMRI_STAGE_SECURITY, f->sec_req, f->sec_ok, f->sec_actor);
	set_stage(it, ORGMRI_STAGE_QA, f->qa_req, f->qa_ok, f->qa_actor);
	int64_t mstart = f->last_ok >= ready ? f->last_ok : ready;
	set_stage(it, ORGMRI_STAGE_MERGE, mstart, f->merged, f->merger);
	set_stage(it, ORGMRI_STAGE_DEPLOY, f->merged, f->deployed, f->deployer);
	it->arrival = it->end[ORGMRI_STAGE_CODING] ? f->first_commit : ready;
	it->done = f->deployed ? f->deployed : tracked ? 0 : f->merged;
	it->rework_loops = it->end[ORGMRI_STAGE_REVIEW] ? f->loops : 0;
	it->rework_hours = (double)f->rework_ms / MS_PER_HOUR;
	it->size = f->size;
	it->files = f->files;
	it->sensitive = (uint8_t)f->sensitive;
	it->tier = (uint8_t)orgmri_sim_tier(f->size, f->files, f->sensitive);
}

/* Whether object o is a change, or a commit linked to one. */
static int change_or_its_commit(const orgmri_table *t, const ids *d,
                                uint32_t o)
{
	if (t->obj_type[o] == d->t_change)
		return 1;
	if (t->obj_type[o] != d->t_commit)
		return 0;
	for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
		if (t->obj_type[t->link_dst[l]] == d->t_change)
			return 1;
	for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
		if (t->obj_type[t->rlink_src[l]] == d->t_change)
			return 1;
	return 0;
}

/* Whether deployments of changes are recorded: some production deployment
 * before `until` is linked to a change or to a commit of one.  Then a
 * merged change not yet deployed is waiting for a deployment, not done
 * (for every change of the store, including those that no deployment
 * has shipped yet). */
static int deploys_tracked(const orgmri_table *t, const ids *d, int64_t until)
{
	for (uint32_t o = 0; o < t->nobjects; o++) {
		if (t->obj_type[o] != d->t_deploy)
			continue;
		int64_t at = deployed_at(t, o, d);
		if (!at || at >= until)
			continue;
		for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
			if (change_or_its_commit(t, d, t->link_dst[l]))
				return 1;
		for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
			if (change_or_its_commit(t, d, t->rlink_src[l]))
				return 1;
	}
	return 0;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Deployment and incident times inside [since, until). */
static int collect_times(const orgmri_table *t, const ids *d, int64_t since,
                         int64_t until, orgmri_sim_input *in)
{
	grow_i64 dep = { 0 }, inc = { 0 };
	int rc = 0;
	for (uint32_t o = 0; o < t->nobjects && !rc; o++) {
		int64_t at = 0;
		if (t->obj_type[o] == d->t_deploy) {
			at = deployed_at(t, o, d);
			if (at && at >= since && at < until)
				rc = push_i64(&dep, at);
		} else if (t->obj_type[o] == d->t_incident) {
			for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++)
				if (t->ev_activity[e] == d->a_incident) {
					at = t->ev_time[e];
					break;
				}
			if (at && at >= since && at < until)
				rc = push_i64(&inc, at);
		}
	}
	if (rc) {
		free(dep.v);
		free(inc.v);
		return rc;
	}
	if (dep.n > 1)
		qsort(dep.v, dep.n, sizeof(int64_t), cmp_i64);
	if (inc.n > 1)
		qsort(inc.v, inc.n, sizeof(int64_t), cmp_i64);
	in->deploys = dep.v;
	in->ndeploys = dep.n;
	in->incidents = inc.v;
	in->nincidents = inc.n;
	return 0;
}

int orgmri_sim_input_from_table(const orgmri_table *t, int64_t since,
                                int64_t until, orgmri_sim_input *in,
                                orgmri_error *err)
{
	ids d;
	memset(in, 0, sizeof(*in));
	find_ids(t, &d);
	int tracked = d.t_deploy != ORGMRI_NONE && d.t_change != ORGMRI_NONE &&
	              deploys_tracked(t, &d, until);
	size_t cap = 0;
	int rc = 0;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (uint32_t o = 0; o < t->nobjects && d.t_change != ORGMRI_NONE; o++) {
		if (t->obj_type[o] != d.t_change)
			continue;
		facts f;
		memset(&f, 0, sizeof(f));
		f.until = until;
		for (uint32_t e = t->obj_first[o]; e < t->obj_first[o + 1]; e++)
			change_event(t, &d, e, &f);
		if (!f.opened && f.merged)   /* seen only in git history */
			f.opened = f.merged;
		if (!f.opened || (f.closed && !f.merged))
			continue;
		each_link(t, &d, o, &f, 0);
		orgmri_sim_item it;
		build_item(&f, tracked, &it);
		if (it.arrival >= until || (it.done && it.done < since))
			continue;   /* not in progress in the window */
		if (in->nitems == cap) {
			size_t c = cap ? cap * 2 : 256;
			orgmri_sim_item *v = orgmri_reallocarray(in->items, c,
			                                         sizeof(*v));
			if (!v) {
				rc = ORGMRI_ENOMEM;
				goto done;
			}
			in->items = v;
			cap = c;
		}
		in->items[in->nitems++] = it;
		lo = it.arrival < lo ? it.arrival : lo;
		int64_t last = it.done ? it.done : it.arrival;
		hi = last > hi ? last : hi;
	}
	rc = collect_times(t, &d, since, until, in);
	if (rc)
		goto done;
	in->start = since != INT64_MIN ? since : lo;
	in->end = until != INT64_MAX ? until : hi + 1;
	if (in->nitems == 0)
		in->start = in->end = 0;
done:
	if (rc) {
		orgmri_sim_input_free(in);
		return orgmri_seterr(err, rc, "simulation input: out of memory");
	}
	return 0;
}

void orgmri_sim_input_free(orgmri_sim_input *in)
{
	if (!in)
		return;
	free(in->items);
	free(in->deploys);
	free(in->incidents);
	memset(in, 0, sizeof(*in));
}

int orgmri_sim_input_from_store(orgmri_store *store, int64_t since,
                                int64_t until, orgmri_sim_input *in,
                                orgmri_error *err)
{
	orgmri_table *t;
	memset(in, 0, sizeof(*in));
	int rc = orgmri_table_load(store, &t, err);
	if (rc)
		return rc;
	rc = orgmri_sim_input_from_table(t, since, until, in, err);
	orgmri_table_free(t);
	return rc;
}
