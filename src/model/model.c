/*
 * model.c - stage intervals per work item (the value-stream model).
 *
 * One pass resolves the deployments (environment, outcome, chain of
 * successful deployments per repository and environment), then one pass
 * per work item evaluates every stage's two selectors over the item's
 * contiguous slice of the event table (and over its contained commits or
 * its first production deployment when a selector says @commits or
 * @deploy).  A stage gets a value only when both ends matched and the end
 * is not before the start; a negative span is recorded as a data error.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "model/internal.h"
#include "model/selector.h"
#include "orgmri/model.h"

typedef struct model_internal {
	orgmri_arena arena;
	selector *starts, *ends;      /* compiled, per stage */
	uint32_t *obj_deployment;     /* object -> deployment index */
	uint8_t *obj_ai;              /* object -> AI-assisted marker */
	const char **person_team;     /* person -> team or NULL */
	char production[256];
	int require_previous;
	const char *ai_changes;       /* borrowed from the options */
	int64_t ai_since, ai_until;
	uint32_t rel_contains, rel_deploys, rel_implements, rel_reverts,
	         rel_belongs;
	/* commits of object o: cm[cm_first[o] .. cm_first[o + 1]), from
	 * o -contains-> c and c -belongs_to-> o alike */
	uint32_t *cm_first, *cm;
	uint32_t type_deployment, type_change, type_commit;
} model_internal;

/* Activities and attribute keys the model reads, resolved once. */
typedef struct ids {
	uint32_t deployed, deploy_started, deploy_failed, rolled_back;
	uint32_t opened, created, merged, closed, reopened, resolved,
	         status_changed, authored;
	uint32_t k_env, k_repo, k_team, k_ai, k_labels, k_hotfix, k_planned,
	         k_category;
} ids;

static void resolve_ids(const orgmri_table *t, ids *d)
{
	d->deployed = orgmri_table_activity(t, "deployed");
	d->deploy_started = orgmri_table_activity(t, "deploy_started");
	d->deploy_failed = orgmri_table_activity(t, "deploy_failed");
	d->rolled_back = orgmri_table_activity(t, "rolled_back");
	d->opened = orgmri_table_activity(t, "opened");
	d->created = orgmri_table_activity(t, "created");
	d->merged = orgmri_table_activity(t, "merged");
	d->closed = orgmri_table_activity(t, "closed");
	d->reopened = orgmri_table_activity(t, "reopened");
	d->resolved = orgmri_table_activity(t, "resolved");
	d->status_changed = orgmri_table_activity(t, "status_changed");
	d->authored = orgmri_table_activity(t, "authored");
	d->k_env = orgmri_table_attr_key(t, "environment");
	d->k_repo = orgmri_table_attr_key(t, "repo");
	d->k_team = orgmri_table_attr_key(t, "team");
	d->k_ai = orgmri_table_attr_key(t, "ai_assisted");
	d->k_labels = orgmri_table_attr_key(t, "labels");
	d->k_hotfix = orgmri_table_attr_key(t, "hotfix");
	d->k_planned = orgmri_table_attr_key(t, "planned");
	d->k_category = orgmri_table_attr_key(t, "category");
}

/* Does the comma-separated `list` hold `word` (case-insensitive)? */
static int list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; p && *p;) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t l = strcspn(p, ",");
		size_t e = l;
		while (e > 0 && p[e - 1] == ' ')
			e--;
		if (e == wl && e > 0 && strncasecmp(p, word, wl) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* Does any label in the comma-separated `labels` contain `needle`? */
static int labels_contain(const char *labels, const char *needle)
{
	return labels && strcasestr(labels, needle) != NULL;
}

int orgmri_model_is_production(const orgmri_model *m, const char *env)
{
	const model_internal *in = m->internal;
	return !env || !env[0] || list_has(in->production, env);
}

/* First value of attribute `key` over the events of object o. */
static const char *object_attr(const orgmri_table *t, uint32_t o,
                               uint32_t key)
{
	if (key == ORGMRI_NONE)
		return NULL;
	for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++) {
		const char *v = orgmri_table_attr(t, ev, key);
		if (v)
			return v;
	}
	return NULL;
}

int64_t model_first_time(const orgmri_table *t, uint32_t o, uint32_t act)
{
	if (act == ORGMRI_NONE)
		return ORGMRI_NO_TIME;
	for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++)
		if (t->ev_activity[ev] == act)
			return t->ev_time[ev];
	return ORGMRI_NO_TIME;
}

static int64_t last_of(const orgmri_table *t, uint32_t o, uint32_t act)
{
	if (act == ORGMRI_NONE)
		return ORGMRI_NO_TIME;
	for (size_t ev = t->obj_first[o + 1]; ev > t->obj_first[o]; ev--)
		if (t->ev_activity[ev - 1] == act)
			return t->ev_time[ev - 1];
	return ORGMRI_NO_TIME;
}

/* The commit lists per object (CSR), so that adapters may link a change
 * to its commits from either side. */
static int build_commits(const orgmri_table *t, model_internal *in)
{
	in->cm_first = calloc(t->nobjects + 1, sizeof(uint32_t));
	if (!in->cm_first)
		return ORGMRI_ENOMEM;
	for (size_t pass = 0; pass < 2; pass++) {
		size_t n = 0;
		for (size_t o = 0; o < t->nobjects; o++) {
			if (pass == 0)
				in->cm_first[o] = (uint32_t)n;
			for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
				if (t->link_rel[l] == in->rel_contains) {
					if (pass == 1)
						in->cm[n] = t->link_dst[l];
					n++;
				}
			for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
				if (t->rlink_rel[l] == in->rel_belongs) {
					if (pass == 1)
						in->cm[n] = t->rlink_src[l];
					n++;
				}
		}
		if (pass == 0) {
			in->cm_first[t->nobjects] = (uint32_t)n;
			in->cm = malloc((n ? n : 1) * sizeof(uint32_t));
			if (!in->cm)
				return ORGMRI_ENOMEM;
		}
	}
	return 0;
}

/* ---- teams and the AI marker ------------------------------------------ */

typedef struct team_ctx {
	const orgmri_table *t;
	model_internal *in;
} team_ctx;

/* team.<NAME>.member = PERSON */
static int add_member(const char *name, const char *value, void *vctx)
{
	team_ctx *c = vctx;
	const char *team = name + 5, *dot = strrchr(team, '.');
	if (!dot || strcasecmp(dot + 1, "member") != 0 || dot == team)
		return 0;
	for (size_t p = 1; p < c->t->npeople; p++)
		if (strcmp(c->t->person_names[p], value) == 0) {
			c->in->person_team[p] = orgmri_arena_strndup(
				&c->in->arena, team, (size_t)(dot - team));
			if (!c->in->person_team[p])
				return ORGMRI_ENOMEM;
		}
	return 0;
}

typedef struct repo_team_ctx {
	const char *repo;
	char team[64];
} repo_team_ctx;

/* team.<NAME>.repo = REPO */
static int find_repo_team(const char *name, const char *value, void *vctx)
{
	repo_team_ctx *c = vctx;
	const char *team = name + 5, *dot = strrchr(team, '.');
	if (!dot || strcasecmp(dot + 1, "repo") != 0 || dot == team ||
	    strcmp(value, c->repo) != 0)
		return 0;
	size_t l = (size_t)(dot - team);
	if (l >= sizeof(c->team))
		l = sizeof(c->team) - 1;
	memcpy(c->team, team, l);
	c->team[l] = '\0';
	return 1;
}

static const char *repo_team(orgmri_model *m, const orgmri_config *cfg,
                             const char *repo)
{
	model_internal *in = m->internal;
	if (!cfg || !repo || !repo[0])
		return NULL;
	repo_team_ctx c = { repo, "" };
	if (orgmri_config_each_prefix(cfg, "team.", find_repo_team, &c) != 1)
		return NULL;
	return orgmri_arena_strdup(&in->arena, c.team);
}

const char *orgmri_model_person_team(const orgmri_model *m, uint32_t person)
{
	const model_internal *in = m->internal;
	return person < m->table->npeople ? in->person_team[person] : NULL;
}

/* An object is AI-assisted when an event of it says ai_assisted=true,
 * carries one of the AI labels, or was done by a listed AI author. */
static void mark_ai(const orgmri_table *t, model_internal *in, const ids *d,
                    const char *labels, const char *authors)
{
	for (size_t o = 0; o < t->nobjects; o++)
		for (size_t ev = t->obj_first[o]; ev < t->obj_first[o + 1]; ev++) {
			const char *v = orgmri_table_attr(t, ev, d->k_ai);
			const char *l = orgmri_table_attr(t, ev, d->k_labels);
			int hit = v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0);
			for (const char *p = labels; !hit && l && p && *p;) {
				size_t n = strcspn(p, ",");
				char one[64];
				if (n > 0 && n < sizeof(one)) {
					memcpy(one, p, n);
					one[n] = '\0';
					hit = list_has(l, one);
				}
				p += n + (p[n] == ',');
			}
			if (!hit && authors && t->ev_actor[ev])
				hit = list_has(authors, t->person_names[t->ev_actor[ev]]);
			if (hit) {
				in->obj_ai[o] = 1;
				break;
			}
		}
}

/* ---- deployments ------------------------------------------------------ */

static int cmp_deploy(const void *a, const void *b)
{
	const orgmri_deployment *x = a, *y = b;
	int64_t tx = x->finished != ORGMRI_NO_TIME ? x->finished : x->started;
	int64_t ty = y->finished != ORGMRI_NO_TIME ? y->finished : y->started;
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x->object < y->object ? -1 : x->object > y->object;
}

/* Is object o (a change or commit) a hotfix or a revert?  Hotfix: a label
 * containing "hotfix"; revert: o reverts something. */
static int is_fix(const orgmri_table *t, const model_internal *in,
                  const ids *d, uint32_t o)
{
	for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
		if (t->link_rel[l] == in->rel_reverts)
			return 1;
	return labels_contain(object_attr(t, o, d->k_labels), "hotfix");
}

/* Visit what deployment object o ships: linked commits and changes, and
 * the commits contained in linked changes. */
typedef int (*ship_fn)(uint32_t shipped, void *ctx);

static int each_shipped(const orgmri_table *t, const model_internal *in,
                        uint32_t o, ship_fn fn, void *ctx)
{
	for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++) {
		if (t->link_rel[l] != in->rel_deploys)
			continue;
		uint32_t x = t->link_dst[l];
		if (fn(x, ctx))
			return 1;
		for (uint32_t k = in->cm_first[x]; k < in->cm_first[x + 1]; k++)
			if (fn(in->cm[k], ctx))
				return 1;
	}
	return 0;
}

typedef struct ship_ctx {
	const orgmri_table *t;
	const model_internal *in;
	const ids *d;
} ship_ctx;

static int shipped_fix(uint32_t x, void *vctx)
{
	ship_ctx *c = vctx;
	return is_fix(c->t, c->in, c->d, x);
}

static int shipped_ai(uint32_t x, void *vctx)
{
	ship_ctx *c = vctx;
	return c->in->obj_ai[x];
}

static int truthy(const char *v)
{
	return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
	             strcasecmp(v, "yes") == 0);
}

static int build_deployments(orgmri_model *m, const ids *d,
                             const orgmri_config *cfg, orgmri_error *err)
{
	const orgmri_table *t = m->table;
	model_internal *in = m->internal;
	size_t n = 0;
	for (size_t o = 0; o < t->nobjects; o++)
		n += t->obj_type[o] == in->type_deployment;
	m->deployments = calloc(n ? n : 1, sizeof(*m->deployments));
	if (!m->deployments)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	ship_ctx sc = { t, in, d };
	for (size_t o = 0; o < t->nobjects; o++) {
		if (t->obj_type[o] != in->type_deployment)
			continue;
		orgmri_deployment *dp = &m->deployments[m->ndeployments++];
		dp->object = (uint32_t)o;
		dp->started = model_first_time(t, (uint32_t)o, d->deploy_started);
		dp->finished = model_first_time(t, (uint32_t)o, d->deployed);
		dp->failed = model_first_time(t, (uint32_t)o, d->deploy_failed);
		dp->rolled_back = model_first_time(t, (uint32_t)o, d->rolled_back);
		dp->success = dp->finished != ORGMRI_NO_TIME;
		const char *env = object_attr(t, (uint32_t)o, d->k_env);
		const char *repo = object_attr(t, (uint32_t)o, d->k_repo);
		dp->environment = env ? env : "";
		dp->repo = repo ? repo : "";
		dp->production = orgmri_model_is_production(m, dp->environment);
		const char *team = object_attr(t, (uint32_t)o, d->k_team);
		dp->team = team ? team : repo_team(m, cfg, dp->repo);
		dp->hotfix = truthy(object_attr(t, (uint32_t)o, d->k_hotfix)) ||
		             (object_attr(t, (uint32_t)o, d->k_planned) &&
		              !truthy(object_attr(t, (uint32_t)o, d->k_planned))) ||
		             each_shipped(t, in, (uint32_t)o, shipped_fix, &sc);
		dp->ai = each_shipped(t, in, (uint32_t)o, shipped_ai, &sc);
		dp->prev = ORGMRI_NONE;
	}
	qsort(m->deployments, m->ndeployments, sizeof(*m->deployments),
	      cmp_deploy);
	/* chain: previous successful deployment of the same repo and
	 * environment (quadratic only in the number of distinct chains kept
	 * open, found by a backwards scan bounded by the last hit) */
	uint32_t *last = malloc((m->ndeployments ? m->ndeployments : 1) *
	                        sizeof(*last));
	size_t nlast = 0;
	if (!last)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	for (size_t i = 0; i < m->ndeployments; i++) {
		orgmri_deployment *dp = &m->deployments[i];
		in->obj_deployment[dp->object] = (uint32_t)i;
		if (!dp->success)
			continue;
		size_t k;
		for (k = 0; k < nlast; k++) {
			const orgmri_deployment *q = &m->deployments[last[k]];
			if (strcmp(q->repo, dp->repo) == 0 &&
			    strcasecmp(q->environment, dp->environment) == 0)
				break;
		}
		if (k < nlast) {
			dp->prev = last[k];
			last[k] = (uint32_t)i;
		} else {
			last[nlast++] = (uint32_t)i;
		}
	}
	free(last);
	return 0;
}

/* ---- items ------------------------------------------------------------ */

/* The first production deployment shipping object o: o itself, its
 * commits, the changes containing it (o a commit), and for an issue the
 * changes implementing it and their commits. */
typedef struct deploy_search {
	const orgmri_model *m;
	int require_previous;
	uint32_t best;
} deploy_search;

static void consider_deploys(deploy_search *s, uint32_t x)
{
	const orgmri_table *t = s->m->table;
	const model_internal *in = s->m->internal;
	for (uint32_t l = t->rlink_first[x]; l < t->rlink_first[x + 1]; l++) {
		if (t->rlink_rel[l] != in->rel_deploys)
			continue;
		uint32_t di = in->obj_deployment[t->rlink_src[l]];
		if (di == ORGMRI_NONE)
			continue;
		const orgmri_deployment *dp = &s->m->deployments[di];
		if (!dp->success || !dp->production ||
		    (s->require_previous && dp->prev == ORGMRI_NONE))
			continue;
		if (s->best == ORGMRI_NONE || di < s->best)  /* sorted by time */
			s->best = di;
	}
}

static void consider_with_commits(deploy_search *s, uint32_t x)
{
	const model_internal *in = s->m->internal;
	consider_deploys(s, x);
	for (uint32_t k = in->cm_first[x]; k < in->cm_first[x + 1]; k++)
		consider_deploys(s, in->cm[k]);
}

static uint32_t first_deployment(const orgmri_model *m, uint32_t o,
                                 int require_previous)
{
	const orgmri_table *t = m->table;
	const model_internal *in = m->internal;
	deploy_search s = { m, require_previous, ORGMRI_NONE };
	consider_with_commits(&s, o);
	/* a commit also ships with the change that contains it */
	for (uint32_t l = t->link_first[o]; l < t->link_first[o + 1]; l++)
		if (t->link_rel[l] == in->rel_belongs)
			consider_deploys(&s, t->link_dst[l]);
	for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
		if (t->rlink_rel[l] == in->rel_contains)
			consider_deploys(&s, t->rlink_src[l]);
	for (uint32_t l = t->rlink_first[o]; l < t->rlink_first[o + 1]; l++)
		if (t->rlink_rel[l] == in->rel_implements)
			consider_with_commits(&s, t->rlink_src[l]);
	return s.best;
}

/* The selected time over the item, its commits, or its deployment. */
static int64_t eval_selector(const orgmri_model *m, const selector *s,
                             size_t item)
{
	const orgmri_table *t = m->table;
	const model_internal *in = m->internal;
	uint32_t o = m->item[item];
	if (s->via == VIA_SELF)
		return selector_match(s, t, t->obj_first[o], t->obj_first[o + 1],
		                      m->item_author[item]);
	if (s->via == VIA_DEPLOY) {
		uint32_t di = m->item_deployment[item];
		if (di == ORGMRI_NONE)
			return ORGMRI_NO_TIME;
		const orgmri_deployment *dp = &m->deployments[di];
		const char *act = s->alts[0].terms[0].activity;
		return strcmp(act, "deploy_started") == 0 ? dp->started
		                                          : dp->finished;
	}
	int64_t best = ORGMRI_NO_TIME;
	for (uint32_t k = in->cm_first[o]; k < in->cm_first[o + 1]; k++) {
		uint32_t c = in->cm[k];
		int64_t v = selector_match(s, t, t->obj_first[c], t->obj_first[c + 1],
		                           0);
		if (v == ORGMRI_NO_TIME)
			continue;
		if (best == ORGMRI_NO_TIME || (s->last ? v > best : v < best))
			best = v;
	}
	return best;
}

static void item_facts(orgmri_model *m, size_t i, const ids *d,
                       const orgmri_config *cfg, int require_previous)
{
	const orgmri_table *t = m->table;
	model_internal *in = m->internal;
	uint32_t o = m->item[i];
	size_t lo = t->obj_first[o], hi = t->obj_first[o + 1];
	m->item_created[i] = lo < hi ? t->ev_time[lo] : ORGMRI_NO_TIME;
	uint32_t start_act = d->opened != ORGMRI_NONE ? d->opened : d->created;
	/* the author is whoever opened (created) the item; when no such
	 * event exists, whoever did its first event */
	uint32_t author = lo < hi ? t->ev_actor[lo] : 0;
	for (size_t ev = lo; ev < hi; ev++)
		if (t->ev_activity[ev] == start_act ||
		    t->ev_activity[ev] == d->created) {
			author = t->ev_actor[ev];
			break;
		}
	m->item_author[i] = author;
	/* done: merged; else resolved; else closed unless reopened later */
	int64_t done = model_first_time(t, o, d->merged);
	if (done == ORGMRI_NO_TIME)
		done = model_first_time(t, o, d->resolved);
	if (done == ORGMRI_NO_TIME) {
		int64_t closed = last_of(t, o, d->closed);
		int64_t reopened = last_of(t, o, d->reopened);
		if (closed != ORGMRI_NO_TIME &&
		    (reopened == ORGMRI_NO_TIME || reopened <= closed))
			done = closed;
	}
	m->item_done[i] = done;
	const char *repo = object_attr(t, o, d->k_repo);
	if (!repo) {
		/* "change:owner/repo#12" -> "owner/repo" */
		const char *key = strchr(orgmri_table_object_key(t, o), ':');
		const char *hash = key ? strchr(key, '#') : NULL;
		repo = hash ? orgmri_arena_strndup(&in->arena, key + 1,
		                                   (size_t)(hash - key - 1))
		            : "";
		if (!repo)
			repo = "";
	}
	m->item_repo[i] = repo;
	const char *team = in->person_team[author];
	m->item_team[i] = team ? team : repo_team(m, cfg, repo);
	uint8_t ai = in->obj_ai[o] ||
	             (in->ai_changes && list_has(in->ai_changes, orgmri_table_object_key(t, o))) ||
	             (m->item_created[i] != ORGMRI_NO_TIME &&
	              m->item_created[i] >= in->ai_since &&
	              m->item_created[i] < in->ai_until);
	for (uint32_t k = in->cm_first[o]; !ai && k < in->cm_first[o + 1]; k++)
		ai = in->obj_ai[in->cm[k]];
	m->item_ai[i] = ai;
	m->item_deployment[i] = first_deployment(m, o, require_previous);
	m->item_deployed[i] = m->item_deployment[i] == ORGMRI_NONE
		? ORGMRI_NO_TIME : m->deployments[m->item_deployment[i]].finished;
}

static int add_error(orgmri_model *m, size_t *cap, uint32_t item,
                     uint32_t stage, int64_t start, int64_t end)
{
	if (m->nerrors == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		orgmri_model_error *e = orgmri_reallocarray(m->errors, c,
		                                            sizeof(*e));
		if (!e)
			return ORGMRI_ENOMEM;
		m->errors = e;
		*cap = c;
	}
	m->errors[m->nerrors++] = (orgmri_model_error){ item, stage, start, end };
	return 0;
}

static int alloc_arrays(orgmri_model *m, size_t nobjects, size_t npeople)
{
	model_internal *in = m->internal;
	size_t n = m->nitems ? m->nitems : 1;
	size_t cells = n * (m->nstages ? m->nstages : 1);
	m->item = calloc(n, sizeof(*m->item));
	m->item_created = calloc(n, sizeof(int64_t));
	m->item_done = calloc(n, sizeof(int64_t));
	m->item_deployed = calloc(n, sizeof(int64_t));
	m->item_deployment = calloc(n, sizeof(uint32_t));
	m->item_author = calloc(n, sizeof(uint32_t));
	m->item_repo = calloc(n, sizeof(char *));
	m->item_team = calloc(n, sizeof(char *));
	m->item_ai = calloc(n, 1);
	m->start = calloc(cells, sizeof(int64_t));
	m->end = calloc(cells, sizeof(int64_t));
	m->state = calloc(cells, 1);
	in->starts = calloc(m->nstages ? m->nstages : 1, sizeof(selector));
	in->ends = calloc(m->nstages ? m->nstages : 1, sizeof(selector));
	in->obj_deployment = malloc((nobjects ? nobjects : 1) * sizeof(uint32_t));
	in->obj_ai = calloc(nobjects ? nobjects : 1, 1);
	in->person_team = calloc(npeople ? npeople : 1, sizeof(char *));
	if (!m->item || !m->item_created || !m->item_done || !m->item_deployed ||
	    !m->item_deployment || !m->item_author || !m->item_repo ||
	    !m->item_team || !m->item_ai || !m->start || !m->end || !m->state ||
	    !in->starts || !in->ends || !in->obj_deployment || !in->obj_ai ||
	    !in->person_team)
		return ORGMRI_ENOMEM;
	for (size_t o = 0; o < nobjects; o++)
		in->obj_deployment[o] = ORGMRI_NONE;
	return 0;
}

static int compile_stream(orgmri_model *m, orgmri_error *err)
{
	model_internal *in = m->internal;
	for (size_t s = 0; s < m->nstages; s++) {
		const orgmri_stage_def *d = &m->stream.stages[s];
		int rc = selector_parse(d->start, &in->starts[s], err);
		if (!rc)
			rc = selector_parse(d->end, &in->ends[s], err);
		if (rc) {
			orgmri_err_prefix(err, "stage %s", d->name);
			return rc;
		}
		selector_resolve(&in->starts[s], m->table);
		selector_resolve(&in->ends[s], m->table);
	}
	return 0;
}

/* The start, end and state of every (item, stage) cell of items
 * [lo, hi): reads only the table and per-item facts, writes only those
 * items' cells, so two ranges can be filled at the same time. */
static void fill_cells(orgmri_model *m, size_t lo, size_t hi)
{
	model_internal *in = m->internal;
	for (size_t i = lo; i < hi; i++)
		for (size_t s = 0; s < m->nstages; s++) {
			size_t c = i * m->nstages + s;
			int64_t a = eval_selector(m, &in->starts[s], i);
			int64_t b = eval_selector(m, &in->ends[s], i);
			m->start[c] = a;
			m->end[c] = b;
			if (a == ORGMRI_NO_TIME)
				m->state[c] = ORGMRI_SPAN_NONE;
			else if (b == ORGMRI_NO_TIME)
				m->state[c] = m->item_done[i] == ORGMRI_NO_TIME
					? ORGMRI_SPAN_OPEN : ORGMRI_SPAN_NONE;
			else if (b < a)
				m->state[c] = ORGMRI_SPAN_NEGATIVE;
			else
				m->state[c] = ORGMRI_SPAN_OK;
		}
}

typedef struct {
	orgmri_model *m;
	size_t lo, hi;
} cell_range;

static void *fill_cells_thread(void *arg)
{
	cell_range *r = arg;
	fill_cells(r->m, r->lo, r->hi);
	return NULL;
}

/* Below this many items a second thread costs more than it saves (the
 * oracle tests, a few hundred items, still take the threaded path). */
enum { CELLS_PARALLEL_MIN = 256 };

/* Every cell, the second half of the items on a second thread (the
 * profiled hot spot over 10M events: selector evaluation), then the
 * negative spans listed in (item, stage) order by one serial pass, so the
 * result is the same whether or not the thread could be started. */
static int compute_cells(orgmri_model *m)
{
	size_t half = m->nitems / 2;
	pthread_t th;
	cell_range second = { m, half, m->nitems };
	int threaded = m->nitems >= CELLS_PARALLEL_MIN &&
	               pthread_create(&th, NULL, fill_cells_thread, &second) == 0;
	fill_cells(m, 0, threaded ? half : m->nitems);
	if (threaded)
		pthread_join(th, NULL);
	size_t cap = 0;
	for (size_t i = 0; i < m->nitems; i++)
		for (size_t s = 0; s < m->nstages; s++) {
			size_t c = i * m->nstages + s;
			if (m->state[c] == ORGMRI_SPAN_NEGATIVE &&
			    add_error(m, &cap, (uint32_t)i, (uint32_t)s, m->start[c],
			              m->end[c]))
				return ORGMRI_ENOMEM;
		}
	return 0;
}

int orgmri_model_compute(const orgmri_table *t, const orgmri_stream *stream,
                         const orgmri_model_options *opts, orgmri_model **out,
                         orgmri_error *err)
{
	orgmri_model_options defaults = ORGMRI_MODEL_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	*out = NULL;
	if (stream->nstages > ORGMRI_STREAM_MAX_STAGES)
		return orgmri_seterr(err, ORGMRI_EINVAL, "too many stages");
	orgmri_model *m = calloc(1, sizeof(*m));
	model_internal *in = calloc(1, sizeof(*in));
	int rc = 0;
	if (!m || !in) {
		free(m);
		free(in);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	orgmri_arena_init(&in->arena, 1 << 16);
	m->internal = in;
	m->table = t;
	m->stream = *stream;
	m->nstages = stream->nstages;
	snprintf(in->production, sizeof(in->production), "%s",
	         opts->production ? opts->production : "production,prod");
	in->require_previous = opts->require_previous;
	in->ai_changes = opts->ai_changes;
	in->ai_since = opts->ai_since;
	in->ai_until = opts->ai_until;
	in->rel_contains = orgmri_table_relation(t, "contains");
	in->rel_deploys = orgmri_table_relation(t, "deploys");
	in->rel_implements = orgmri_table_relation(t, "implements");
	in->rel_reverts = orgmri_table_relation(t, "reverts");
	in->rel_belongs = orgmri_table_relation(t, "belongs_to");
	in->type_deployment = orgmri_table_type(t, "deployment");
	uint32_t item_type = orgmri_table_type(t, stream->object_type);
	for (size_t o = 0; o < t->nobjects; o++)
		m->nitems += item_type != ORGMRI_NONE && t->obj_type[o] == item_type;
	ids d;
	resolve_ids(t, &d);
	if (alloc_arrays(m, t->nobjects, t->npeople)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = compile_stream(m, err)))
		goto done;
	if (build_commits(t, in)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	team_ctx tc = { t, in };
	if (opts->config &&
	    orgmri_config_each_prefix(opts->config, "team.", add_member, &tc)) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	mark_ai(t, in, &d, opts->ai_labels ? opts->ai_labels : "ai-assisted",
	        opts->ai_authors);
	if ((rc = build_deployments(m, &d, opts->config, err)))
		goto done;
	size_t i = 0;
	for (size_t o = 0; o < t->nobjects; o++)
		if (item_type != ORGMRI_NONE && t->obj_type[o] == item_type)
			m->item[i++] = (uint32_t)o;
	for (i = 0; i < m->nitems; i++)
		item_facts(m, i, &d, opts->config, opts->require_previous);
	if (compute_cells(m))
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
done:
	if (rc)
		orgmri_model_free(m);
	else
		*out = m;
	return rc;
}

void orgmri_model_free(orgmri_model *m)
{
	if (!m)
		return;
	model_internal *in = m->internal;
	if (in) {
		free(in->starts);
		free(in->ends);
		free(in->obj_deployment);
		free(in->obj_ai);
		free(in->person_team);
		free(in->cm_first);
		free(in->cm);
		orgmri_arena_free(&in->arena);
		free(in);
	}
	free(m->item);
	free(m->item_created);
	free(m->item_done);
	free(m->item_deployed);
	free(m->item_deployment);
	free(m->item_author);
	free(m->item_repo);
	free(m->item_team);
	free(m->item_ai);
	free(m->start);
	free(m->end);
	free(m->state);
	free(m->errors);
	free(m->deployments);
	free(m);
}

int orgmri_model_span(const orgmri_model *m, size_t item, size_t stage,
                      int64_t *ms)
{
	size_t c = item * m->nstages + stage;
	if (m->state[c] != ORGMRI_SPAN_OK)
		return 0;
	*ms = m->end[c] - m->start[c];
	return 1;
}

uint32_t orgmri_model_stage(const orgmri_model *m, const char *name)
{
	for (size_t s = 0; s < m->nstages; s++)
		if (strcmp(m->stream.stages[s].name, name) == 0)
			return (uint32_t)s;
	return ORGMRI_NONE;
}

int orgmri_selector_eval(const orgmri_table *t, const orgmri_model *m,
                         const char *text, uint32_t obj, int64_t *out,
                         orgmri_error *err)
{
	selector s;
	int rc = selector_parse(text, &s, err);
	if (rc)
		return rc;
	*out = ORGMRI_NO_TIME;
	if (obj >= t->nobjects)
		return orgmri_seterr(err, ORGMRI_EINVAL, "no such object");
	selector_resolve(&s, t);
	if (s.via == VIA_SELF) {
		*out = selector_match(&s, t, t->obj_first[obj], t->obj_first[obj + 1],
		                      0);
		return 0;
	}
	if (!m || m->table != t)
		return orgmri_seterr(err, ORGMRI_EINVAL,
		                     "\"%s\" needs a model of this table", text);
	for (size_t i = 0; i < m->nitems; i++)
		if (m->item[i] == obj) {
			*out = eval_selector(m, &s, i);
			return 0;
		}
	return orgmri_seterr(err, ORGMRI_ENOTFOUND,
	                     "object is not a work item of the model");
}

uint32_t model_first_deployment(const orgmri_model *m, uint32_t obj)
{
	const model_internal *in = m->internal;
	return first_deployment(m, obj, in->require_previous);
}

uint32_t model_deployment_of(const orgmri_model *m, uint32_t obj)
{
	const model_internal *in = m->internal;
	return obj < m->table->nobjects ? in->obj_deployment[obj] : ORGMRI_NONE;
}

int model_object_ai(const orgmri_model *m, uint32_t obj)
{
	const model_internal *in = m->internal;
	return obj < m->table->nobjects && in->obj_ai[obj];
}

uint32_t model_rel(const orgmri_model *m, const char *name)
{
	return orgmri_table_relation(m->table, name);
}

size_t model_commits(const orgmri_model *m, uint32_t obj,
                     const uint32_t **list)
{
	const model_internal *in = m->internal;
	*list = in->cm + in->cm_first[obj];
	return in->cm_first[obj + 1] - in->cm_first[obj];
}
