/*
 * git.c - the "git" adapter: a repository's history as canonical events,
 * read with libgit2 (the git program is never run).  docs/git.md says
 * exactly what is derived; in short:
 *
 *   commit:REPO@SHA      `authored` and `committed` (lines, files, merge,
 *                        AI-assistant marker, reverted commit)
 *   change:REPO#N        `merged`, for each merge or squash merge on the
 *                        first-parent line of HEAD, related to the commits
 *                        it brought in ("contains")
 *   deployment:REPO/release/TAG   `deployed`, for each release tag, related
 *                        to the commits it released first ("deploys")
 *
 * Three passes, each linear in the commits read:
 *  1. a revision walk from HEAD (and, with --all, every branch and tag;
 *     release tags always) that hides what the last run already read
 *     (the high-water mark in the store's meta table), emitting commits;
 *  2. the first-parent line of HEAD, oldest first: each merge takes the
 *     commits reachable from its other parents that no older mainline
 *     commit has taken, a depth-first search over the in-memory graph
 *     that never visits a commit twice;
 *  3. release tags in time order: each new tag takes the commits it
 *     reaches that no earlier tag reaches (one walk per tag that hides
 *     every earlier tag, so each commit is handed out once).
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/util.h"
#include "ingest/adapter.h"
#include "ingest/git_internal.h"
#include "orgmri/time.h"

#define DEFAULT_TAG_PATTERN "^[vV]?[0-9]+(\\.[0-9]+)+$"
#define REPO_NAME_MAX 256
#define TITLE_MAX 300
#define MAX_ATTRS 24
#define NO_INDEX UINT32_MAX
#define PROGRESS_EVERY 256
/* Threads that compute diffs (config git.threads overrides). */
#define DIFF_THREADS 2
/* Blobs up to this size stay in libgit2's object cache (tune_libgit2). */
#define BLOB_CACHE_LIMIT (256 * 1024)

/* What passes 2 and 3 need of a commit read in pass 1. */
typedef struct gcommit {
	int64_t author_ms, commit_ms;
	uint32_t *parents;      /* indexes, NO_INDEX when not read this run */
	uint32_t nparents;
	uint32_t owner;         /* mainline commit whose change took it */
	unsigned ai : 1;
	unsigned merge : 1;
	unsigned style : 3;
	unsigned released : 1;  /* taken by a release tag (pass 3) */
	unsigned emitted : 1;   /* its events are out (read_commit) */
} gcommit;

typedef struct release_tag {
	char *name;
	git_oid target;         /* the commit */
	int64_t time;
	char *actor;
	int is_new;
} release_tag;

typedef struct git_run {
	orgmri_adapter_ctx *ctx;
	orgmri_error *err;
	git_repository *repo;
	char repo_name[REPO_NAME_MAX];
	git_ai_rules ai;
	regex_t tag_re;
	int have_re;
	git_oid old_head;
	int have_old_head;
	git_oid head;
	int have_head;
	orgmri_intern oids;     /* raw 20-byte ids -> index in commits */
	gcommit *commits;
	size_t commits_cap;
	int emit_in_walk;       /* collect_shallow emits each commit it reads */
	git_commit_diff *diffs; /* per commit; NULL with --no-diff */
	git_churn_plan *churn;  /* the first-parent line of HEAD */
	orgmri_arena arena;
	release_tag *tags;
	size_t ntags;
	orgmri_intern reach;    /* commits reachable from tags[0..reach_upto) */
	size_t reach_upto;
	orgmri_intern pulled;   /* commits taken from pull request heads */
	int pull_refs;          /* read them (config git.pull-refs) */
	int pull_primed;        /* prime_pulled has run */
	char codeowners[GIT_OID_HEXSZ + 64]; /* "BLOB-SHA PATH" emitted now */
	const char *owners_meta; /* the last run's git:REPO:codeowners */
	orgmri_buf rel;         /* related object keys, NUL-separated */
	const char **relv;
	size_t relcap;
} git_run;

/* ---- attributes ------------------------------------------------------ */

typedef struct attr_list {
	orgmri_attr a[MAX_ATTRS];
	char num[MAX_ATTRS][32];
	size_t n;
} attr_list;

static void attr_str(attr_list *l, const char *name, const char *value)
{
	if (l->n < MAX_ATTRS)
		l->a[l->n++] = (orgmri_attr){ name, value, ORGMRI_ATTR_STRING };
}

static void attr_int(attr_list *l, const char *name, long long v)
{
	if (l->n >= MAX_ATTRS)
		return;
	snprintf(l->num[l->n], sizeof(l->num[0]), "%lld", v);
	l->a[l->n] = (orgmri_attr){ name, l->num[l->n], ORGMRI_ATTR_INT };
	l->n++;
}

static void attr_bool(attr_list *l, const char *name, int v)
{
	if (l->n < MAX_ATTRS)
		l->a[l->n++] = (orgmri_attr){ name, v ? "true" : "false",
		                              ORGMRI_ATTR_BOOL };
}

static void attr_time(attr_list *l, const char *name, int64_t ms)
{
	if (l->n >= MAX_ATTRS)
		return;
	orgmri_time_format(ms, l->num[l->n]);
	l->a[l->n] = (orgmri_attr){ name, l->num[l->n], ORGMRI_ATTR_STRING };
	l->n++;
}

/* ---- errors and names ------------------------------------------------ */

static int git_fail(git_run *r, int code, const char *what)
{
	const git_error *ge = git_error_last();
	return orgmri_seterr(r->err, code, "%s: %s: %s", r->ctx->path, what,
	                     ge && ge->message ? ge->message : "unknown error");
}

static int oom(git_run *r)
{
	return orgmri_seterr(r->err, ORGMRI_ENOMEM, "out of memory");
}

/* "owner/repo" from a remote URL (https://host/o/r.git, git@host:o/r),
 * or 0 when it has fewer than two path parts. */
static int name_from_url(const char *url, char *out, size_t size)
{
	size_t len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	if (len > 4 && strncmp(url + len - 4, ".git", 4) == 0)
		len -= 4;
	size_t slash2 = len, parts = 0, start = 0;
	for (size_t i = len; i-- > 0;) {
		if (url[i] == '/' || url[i] == ':') {
			if (++parts == 2) {
				start = i + 1;
				break;
			}
			slash2 = i;
		}
	}
	if (parts < 2 || slash2 == start || slash2 + 1 >= len ||
	    len - start >= size)
		return 0;
	memcpy(out, url + start, len - start);
	out[len - start] = '\0';
	return orgmri_utf8_valid_prefix(out, len - start) == len - start;
}

/* The name in object keys: config repo.name, else the origin remote's
 * owner/repo, else the folder's name without ".git" (docs/git.md). */
static void repo_name(git_run *r)
{
	const char *cfg = orgmri_config_string(r->ctx->config, "repo.name", NULL);
	if (cfg && *cfg && strlen(cfg) < sizeof(r->repo_name)) {
		strcpy(r->repo_name, cfg);
		return;
	}
	/* The URL straight from the config: git_remote_lookup also parses the
	 * refspecs with regular expressions, and libgit2 1.5 leaks pcre2
	 * match data there. */
	git_config *gc = NULL;
	const char *url = NULL;
	int ok = 0;
	if (git_repository_config_snapshot(&gc, r->repo) == 0 &&
	    git_config_get_string(&url, gc, "remote.origin.url") == 0 && url)
		ok = name_from_url(url, r->repo_name, sizeof(r->repo_name));
	git_config_free(gc);
	if (ok)
		return;
	const char *dir = git_repository_workdir(r->repo);
	if (!dir)
		dir = git_repository_path(r->repo);
	size_t len = strlen(dir);
	while (len > 0 && dir[len - 1] == '/')
		len--;
	if (len > 4 && strncmp(dir + len - 4, ".git", 4) == 0)
		len -= 4;
	while (len > 0 && dir[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	snprintf(r->repo_name, sizeof(r->repo_name), "%.*s",
	         (int)(len - start), dir + start);
	if (!r->repo_name[0])
		strcpy(r->repo_name, "repo");
}

static const char *person(const git_signature *sig)
{
	return sig->name && *sig->name ? sig->name : sig->email ? sig->email : "";
}

static int64_t sig_ms(const git_signature *sig)
{
	return (int64_t)sig->when.time * 1000;
}

static void tz_text(const git_signature *sig, char buf[8])
{
	int off = sig->when.offset;
	int a = off < 0 ? -off : off;
	snprintf(buf, 8, "%c%02d%02d", off < 0 ? '-' : '+', (a / 60) % 100,
	         a % 60);
}

static void commit_key(git_run *r, const git_oid *id, char *buf, size_t size)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(buf, size, "commit:%s@%s", r->repo_name, hex);
}

/* The change key for a recognised change merged by commit `id`. */
static void change_key(git_run *r, const git_change_ref *c, const git_oid *id,
                       char *buf, size_t size)
{
	char hex[GIT_OID_HEXSZ + 1];
	switch (c->style) {
	case GIT_CHANGE_GITLAB:
		snprintf(buf, size, "change:%s!%lld", c->project, c->number);
		break;
	case GIT_CHANGE_MERGE:
		git_oid_tostr(hex, sizeof(hex), id);
		snprintf(buf, size, "change:%s#merge-%s", r->repo_name, hex);
		break;
	default:
		snprintf(buf, size, "change:%s#%lld", r->repo_name, c->number);
	}
}

/* ---- related-object lists -------------------------------------------- */

static void rel_reset(git_run *r)
{
	orgmri_buf_clear(&r->rel);
}

static int rel_add(git_run *r, const char *key)
{
	return orgmri_buf_put(&r->rel, key, strlen(key) + 1);
}

static int rel_add_commit(git_run *r, const git_oid *id)
{
	char key[REPO_NAME_MAX + 64];
	commit_key(r, id, key, sizeof(key));
	return rel_add(r, key);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Pointers into r->rel for an event, sorted; *n receives the count. */
static const char *const *rel_vector(git_run *r, size_t *n)
{
	size_t count = 0;
	for (size_t i = 0; i < r->rel.len; i++)
		count += r->rel.ptr[i] == '\0';
	if (count > r->relcap) {
		const char **v = orgmri_reallocarray((void *)r->relv, count,
		                                     sizeof(*v));
		if (!v)
			return NULL;
		r->relv = v;
		r->relcap = count;
	}
	size_t k = 0;
	for (size_t i = 0; i < r->rel.len; i += strlen(r->rel.ptr + i) + 1)
		r->relv[k++] = r->rel.ptr + i;
	/* Sorted, so the order does not depend on how the graph was walked
	 * (an incremental run must store what a full one stores). */
	qsort((void *)r->relv, count, sizeof(*r->relv), str_cmp);
	*n = count;
	return r->relv;
}

static int emit(git_run *r, int64_t time, const char *object,
                const char *activity, const char *actor,
                const char *const *related, size_t nrelated,
                const attr_list *attrs)
{
	if (time < r->ctx->opts->since)
		return 0;
	orgmri_event ev = { time, object, activity, actor, NULL, related,
	                    nrelated, attrs->a, attrs->n };
	return r->ctx->sink->event(r->ctx->sink, &ev, r->err);
}

/* ---- pass 1: commits ------------------------------------------------- */

static uint32_t index_of(git_run *r, const git_oid *id)
{
	return orgmri_intern_find(&r->oids, (const char *)id->id, GIT_OID_RAWSZ);
}

static int start_walk(git_run *r, git_revwalk **out)
{
	git_revwalk *w = NULL;
	if (git_revwalk_new(&w, r->repo) < 0)
		return git_fail(r, ORGMRI_EIO, "cannot walk history");
	git_revwalk_sorting(w, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	int rc = 0;
	if (r->have_head && git_revwalk_push(w, &r->head) < 0)
		rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read HEAD's commit");
	if (!rc && r->ctx->opts->all_refs &&
	    (git_revwalk_push_glob(w, "refs/heads") < 0 ||
	     git_revwalk_push_glob(w, "refs/tags") < 0 ||
	     git_revwalk_push_glob(w, "refs/remotes") < 0))
		rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read the refs");
	/* The last run's release tags were read then; what only they reach
	 * is not read again.  They are not hidden either: a commit one of
	 * them brought in that HEAD now reaches (the tag was ahead of the
	 * branch, or on a release branch merged since) is read again, so that
	 * pass 2 can give it to the change that merged it (the store keeps
	 * the events it already has). */
	for (size_t i = 0; !rc && i < r->ntags; i++)
		if ((r->tags[i].is_new || !r->have_old_head) &&
		    git_revwalk_push(w, &r->tags[i].target) < 0)
			rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read a tag's commit");
	if (!rc && r->have_old_head && git_revwalk_hide(w, &r->old_head) < 0)
		rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read the last run's head");
	if (rc) {
		git_revwalk_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* ---- our own walk ----------------------------------------------------- */

static int emit_read_commit(git_run *r, uint32_t i, const git_commit *c);

/* Room for n commits in r->commits, the new ones zeroed. */
static int reserve_commits(git_run *r, size_t n)
{
	return orgmri_array_grow((void **)&r->commits, &r->commits_cap, n,
	                         sizeof(*r->commits), 1024, 1) ? oom(r) : 0;
}

/*
 * Depth first from the tips, not following parents the object database
 * lacks.  Used (1) on a first ingest, where nothing is hidden; (2) on a
 * shallow clone, where libgit2 1.5's revision walk fails (the boundary
 * commits' parents are absent): a shallow clone is small by nature, so
 * it is read whole each time and the store's dedupe keeps that exact;
 * (3) to name the damaged commit when libgit2's walk fails.
 */
typedef struct oid_stack {
	git_oid *v;
	size_t n, cap;
} oid_stack;

static int oid_push(oid_stack *s, const git_oid *id)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		git_oid *v = orgmri_reallocarray(s->v, cap, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	git_oid_cpy(&s->v[s->n++], id);
	return 0;
}

/* Push the commit every ref under `glob` peels to. */
static int push_refs(git_run *r, oid_stack *s, const char *glob)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int rc = 0;
	if (git_reference_iterator_glob_new(&it, r->repo, glob) < 0)
		return git_fail(r, ORGMRI_EIO, "cannot list refs");
	while (!rc && git_reference_next(&ref, it) == 0) {
		git_object *obj = NULL;
		if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0 &&
		    oid_push(s, git_object_id(obj)))
			rc = oom(r);
		git_object_free(obj);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	return rc;
}

static int collect_shallow(git_run *r)
{
	oid_stack s = { NULL, 0, 0 };
	git_odb *odb = NULL;
	int rc = 0;
	int shallow = git_repository_is_shallow(r->repo) == 1;
	if (git_repository_odb(&odb, r->repo) < 0)
		return git_fail(r, ORGMRI_EIO, "cannot open the object database");
	if (r->have_head && oid_push(&s, &r->head))
		rc = oom(r);
	for (size_t i = 0; !rc && i < r->ntags; i++)
		if (oid_push(&s, &r->tags[i].target))
			rc = oom(r);
	if (!rc && r->ctx->opts->all_refs &&
	    !(rc = push_refs(r, &s, "refs/heads/*")) &&
	    !(rc = push_refs(r, &s, "refs/tags/*")))
		rc = push_refs(r, &s, "refs/remotes/*");
	while (!rc && s.n > 0) {
		git_oid id;
		git_oid_cpy(&id, &s.v[--s.n]);
		uint32_t before = r->oids.count;
		int64_t k = orgmri_intern_add(&r->oids, (const char *)id.id,
		                              GIT_OID_RAWSZ);
		if (k < 0) {
			rc = oom(r);
			break;
		}
		if ((uint32_t)k < before)
			continue; /* seen */
		git_commit *c;
		if (git_commit_lookup(&c, r->repo, &id) < 0) {
			char hex[GIT_OID_HEXSZ + 1], what[80];
			snprintf(what, sizeof(what), "commit %s cannot be read "
			         "(damaged repository?)",
			         git_oid_tostr(hex, sizeof(hex), &id));
			rc = git_fail(r, ORGMRI_ECORRUPT, what);
			break;
		}
		if (r->emit_in_walk && !(rc = reserve_commits(r, (size_t)k + 1)))
			rc = emit_read_commit(r, (uint32_t)k, c);
		if (r->emit_in_walk && k % PROGRESS_EVERY == 0)
			orgmri_adapter_progress(r->ctx, "commits", k, 0);
		/* Only a shallow clone may lack parents; elsewhere a missing
		 * one is damage, reported by the lookup above when popped
		 * (and asking the object database first cost 5% of a
		 * --no-diff ingest). */
		for (unsigned p = 0; p < git_commit_parentcount(c) && !rc; p++) {
			const git_oid *pid = git_commit_parent_id(c, p);
			if ((!shallow || git_odb_exists(odb, pid)) && oid_push(&s, pid))
				rc = oom(r);
		}
		git_commit_free(c);
	}
	free(s.v);
	git_odb_free(odb);
	return rc;
}

/* Collect the ids of every commit to read into r->oids, in walk order. */
static int collect(git_run *r)
{
	int rc = 0;
	/* With nothing to hide, our own walk reads each commit once (and
	 * leaves it in libgit2's cache for pass 1); libgit2's walk would
	 * inflate every commit a second time.  Without diffs to wait for,
	 * it also emits each commit as it reads it, so that the store's
	 * thread writes while this one is still reading (pass 1 then only
	 * links parents). */
	if (git_repository_is_shallow(r->repo) || !r->have_old_head) {
		r->emit_in_walk = r->ctx->opts->no_diff;
		rc = collect_shallow(r);
		goto done;
	}
	git_revwalk *w = NULL;
	if ((rc = start_walk(r, &w)))
		return rc;
	git_oid id;
	int g;
	while ((g = git_revwalk_next(&id, w)) == 0)
		if (orgmri_intern_add(&r->oids, (const char *)id.id,
		                      GIT_OID_RAWSZ) < 0) {
			rc = oom(r);
			break;
		}
	git_revwalk_free(w);
	if (!rc && g != GIT_ITEROVER) {
		/* libgit2 does not say which object failed: walk again on our
		 * own, which names the damaged commit, or, if every commit
		 * reads, carries on without the topological order. */
		orgmri_intern_free(&r->oids);
		orgmri_intern_init(&r->oids);
		rc = collect_shallow(r);
	}
done:
	if (!rc)
		rc = reserve_commits(r, r->oids.count);
	return rc;
}

/* The change a reverted commit belongs to, when its own message names
 * one (a merge or squash commit); "" otherwise. */
static void reverted_change(git_run *r, const git_oid *id, char *buf,
                            size_t size)
{
	git_commit *c;
	buf[0] = '\0';
	if (git_commit_lookup(&c, r->repo, id) < 0)
		return;
	git_change_ref ch;
	const char *msg = git_commit_message(c);
	orgmri_git_parse_change(msg ? msg : "", git_commit_parentcount(c), &ch);
	if (ch.style != GIT_CHANGE_NONE)
		change_key(r, &ch, id, buf, size);
	git_commit_free(c);
}

static int emit_commit(git_run *r, const git_commit *c, gcommit *g,
                       const git_commit_diff *diff)
{
	char key[REPO_NAME_MAX + 64], title[TITLE_MAX], tz[8], ctz[8];
	char which[200], reverted[41];
	char rkey[REPO_NAME_MAX + 64], rchange[REPO_NAME_MAX + 256];
	const char *msg = git_commit_message(c);
	if (!msg)
		msg = "";
	const git_signature *au = git_commit_author(c);
	const git_signature *cm = git_commit_committer(c);
	commit_key(r, git_commit_id(c), key, sizeof(key));
	orgmri_git_title(msg, title, sizeof(title));
	tz_text(au, tz);
	tz_text(cm, ctz);
	g->ai = orgmri_git_ai_marker(&r->ai, msg, which, sizeof(which));
	git_change_ref ch;
	orgmri_git_parse_change(msg, g->nparents, &ch);
	g->style = ch.style;

	attr_list a = { .n = 0 };
	attr_str(&a, "repo", r->repo_name);
	attr_str(&a, "title", title);
	attr_str(&a, "tz", tz);
	int rc = emit(r, g->author_ms, key, "authored", person(au), NULL, 0, &a);
	if (rc)
		return rc;

	a.n = 0;
	attr_str(&a, "repo", r->repo_name);
	attr_str(&a, "title", title);
	attr_str(&a, "tz", ctz);
	attr_int(&a, "parents", g->nparents);
	if (g->merge)
		attr_bool(&a, "merge", 1);
	if (diff->have) {
		attr_int(&a, "additions", diff->counts.additions);
		attr_int(&a, "deletions", diff->counts.deletions);
		attr_int(&a, "files", diff->counts.files);
		attr_str(&a, "paths", diff->paths ? diff->paths : "");
		if (diff->paths_truncated)
			attr_bool(&a, "paths_truncated", 1);
	}
	if (diff->have_churn)
		attr_int(&a, "churn_lines", diff->churn);
	attr_bool(&a, "ai_assisted", g->ai);
	if (g->ai)
		attr_str(&a, "ai_marker", which);
	const char *rel[2];
	size_t nrel = 0;
	if (orgmri_git_parse_revert(msg, reverted)) {
		git_oid rid;
		attr_str(&a, "reverts", reverted);
		if (git_oid_fromstr(&rid, reverted) == 0) {
			commit_key(r, &rid, rkey, sizeof(rkey));
			rel[nrel++] = rkey;
			reverted_change(r, &rid, rchange, sizeof(rchange));
			if (rchange[0])
				rel[nrel++] = rchange;
		}
	}
	return emit(r, g->commit_ms, key, "committed", person(cm), rel, nrel, &a);
}

/* Pass 1's part of commit i that needs the commit itself: its times
 * and parent count, then its events (emit_commit). */
static int emit_read_commit(git_run *r, uint32_t i, const git_commit *c)
{
	gcommit *g = &r->commits[i];
	g->author_ms = sig_ms(git_commit_author(c));
	g->commit_ms = sig_ms(git_commit_committer(c));
	g->nparents = git_commit_parentcount(c);
	g->merge = g->nparents > 1;
	g->emitted = 1;
	static const git_commit_diff none = { .have = 0 };
	int rc = emit_commit(r, c, g, r->diffs ? &r->diffs[i] : &none);
	if (r->diffs) { /* not needed again: keep the peak memory down */
		free(r->diffs[i].paths);
		r->diffs[i].paths = NULL;
	}
	return rc;
}

static int read_commit(git_run *r, uint32_t i)
{
	const git_oid *id = (const git_oid *)r->oids.names[i];
	git_commit *c;
	if (git_commit_lookup(&c, r->repo, id) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), id);
		const git_error *ge = git_error_last();
		return orgmri_seterr(r->err, ORGMRI_ECORRUPT, "%s: commit %s "
		                     "cannot be read (damaged repository?): %s",
		                     r->ctx->path, hex, ge && ge->message ?
		                     ge->message : "unknown error");
	}
	gcommit *g = &r->commits[i];
	int rc = g->emitted ? 0 : emit_read_commit(r, i, c);
	g->owner = NO_INDEX;
	if (!rc && g->nparents) {
		/* (indexes only now: the walk numbers a parent after its child) */
		g->parents = orgmri_arena_alloc(&r->arena,
		                                g->nparents * sizeof(uint32_t));
		if (!g->parents)
			rc = oom(r);
		for (uint32_t p = 0; !rc && p < g->nparents; p++)
			g->parents[p] = index_of(r, git_commit_parent_id(c, p));
	}
	git_commit_free(c);
	return rc;
}

static void diff_progress(size_t done, void *p)
{
	git_run *r = p;
	orgmri_adapter_progress(r->ctx, "commits diffed", (long long)done,
	                        r->oids.count);
}

static int diff_threads(git_run *r)
{
	return (int)orgmri_config_int(r->ctx->config, "git.threads",
	                              DIFF_THREADS);
}

/* Pass 1a: every commit's diff, on DIFF_THREADS threads, with the hunks
 * of the first-parent line of HEAD for the churn pass. */
static int diff_commits(git_run *r)
{
	size_t n = r->oids.count;
	if (r->ctx->opts->no_diff || n == 0)
		return 0;
	r->diffs = calloc(n, sizeof(*r->diffs));
	if (!r->diffs)
		return oom(r);
	int rc = 0;
	if (r->have_head && orgmri_config_bool(r->ctx->config, "git.churn", 1))
		rc = orgmri_git_churn_plan(r->repo, &r->head, &r->oids,
		                           r->ctx->opts->since, GIT_CHURN_WINDOW_MS,
		                           r->diffs, &r->churn, r->err);
	if (!rc)
		rc = orgmri_git_diff_commits(r->ctx->path,
		                             (const git_oid *const *)r->oids.names,
		                             n, r->ctx->opts->since, diff_threads(r),
		                             r->diffs, diff_progress, r, r->err);
	if (!rc && r->churn)
		rc = orgmri_git_churn_run(r->churn, r->ctx->path, diff_threads(r),
		                          GIT_CHURN_WINDOW_MS, r->diffs, r->err);
	return rc;
}

static int read_commits(git_run *r)
{
	uint32_t n = r->oids.count;
	for (uint32_t i = 0; i < n; i++) {
		int rc = read_commit(r, i);
		if (rc)
			return rc;
		if (i % PROGRESS_EVERY == 0)
			orgmri_adapter_progress(r->ctx, "commits", i, n);
	}
	orgmri_adapter_progress(r->ctx, "commits", n, n);
	return 0;
}

/* ---- pass 2: changes on the first-parent line ------------------------ */

typedef struct change_sum {
	long long commits;
	int64_t first_authored, last_committed;
	int ai;
} change_sum;

/* The change, if any, that commit c merged (read from its message). */
static void commit_change(const git_commit *c, git_change_ref *ch)
{
	const char *msg = git_commit_message(c);
	orgmri_git_parse_change(msg ? msg : "", git_commit_parentcount(c), ch);
}

/* Count a commit the change brought in (merges only for the AI flag). */
static void sum_commit(change_sum *s, int64_t author_ms, int64_t commit_ms,
                       int merge, int ai)
{
	if (!merge) {
		s->commits++;
		if (author_ms < s->first_authored)
			s->first_authored = author_ms;
		if (commit_ms > s->last_committed)
			s->last_committed = commit_ms;
	}
	s->ai |= ai;
}

/* Give `m` every commit reachable from its non-first parents that no
 * older mainline commit took, adding each to r->rel. */
static int take_branch(git_run *r, uint32_t m, change_sum *s,
                       uint32_t **stack, size_t *cap)
{
	size_t top = 0;
	gcommit *mc = &r->commits[m];
	for (uint32_t p = 1; p < mc->nparents; p++) {
		if (top == *cap) {
			size_t nc = *cap ? *cap * 2 : 256;
			uint32_t *st = orgmri_reallocarray(*stack, nc, sizeof(*st));
			if (!st)
				return oom(r);
			*stack = st;
			*cap = nc;
		}
		(*stack)[top++] = mc->parents[p];
	}
	while (top > 0) {
		uint32_t i = (*stack)[--top];
		if (i == NO_INDEX || r->commits[i].owner != NO_INDEX)
			continue;
		gcommit *g = &r->commits[i];
		g->owner = m;
		if (rel_add_commit(r, (const git_oid *)r->oids.names[i]))
			return oom(r);
		sum_commit(s, g->author_ms, g->commit_ms, g->merge, g->ai);
		if (top + g->nparents > *cap) {
			size_t nc = (*cap + g->nparents) * 2;
			uint32_t *st = orgmri_reallocarray(*stack, nc, sizeof(*st));
			if (!st)
				return oom(r);
			*stack = st;
			*cap = nc;
		}
		for (uint32_t p = 0; p < g->nparents; p++)
			(*stack)[top++] = g->parents[p];
	}
	return 0;
}

/* The head ref its platform keeps for change `ch`, if it has one:
 * GitHub's refs/pull/N/head, GitLab's refs/merge-requests/N/head. */
static int pull_ref_name(const git_change_ref *ch, char *buf, size_t size)
{
	if (ch->style == GIT_CHANGE_SQUASH)
		snprintf(buf, size, "refs/pull/%lld/head", ch->number);
	else if (ch->style == GIT_CHANGE_GITLAB)
		snprintf(buf, size, "refs/merge-requests/%lld/head", ch->number);
	else
		return 0;
	return ch->number > 0;
}

/* The error for a commit of pull request ref `name` that cannot be read
 * (a damaged repository): names the ref; libgit2 names the object. */
static int pull_fail(git_run *r, const char *name)
{
	char what[160];
	snprintf(what, sizeof(what), "cannot read the commits of %s "
	         "(damaged repository? git.pull-refs = false skips them)", name);
	return git_fail(r, ORGMRI_ECORRUPT, what);
}

/* Start a walk of what change `ch`, merged by `merge`, brought in
 * through its pull request's ref (its name into `name`): the commits the
 * ref reaches and the merge's parents do not.  *out = NULL when there is
 * nothing to walk (no ref, or a parent that cannot be hidden: absent from
 * a shallow clone, it would let the walk run down to the root). */
static int pull_walk_start(git_run *r, const git_change_ref *ch,
                           const git_commit *merge, git_revwalk **out,
                           char name[64])
{
	git_oid tip;
	*out = NULL;
	if (!r->pull_refs || !pull_ref_name(ch, name, 64) ||
	    git_reference_name_to_id(&tip, r->repo, name) < 0)
		return 0;
	git_revwalk *w = NULL;
	if (git_revwalk_new(&w, r->repo) < 0)
		return git_fail(r, ORGMRI_EIO, "cannot walk history");
	/* A ref to something that is not a commit is not ours. */
	int ok = git_revwalk_push(w, &tip) == 0;
	for (unsigned p = 0; ok && p < git_commit_parentcount(merge); p++)
		ok = git_revwalk_hide(w, git_commit_parent_id(merge, p)) == 0;
	if (!ok)
		git_revwalk_free(w);
	else
		*out = w;
	return 0;
}

static int pulled_already(git_run *r, const git_oid *id)
{
	return orgmri_intern_find(&r->pulled, (const char *)id->id,
	                          GIT_OID_RAWSZ) != NO_INDEX;
}

static int prime_pulled(git_run *r);

/*
 * A squash merge replaces a pull request's commits with one new commit,
 * authored when it merged (GitHub), so the first-parent line shows no
 * coding for it.  A repository that holds the platform's head refs (a
 * mirror clone, or a clone that fetched them: docs/git.md) still has the
 * pull request's own commits: those its head reaches and the merge's
 * parents do not.  Give them to change `m`, merged by `merge`, and emit
 * the ones no pass read (without line counts: the squash commit carries
 * the lines).  Commits committed after the merge (pushed to the ref
 * later) and commits an older change took are left alone; so is a
 * change whose ref is absent.  With m = NO_INDEX (prime_pulled) the
 * commits are only marked as taken.
 */
static int take_pull(git_run *r, uint32_t m, const git_commit *merge,
                     const git_change_ref *ch, change_sum *s)
{
	int take = m != NO_INDEX;
	int64_t merged = sig_ms(git_commit_committer(merge));
	git_revwalk *w = NULL;
	char name[64];
	int rc = pull_walk_start(r, ch, merge, &w, name);
	if (!rc && w && take && r->have_old_head && !r->pull_primed)
		rc = prime_pulled(r);
	git_oid id;
	int g = GIT_ITEROVER;
	while (!rc && w && (g = git_revwalk_next(&id, w)) == 0) {
		if (pulled_already(r, &id))
			continue;
		uint32_t i = index_of(r, &id);
		if (take && i != NO_INDEX) { /* read by pass 1: emitted already */
			gcommit *c = &r->commits[i];
			if (c->owner != NO_INDEX || c->commit_ms > merged)
				continue;
			c->owner = m;
			sum_commit(s, c->author_ms, c->commit_ms, c->merge, c->ai);
			if (rel_add_commit(r, &id))
				rc = oom(r);
			continue;
		}
		git_commit *c;
		if (git_commit_lookup(&c, r->repo, &id) < 0) {
			rc = pull_fail(r, name);
			break;
		}
		gcommit pc = { 0 };
		pc.author_ms = sig_ms(git_commit_author(c));
		pc.commit_ms = sig_ms(git_commit_committer(c));
		pc.nparents = git_commit_parentcount(c);
		pc.merge = pc.nparents > 1;
		if (pc.commit_ms <= merged) {
			static const git_commit_diff none = { .have = 0 };
			if (orgmri_intern_add(&r->pulled, (const char *)id.id,
			                      GIT_OID_RAWSZ) < 0 ||
			    (take && rel_add_commit(r, &id)))
				rc = oom(r);
			if (!rc && take)
				rc = emit_commit(r, c, &pc, &none);
			if (!rc && take)
				sum_commit(s, pc.author_ms, pc.commit_ms, pc.merge,
				           pc.ai);
		}
		git_commit_free(c);
	}
	if (!rc && w && g != GIT_ITEROVER && g != 0)
		rc = pull_fail(r, name);
	git_revwalk_free(w);
	return rc;
}

/*
 * An incremental run must give a change what a full run would.  A full
 * run reads the first-parent line oldest first, so a pull request's
 * commits already taken by an older change (a pull request stacked on
 * one merged before it still holds the older one's commits) are skipped.
 * Before the first change of this run that has a ref, mark as taken what
 * the changes on the part of the line the last run read took: walk that
 * part from the last run's head and repeat their pull request walks
 * (marking only: their events are stored).  Runs once, and only when a
 * new change has a ref (cli/cli: about 0.2 s).
 */
static int prime_pulled(git_run *r)
{
	r->pull_primed = 1;
	git_oid id;
	git_oid_cpy(&id, &r->old_head);
	int rc = 0, more = 1;
	while (!rc && more) {
		git_commit *c;
		if (git_commit_lookup(&c, r->repo, &id) < 0)
			break;   /* a shallow clone's end: nothing older known */
		git_change_ref ch;
		commit_change(c, &ch);
		rc = take_pull(r, NO_INDEX, c, &ch, NULL);
		more = git_commit_parentcount(c) > 0;
		if (more)
			git_oid_cpy(&id, git_commit_parent_id(c, 0));
		git_commit_free(c);
	}
	return rc;
}

static int emit_change(git_run *r, uint32_t m, const git_commit *c,
                       const change_sum *s, const git_change_ref *ch)
{
	const git_oid *id = (const git_oid *)r->oids.names[m];
	char key[REPO_NAME_MAX + 256], title[TITLE_MAX], hex[GIT_OID_HEXSZ + 1];
	const char *msg = git_commit_message(c);
	if (!msg)
		msg = "";
	change_key(r, ch, id, key, sizeof(key));
	if (ch->style != GIT_CHANGE_GITHUB ||
	    !orgmri_git_body_first_line(msg, title, sizeof(title)))
		orgmri_git_title(msg, title, sizeof(title));
	attr_list a = { .n = 0 };
	attr_str(&a, "repo", r->repo_name);
	attr_str(&a, "style", orgmri_git_style_name(ch->style));
	if (ch->number)
		attr_int(&a, "number", ch->number);
	attr_str(&a, "title", title);
	attr_str(&a, "merge_commit", git_oid_tostr(hex, sizeof(hex), id));
	attr_int(&a, "commits", s->commits);
	if (s->commits) {
		attr_time(&a, "first_authored", s->first_authored);
		attr_time(&a, "last_committed", s->last_committed);
	}
	attr_bool(&a, "ai_assisted", s->ai);
	size_t n;
	const char *const *rel = rel_vector(r, &n);
	return rel ? emit(r, r->commits[m].commit_ms, key, "merged",
	                  person(git_commit_author(c)), rel, n, &a)
	           : oom(r);
}

/* Change `ch`, merged by mainline commit m (`c`): the commits it brought
 * in, then its `merged` event. */
static int one_change(git_run *r, uint32_t m, const git_commit *c,
                      const git_change_ref *ch, uint32_t **stack,
                      size_t *stack_cap)
{
	const gcommit *g = &r->commits[m];
	change_sum s = { 0, INT64_MAX, INT64_MIN, g->ai };
	int rc;
	rel_reset(r);
	if (rel_add_commit(r, (const git_oid *)r->oids.names[m]))
		return oom(r);
	if (ch->style == GIT_CHANGE_SQUASH) {
		s.commits = 1;
		s.first_authored = g->author_ms;
		s.last_committed = g->author_ms;
	} else if ((rc = take_branch(r, m, &s, stack, stack_cap))) {
		return rc;
	}
	if ((rc = take_pull(r, m, c, ch, &s)))
		return rc;
	return emit_change(r, m, c, &s, ch);
}

static int changes(git_run *r)
{
	/* The new part of the first-parent line, newest first. */
	uint32_t *line = NULL, *stack = NULL;
	size_t nline = 0, cap = 0, stack_cap = 0;
	int rc = 0;
	uint32_t i = r->have_head ? index_of(r, &r->head) : NO_INDEX;
	while (i != NO_INDEX && r->commits[i].owner == NO_INDEX) {
		if (nline == cap) {
			size_t nc = cap ? cap * 2 : 1024;
			uint32_t *l = orgmri_reallocarray(line, nc, sizeof(*l));
			if (!l) {
				rc = oom(r);
				goto done;
			}
			line = l;
			cap = nc;
		}
		line[nline++] = i;
		r->commits[i].owner = i; /* also stops a cycle in bad input */
		i = r->commits[i].nparents ? r->commits[i].parents[0] : NO_INDEX;
	}
	for (size_t k = nline; k-- > 0;) {
		uint32_t m = line[k];
		gcommit *g = &r->commits[m];
		git_change_ref ch;
		git_commit *c;
		if (g->style == GIT_CHANGE_NONE)
			continue;
		if (git_commit_lookup(&c, r->repo,
		                      (const git_oid *)r->oids.names[m]) < 0) {
			rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read a commit");
			goto done;
		}
		commit_change(c, &ch);
		if (ch.style != GIT_CHANGE_NONE)
			rc = one_change(r, m, c, &ch, &stack, &stack_cap);
		git_commit_free(c);
		if (rc)
			goto done;
	}
done:
	free(line);
	free(stack);
	return rc;
}

/* ---- pass 3: releases ------------------------------------------------ */

static int tag_cmp(const void *a, const void *b)
{
	const release_tag *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return strcmp(x->name, y->name);
}

typedef struct tag_scan {
	git_run *r;
	int rc;
} tag_scan;

static int add_tag(git_run *r, const char *name, const git_oid *ref_target)
{
	git_object *obj = NULL, *peeled = NULL;
	int rc = 0;
	if (git_object_lookup(&obj, r->repo, ref_target, GIT_OBJECT_ANY) < 0 ||
	    git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) < 0)
		goto done; /* a tag of a tree or blob, or a missing object */
	const git_signature *who = NULL;
	if (git_object_type(obj) == GIT_OBJECT_TAG)
		who = git_tag_tagger((git_tag *)obj);
	if (!who)
		who = git_commit_committer((git_commit *)peeled);
	release_tag *t = orgmri_reallocarray(r->tags, r->ntags + 1, sizeof(*t));
	if (!t) {
		rc = oom(r);
		goto done;
	}
	r->tags = t;
	t += r->ntags;
	t->name = orgmri_arena_strdup(&r->arena, name);
	t->actor = orgmri_arena_strdup(&r->arena, person(who));
	if (!t->name || !t->actor) {
		rc = oom(r);
		goto done;
	}
	git_oid_cpy(&t->target, git_object_id(peeled));
	t->time = sig_ms(who);
	t->is_new = 1;
	r->ntags++;
done:
	git_object_free(peeled);
	git_object_free(obj);
	return rc;
}

static int scan_tag(git_reference *ref, void *p)
{
	tag_scan *s = p;
	const char *full = git_reference_name(ref);
	const char *name = full + strlen("refs/tags/");
	const git_oid *target = git_reference_target(ref);
	if (target && strlen(full) > strlen("refs/tags/") &&
	    regexec(&s->r->tag_re, name, 0, NULL, 0) == 0)
		s->rc = add_tag(s->r, name, target);
	git_reference_free(ref);
	return s->rc;
}

/* Mark tags listed in the last run's meta ("NAME SHA" lines) as old. */
static void mark_old_tags(git_run *r, const char *meta)
{
	char hex[GIT_OID_HEXSZ + 1];
	for (size_t i = 0; i < r->ntags; i++) {
		git_oid_tostr(hex, sizeof(hex), &r->tags[i].target);
		size_t nl = strlen(r->tags[i].name);
		for (const char *p = meta; p && *p;) {
			const char *eol = strchr(p, '\n');
			size_t len = eol ? (size_t)(eol - p) : strlen(p);
			if (len == nl + 1 + GIT_OID_HEXSZ &&
			    memcmp(p, r->tags[i].name, nl) == 0 && p[nl] == ' ' &&
			    memcmp(p + nl + 1, hex, GIT_OID_HEXSZ) == 0)
				r->tags[i].is_new = 0;
			p = eol ? eol + 1 : NULL;
		}
	}
}

static int list_tags(git_run *r)
{
	tag_scan s = { r, 0 };
	git_reference_iterator *it = NULL;
	git_reference *ref;
	if (git_reference_iterator_glob_new(&it, r->repo, "refs/tags/*") < 0)
		return git_fail(r, ORGMRI_EIO, "cannot list tags");
	while (!s.rc && git_reference_next(&ref, it) == 0)
		scan_tag(ref, &s);
	git_reference_iterator_free(it);
	if (!s.rc && r->ntags > 1)
		qsort(r->tags, r->ntags, sizeof(*r->tags), tag_cmp);
	return s.rc;
}

/* "hotfix": the tag's name says so, or its last version part is not 0
 * in a three-part version (v1.2.3 is a hotfix of v1.2.0). */
static int is_hotfix(const char *name)
{
	if (strcasestr(name, "hotfix"))
		return 1;
	int dots = 0;
	for (const char *p = name; *p; p++)
		dots += *p == '.';
	const char *last = strrchr(name, '.');
	return dots >= 2 && last && strtol(last + 1, NULL, 10) != 0;
}

/* Commits of this run's graph reachable from tag k that no earlier tag
 * took: a depth-first search that stops at taken commits.  Parents not
 * read this run (below the last run's head, or missing in a shallow
 * clone) are collected in `edge` for release_edge(). */
static int take_release(git_run *r, size_t k, long long *n, git_oid **edge,
                        size_t *nedge, uint32_t **stack, size_t *cap)
{
	uint32_t start = index_of(r, &r->tags[k].target);
	size_t top = 0;
	if (start == NO_INDEX) {
		git_oid *e = orgmri_reallocarray(*edge, *nedge + 1, sizeof(*e));
		if (!e)
			return oom(r);
		*edge = e;
		git_oid_cpy(&e[(*nedge)++], &r->tags[k].target);
		return 0;
	}
	if (*cap == 0) {
		if (!(*stack = malloc(256 * sizeof(**stack))))
			return oom(r);
		*cap = 256;
	}
	(*stack)[top++] = start;
	while (top > 0) {
		uint32_t i = (*stack)[--top];
		gcommit *g = &r->commits[i];
		if (g->released)
			continue;
		g->released = 1;
		(*n)++;
		if (rel_add_commit(r, (const git_oid *)r->oids.names[i]))
			return oom(r);
		if (top + g->nparents > *cap) {
			size_t nc = (*cap + g->nparents) * 2;
			uint32_t *st = orgmri_reallocarray(*stack, nc, sizeof(*st));
			if (!st)
				return oom(r);
			*stack = st;
			*cap = nc;
		}
		for (uint32_t p = 0; p < g->nparents; p++) {
			if (g->parents[p] != NO_INDEX) {
				(*stack)[top++] = g->parents[p];
				continue;
			}
			git_commit *c;
			if (git_commit_lookup(&c, r->repo,
			                      (const git_oid *)r->oids.names[i]) < 0)
				return git_fail(r, ORGMRI_ECORRUPT, "cannot read a commit");
			git_oid *e = orgmri_reallocarray(*edge, *nedge + 1, sizeof(*e));
			if (e) {
				*edge = e;
				git_oid_cpy(&e[(*nedge)++], git_commit_parent_id(c, p));
			}
			git_commit_free(c);
			if (!e)
				return oom(r);
		}
	}
	return 0;
}

/*
 * Commits below the edge of this run's graph that tag k released first.
 * Needed only on incremental runs (a commit read last run, released
 * now).  libgit2's revision walk with hidden tips is not used here: it
 * cuts its walk by commit dates and, on real history with old-dated
 * commits merged late, let through commits an earlier tag contains.
 * Instead r->reach, built the first time it is needed, holds every
 * commit reachable from the tags before k (a walk over commit headers),
 * and the walk from the edge stops at it.
 */
static int reach_add(git_run *r, const git_oid *start, int collect,
                     long long *n)
{
	oid_stack s = { NULL, 0, 0 };
	int rc = oid_push(&s, start) ? oom(r) : 0;
	while (!rc && s.n > 0) {
		git_oid id;
		git_oid_cpy(&id, &s.v[--s.n]);
		uint32_t before = r->reach.count;
		int64_t k = orgmri_intern_add(&r->reach, (const char *)id.id,
		                              GIT_OID_RAWSZ);
		if (k < 0) {
			rc = oom(r);
			break;
		}
		if ((uint32_t)k < before)
			continue;
		git_commit *c;
		if (git_commit_lookup(&c, r->repo, &id) < 0)
			continue; /* beyond a shallow clone's boundary */
		if (collect) {
			if (rel_add_commit(r, &id))
				rc = oom(r);
			(*n)++;
		}
		for (unsigned p = 0; !rc && p < git_commit_parentcount(c); p++)
			if (oid_push(&s, git_commit_parent_id(c, p)))
				rc = oom(r);
		git_commit_free(c);
	}
	free(s.v);
	return rc;
}

static int release_edge(git_run *r, size_t k, const git_oid *edge,
                        size_t nedge, long long *n)
{
	int rc = 0;
	for (; !rc && r->reach_upto < k; r->reach_upto++)
		rc = reach_add(r, &r->tags[r->reach_upto].target, 0, NULL);
	for (size_t e = 0; !rc && e < nedge; e++)
		rc = reach_add(r, &edge[e], 1, n);
	return rc;
}

static int emit_release(git_run *r, const release_tag *t, long long n)
{
	char key[REPO_NAME_MAX + 300], hex[GIT_OID_HEXSZ + 1];
	snprintf(key, sizeof(key), "deployment:%s/release/%s", r->repo_name,
	         t->name);
	attr_list a = { .n = 0 };
	attr_str(&a, "repo", r->repo_name);
	attr_str(&a, "environment", "production");
	attr_str(&a, "tag", t->name);
	attr_str(&a, "commit", git_oid_tostr(hex, sizeof(hex), &t->target));
	attr_int(&a, "commits", n);
	attr_bool(&a, "hotfix", is_hotfix(t->name));
	size_t nrel;
	const char *const *rel = rel_vector(r, &nrel);
	return rel ? emit(r, t->time, key, "deployed", t->actor, rel, nrel, &a)
	           : oom(r);
}

/* Every tag, old ones included, takes its commits in time order, so a
 * commit re-read this run is not handed to a new tag when an old one
 * released it; only new tags are emitted. */
static int releases(git_run *r)
{
	uint32_t *stack = NULL;
	git_oid *edge = NULL;
	size_t cap = 0, nedge = 0;
	int rc = 0;
	for (size_t k = 0; !rc && k < r->ntags; k++) {
		long long n = 0;
		rel_reset(r);
		nedge = 0;
		rc = take_release(r, k, &n, &edge, &nedge, &stack, &cap);
		if (!rc && r->tags[k].is_new && nedge)
			rc = release_edge(r, k, edge, nedge, &n);
		if (!rc && r->tags[k].is_new)
			rc = emit_release(r, &r->tags[k], n);
	}
	free(stack);
	free(edge);
	return rc;
}

/* ---- CODEOWNERS ------------------------------------------------------ */

/* GitHub's lookup order: the first of these in HEAD's tree wins. */
static const char *const codeowners_paths[] = {
	".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS",
};

/* Longest `rules` text kept. */
#define RULES_MAX 65536

/* How much of a CODEOWNERS text of `n` bytes to keep: all of it when it
 * is valid UTF-8 without NUL within RULES_MAX bytes; else up to the end
 * of the last whole line before the cap, the first invalid byte or NUL. */
static size_t rules_len(const char *p, size_t n, int *cut)
{
	size_t keep = n < RULES_MAX ? n : RULES_MAX;
	const char *nul = memchr(p, '\0', keep);
	if (nul)
		keep = (size_t)(nul - p);
	keep = orgmri_utf8_valid_prefix(p, keep);
	*cut = keep < n;
	if (*cut) {
		while (keep > 0 && p[keep - 1] != '\n')
			keep--;
	}
	return keep;
}

/*
 * One `codeowners` event on repo:REPO when HEAD's tree has a CODEOWNERS
 * file (docs/git.md), at HEAD's committer time.  Skipped when the same
 * file (blob and path) was emitted by the last run, as the meta key
 * git:REPO:codeowners records; save_marks() writes r->codeowners.
 */
static int emit_codeowners(git_run *r, const char *last)
{
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	char *text = NULL;
	size_t k;
	int rc = 0;
	if (!r->have_head)
		return 0;
	if (git_commit_lookup(&c, r->repo, &r->head) < 0 ||
	    git_commit_tree(&tree, c) < 0) {
		rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read HEAD's tree");
		goto done;
	}
	int64_t time = sig_ms(git_commit_committer(c));
	if (time < r->ctx->opts->since)
		goto done; /* not emitted, so not recorded as emitted either */
	for (k = 0; k < sizeof(codeowners_paths) / sizeof(*codeowners_paths);
	     k++) {
		if (git_tree_entry_bypath(&e, tree, codeowners_paths[k]) == 0) {
			if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
				break;
			git_tree_entry_free(e); /* a folder or submodule */
			e = NULL;
		}
	}
	if (!e)
		goto done;
	char hex[GIT_OID_HEXSZ + 1];
	snprintf(r->codeowners, sizeof(r->codeowners), "%s %s",
	         git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(e)),
	         codeowners_paths[k]);
	if (last && strcmp(last, r->codeowners) == 0)
		goto done; /* emitted already */
	if (git_blob_lookup(&blob, r->repo, git_tree_entry_id(e)) < 0) {
		rc = git_fail(r, ORGMRI_ECORRUPT, "cannot read the CODEOWNERS file");
		goto done;
	}
	const char *p = git_blob_rawcontent(blob);
	int cut;
	size_t n = rules_len(p, (size_t)git_blob_rawsize(blob), &cut);
	if (!(text = malloc(n + 1))) {
		rc = oom(r);
		goto done;
	}
	memcpy(text, p, n);
	text[n] = '\0';
	char key[REPO_NAME_MAX + 8];
	snprintf(key, sizeof(key), "repo:%s", r->repo_name);
	attr_list a = { .n = 0 };
	attr_str(&a, "repo", r->repo_name);
	attr_str(&a, "path", codeowners_paths[k]);
	attr_str(&a, "rules", text);
	if (cut)
		attr_bool(&a, "rules_truncated", 1);
	rc = emit(r, time, key, "codeowners", NULL, NULL, 0, &a);
done:
	free(text);
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_commit_free(c);
	return rc;
}

/* ---- high-water marks ------------------------------------------------ */

static void meta_key(git_run *r, const char *what, char *buf, size_t size)
{
	snprintf(buf, size, "git:%s:%s", r->repo_name, what);
}

static int load_marks(git_run *r, char **tags_meta, char *owners,
                      size_t owners_size)
{
	char key[REPO_NAME_MAX + 32], hex[128];
	orgmri_error e;
	*tags_meta = NULL;
	meta_key(r, "codeowners", key, sizeof(key));
	if (orgmri_store_meta_get(r->ctx->store, key, owners, owners_size,
	                          &e) != 0)
		owners[0] = '\0';
	meta_key(r, "head", key, sizeof(key));
	if (orgmri_store_meta_get(r->ctx->store, key, hex, sizeof(hex), &e) == 0 &&
	    git_oid_fromstr(&r->old_head, hex) == 0) {
		git_commit *c;
		/* A head the repository no longer has (history rewritten) is
		 * ignored: everything is read again, and dedupe keeps it one. */
		if (git_commit_lookup(&c, r->repo, &r->old_head) == 0) {
			r->have_old_head = 1;
			git_commit_free(c);
		}
	}
	meta_key(r, "tags", key, sizeof(key));
	size_t size = 1 << 20;
	char *buf = malloc(size);
	if (!buf)
		return oom(r);
	if (orgmri_store_meta_get(r->ctx->store, key, buf, size, &e) != 0)
		buf[0] = '\0';
	*tags_meta = buf;
	return 0;
}

static int save_marks(git_run *r)
{
	char key[REPO_NAME_MAX + 32], hex[GIT_OID_HEXSZ + 1];
	int rc = orgmri_ingest_flush(r->ctx->ingest, r->err);
	if (rc || !r->have_head)
		return rc;
	meta_key(r, "head", key, sizeof(key));
	if ((rc = orgmri_store_meta_set(r->ctx->store, key,
	                                git_oid_tostr(hex, sizeof(hex), &r->head),
	                                r->err)))
		return rc;
	orgmri_buf b = ORGMRI_BUF_INIT;
	for (size_t i = 0; i < r->ntags; i++)
		orgmri_buf_printf(&b, "%s %s\n", r->tags[i].name,
		                  git_oid_tostr(hex, sizeof(hex), &r->tags[i].target));
	meta_key(r, "tags", key, sizeof(key));
	rc = b.oom ? oom(r)
	           : orgmri_store_meta_set(r->ctx->store, key,
	                                   b.len ? orgmri_buf_cstr(&b) : "", r->err);
	orgmri_buf_free(&b);
	if (!rc) {
		/* where this history lives, so the platform adapters can diff
		 * deployments on its graph (platform_deploys.c) */
		char *abs = realpath(r->ctx->path, NULL);
		meta_key(r, "path", key, sizeof(key));
		rc = orgmri_store_meta_set(r->ctx->store, key,
		                           abs ? abs : r->ctx->path, r->err);
		free(abs);
	}
	if (!rc && r->codeowners[0]) {
		meta_key(r, "codeowners", key, sizeof(key));
		rc = orgmri_store_meta_set(r->ctx->store, key, r->codeowners,
		                           r->err);
	}
	return rc;
}

/* ---- the adapter ----------------------------------------------------- */

/* Is `name` in folder `dir` a folder (want_dir) or a regular file? */
static int has_entry(const char *dir, const char *name, int want_dir)
{
	char p[4096];
	struct stat st;
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p) ||
	    stat(p, &st) != 0)
		return 0;
	return want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* libgit2's test of a git folder: a HEAD file, and objects/ and refs/
 * folders (or, in a linked worktree's folder, a commondir file). */
static int is_git_dir(const char *dir)
{
	return has_entry(dir, "HEAD", 0) &&
	       ((has_entry(dir, "objects", 1) && has_entry(dir, "refs", 1)) ||
	        has_entry(dir, "commondir", 0));
}

/*
 * A bare repository, or a folder whose .git is a git folder or a
 * "gitdir:" file, tested on the file system as libgit2's open with
 * GIT_REPOSITORY_OPEN_NO_SEARCH tests it.  Not with libgit2 itself: its
 * start parses the system's TLS certificates (4-10 ms, on this path
 * twice per ingest, detect then run); a folder that passes here and
 * does not open fails in run() with libgit2's message.
 */
static int detect(const char *path)
{
	if (!orgmri_path_is_dir(path))
		return 0;
	char dotgit[4096];
	if ((size_t)snprintf(dotgit, sizeof(dotgit), "%s/.git", path) >=
	    sizeof(dotgit))
		return 0;
	int ok = is_git_dir(path) || is_git_dir(dotgit) ||
	         has_entry(path, ".git", 0);
	return ok ? 100 : 0;
}

static int setup(git_run *r)
{
	if (git_repository_open_ext(&r->repo, r->ctx->path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return git_fail(r, ORGMRI_EIO, "not a git repository");
	repo_name(r);
	r->pull_refs = orgmri_config_bool(r->ctx->config, "git.pull-refs", 1);
	int rc = orgmri_git_ai_load(&r->ai, r->ctx->config, r->err);
	if (rc)
		return rc;
	const char *pat = orgmri_config_string(r->ctx->config,
	                                       "release.tagPattern",
	                                       DEFAULT_TAG_PATTERN);
	if (regcomp(&r->tag_re, pat, REG_EXTENDED | REG_NOSUB) != 0)
		return orgmri_seterr(r->err, ORGMRI_EINVAL, "release.tagPattern "
		                     "\"%s\" is not a valid extended regular "
		                     "expression", pat);
	r->have_re = 1;
	git_reference *head = NULL;
	git_object *obj = NULL;
	if (git_repository_head(&head, r->repo) == 0 &&
	    git_reference_peel(&obj, head, GIT_OBJECT_COMMIT) == 0) {
		git_oid_cpy(&r->head, git_object_id(obj));
		r->have_head = 1;
	}
	git_object_free(obj);
	git_reference_free(head);
	return 0;
}

/*
 * libgit2's defaults suit a long-lived process, not one pass over all of
 * history: it re-hashes every object it inflates (30% of a full ingest;
 * `git log` does not, and zlib still catches damaged data), and it never
 * caches blobs, though the new side of one commit's diff is the old side
 * of the next one's.  These options are process-wide, so `on` = 0 puts
 * the defaults back.
 */
static void tune_libgit2(int on)
{
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, !on);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB,
	                 (size_t)(on ? BLOB_CACHE_LIMIT : 0));
}

/*
 * Everything that emits events, on the pipeline's producer thread while
 * the calling thread writes the store (pipeline.c): these passes never
 * touch the store; load_marks() before and save_marks() after do, on the
 * calling thread.  r->ctx is the producer's context meanwhile.
 */
static int event_passes(orgmri_adapter_ctx *pctx, void *arg,
                        orgmri_error *err)
{
	git_run *r = arg;
	orgmri_adapter_ctx *ctx = r->ctx;
	orgmri_error *cerr = r->err;
	r->ctx = pctx;
	r->err = err;
	int rc = collect(r);
	if (!rc)
		rc = diff_commits(r);
	if (!rc)
		rc = read_commits(r);
	if (!rc)
		rc = changes(r);
	if (!rc)
		rc = releases(r);
	if (!rc)
		rc = emit_codeowners(r, r->owners_meta);
	/* Freeing libgit2's object cache (5% of a --no-diff ingest) here
	 * overlaps the store's last writes; save_marks() needs no objects. */
	orgmri_pipeline_push(pctx);
	git_repository_free(r->repo);
	r->repo = NULL;
	r->ctx = ctx;
	r->err = cerr;
	return rc;
}

static int run(orgmri_adapter_ctx *ctx, orgmri_error *err)
{
	git_run r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.err = err;
	orgmri_intern_init(&r.oids);
	orgmri_intern_init(&r.reach);
	orgmri_intern_init(&r.pulled);
	orgmri_arena_init(&r.arena, 256 * 1024);
	git_libgit2_init();
	tune_libgit2(1);
	char *tags_meta = NULL, owners_meta[sizeof(r.codeowners)];
	int rc = setup(&r);
	if (!rc)
		rc = load_marks(&r, &tags_meta, owners_meta, sizeof(owners_meta));
	if (!rc)
		rc = list_tags(&r);
	if (!rc)
		mark_old_tags(&r, tags_meta);
	r.owners_meta = owners_meta;
	if (!rc)
		rc = orgmri_pipeline_call(ctx, event_passes, &r, 0, err);
	if (!rc)
		rc = save_marks(&r);
	free(tags_meta);
	free(r.commits);
	for (size_t i = 0; r.diffs && i < r.oids.count; i++) {
		free(r.diffs[i].paths);
		free(r.diffs[i].hunks);
	}
	orgmri_git_churn_plan_free(r.churn);
	free(r.diffs);
	free(r.tags);
	free((void *)r.relv);
	orgmri_buf_free(&r.rel);
	orgmri_arena_free(&r.arena);
	orgmri_intern_free(&r.oids);
	orgmri_intern_free(&r.reach);
	orgmri_intern_free(&r.pulled);
	orgmri_git_ai_free(&r.ai);
	if (r.have_re)
		regfree(&r.tag_re);
	git_repository_free(r.repo);
	tune_libgit2(0);
	git_libgit2_shutdown();
	return rc;
}

const orgmri_adapter orgmri_adapter_git = {
	"git", "a git repository, bare or not (docs/git.md)",
	detect, run, ORGMRI_ADAPTER_OWN_PIPELINE,
};
