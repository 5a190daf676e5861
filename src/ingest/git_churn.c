/*
 * git_churn.c - line churn for the git adapter: how many of the lines a
 * commit deleted or replaced had been written less than 21 days before
 * (docs/git.md, "Churn").
 *
 * The history followed is the first-parent line of HEAD, the history as
 * it was integrated: a merge there is one step whose diff against its
 * first parent brings the branch's lines in at the merge's time.  Every
 * line of every file on that line carries the committer time of the
 * first-parent commit that put it there, exactly what `git blame
 * --first-parent` attributes it to.  Replaying each commit's zero-context
 * hunks in order (oldest first) keeps those ages current without reading
 * a blob: a hunk removes old_lines lines at its position, counting the
 * young ones, and inserts new_lines lines of the commit's time.
 *
 * A file's ages are runs (count, time) over a prefix of its lines; lines
 * past the last run are "old": written before anything the replay saw,
 * or long enough ago that no later commit's window reaches them.  Runs
 * that old are merged into one and dropped from the tail, so only files
 * changed in the last few weeks hold any runs and the state stays small
 * on long histories.  This is also what lets an incremental ingest start
 * the replay a few weeks before its first new commit instead of at the
 * root (orgmri_git_churn_plan).
 */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/git_internal.h"

/* Committer time of lines before the replay saw them. */
#define OLD INT64_MIN
/* Extra reach of an incremental replay beyond the window: first-parent
 * commit times are not strictly increasing (clocks, rebases). */
#define REPLAY_SLACK_MS (7LL * 86400000)
/* Drop forgotten runs from every file this often (commits). */
#define SWEEP_EVERY 512

typedef struct age_run {
	int64_t time;
	uint32_t n;
} age_run;

typedef struct file_ages {
	age_run *v;
	uint32_t n, cap;
	uint32_t live_at;   /* index in live[], when n > 0 */
} file_ages;

struct git_churn {
	int64_t window;
	orgmri_intern paths;
	file_ages *files;     /* by path id */
	size_t fcap;
	uint32_t *live;       /* ids of files holding runs */
	size_t nlive, livecap;
	size_t applied;
};

int orgmri_git_churn_new(git_churn **out, int64_t window_ms)
{
	git_churn *c = calloc(1, sizeof(*c));
	if (!c)
		return ORGMRI_ENOMEM;
	c->window = window_ms;
	orgmri_intern_init(&c->paths);
	*out = c;
	return 0;
}

void orgmri_git_churn_free(git_churn *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->paths.count; i++)
		free(c->files[i].v);
	free(c->files);
	free(c->live);
	orgmri_intern_free(&c->paths);
	free(c);
}

/* Room for one more run at index i (runs from i move up). */
static int run_insert(file_ages *f, uint32_t i, int64_t time, uint32_t n)
{
	if (f->n == f->cap) {
		uint32_t cap = f->cap ? f->cap * 2 : 4;
		age_run *v = orgmri_reallocarray(f->v, cap, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	memmove(f->v + i + 1, f->v + i, (f->n - i) * sizeof(*f->v));
	f->v[i] = (age_run){ time, n };
	f->n++;
	return 0;
}

/*
 * Index of the first run starting at line `pos` (0-based), splitting the
 * run that spans it.  Past the last run: with `pad`, an old run fills
 * the gap and the index is f->n; without, f->n.
 */
static int split_at(file_ages *f, uint64_t pos, int pad, uint32_t *idx)
{
	uint64_t start = 0;
	for (uint32_t i = 0; i < f->n; i++) {
		if (pos == start) {
			*idx = i;
			return 0;
		}
		if (pos < start + f->v[i].n) {
			uint32_t head = (uint32_t)(pos - start);
			int rc = run_insert(f, i + 1, f->v[i].time,
			                    f->v[i].n - head);
			if (rc)
				return rc;
			f->v[i].n = head;
			*idx = i + 1;
			return 0;
		}
		start += f->v[i].n;
	}
	*idx = f->n;
	if (pad && pos > start) {
		uint64_t gap = pos - start;
		int rc = run_insert(f, f->n, OLD, gap > UINT32_MAX ? UINT32_MAX
		                                                   : (uint32_t)gap);
		if (rc)
			return rc;
		*idx = f->n;
	}
	return 0;
}

static int young(const git_churn *c, int64_t line_time, int64_t now)
{
	return line_time != OLD && now - line_time < c->window;
}

/* Replace lines [pos, pos + del) by `add` lines of time `now`, adding
 * the young lines removed to *rewritten. */
static int apply_hunk(git_churn *c, file_ages *f, uint64_t pos, uint32_t del,
                      uint32_t add, int64_t now, long long *rewritten)
{
	uint32_t i, j;
	int rc = split_at(f, pos, add > 0, &i);
	if (rc)
		return rc;
	j = i;
	if (del && (rc = split_at(f, pos + del, 0, &j)))
		return rc;
	for (uint32_t k = i; k < j; k++)
		if (young(c, f->v[k].time, now))
			*rewritten += f->v[k].n;
	if (j > i) {
		memmove(f->v + i, f->v + j, (f->n - j) * sizeof(*f->v));
		f->n -= j - i;
	}
	return add ? run_insert(f, i, now, add) : 0;
}

static void leave_live(git_churn *c, file_ages *f)
{
	uint32_t last = c->live[--c->nlive];
	c->live[f->live_at] = last;
	c->files[last].live_at = f->live_at;
}

/* Forget runs written at or before `forget`: merge neighbours of equal
 * time, drop the old tail; a file left without runs leaves live[]. */
static void tidy(git_churn *c, uint32_t id, int64_t forget)
{
	file_ages *f = &c->files[id];
	uint32_t out = 0;
	for (uint32_t i = 0; i < f->n; i++) {
		age_run r = f->v[i];
		if (r.time <= forget)
			r.time = OLD;
		if (r.n == 0)
			continue;
		if (out && f->v[out - 1].time == r.time &&
		    f->v[out - 1].n <= UINT32_MAX - r.n)
			f->v[out - 1].n += r.n;
		else
			f->v[out++] = r;
	}
	while (out && f->v[out - 1].time == OLD)
		out--;
	int was_live = f->n > 0;
	f->n = out;
	if (was_live && out == 0)
		leave_live(c, f);
}

static int file_of(git_churn *c, const char *path, size_t len, uint32_t *id)
{
	int64_t k = orgmri_intern_add(&c->paths, path, len);
	if (k < 0)
		return ORGMRI_ENOMEM;
	if ((size_t)k >= c->fcap) {
		size_t cap = c->fcap ? c->fcap * 2 : 256;
		file_ages *v = orgmri_reallocarray(c->files, cap, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		memset(v + c->fcap, 0, (cap - c->fcap) * sizeof(*v));
		c->files = v;
		c->fcap = cap;
	}
	*id = (uint32_t)k;
	return 0;
}

static int make_live(git_churn *c, uint32_t id)
{
	if (c->nlive == c->livecap) {
		size_t cap = c->livecap ? c->livecap * 2 : 64;
		uint32_t *v = orgmri_reallocarray(c->live, cap, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		c->live = v;
		c->livecap = cap;
	}
	c->files[id].live_at = (uint32_t)c->nlive;
	c->live[c->nlive++] = id;
	return 0;
}

/* A rename: the ages of `from` become those of file `id`. */
static int take_ages(git_churn *c, uint32_t id, const char *from,
                     size_t flen)
{
	uint32_t src;
	int rc = file_of(c, from, flen, &src);
	if (rc || src == id)
		return rc;
	file_ages *f = &c->files[id], *g = &c->files[src];
	if (f->n > 0)
		leave_live(c, f);
	f->n = 0;
	if (g->n == 0)
		return 0;
	leave_live(c, g);
	age_run *v = f->v;
	uint32_t cap = f->cap;
	f->v = g->v;
	f->n = g->n;
	f->cap = g->cap;
	g->v = v;
	g->n = 0;
	g->cap = cap;
	return make_live(c, id);
}

/* A hunk's old_start names a line (1-based) when it deletes lines. */
static int hunk_ok(const git_hunk *h)
{
	return !(h->old_lines && h->old_start == 0);
}

/* One file's record: its hunks, last first, so that every hunk's
 * old_start still names the old file's lines when it is applied.  A
 * record with a malformed hunk changes nothing; after a failure midway
 * (out of memory) the file's ages are dropped, so that a file holds runs
 * exactly when it is in live[]. */
static int apply_file(git_churn *c, const char *path, size_t plen,
                      const char *from, size_t flen, const char *hunks,
                      uint32_t nh, int64_t now, int64_t forget,
                      long long *rewritten)
{
	git_hunk h;
	for (uint32_t k = 0; k < nh; k++) {
		memcpy(&h, hunks + (size_t)k * sizeof(h), sizeof(h));
		if (!hunk_ok(&h))
			return ORGMRI_ECORRUPT;
	}
	uint32_t id;
	int rc = file_of(c, path, plen, &id);
	if (!rc && flen)
		rc = take_ages(c, id, from, flen);
	if (rc)
		return rc;
	file_ages *f = &c->files[id];
	int was_live = f->n > 0;
	for (uint32_t k = nh; k-- > 0 && !rc;) {
		memcpy(&h, hunks + (size_t)k * sizeof(h), sizeof(h));
		uint64_t pos = h.old_lines ? (uint64_t)h.old_start - 1
		                           : (uint64_t)h.old_start;
		rc = apply_hunk(c, f, pos, h.old_lines, h.new_lines, now,
		                rewritten);
	}
	if (!was_live && f->n > 0 && !rc)
		rc = make_live(c, id);
	if (rc) {
		if (was_live && f->n == 0)
			leave_live(c, f);
		else if (!was_live)
			f->n = 0;
		return rc;
	}
	tidy(c, id, forget);
	return 0;
}

int orgmri_git_churn_apply(git_churn *c, int64_t time, int64_t forget_before,
                           const char *hunks, size_t len,
                           long long *rewritten)
{
	*rewritten = 0;
	size_t at = 0;
	while (at < len) {
		git_hunk_file hf;
		if (len - at < sizeof(hf))
			return ORGMRI_ECORRUPT;
		memcpy(&hf, hunks + at, sizeof(hf));
		at += sizeof(hf);
		if (hf.path_len > len - at || hf.from_len > len - at - hf.path_len ||
		    hf.nhunks > (len - at - hf.path_len - hf.from_len) /
		                sizeof(git_hunk))
			return ORGMRI_ECORRUPT;
		const char *path = hunks + at;
		at += hf.path_len;
		const char *from = hunks + at;
		at += hf.from_len;
		int rc = apply_file(c, path, hf.path_len, from, hf.from_len,
		                    hunks + at, hf.nhunks, time, forget_before,
		                    rewritten);
		if (rc)
			return rc;
		at += (size_t)hf.nhunks * sizeof(git_hunk);
	}
	if (++c->applied % SWEEP_EVERY == 0)
		for (size_t i = c->nlive; i-- > 0;)
			tidy(c, c->live[i], forget_before);
	return 0;
}

size_t orgmri_git_churn_live_files(const git_churn *c)
{
	return c->nlive;
}

/* ---- the first-parent line and the pass over it ----------------------- */

typedef struct chain_commit {
	git_oid id;
	int64_t commit_ms;
	uint32_t index;     /* in the ingest's commits, or UINT32_MAX */
	unsigned target: 1; /* its churn is stored */
} chain_commit;

struct git_churn_plan {
	chain_commit *v;    /* newest first */
	size_t n, cap;
	size_t nextra;      /* commits to diff for the replay only */
};

static int plan_push(git_churn_plan *p, const git_oid *id, int64_t ms,
                     uint32_t index, int target)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		chain_commit *v = orgmri_reallocarray(p->v, cap, sizeof(*v));
		if (!v)
			return ORGMRI_ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	chain_commit *cc = &p->v[p->n++];
	git_oid_cpy(&cc->id, id);
	cc->commit_ms = ms;
	cc->index = index;
	cc->target = target != 0;
	return 0;
}

void orgmri_git_churn_plan_free(git_churn_plan *p)
{
	if (!p)
		return;
	free(p->v);
	free(p);
}

int orgmri_git_churn_plan(git_repository *repo, const git_oid *head,
                          const orgmri_intern *oids, int64_t since_ms,
                          int64_t window_ms, git_commit_diff *diffs,
                          git_churn_plan **out, orgmri_error *err)
{
	git_churn_plan *p = calloc(1, sizeof(*p));
	if (!p)
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	int rc = 0;
	int64_t first_target = INT64_MAX;
	git_oid id;
	git_oid_cpy(&id, head);
	for (;;) {
		git_commit *c;
		if (git_commit_lookup(&c, repo, &id) < 0) {
			/* The walk that collected the commits reported damage
			 * already; a shallow boundary just ends the line. */
			break;
		}
		int64_t ms = (int64_t)git_commit_time(c) * 1000;
		uint32_t index = orgmri_intern_find(oids, (const char *)id.id,
		                                    GIT_OID_RAWSZ);
		int target = index != UINT32_MAX && ms >= since_ms;
		if (!target && (first_target == INT64_MAX ||
		                ms < first_target - window_ms - REPLAY_SLACK_MS)) {
			git_commit_free(c);
			break;
		}
		if (target && ms < first_target)
			first_target = ms;
		if ((rc = plan_push(p, &id, ms, index, target))) {
			git_commit_free(c);
			break;
		}
		if (target)
			diffs[index].want_hunks = 1;
		else
			p->nextra++;
		int more = git_commit_parentcount(c) > 0;
		if (more)
			git_oid_cpy(&id, git_commit_parent_id(c, 0));
		git_commit_free(c);
		if (!more)
			break;
	}
	if (rc) {
		orgmri_git_churn_plan_free(p);
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	*out = p;
	return 0;
}

size_t orgmri_git_churn_plan_size(const git_churn_plan *p, size_t *extra)
{
	if (extra)
		*extra = p->nextra;
	return p->n;
}

/* The replay-only commits' hunks (commits ingested before, or before
 * --since), diffed here. */
static int diff_extra(const git_churn_plan *p, const char *path, int threads,
                      git_commit_diff **out, orgmri_error *err)
{
	*out = NULL;
	if (p->nextra == 0)
		return 0;
	const git_oid **ids = calloc(p->nextra, sizeof(*ids));
	git_commit_diff *d = calloc(p->nextra, sizeof(*d));
	int rc = 0;
	if (!ids || !d) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	size_t k = 0;
	for (size_t i = 0; i < p->n; i++)
		if (!p->v[i].target) {
			ids[k] = &p->v[i].id;
			d[k++].want_hunks = 1;
		}
	rc = orgmri_git_diff_commits(path, ids, k, INT64_MIN, threads, d,
	                             NULL, NULL, err);
	for (size_t i = 0; i < k; i++) {
		free(d[i].paths);
		d[i].paths = NULL;
	}
done:
	free(ids);
	if (rc && d) {
		for (size_t i = 0; i < p->nextra; i++)
			free(d[i].hunks);
		free(d);
		d = NULL;
	}
	*out = d;
	return rc;
}

int orgmri_git_churn_run(const git_churn_plan *p, const char *path,
                         int threads, int64_t window_ms,
                         git_commit_diff *diffs, orgmri_error *err)
{
	git_commit_diff *extra = NULL;
	git_churn *c = NULL;
	int64_t *later_min = NULL;
	int rc = diff_extra(p, path, threads, &extra, err);
	if (rc)
		return rc;
	if (p->n == 0)
		goto done;
	if (orgmri_git_churn_new(&c, window_ms) ||
	    !(later_min = malloc(p->n * sizeof(*later_min)))) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	/* later_min[i]: the earliest time of the commits applied after
	 * p->v[i] (those newer on the line, at indexes below i); a line
	 * written at or before later_min[i] - window is young to none. */
	later_min[0] = INT64_MAX;
	for (size_t i = 1; i < p->n; i++)
		later_min[i] = p->v[i - 1].commit_ms < later_min[i - 1]
		             ? p->v[i - 1].commit_ms : later_min[i - 1];
	size_t k = p->nextra;
	for (size_t i = p->n; i-- > 0 && !rc;) {
		const chain_commit *cc = &p->v[i];
		git_commit_diff *d = cc->target ? &diffs[cc->index] : &extra[--k];
		int64_t forget = later_min[i] == INT64_MAX
		               ? INT64_MAX : later_min[i] - window_ms;
		long long n = 0;
		if (!d->have)
			continue; /* a shallow boundary: nothing known */
		rc = orgmri_git_churn_apply(c, cc->commit_ms, forget, d->hunks,
		                            d->hunks_len, &n);
		if (rc) {
			char hex[GIT_OID_HEXSZ + 1];
			rc = orgmri_seterr(err, rc, "commit %s: %s",
			                   git_oid_tostr(hex, sizeof(hex), &cc->id),
			                   rc == ORGMRI_ENOMEM ? "out of memory"
			                   : "malformed hunks list (a bug)");
		}
		if (cc->target) {
			d->churn = n;
			d->have_churn = 1;
		}
		free(d->hunks);
		d->hunks = NULL;
	}
done:
	for (size_t i = 0; extra && i < p->nextra; i++)
		free(extra[i].hunks);
	free(extra);
	free(later_min);
	orgmri_git_churn_free(c);
	return rc;
}
