/*
 * platform_deploys.c - the commits a deployment shipped, by commit-graph
 * difference (docs/platforms.md, "Deployments and the commits they
 * shipped").
 *
 * A GitHub or GitLab deployment names one commit, the SHA it deployed.
 * What it shipped is every commit reachable from that SHA and not from
 * the SHA of the previous successful deployment of the same repository
 * and environment: `git rev-list PREV..CUR`, as Apache DevLake's refdiff
 * computes its commits_diffs.  The store keeps only a commit's parent
 * count, not its parents, so the graph is read from the repository
 * itself: a local clone named in the configuration,
 *
 *     [repo "OWNER/REPO"]
 *         path = /src/repo
 *
 * (the same name the git adapter and the platform adapters use in keys),
 * else the repository the git adapter last ingested under that name into
 * this store (it records its absolute path in the meta key
 * `git:OWNER/REPO:path`), so ingesting the history first is enough.
 *
 * How: the adapter's sink is wrapped for the run.  A `deployed` event of a
 * `deployment:` object whose related objects include `commit:REPO@SHA`,
 * REPO having a path configured, is held back (copied); every other event
 * passes straight through.  When the adapter is done, the held events are
 * ordered by repository, environment (attribute `environment`) and time;
 * each but the first of its group gets the commits of PREV..CUR added to
 * its related objects (links "deploys") and the attributes `commits`
 * (how many) and `previous_sha`, then all are sent on.  The first
 * deployment of a group takes as predecessor the last one an earlier run
 * into the same store saw (kept in the store's meta table: stored_prev,
 * store_last) when that is older; else it has none and keeps only its own
 * SHA (DevLake likewise gives the first deployment no difference).  A
 * SHA the clone does not have leaves that deployment with its own SHA
 * only, and is counted in one warning.  Without a path (configured or
 * recorded) nothing is held and the events are as the adapter made them.
 */
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/platform.h"
#include "orgmri/config.h"
#include "orgmri/store.h"

/* Most commits added to one deployment (a first deployment after years
 * of history must not make one event of millions of links). */
#define DEPLOY_MAX_COMMITS 100000

typedef struct held {
	orgmri_event ev;
	const char *repo, *env, *sha;
	const char *path;             /* the clone, from the configuration */
	size_t seq;                   /* arrival order, for a stable sort */
} held;

static int held_cmp(const void *a, const void *b)
{
	const held *x = a, *y = b;
	int c = strcmp(x->repo, y->repo);
	if (!c)
		c = strcmp(x->env, y->env);
	if (!c)
		c = (x->ev.time > y->ev.time) - (x->ev.time < y->ev.time);
	if (!c)
		c = strcmp(x->ev.object, y->ev.object);
	if (!c)
		c = (x->seq > y->seq) - (x->seq < y->seq);
	return c;
}

static const char *attr_value(const orgmri_event *ev, const char *name)
{
	const orgmri_attr *a = orgmri_event_attr(ev, name);
	return a ? a->value : NULL;
}

/* The first related commit:REPO@SHA, split; 0 if none. */
static int deployed_commit(const orgmri_event *ev, const char **key,
                           size_t *repo_len)
{
	static const char pre[] = "commit:";
	for (size_t i = 0; i < ev->nrelated; i++) {
		const char *r = ev->related[i];
		const char *at = strrchr(r, '@');
		if (strncmp(r, pre, sizeof(pre) - 1) == 0 && at &&
		    at > r + sizeof(pre) - 1 && at[1]) {
			*key = r;
			*repo_len = (size_t)(at - r) - (sizeof(pre) - 1);
			return 1;
		}
	}
	return 0;
}

/* A deep copy of ev into the arena: 0, or ORGMRI_ENOMEM. */
static int copy_event(orgmri_arena *a, const orgmri_event *ev,
                      orgmri_event *out)
{
	*out = *ev;
	out->object = orgmri_arena_strdup(a, ev->object);
	out->activity = orgmri_arena_strdup(a, ev->activity);
	out->actor = ev->actor ? orgmri_arena_strdup(a, ev->actor) : NULL;
	out->discriminator = ev->discriminator ?
		orgmri_arena_strdup(a, ev->discriminator) : NULL;
	const char **rel = orgmri_arena_alloc(a, (ev->nrelated + 1) *
	                                         sizeof(*rel));
	orgmri_attr *at = orgmri_arena_alloc(a, (ev->nattrs + 1) *
	                                        sizeof(*at));
	if (!out->object || !out->activity || (ev->actor && !out->actor) ||
	    (ev->discriminator && !out->discriminator) || !rel || !at)
		return ORGMRI_ENOMEM;
	for (size_t i = 0; i < ev->nrelated; i++)
		if (!(rel[i] = orgmri_arena_strdup(a, ev->related[i])))
			return ORGMRI_ENOMEM;
	for (size_t i = 0; i < ev->nattrs; i++) {
		const orgmri_attr *src = &ev->attrs[i];
		at[i] = *src;
		at[i].name = orgmri_arena_strdup(a, src->name);
		at[i].value = src->value ? orgmri_arena_strdup(a, src->value) : NULL;
		if (!at[i].name || (src->value && !at[i].value))
			return ORGMRI_ENOMEM;
	}
	out->related = rel;
	out->attrs = at;
	return 0;
}

static int hold_event(orgmri_sink *s, const orgmri_event *ev,
                      orgmri_error *err)
{
	plat_deploys *d = (plat_deploys *)s;
	const char *key;
	size_t rlen;
	size_t tl = orgmri_object_type_len(ev->object);
	if (tl != 10 || strncmp(ev->object, "deployment", 10) != 0 ||
	    strcmp(ev->activity, "deployed") != 0 ||
	    !deployed_commit(ev, &key, &rlen))
		return d->inner->event(d->inner, ev, err);
	char cfgkey[600];
	if (rlen + 12 > sizeof(cfgkey))
		return d->inner->event(d->inner, ev, err);
	snprintf(cfgkey, sizeof(cfgkey), "repo.%.*s.path", (int)rlen, key + 7);
	const char *path = orgmri_config_string(d->config, cfgkey, NULL);
	char recorded[4096];
	if ((!path || !*path) && d->store) {
		/* the clone the git adapter ingested under this name */
		char metakey[600];
		snprintf(metakey, sizeof(metakey), "git:%.*s:path", (int)rlen, key + 7);
		if (orgmri_store_meta_get(d->store, metakey, recorded,
		                          sizeof(recorded), NULL) == 0)
			path = recorded;
	}
	if (!path || !*path)
		return d->inner->event(d->inner, ev, err);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		held *h = orgmri_reallocarray(d->items, cap, sizeof(*h));
		if (!h)
			return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		d->items = h;
		d->cap = cap;
	}
	held *h = &((held *)d->items)[d->n];
	const char *env = attr_value(ev, "environment");
	if (copy_event(&d->arena, ev, &h->ev) ||
	    !(h->repo = orgmri_arena_strndup(&d->arena, key + 7, rlen)) ||
	    !(h->sha = orgmri_arena_strdup(&d->arena, key + 7 + rlen + 1)) ||
	    !(h->env = orgmri_arena_strdup(&d->arena, env ? env : "")) ||
	    !(h->path = orgmri_arena_strdup(&d->arena, path)))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	h->seq = d->n++;
	return 0;
}

void plat_deploys_begin(plat_deploys *d, orgmri_adapter_ctx *ctx)
{
	memset(d, 0, sizeof(*d));
	d->sink.event = hold_event;
	d->inner = ctx->sink;
	d->config = ctx->config;
	d->store = ctx->store;
	orgmri_arena_init(&d->arena, 1 << 16);
	ctx->sink = &d->sink;
}

/* Commits in prev..cur into *out (arena strings "commit:REPO@HEX"). */
typedef struct diff_out {
	const char **rel;
	size_t n, cap;
	long long total;
} diff_out;

static int rev_list(git_repository *g, const char *repo, const char *prev,
                    const char *cur, orgmri_arena *a, diff_out *o)
{
	git_oid pc, cc;
	git_revwalk *w = NULL;
	if (git_oid_fromstr(&cc, cur) || git_oid_fromstr(&pc, prev))
		return 1;
	if (git_revwalk_new(&w, g))
		return ORGMRI_ENOMEM;
	int rc = 0;
	if (git_revwalk_push(w, &cc) || git_revwalk_hide(w, &pc)) {
		rc = 1; /* a SHA the clone does not have */
		goto done;
	}
	git_oid oid;
	o->n = 0;
	o->total = 0;
	while (git_revwalk_next(&oid, w) == 0) {
		o->total++;
		if (o->n >= DEPLOY_MAX_COMMITS)
			continue;
		if (o->n == o->cap) {
			size_t cap = o->cap ? o->cap * 2 : 256;
			const char **r = orgmri_reallocarray(o->rel, cap, sizeof(*r));
			if (!r) {
				rc = ORGMRI_ENOMEM;
				goto done;
			}
			o->rel = r;
			o->cap = cap;
		}
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), &oid);
		size_t len = strlen(repo) + strlen(hex) + 9;
		char *k = orgmri_arena_alloc(a, len);
		if (!k) {
			rc = ORGMRI_ENOMEM;
			goto done;
		}
		snprintf(k, len, "commit:%s@%s", repo, hex);
		o->rel[o->n++] = k;
	}
done:
	git_revwalk_free(w);
	return rc;
}

/* Send h on with the commits of prev..h->sha added (prev: a SHA or
 * NULL). */
static int send_with_diff(plat_deploys *d, git_repository *g, held *h,
                          const char *prev, diff_out *o, orgmri_error *err)
{
	if (!g || !prev)
		return d->inner->event(d->inner, &h->ev, err);
	int rc = rev_list(g, h->repo, prev, h->sha, &d->arena, o);
	if (rc == ORGMRI_ENOMEM)
		return orgmri_seterr(err, rc, "out of memory");
	if (rc) {
		d->missing++;
		return d->inner->event(d->inner, &h->ev, err);
	}
	size_t nrel = h->ev.nrelated + o->n;
	const char **rel = orgmri_arena_alloc(&d->arena, (nrel + 1) *
	                                                 sizeof(*rel));
	orgmri_attr *at = orgmri_arena_alloc(&d->arena, (h->ev.nattrs + 2) *
	                                                sizeof(*at));
	char count[24];
	snprintf(count, sizeof(count), "%lld", o->total);
	if (!rel || !at)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	/* the deployment's own links first, then the shipped commits not
	 * already among them */
	size_t n = 0;
	for (size_t i = 0; i < h->ev.nrelated; i++)
		rel[n++] = h->ev.related[i];
	for (size_t i = 0; i < o->n; i++) {
		size_t j = 0;
		while (j < h->ev.nrelated && strcmp(h->ev.related[j], o->rel[i]))
			j++;
		if (j == h->ev.nrelated)
			rel[n++] = o->rel[i];
	}
	size_t na = 0;
	for (size_t i = 0; i < h->ev.nattrs; i++)
		if (strcmp(h->ev.attrs[i].name, "commits") &&
		    strcmp(h->ev.attrs[i].name, "previous_sha"))
			at[na++] = h->ev.attrs[i];
	at[na++] = (orgmri_attr){ "commits", count, ORGMRI_ATTR_INT };
	at[na++] = (orgmri_attr){ "previous_sha", prev, ORGMRI_ATTR_STRING };
	orgmri_event ev = h->ev;
	ev.related = rel;
	ev.nrelated = n;
	ev.attrs = at;
	ev.nattrs = na;
	return d->inner->event(d->inner, &ev, err);
}

/*
 * The last successful deployment of a repository and environment that an
 * earlier run stored, kept in the store's meta table as "TIME SHA" under
 * "platform.lastDeploy.REPO|ENV", so an incremental export's first
 * deployment has its predecessor too.
 */
static void last_key(const held *h, char *key, size_t size)
{
	snprintf(key, size, "platform.lastDeploy.%s|%s", h->repo, h->env);
}

/* The stored predecessor of group head h (into the arena), or NULL. */
static const char *stored_prev(plat_deploys *d, orgmri_adapter_ctx *ctx,
                               const held *h)
{
	char key[1024], val[256];
	orgmri_error ignore;
	last_key(h, key, sizeof(key));
	if (!ctx->store || orgmri_store_meta_get(ctx->store, key, val,
	                                         sizeof(val), &ignore) != 0)
		return NULL;
	char *sp = strchr(val, ' ');
	if (!sp || !sp[1])
		return NULL;
	long long t = strtoll(val, NULL, 10);
	/* only a deployment before this one (re-ingesting an old export
	 * must not chain it to a newer one) */
	return t < h->ev.time ? orgmri_arena_strdup(&d->arena, sp + 1) : NULL;
}

/* Remember group tail h unless the store knows a later one. */
static int store_last(orgmri_adapter_ctx *ctx, const held *h,
                      orgmri_error *err)
{
	char key[1024], val[256];
	orgmri_error ignore;
	last_key(h, key, sizeof(key));
	if (!ctx->store)
		return 0;
	if (orgmri_store_meta_get(ctx->store, key, val, sizeof(val),
	                          &ignore) == 0 &&
	    strtoll(val, NULL, 10) >= h->ev.time)
		return 0;
	snprintf(val, sizeof(val), "%lld %s", (long long)h->ev.time, h->sha);
	return orgmri_store_meta_set(ctx->store, key, val, err);
}

int plat_deploys_finish(plat_deploys *d, orgmri_adapter_ctx *ctx,
                        orgmri_error *err)
{
	ctx->sink = d->inner;
	held *items = d->items;
	if (!d->n)
		return 0;
	qsort(items, d->n, sizeof(*items), held_cmp);
	git_libgit2_init();
	git_repository *g = NULL;
	const char *open_path = NULL;
	diff_out o = { 0 };
	int rc = 0;
	for (size_t i = 0; i < d->n && !rc; i++) {
		held *h = &items[i];
		int same = i && strcmp(items[i - 1].repo, h->repo) == 0 &&
		           strcmp(items[i - 1].env, h->env) == 0;
		int last = i + 1 == d->n || strcmp(items[i + 1].repo, h->repo) ||
		           strcmp(items[i + 1].env, h->env);
		const char *prev = same ? items[i - 1].sha : stored_prev(d, ctx, h);
		if (!open_path || strcmp(open_path, h->path) != 0) {
			git_repository_free(g);
			g = NULL;
			open_path = h->path;
			if (git_repository_open_ext(&g, h->path,
			                            GIT_REPOSITORY_OPEN_NO_SEARCH,
			                            NULL) != 0) {
				g = NULL;
				d->unopened++;
			}
		}
		rc = send_with_diff(d, g, h, prev, &o, err);
		if (!rc && last)
			rc = store_last(ctx, h, err);
	}
	free(o.rel);
	git_repository_free(g);
	git_libgit2_shutdown();
	if (!rc && (d->missing || d->unopened) && ctx->opts && ctx->opts->warn) {
		orgmri_error w;
		orgmri_error_clear(&w);
		orgmri_seterr(&w, ORGMRI_ENOTFOUND, "commits shipped by deployments:"
		              " %lld deployment SHA(s) not in the configured clone,"
		              " %lld clone path(s) not a git repository; those "
		              "deployments keep only their own SHA", d->missing,
		              d->unopened);
		ctx->opts->warn(&w, ctx->opts->warn_ctx);
	}
	return rc;
}

void plat_deploys_free(plat_deploys *d)
{
	free(d->items);
	d->items = NULL;
	d->n = d->cap = 0;
	orgmri_arena_free(&d->arena);
}

int plat_deploys_run(orgmri_adapter_ctx *ctx,
                     int (*read)(orgmri_adapter_ctx *, orgmri_error *),
                     orgmri_error *err)
{
	plat_deploys dep;
	plat_deploys_begin(&dep, ctx);
	int rc = read(ctx, err);
	int frc = plat_deploys_finish(&dep, ctx, rc ? NULL : err);
	plat_deploys_free(&dep);
	return rc ? rc : frc;
}
