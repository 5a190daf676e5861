/*
 * git_diff.c - lines added and deleted between two trees, for the git
 * adapter's per-commit `additions`, `deletions` and `files`.
 *
 * Why not git_diff_tree_to_tree: on libgit2's own history it spent most
 * of its time in its generic iterators (path building, sorting, per-entry
 * allocation) and was six times slower than `git log --numstat`.  We walk
 * the two sorted entry lists side by side instead, descend only into
 * subtrees whose ids differ, and ask xdiff (git_patch_from_blobs) only
 * for files present on both sides; an added or deleted file's lines are
 * counted directly.
 *
 * The counts follow `git diff --numstat --no-renames`: every path whose
 * content or mode changed is one file; a binary file counts as a changed
 * file with no lines; a changed submodule counts one line out, one in.
 *
 * orgmri_git_diff_commits spreads the commits over threads in chunks
 * taken from a shared counter, each thread with its own repository
 * handle (and so its own object cache): diffs are nearly all of a full
 * ingest's time and need nothing from each other.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/git_internal.h"

/* Deepest tree nesting followed; deeper trees are hostile input. */
#define MAX_TREE_DEPTH 256

typedef struct diff_ctx {
	git_repository *repo;
	git_diff_counts *out;
	orgmri_error *err;
	git_diff_options opts;
	orgmri_buf *paths;  /* NULL: paths not wanted */
	orgmri_buf dir;     /* the folder being compared, "" or "a/b/" */
} diff_ctx;

/* Note the path of entry `e` (in d->dir), counted in `files`.  A path
 * that is not valid UTF-8 is left out (the store takes only UTF-8). */
static int note_path(diff_ctx *d, const git_tree_entry *e)
{
	if (!d->paths)
		return 0;
	const char *name = git_tree_entry_name(e);
	size_t nl = strlen(name);
	if (orgmri_utf8_valid_prefix(name, nl) != nl ||
	    (d->dir.len && orgmri_utf8_valid_prefix(d->dir.ptr, d->dir.len) !=
	                       d->dir.len))
		return 0;
	if ((d->dir.len && orgmri_buf_put(d->paths, d->dir.ptr, d->dir.len)) ||
	    orgmri_buf_put(d->paths, name, nl + 1))
		return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	return 0;
}

/* Enter folder `e` (append "name/" to d->dir); *mark receives the
 * length to cut back to on leaving. */
static int enter_dir(diff_ctx *d, const git_tree_entry *e, size_t *mark)
{
	*mark = d->dir.len;
	if (!d->paths)
		return 0;
	if (orgmri_buf_puts(&d->dir, git_tree_entry_name(e)) ||
	    orgmri_buf_putc(&d->dir, '/'))
		return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	return 0;
}

static int is_tree(const git_tree_entry *e)
{
	return git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

/* git's tree order: names compared bytewise as if trees ended in '/'. */
static int entry_cmp(const git_tree_entry *a, const git_tree_entry *b)
{
	const char *na = git_tree_entry_name(a), *nb = git_tree_entry_name(b);
	size_t la = strlen(na), lb = strlen(nb);
	size_t n = la < lb ? la : lb;
	int c = memcmp(na, nb, n);
	if (c)
		return c;
	unsigned char ca = la > n ? (unsigned char)na[n] : is_tree(a) ? '/' : 0;
	unsigned char cb = lb > n ? (unsigned char)nb[n] : is_tree(b) ? '/' : 0;
	return (int)ca - (int)cb;
}

static int read_fail(diff_ctx *d, const git_oid *id, const char *what)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid_tostr(hex, sizeof(hex), id);
	const git_error *ge = git_error_last();
	return orgmri_seterr(d->err, ORGMRI_ECORRUPT, "cannot read %s %s: %s",
	                     what, hex, ge && ge->message ? ge->message
	                                                  : "unknown error");
}

/* git's rule (buffer_is_binary): a NUL in the first 8000 bytes. */
#define BINARY_PROBE 8000

static int is_binary(const git_blob *b)
{
	size_t n = (size_t)git_blob_rawsize(b);
	return memchr(git_blob_rawcontent(b), '\0',
	              n < BINARY_PROBE ? n : BINARY_PROBE) != NULL;
}

/* Lines in a blob as numstat counts them (a last line without '\n'
 * counts); 0 for binary content. */
static long long blob_lines(const git_blob *b)
{
	if (is_binary(b))
		return 0;
	const char *p = git_blob_rawcontent(b);
	size_t n = (size_t)git_blob_rawsize(b);
	long long lines = 0;
	const char *end = p + n, *q = p;
	while ((q = memchr(q, '\n', (size_t)(end - q)))) {
		lines++;
		q++;
	}
	if (n > 0 && p[n - 1] != '\n')
		lines++;
	return lines;
}

static int diff_tree(diff_ctx *d, const git_tree *a, const git_tree *b,
                     int depth);

/* Lines of a non-tree entry as numstat counts a whole-file add or
 * delete: a blob's lines, a submodule's one "Subproject commit" line. */
static int entry_lines(diff_ctx *d, const git_tree_entry *e, long long *out)
{
	*out = 1;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	git_blob *blob;
	if (git_blob_lookup(&blob, d->repo, git_tree_entry_id(e)) < 0)
		return read_fail(d, git_tree_entry_id(e), "blob");
	*out = blob_lines(blob);
	git_blob_free(blob);
	return 0;
}

/* One side only: a whole file or tree added (sign > 0) or deleted. */
static int one_side(diff_ctx *d, const git_tree_entry *e, int sign, int depth)
{
	if (is_tree(e)) {
		git_tree *tree;
		size_t mark;
		if (git_tree_lookup(&tree, d->repo, git_tree_entry_id(e)) < 0)
			return read_fail(d, git_tree_entry_id(e), "tree");
		int rc = enter_dir(d, e, &mark);
		if (!rc)
			rc = sign > 0 ? diff_tree(d, NULL, tree, depth + 1)
			              : diff_tree(d, tree, NULL, depth + 1);
		d->dir.len = mark;
		git_tree_free(tree);
		return rc;
	}
	d->out->files++;
	long long lines;
	int rc = note_path(d, e);
	if (!rc)
		rc = entry_lines(d, e, &lines);
	if (rc)
		return rc;
	if (sign > 0)
		d->out->additions += lines;
	else
		d->out->deletions += lines;
	return 0;
}

/* Both sides have a non-tree entry of this name. */
static int both_files(diff_ctx *d, const git_tree_entry *a,
                      const git_tree_entry *b)
{
	int same = git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b));
	if (same && git_tree_entry_filemode(a) == git_tree_entry_filemode(b))
		return 0;
	d->out->files++;
	int prc = note_path(d, b);
	if (prc || same)
		return prc; /* (or a mode change only) */
	if (git_tree_entry_type(a) != GIT_OBJECT_BLOB ||
	    git_tree_entry_type(b) != GIT_OBJECT_BLOB) {
		/* a submodule on either side: all out, all in */
		long long la, lb;
		int rc = entry_lines(d, a, &la);
		if (!rc)
			rc = entry_lines(d, b, &lb);
		if (!rc) {
			d->out->deletions += la;
			d->out->additions += lb;
		}
		return rc;
	}
	git_blob *ba = NULL, *bb = NULL;
	git_patch *patch = NULL;
	int rc = 0;
	if (git_blob_lookup(&ba, d->repo, git_tree_entry_id(a)) < 0) {
		rc = read_fail(d, git_tree_entry_id(a), "blob");
		goto done;
	}
	if (git_blob_lookup(&bb, d->repo, git_tree_entry_id(b)) < 0) {
		rc = read_fail(d, git_tree_entry_id(b), "blob");
		goto done;
	}
	if (is_binary(ba) || is_binary(bb))
		goto done; /* numstat shows "-": a file, no lines */
	if (git_patch_from_blobs(&patch, ba, NULL, bb, NULL, &d->opts) < 0) {
		rc = read_fail(d, git_tree_entry_id(b), "blob pair ending in");
		goto done;
	}
	size_t ctxl, adds, dels;
	if (git_patch_line_stats(&ctxl, &adds, &dels, patch) == 0) {
		d->out->additions += (long long)adds;
		d->out->deletions += (long long)dels;
	}
done:
	git_patch_free(patch);
	git_blob_free(ba);
	git_blob_free(bb);
	return rc;
}

/* Both sides have this name; either may be a tree. */
static int both(diff_ctx *d, const git_tree_entry *a, const git_tree_entry *b,
                int depth)
{
	if (!is_tree(a) && !is_tree(b))
		return both_files(d, a, b);
	/* entry_cmp() only matches equal names of the same kind. */
	if (git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)))
		return 0;
	git_tree *ta = NULL, *tb = NULL;
	size_t mark = d->dir.len;
	int rc = 0;
	if (git_tree_lookup(&ta, d->repo, git_tree_entry_id(a)) < 0)
		rc = read_fail(d, git_tree_entry_id(a), "tree");
	else if (git_tree_lookup(&tb, d->repo, git_tree_entry_id(b)) < 0)
		rc = read_fail(d, git_tree_entry_id(b), "tree");
	else if (!(rc = enter_dir(d, b, &mark)))
		rc = diff_tree(d, ta, tb, depth + 1);
	d->dir.len = mark;
	git_tree_free(ta);
	git_tree_free(tb);
	return rc;
}

static int diff_tree(diff_ctx *d, const git_tree *a, const git_tree *b,
                     int depth)
{
	if (depth > MAX_TREE_DEPTH)
		return orgmri_seterr(d->err, ORGMRI_ELIMIT, "trees nested deeper "
		                     "than %d levels", MAX_TREE_DEPTH);
	size_t na = a ? git_tree_entrycount(a) : 0;
	size_t nb = b ? git_tree_entrycount(b) : 0;
	size_t i = 0, j = 0;
	int rc = 0;
	while (!rc && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ? git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ? git_tree_entry_byindex(b, j) : NULL;
		int c = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);
		if (c < 0) {
			rc = one_side(d, ea, -1, depth);
			i++;
		} else if (c > 0) {
			rc = one_side(d, eb, +1, depth);
			j++;
		} else {
			rc = both(d, ea, eb, depth);
			i++;
			j++;
		}
	}
	return rc;
}

int orgmri_git_diff_trees(git_repository *repo, const git_tree *old_tree,
                          const git_tree *new_tree, git_diff_counts *out,
                          orgmri_buf *paths, orgmri_error *err)
{
	diff_ctx d;
	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	d.repo = repo;
	d.out = out;
	d.err = err;
	d.paths = paths;
	git_diff_options_init(&d.opts, GIT_DIFF_OPTIONS_VERSION);
	d.opts.context_lines = 0;
	d.opts.interhunk_lines = 0;
	/* Binary files were told apart above, by git's own rule. */
	d.opts.flags |= GIT_DIFF_FORCE_TEXT;
	int rc = diff_tree(&d, old_tree, new_tree, 0);
	orgmri_buf_free(&d.dir);
	return rc;
}

static int path_cmp(const void *a, const void *b)
{
	/* strcmp compares as unsigned char: bytewise order. */
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *orgmri_git_join_paths(const char *list, size_t len, size_t cap,
                            int *truncated)
{
	size_t n = 0;
	*truncated = 0;
	for (size_t i = 0; i < len; i++)
		n += list[i] == '\0';
	const char **v = n ? malloc(n * sizeof(*v)) : NULL;
	if (n && !v)
		return NULL;
	size_t k = 0, sorted = 1;
	for (size_t i = 0; i < len; i += strlen(list + i) + 1) {
		v[k] = list + i;
		if (k > 0 && strcmp(v[k - 1], v[k]) > 0)
			sorted = 0;
		k++;
	}
	/* Tree order is already bytewise path order in a well-formed
	 * repository; sort anyway when it is not. */
	if (!sorted)
		qsort((void *)v, n, sizeof(*v), path_cmp);
	size_t total = 0, keep = 0;
	for (; keep < n; keep++) {
		size_t add = strlen(v[keep]) + (keep > 0);
		if (total + add > cap) {
			*truncated = 1;
			break;
		}
		total += add;
	}
	char *out = malloc(total + 1), *p = out;
	if (out) {
		for (size_t i = 0; i < keep; i++) {
			size_t l = strlen(v[i]);
			if (i > 0)
				*p++ = '\n';
			memcpy(p, v[i], l);
			p += l;
		}
		*p = '\0';
	}
	free((void *)v);
	return out;
}

/* ---- many commits, several threads ----------------------------------- */

/* Commits per chunk a thread takes: small enough to balance the load,
 * large enough that neighbouring commits (sharing blobs) stay together
 * in one thread's cache. */
#define CHUNK 32
#define MAX_THREADS 8

typedef struct diff_job {
	const char *path;
	const git_oid *const *ids;
	size_t n;
	int64_t since_ms;
	git_commit_diff *out;
	atomic_size_t next;   /* first index of the next chunk to take */
	atomic_size_t done;
	atomic_int stop;      /* set on the first error */
} diff_job;

typedef struct diff_worker {
	diff_job *job;
	pthread_t thread;
	int rc;
	size_t failed_at;     /* index of the commit that failed */
	orgmri_error err;
	orgmri_buf paths;     /* scratch: one commit's paths */
} diff_worker;

static int diff_one(git_repository *repo, const git_oid *id,
                    int64_t since_ms, git_commit_diff *out,
                    orgmri_buf *paths, orgmri_error *err)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	diff_ctx d = { repo, NULL, err, GIT_DIFF_OPTIONS_INIT, NULL,
	               ORGMRI_BUF_INIT };
	int rc = 0;
	memset(out, 0, sizeof(*out));
	if (git_commit_lookup(&c, repo, id) < 0) {
		d.err = err;
		return read_fail(&d, id, "commit");
	}
	if ((int64_t)git_commit_time(c) * 1000 < since_ms)
		goto done;
	if (git_commit_parentcount(c) > 0) {
		if (git_commit_parent(&parent, c, 0) < 0) {
			/* A shallow clone's boundary: its parent is not here. */
			if (!git_repository_is_shallow(repo))
				rc = read_fail(&d, git_commit_parent_id(c, 0),
				               "parent commit");
			goto done;
		}
		if (git_commit_tree(&ptree, parent) < 0) {
			rc = read_fail(&d, git_commit_tree_id(parent), "tree");
			goto done;
		}
	}
	if (git_commit_tree(&tree, c) < 0) {
		rc = read_fail(&d, git_commit_tree_id(c), "tree");
		goto done;
	}
	orgmri_buf_clear(paths);
	rc = orgmri_git_diff_trees(repo, ptree, tree, &out->counts, paths, err);
	if (rc == 0) {
		out->paths = orgmri_git_join_paths(paths->ptr, paths->len,
		                                   GIT_PATHS_MAX,
		                                   &out->paths_truncated);
		if (!out->paths)
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	out->have = rc == 0;
done:
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(c);
	return rc;
}

static void *diff_worker_main(void *p)
{
	diff_worker *w = p;
	diff_job *job = w->job;
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, job->path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		const git_error *ge = git_error_last();
		w->rc = orgmri_seterr(&w->err, ORGMRI_EIO, "%s: cannot open: %s",
		                      job->path, ge && ge->message ? ge->message
		                                                   : "unknown");
		w->failed_at = 0;
		atomic_store(&job->stop, 1);
		return NULL;
	}
	while (!atomic_load(&job->stop)) {
		size_t start = atomic_fetch_add(&job->next, CHUNK);
		if (start >= job->n)
			break;
		size_t end = start + CHUNK < job->n ? start + CHUNK : job->n;
		for (size_t i = start; i < end; i++) {
			int rc = diff_one(repo, job->ids[i], job->since_ms,
			                  &job->out[i], &w->paths, &w->err);
			if (rc) {
				char hex[GIT_OID_HEXSZ + 1];
				orgmri_err_prefix(&w->err, "commit %s", git_oid_tostr(
				                  hex, sizeof(hex), job->ids[i]));
				w->rc = rc;
				w->failed_at = i;
				atomic_store(&job->stop, 1);
				break;
			}
		}
		atomic_fetch_add(&job->done, end - start);
	}
	git_repository_free(repo);
	return NULL;
}

int orgmri_git_diff_commits(const char *path, const git_oid *const *ids,
                            size_t n, int64_t since_ms, int nthreads,
                            git_commit_diff *out,
                            void (*progress)(size_t done, void *ctx),
                            void *progress_ctx, orgmri_error *err)
{
	diff_job job;
	diff_worker w[MAX_THREADS];
	memset(&job, 0, sizeof(job));
	memset(w, 0, sizeof(w));
	job.path = path;
	job.ids = ids;
	job.n = n;
	job.since_ms = since_ms;
	job.out = out;
	atomic_init(&job.next, 0);
	atomic_init(&job.done, 0);
	atomic_init(&job.stop, 0);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	int started = 1; /* w[0] runs on this thread */
	for (int t = 0; t < nthreads; t++)
		w[t].job = &job;
	for (int t = 1; t < nthreads; t++)
		if (pthread_create(&w[t].thread, NULL, diff_worker_main, &w[t]) == 0)
			started++;
		else
			break; /* fewer threads is slower, not wrong */
	/* This thread works too, reporting progress between its chunks. */
	diff_worker *self = &w[0];
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	                            NULL) < 0) {
		self->rc = orgmri_seterr(&self->err, ORGMRI_EIO, "%s: cannot open",
		                         path);
		atomic_store(&job.stop, 1);
	}
	while (repo && !atomic_load(&job.stop)) {
		size_t start = atomic_fetch_add(&job.next, CHUNK);
		if (start >= n)
			break;
		size_t end = start + CHUNK < n ? start + CHUNK : n;
		for (size_t i = start; i < end && !self->rc; i++)
			if ((self->rc = diff_one(repo, ids[i], since_ms, &out[i],
			                         &self->paths, &self->err))) {
				char hex[GIT_OID_HEXSZ + 1];
				orgmri_err_prefix(&self->err, "commit %s", git_oid_tostr(
				                  hex, sizeof(hex), ids[i]));
				self->failed_at = i;
				atomic_store(&job.stop, 1);
			}
		atomic_fetch_add(&job.done, end - start);
		if (progress)
			progress(atomic_load(&job.done), progress_ctx);
	}
	git_repository_free(repo);
	for (int t = 1; t < started; t++)
		pthread_join(w[t].thread, NULL);
	int rc = 0;
	size_t first = SIZE_MAX;
	for (int t = 0; t < nthreads; t++)
		orgmri_buf_free(&w[t].paths);
	for (int t = 0; t < started; t++)
		if (w[t].rc && w[t].failed_at < first) {
			first = w[t].failed_at;
			rc = w[t].rc;
			if (err)
				*err = w[t].err;
		}
	return rc;
}
