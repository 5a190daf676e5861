/*
 * git_diff.c - lines added and deleted between two trees, for the git
 * adapter's per-commit `additions`, `deletions` and `files`.
 *
 * Why not git_diff_tree_to_tree: on libgit2's own history it spent most
 * of its time in its generic iterators (path building, sorting, per-entry
 * allocation) and was six times slower than `git log --numstat`.  We walk
 * the two sorted entry lists side by side instead, descend only into
 * subtrees whose ids differ, and count an added or deleted file's lines
 * directly.  For a file present on both sides, xdiff (git_diff_blobs)
 * runs only when the counts are not already forced (forced_counts()).
 *
 * The counts follow `git diff --numstat --no-renames`: every path whose
 * content or mode changed is one file; a binary file counts as a changed
 * file with no lines; a changed submodule counts one line out, one in.
 *
 * Alongside, the full path of every file counted is collected for the
 * `paths` attribute (orgmri_git_join_paths sorts, joins and caps them).
 *
 * orgmri_git_diff_commits spreads the commits over threads in chunks of
 * consecutive commits taken from a shared counter, each chunk with its
 * own repository handle (and so its own object cache): diffs are nearly
 * all of a full ingest's time and need nothing from each other.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ingest/git_internal.h"

/* Deepest tree nesting followed; deeper trees are hostile input. */
#define MAX_TREE_DEPTH 256

/*
 * Counts computed before, by object id: the lines a pair of blobs adds
 * and deletes, with its hunks (for the churn replay, git_churn.c), keyed
 * (old, new), and the lines of one blob, keyed (blob, zero id).  All
 * depend only on the content the ids name.  On libgit2's
 * history 35% of the changed-file pairs and 85% of the files added or
 * deleted repeat one seen before (a merge, diffed against its first
 * parent, repeats the changes of the branch commits it brings in); a hit
 * skips xdiff and reading the blobs.  One table for all diff threads
 * (a merge and its branch's commits may fall to different threads),
 * behind a mutex held only to look up or insert; open addressing, at
 * most half full, at most MEMO_MAX entries (then nothing more is added).
 */
#define MEMO_MAX (1u << 19)

typedef struct memo_slot {
	git_oid a, b;
	long long x, y;   /* additions, deletions; or lines, 0 */
	git_hunk *h;      /* a pair's hunks (malloc'd; NULL when none) */
	uint32_t nh;
	int used;
} memo_slot;

typedef struct diff_memo {
	pthread_mutex_t mu;
	memo_slot *slots;
	size_t nslots, count;
} diff_memo;

static size_t memo_hash(const git_oid *a, const git_oid *b)
{
	uint64_t x, y; /* object ids are SHA-1: any 8 bytes are well spread */
	memcpy(&x, a->id, 8);
	memcpy(&y, b->id + 8, 8);
	return (size_t)(x ^ (y * 0x9e3779b97f4a7c15ull));
}

/* 1 with *x, *y and (when h is not NULL) the hunks set when (a, b) is
 * remembered, else 0.  An entry never changes once made, so *h stays
 * valid until the memo is freed. */
static int memo_get(diff_memo *m, const git_oid *a, const git_oid *b,
                    long long *x, long long *y, const git_hunk **h,
                    uint32_t *nh)
{
	if (!m)
		return 0;
	int found = 0;
	pthread_mutex_lock(&m->mu);
	size_t mask = m->nslots - 1;
	for (size_t i = memo_hash(a, b) & mask; m->nslots; i = (i + 1) & mask) {
		const memo_slot *sl = &m->slots[i];
		if (!sl->used)
			break;
		if (git_oid_equal(&sl->a, a) && git_oid_equal(&sl->b, b)) {
			*x = sl->x;
			*y = sl->y;
			if (h) {
				*h = sl->h;
				*nh = sl->nh;
			}
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&m->mu);
	return found;
}

/* Remember (a, b) -> (x, y, h); 1 when h (malloc'd) was taken.  Out of
 * memory or a full memo only means the counts are computed again next
 * time. */
static int memo_put_locked(diff_memo *m, const git_oid *a, const git_oid *b,
                           long long x, long long y, git_hunk *h,
                           uint32_t nh)
{
	if (m->count >= MEMO_MAX)
		return 0;
	if ((m->count + 1) * 2 > m->nslots) {
		size_t n = m->nslots ? m->nslots * 2 : 4096;
		memo_slot *t = calloc(n, sizeof(*t));
		if (!t)
			return 0;
		for (size_t j = 0; j < m->nslots; j++) {
			if (!m->slots[j].used)
				continue;
			size_t i = memo_hash(&m->slots[j].a, &m->slots[j].b) & (n - 1);
			while (t[i].used)
				i = (i + 1) & (n - 1);
			t[i] = m->slots[j];
		}
		free(m->slots);
		m->slots = t;
		m->nslots = n;
	}
	size_t mask = m->nslots - 1, i = memo_hash(a, b) & mask;
	while (m->slots[i].used) {
		if (git_oid_equal(&m->slots[i].a, a) &&
		    git_oid_equal(&m->slots[i].b, b))
			return 0; /* the other thread was first */
		i = (i + 1) & mask;
	}
	m->slots[i] = (memo_slot){ *a, *b, x, y, h, nh, 1 };
	m->count++;
	return 1;
}

/* Remember (a, b) -> (x, y) and a copy of hunks h[0..nh). */
static void memo_put(diff_memo *m, const git_oid *a, const git_oid *b,
                     long long x, long long y, const git_hunk *h, size_t nh)
{
	if (!m || nh > UINT32_MAX)
		return;
	git_hunk *copy = NULL;
	if (nh && !(copy = malloc(nh * sizeof(*copy))))
		return; /* an entry without its hunks would be wrong */
	if (nh)
		memcpy(copy, h, nh * sizeof(*copy));
	pthread_mutex_lock(&m->mu);
	int taken = memo_put_locked(m, a, b, x, y, copy, (uint32_t)nh);
	pthread_mutex_unlock(&m->mu);
	if (!taken)
		free(copy);
}

static void memo_free(diff_memo *m)
{
	for (size_t i = 0; i < m->nslots; i++)
		free(m->slots[i].h);
	free(m->slots);
}

static const git_oid zero_id; /* the second key of a single blob's lines */

typedef struct diff_ctx {
	git_repository *repo;
	git_diff_counts *out;
	orgmri_error *err;
	git_diff_options opts;
	orgmri_buf *paths;  /* NULL: paths not wanted */
	orgmri_buf *hunks;  /* NULL: hunks not wanted (git_internal.h) */
	size_t file_at;     /* offset in hunks of the current file's header */
	orgmri_buf pair;    /* the git_hunk list of the blob pair just diffed,
	                       when hunks or the memo want it */
	struct whole_file *added, *deleted; /* rename candidates */
	size_t nadded, ndeleted, addcap, delcap;
	orgmri_buf dir;     /* the folder being compared, "" or "a/b/" */
	struct line_slot *slots; /* scratch of forced_counts() */
	size_t nslots;
	diff_memo *memo;    /* NULL: none */
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

/* A file added or deleted whole, in d->hunks: a rename candidate. */
typedef struct whole_file {
	git_oid id;
	size_t rec, len;   /* its record: offset and size in d->hunks */
	int paired;
	uint64_t *lines;   /* line hashes, sorted (similarity) */
	size_t nlines, size;
} whole_file;

/* Start a hunks record: the path is dir + name, `from` the path the file
 * was renamed from ("" when none). */
static int hunk_record(diff_ctx *d, const char *dir, size_t dlen,
                       const char *name, size_t nl, const char *from,
                       size_t flen)
{
	git_hunk_file h = { (uint32_t)(dlen + nl), 0, (uint32_t)flen };
	d->file_at = d->hunks->len;
	if (orgmri_buf_put(d->hunks, &h, sizeof(h)) ||
	    (dlen && orgmri_buf_put(d->hunks, dir, dlen)) ||
	    orgmri_buf_put(d->hunks, name, nl) ||
	    (flen && orgmri_buf_put(d->hunks, from, flen)))
		return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	return 0;
}

/* Start the hunks record of file `e` (in d->dir), when hunks are
 * wanted; hunk_add() appends to it. */
static int hunk_file(diff_ctx *d, const git_tree_entry *e)
{
	if (!d->hunks)
		return 0;
	const char *name = git_tree_entry_name(e);
	return hunk_record(d, d->dir.ptr, d->dir.len, name, strlen(name), "", 0);
}

static uint32_t clamp32(long long v)
{
	return v < 0 ? 0 : v > (long long)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static int hunk_add(diff_ctx *d, long long old_start, long long old_lines,
                    long long new_lines)
{
	git_hunk_file f;
	git_hunk h = { clamp32(old_start), clamp32(old_lines),
	               clamp32(new_lines) };
	memcpy(&f, d->hunks->ptr + d->file_at, sizeof(f));
	f.nhunks++;
	memcpy(d->hunks->ptr + d->file_at, &f, sizeof(f));
	if (orgmri_buf_put(d->hunks, &h, sizeof(h)))
		return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	return 0;
}

/* Enter folder `e` (append "name/" to d->dir); *mark receives the
 * length to cut back to on leaving. */
static int enter_dir(diff_ctx *d, const git_tree_entry *e, size_t *mark)
{
	*mark = d->dir.len;
	if (!d->paths && !d->hunks)
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

/* Lines in p[0..n) as xdiff counts records: each '\n' ends one, and a
 * last line without '\n' is one more. */
static long long lines_in(const char *p, size_t n)
{
	if (n == 0)
		return 0; /* (an empty blob's content may be NULL) */
	long long lines = 0;
	const char *end = p + n, *q = p;
	while ((q = memchr(q, '\n', (size_t)(end - q)))) {
		lines++;
		q++;
	}
	return lines + (p[n - 1] != '\n');
}

/* Lines in a blob as numstat counts them; 0 for binary content. */
static long long blob_lines(const git_blob *b)
{
	return is_binary(b) ? 0 : lines_in(git_blob_rawcontent(b),
	                                   (size_t)git_blob_rawsize(b));
}

static int diff_tree(diff_ctx *d, const git_tree *a, const git_tree *b,
                     int depth);

/* With no context lines, a hunk holds only changed lines: its old and
 * new line counts are its deletions and additions. */
/* Is the blob pair's hunk list wanted (a record, or the memo)? */
static int want_pair(const diff_ctx *d)
{
	return d->hunks || d->memo;
}

/* Add one hunk to d->pair. */
static int pair_hunk(diff_ctx *d, long long old_start, long long old_lines,
                     long long new_lines)
{
	git_hunk h = { clamp32(old_start), clamp32(old_lines),
	               clamp32(new_lines) };
	if (orgmri_buf_put(&d->pair, &h, sizeof(h)))
		return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	return 0;
}

/* Append hunks h[0..n) to the current record. */
static int record_hunks(diff_ctx *d, const git_hunk *h, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++)
		rc = hunk_add(d, h[i].old_start, h[i].old_lines, h[i].new_lines);
	return rc;
}

typedef struct hunk_sink {
	git_diff_counts c;
	diff_ctx *d;
	int rc;
} hunk_sink;

static int count_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk,
                      void *p)
{
	(void)delta;
	hunk_sink *s = p;
	s->c.deletions += hunk->old_lines;
	s->c.additions += hunk->new_lines;
	if (want_pair(s->d) && (s->rc = pair_hunk(s->d, hunk->old_start,
	                                         hunk->old_lines,
	                                         hunk->new_lines)))
		return -1;
	return 0;
}

/* Length of the line starting at p (its '\n' included), p < end. */
static size_t line_len(const char *p, const char *end)
{
	const char *q = memchr(p, '\n', (size_t)(end - p));
	return q ? (size_t)(q - p) + 1 : (size_t)(end - p);
}

/* A set of lines (open addressing; a slot holds a line's hash, never 0,
 * and where the line is). */
typedef struct line_slot {
	uint64_t hash;
	const char *p;
	size_t n;
} line_slot;

/* More remaining lines than this are left to xdiff (the set would take
 * 24 bytes a slot, two slots a line). */
#define FORCED_MAX_LINES (1u << 20)

/* 1 when no line of a[0..alen) is equal (bytes and '\n' alike) to a
 * line of b[0..blen); 0 when one is, or a is too long to check; -1 on
 * out of memory. */
/* Is one of the lines of p[0..n) (which starts at a line start) the
 * empty line "\n"? */
static int has_empty_line(const char *p, size_t n)
{
	return n > 0 && (p[0] == '\n' || memmem(p, n, "\n\n", 2) != NULL);
}

static int no_common_line(diff_ctx *d, const char *a, size_t alen,
                          const char *b, size_t blen)
{
	/* Most pairs that get here have an empty line on both sides: a
	 * common line, found without hashing every line of a. */
	if (has_empty_line(a, alen) && has_empty_line(b, blen))
		return 0;
	size_t want = 16, na = (size_t)lines_in(a, alen);
	if (na > FORCED_MAX_LINES)
		return 0;
	while (want < 2 * na)
		want *= 2;
	if (want > d->nslots) {
		line_slot *t = orgmri_reallocarray(d->slots, want, sizeof(*t));
		if (!t)
			return -1;
		d->slots = t;
		d->nslots = want;
	}
	line_slot *t = d->slots;
	size_t mask = want - 1;
	memset(t, 0, want * sizeof(*t));
	for (const char *p = a, *end = a + alen; p < end;) {
		size_t n = line_len(p, end);
		uint64_t h = orgmri_hash(p, n) | 1;
		size_t i = h & mask;
		while (t[i].hash && !(t[i].hash == h && t[i].n == n &&
		                      memcmp(t[i].p, p, n) == 0))
			i = (i + 1) & mask;
		t[i] = (line_slot){ h, p, n };
		p += n;
	}
	for (const char *p = b, *end = b + blen; p < end;) {
		size_t n = line_len(p, end);
		uint64_t h = orgmri_hash(p, n) | 1;
		for (size_t i = h & mask; t[i].hash; i = (i + 1) & mask)
			if (t[i].hash == h && t[i].n == n &&
			    memcmp(t[i].p, p, n) == 0)
				return 0;
		p += n;
	}
	return 1;
}

/*
 * The counts without xdiff, when they are forced whatever diff
 * algorithm runs.  xdiff first sets aside the longest run of equal
 * leading lines, then the longest run of equal trailing lines among the
 * rest (xdl_trim_ends); those are never changed.  What remains of each
 * side is changed whole when (1) the other side's remainder is empty, or
 * (2) no line of one remainder equals a line of the other: then nothing
 * can be matched, and every algorithm reports every remaining line.
 * Returns 1 with *c filled, 0 when xdiff must decide, -1 on out of
 * memory.  On libgit2's history this settles 41% of the changed files.
 */
static int forced_counts(diff_ctx *d, const char *a, size_t alen,
                         const char *b, size_t blen, git_diff_counts *c,
                         long long *at)
{
	size_t n = alen < blen ? alen : blen, i = 0;
	while (i + 64 <= n && memcmp(a + i, b + i, 64) == 0)
		i += 64;
	while (i < n && a[i] == b[i])
		i++;
	/* Leading lines equal in full, '\n' included. */
	size_t pre = i;
	while (pre > 0 && a[pre - 1] != '\n')
		pre--;
	const char *ra = a + pre, *rb = b + pre;
	size_t la = alen - pre, lb = blen - pre;
	/* Trailing bytes equal, then back to a line start on both sides. */
	size_t m = la < lb ? la : lb, k = 0;
	while (k < m && ra[la - 1 - k] == rb[lb - 1 - k])
		k++;
	while (k > 0 && !((k == la || ra[la - k - 1] == '\n') &&
	                  (k == lb || rb[lb - k - 1] == '\n')))
		k--;
	la -= k;
	lb -= k;
	if (la > 0 && lb > 0) {
		int r = no_common_line(d, ra, la, rb, lb);
		if (r <= 0)
			return r;
	}
	c->deletions = lines_in(ra, la);
	c->additions = lines_in(rb, lb);
	if (at) /* the lines before the changed part */
		*at = lines_in(a, pre);
	return 1;
}

/*
 * Lines added and deleted between two blobs, as git counts them: the
 * forced cases above, else libgit2's xdiff (the same code as git's) on
 * the whole texts, as `git diff --numstat` runs it (numstat keeps three
 * context lines, so git does not trim a common tail first; trimming it
 * changes xdiff's answer on real history).  git_diff_blobs with a hunk
 * callback rather than git_patch_from_blobs, which builds a patch
 * object we would only count; not git_diff_buffers, which computes the
 * SHA-1 of both texts.  The path given is "": without a path libgit2
 * names the pair "file" and looks up its diff driver in the attributes
 * files, three failed stats, a realpath of the work tree and the
 * attribute machinery for every pair (18 us of the 19 a small pair
 * takes; 14% of a full ingest was in the kernel); with "" it takes the
 * default driver at once.  So no .gitattributes is read (docs/git.md).
 *
 * A forced case is one hunk (the changed lines are contiguous), placed
 * after the equal leading lines.
 */
static int blob_pair(diff_ctx *d, const git_blob *ba, const git_blob *bb,
                     const git_oid *id, git_diff_counts *out)
{
	hunk_sink s = { { 0, 0, 0 }, d, 0 };
	long long at = 0;
	orgmri_buf_clear(&d->pair);
	int r = forced_counts(d, git_blob_rawcontent(ba),
	                      (size_t)git_blob_rawsize(ba),
	                      git_blob_rawcontent(bb),
	                      (size_t)git_blob_rawsize(bb), &s.c,
	                      want_pair(d) ? &at : NULL);
	if (r < 0)
		return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	if (r > 0 && want_pair(d) && (s.c.deletions || s.c.additions) &&
	    (s.rc = pair_hunk(d, s.c.deletions ? at + 1 : at, s.c.deletions,
	                      s.c.additions)))
		return s.rc;
	if (r == 0 && git_diff_blobs(ba, "", bb, "", &d->opts, NULL, NULL,
	                             count_hunk, NULL, &s) < 0)
		return s.rc ? s.rc : read_fail(d, id, "blob pair ending in");
	*out = s.c;
	return 0;
}

static int count_lines(diff_ctx *d, const git_blob *ba, const git_blob *bb,
                       const git_oid *id)
{
	git_diff_counts c;
	int rc = blob_pair(d, ba, bb, id, &c);
	if (rc)
		return rc;
	d->out->additions += c.additions;
	d->out->deletions += c.deletions;
	return 0;
}

/* Lines of a non-tree entry as numstat counts a whole-file add or
 * delete: a blob's lines, a submodule's one "Subproject commit" line. */
static int entry_lines(diff_ctx *d, const git_tree_entry *e, long long *out)
{
	*out = 1;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	const git_oid *id = git_tree_entry_id(e);
	long long zero;
	if (memo_get(d->memo, id, &zero_id, out, &zero, NULL, NULL))
		return 0;
	git_blob *blob;
	if (git_blob_lookup(&blob, d->repo, id) < 0)
		return read_fail(d, id, "blob");
	*out = blob_lines(blob);
	git_blob_free(blob);
	memo_put(d->memo, id, &zero_id, *out, 0, NULL, 0);
	return 0;
}

/* Remember the record just written for entry e, added whole (sign > 0)
 * or deleted whole, for pair_renames(). */
static int note_whole(diff_ctx *d, const git_tree_entry *e, int sign)
{
	whole_file **v = sign > 0 ? &d->added : &d->deleted;
	size_t *n = sign > 0 ? &d->nadded : &d->ndeleted;
	size_t *cap = sign > 0 ? &d->addcap : &d->delcap;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		whole_file *t = orgmri_reallocarray(*v, c, sizeof(*t));
		if (!t)
			return orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
		*v = t;
		*cap = c;
	}
	whole_file *w = &(*v)[(*n)++];
	memset(w, 0, sizeof(*w));
	git_oid_cpy(&w->id, git_tree_entry_id(e));
	w->rec = d->file_at;
	w->len = d->hunks->len - d->file_at;
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
	/* a file of text (a submodule's one line is not text) */
	if (d->hunks && lines > 0 &&
	    git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
	    !(rc = hunk_file(d, e)) &&
	    !(rc = sign > 0 ? hunk_add(d, 0, 0, lines)
	                    : hunk_add(d, 1, lines, 0)))
		rc = note_whole(d, e, sign);
	return rc;
}

/* A blob pair diffed (counts add, del; hunks in d->pair): its record
 * for file `b`, when hunks are wanted, and its memo entry. */
static int pair_done(diff_ctx *d, const git_tree_entry *b, const git_oid *ida,
                     const git_oid *idb, long long add, long long del)
{
	const git_hunk *h = (const git_hunk *)d->pair.ptr;
	size_t n = d->pair.len / sizeof(git_hunk);
	int rc = 0;
	if (d->hunks && n && !(rc = hunk_file(d, b)))
		rc = record_hunks(d, h, n);
	if (!rc)
		memo_put(d->memo, ida, idb, add, del, h, n);
	return rc;
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
	const git_oid *ida = git_tree_entry_id(a), *idb = git_tree_entry_id(b);
	long long madd, mdel;
	const git_hunk *mh = NULL;
	uint32_t mnh = 0;
	if (memo_get(d->memo, ida, idb, &madd, &mdel, &mh, &mnh)) {
		d->out->additions += madd;
		d->out->deletions += mdel;
		int rc = 0;
		if (d->hunks && mnh && !(rc = hunk_file(d, b)))
			rc = record_hunks(d, mh, mnh);
		return rc;
	}
	long long add0 = d->out->additions, del0 = d->out->deletions;
	orgmri_buf_clear(&d->pair); /* (a binary pair has none) */
	git_blob *ba = NULL, *bb = NULL;
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
		goto counted; /* numstat shows "-": a file, no lines */
	if ((rc = count_lines(d, ba, bb, git_tree_entry_id(b))))
		goto done;
counted:
	rc = pair_done(d, b, ida, idb, d->out->additions - add0,
	               d->out->deletions - del0);
done:
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

/* ---- renames, for the hunks list only -------------------------------- */

/* Similarity is estimated for at most this many (added, deleted) pairs
 * of one commit; beyond, only renames without edits are found. */
#define RENAME_PAIRS_MAX 4096
/* git's default -M50%: at least half the lines in common. */
#define RENAME_MIN_PERCENT 50

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* w->lines: the hashes of the blob's lines, sorted. */
static int line_hashes(diff_ctx *d, whole_file *w)
{
	git_blob *b;
	if (git_blob_lookup(&b, d->repo, &w->id) < 0)
		return read_fail(d, &w->id, "blob");
	const char *p = git_blob_rawcontent(b);
	size_t n = (size_t)git_blob_rawsize(b);
	size_t k = (size_t)lines_in(p, n);
	int rc = 0;
	w->lines = malloc((k ? k : 1) * sizeof(*w->lines));
	if (!w->lines) {
		rc = orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
		goto done;
	}
	w->nlines = 0;
	for (const char *q = p, *end = p + n; q < end && w->nlines < k;) {
		size_t len = line_len(q, end);
		w->lines[w->nlines++] = orgmri_hash(q, len);
		q += len;
	}
	qsort(w->lines, w->nlines, sizeof(*w->lines), u64_cmp);
done:
	git_blob_free(b);
	return rc;
}

/* Lines in common (as multisets) over the longer side, in percent. */
static int similarity(const whole_file *a, const whole_file *b)
{
	size_t i = 0, j = 0, common = 0;
	while (i < a->nlines && j < b->nlines) {
		if (a->lines[i] == b->lines[j]) {
			common++;
			i++;
			j++;
		} else if (a->lines[i] < b->lines[j]) {
			i++;
		} else {
			j++;
		}
	}
	size_t most = a->nlines > b->nlines ? a->nlines : b->nlines;
	return most ? (int)(common * 100 / most) : 0;
}

typedef struct rename_pair {
	uint32_t del, add;
	int score;
} rename_pair;

static int pair_cmp(const void *a, const void *b)
{
	const rename_pair *x = a, *y = b;
	if (x->score != y->score)
		return y->score - x->score;
	if (x->add != y->add)
		return x->add < y->add ? -1 : 1;
	return x->del < y->del ? -1 : x->del > y->del;
}

/* The record at offset `rec` of buffer `b`: its path and size. */
static const char *record_path(const orgmri_buf *b, size_t rec, size_t *plen,
                               size_t *size)
{
	git_hunk_file h;
	memcpy(&h, b->ptr + rec, sizeof(h));
	*plen = h.path_len;
	*size = sizeof(h) + h.path_len + h.from_len +
	        (size_t)h.nhunks * sizeof(git_hunk);
	return b->ptr + rec + sizeof(h);
}

/* The list of pairs: renames without edits first (same blob), then the
 * most similar pairs of the rest, as git pairs them. */
static int find_pairs(diff_ctx *d, rename_pair **out, size_t *nout)
{
	size_t cap = d->nadded < d->ndeleted ? d->nadded : d->ndeleted, n = 0;
	rename_pair *v = malloc(cap * sizeof(*v));
	rename_pair *cand = NULL;
	int rc = 0;
	if (!v)
		goto oom;
	for (size_t a = 0; a < d->nadded; a++)
		for (size_t k = 0; k < d->ndeleted; k++)
			if (!d->deleted[k].paired &&
			    git_oid_equal(&d->added[a].id, &d->deleted[k].id)) {
				d->deleted[k].paired = d->added[a].paired = 1;
				v[n++] = (rename_pair){ (uint32_t)k, (uint32_t)a, 100 };
				break;
			}
	size_t ra = d->nadded - n, rd = d->ndeleted - n;
	if (n == cap || ra * rd > RENAME_PAIRS_MAX)
		goto done;
	cand = malloc(ra * rd * sizeof(*cand));
	if (!cand)
		goto oom;
	size_t nc = 0;
	for (size_t a = 0; a < d->nadded && !rc; a++)
		if (!d->added[a].paired && !d->added[a].lines)
			rc = line_hashes(d, &d->added[a]);
	for (size_t k = 0; k < d->ndeleted && !rc; k++)
		if (!d->deleted[k].paired && !d->deleted[k].lines)
			rc = line_hashes(d, &d->deleted[k]);
	if (rc)
		goto done;
	for (size_t a = 0; a < d->nadded; a++)
		for (size_t k = 0; !d->added[a].paired && k < d->ndeleted; k++) {
			if (d->deleted[k].paired)
				continue;
			int sc = similarity(&d->added[a], &d->deleted[k]);
			if (sc >= RENAME_MIN_PERCENT)
				cand[nc++] = (rename_pair){ (uint32_t)k, (uint32_t)a,
				                            sc };
		}
	qsort(cand, nc, sizeof(*cand), pair_cmp);
	for (size_t i = 0; i < nc; i++) {
		whole_file *a = &d->added[cand[i].add];
		whole_file *k = &d->deleted[cand[i].del];
		if (a->paired || k->paired)
			continue;
		a->paired = k->paired = 1;
		v[n++] = cand[i];
	}
	goto done;
oom:
	rc = orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
done:
	free(cand);
	if (rc) {
		free(v);
		v = NULL;
		n = 0;
	}
	*out = v;
	*nout = n;
	return rc;
}

/* One rename record into d->hunks: the added file's path, the deleted
 * one's, and the hunks between their blobs (none when equal). */
static int rename_record(diff_ctx *d, const orgmri_buf *old,
                         const whole_file *del, const whole_file *add)
{
	size_t plen, flen, size;
	const char *path = record_path(old, add->rec, &plen, &size);
	const char *from = record_path(old, del->rec, &flen, &size);
	int rc = hunk_record(d, "", 0, path, plen, from, flen);
	if (rc || git_oid_equal(&del->id, &add->id))
		return rc;
	git_blob *ba = NULL, *bb = NULL;
	git_diff_counts c;
	if (git_blob_lookup(&ba, d->repo, &del->id) < 0)
		rc = read_fail(d, &del->id, "blob");
	else if (git_blob_lookup(&bb, d->repo, &add->id) < 0)
		rc = read_fail(d, &add->id, "blob");
	else if (!(rc = blob_pair(d, ba, bb, &add->id, &c)))
		rc = record_hunks(d, (const git_hunk *)d->pair.ptr,
		                  d->pair.len / sizeof(git_hunk));
	git_blob_free(ba);
	git_blob_free(bb);
	return rc;
}

/*
 * Files deleted and added in one commit whose contents are alike are a
 * rename, for the churn replay (git_churn.c): their lines keep their
 * ages, as `git blame` follows a file across a rename.  The counts and
 * paths stay those of --no-renames.  Rename records go first, then the
 * other records in their order, without the paired ones.
 */
static int pair_renames(diff_ctx *d)
{
	rename_pair *pairs = NULL;
	size_t npairs = 0;
	int rc = find_pairs(d, &pairs, &npairs);
	if (rc || npairs == 0)
		goto done;
	orgmri_buf *old = d->hunks, out = ORGMRI_BUF_INIT;
	d->hunks = &out;
	for (size_t i = 0; i < npairs && !rc; i++)
		rc = rename_record(d, old, &d->deleted[pairs[i].del],
		                   &d->added[pairs[i].add]);
	/* added[] and deleted[] are each in record order */
	size_t a = 0, k = 0, plen, size;
	for (size_t at = 0; !rc && at < old->len; at += size) {
		record_path(old, at, &plen, &size);
		int skip = 0;
		if (a < d->nadded && d->added[a].rec == at)
			skip = d->added[a++].paired;
		else if (k < d->ndeleted && d->deleted[k].rec == at)
			skip = d->deleted[k++].paired;
		if (!skip && orgmri_buf_put(&out, old->ptr + at, size))
			rc = orgmri_seterr(d->err, ORGMRI_ENOMEM, "out of memory");
	}
	d->hunks = old;
	if (!rc) { /* out becomes the list */
		orgmri_buf t = *old;
		*old = out;
		out = t;
	}
	orgmri_buf_free(&out);
done:
	free(pairs);
	return rc;
}

static void free_whole(whole_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].lines);
	free(v);
}

static int diff_trees(git_repository *repo, const git_tree *old_tree,
                      const git_tree *new_tree, git_diff_counts *out,
                      orgmri_buf *paths, orgmri_buf *hunks, diff_memo *memo,
                      orgmri_error *err)
{
	diff_ctx d;
	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	d.memo = memo;
	d.repo = repo;
	d.out = out;
	d.err = err;
	d.paths = paths;
	d.hunks = hunks;
	git_diff_options_init(&d.opts, GIT_DIFF_OPTIONS_VERSION);
	d.opts.context_lines = 0;
	d.opts.interhunk_lines = 0;
	/* Binary files were told apart above, by git's own rule. */
	d.opts.flags |= GIT_DIFF_FORCE_TEXT;
	int rc = diff_tree(&d, old_tree, new_tree, 0);
	if (!rc && d.nadded && d.ndeleted)
		rc = pair_renames(&d);
	orgmri_buf_free(&d.dir);
	orgmri_buf_free(&d.pair);
	free(d.slots);
	free_whole(d.added, d.nadded);
	free_whole(d.deleted, d.ndeleted);
	return rc;
}

int orgmri_git_diff_trees(git_repository *repo, const git_tree *old_tree,
                          const git_tree *new_tree, git_diff_counts *out,
                          orgmri_buf *paths, orgmri_buf *hunks,
                          orgmri_error *err)
{
	return diff_trees(repo, old_tree, new_tree, out, paths, hunks, NULL,
	                  err);
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

/*
 * The commits are handed out in chunks of consecutive commits (walk
 * order: neighbours share most trees and blobs), n / (threads * 8) of
 * them, within these bounds: enough chunks to balance the threads, few
 * enough that little is read twice at the borders.  Each chunk gets a
 * fresh repository handle: libgit2's object cache keeps every object
 * it read until its size limit (256 MiB, shared by all handles), then
 * drops entries at random, so on a long history one handle per thread
 * ended up evicting the very objects the next commit needed; a handle
 * per chunk keeps what the chunk reads and no more.  Near the end the
 * chunks shrink (take_chunk): with whole chunks to the last, one thread
 * often worked alone for half a chunk's time while the other had none.
 */
#define CHUNK_MIN 32
#define CHUNK_MAX 1024
#define MAX_THREADS 8

typedef struct diff_job {
	const char *path;
	const git_oid *const *ids;
	size_t n, chunk;
	size_t nthreads;
	int64_t since_ms;
	git_commit_diff *out;
	atomic_size_t next;   /* first index of the next chunk to take */
	atomic_size_t done;
	atomic_int stop;      /* set on the first error */
	diff_memo memo;       /* counts by object ids, all threads */
	void (*progress)(size_t done, void *ctx);
	void *progress_ctx;
} diff_job;

typedef struct diff_worker {
	diff_job *job;
	pthread_t thread;
	int rc;
	size_t failed_at;     /* index of the commit that failed */
	orgmri_error err;
	orgmri_buf paths;     /* scratch: one commit's paths */
	int report;           /* 1: call job->progress (the calling thread) */
} diff_worker;

static int diff_one(git_repository *repo, const git_oid *id,
                    int64_t since_ms, git_commit_diff *out,
                    orgmri_buf *paths, diff_memo *memo, orgmri_error *err)
{
	git_commit *c = NULL, *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	diff_ctx d = { .repo = repo, .err = err };
	int rc = 0;
	int want_hunks = out->want_hunks;
	memset(out, 0, sizeof(*out));
	out->want_hunks = want_hunks;
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
	orgmri_buf hunks = ORGMRI_BUF_INIT;
	rc = diff_trees(repo, ptree, tree, &out->counts, paths,
	                want_hunks ? &hunks : NULL, memo, err);
	if (rc == 0) {
		out->paths = orgmri_git_join_paths(paths->ptr, paths->len,
		                                   GIT_PATHS_MAX,
		                                   &out->paths_truncated);
		if (!out->paths)
			rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	}
	if (rc == 0 && want_hunks) { /* the buffer becomes out's */
		out->hunks = hunks.ptr;
		out->hunks_len = hunks.len;
	} else {
		orgmri_buf_free(&hunks);
	}
	out->have = rc == 0;
done:
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	git_commit_free(c);
	return rc;
}

/* Diff commits [start, end) with a handle of their own; 0 or an error
 * (w->rc, w->err, w->failed_at set). */
static int diff_chunk(diff_worker *w, size_t start, size_t end)
{
	diff_job *job = w->job;
	git_repository *repo = NULL;
	if (git_repository_open_ext(&repo, job->path,
	                            GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		const git_error *ge = git_error_last();
		w->failed_at = start;
		return w->rc = orgmri_seterr(&w->err, ORGMRI_EIO, "%s: cannot "
		                             "open: %s", job->path, ge &&
		                             ge->message ? ge->message : "unknown");
	}
	for (size_t i = start; i < end && !w->rc; i++)
		if ((w->rc = diff_one(repo, job->ids[i], job->since_ms,
		                      &job->out[i], &w->paths, &job->memo,
		                      &w->err))) {
			char hex[GIT_OID_HEXSZ + 1];
			orgmri_err_prefix(&w->err, "commit %s", git_oid_tostr(
			                  hex, sizeof(hex), job->ids[i]));
			w->failed_at = i;
		}
	git_repository_free(repo);
	return w->rc;
}

/* The next chunk [*start, *end): job->chunk commits while at least
 * 2 * threads chunks remain, then a 1/(2 * threads) share of what
 * remains (at least CHUNK_MIN).  0 when nothing is left. */
static int take_chunk(diff_job *job, size_t *start, size_t *end)
{
	size_t s = atomic_load(&job->next), size;
	do {
		if (s >= job->n)
			return 0;
		size = (job->n - s) / (2 * job->nthreads);
		if (size > job->chunk)
			size = job->chunk;
		if (size < CHUNK_MIN)
			size = CHUNK_MIN;
		if (size > job->n - s)
			size = job->n - s;
	} while (!atomic_compare_exchange_weak(&job->next, &s, s + size));
	*start = s;
	*end = s + size;
	return 1;
}

static void *diff_worker_main(void *p)
{
	diff_worker *w = p;
	diff_job *job = w->job;
	size_t start, end;
	while (!atomic_load(&job->stop) && take_chunk(job, &start, &end)) {
		if (diff_chunk(w, start, end)) {
			atomic_store(&job->stop, 1);
			break;
		}
		atomic_fetch_add(&job->done, end - start);
		if (w->report && job->progress)
			job->progress(atomic_load(&job->done), job->progress_ctx);
	}
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
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	job.path = path;
	job.ids = ids;
	job.n = n;
	job.nthreads = (size_t)nthreads;
	job.chunk = n / ((size_t)nthreads * 8);
	if (job.chunk < CHUNK_MIN)
		job.chunk = CHUNK_MIN;
	if (job.chunk > CHUNK_MAX)
		job.chunk = CHUNK_MAX;
	job.since_ms = since_ms;
	job.out = out;
	job.progress = progress;
	job.progress_ctx = progress_ctx;
	atomic_init(&job.next, 0);
	atomic_init(&job.done, 0);
	atomic_init(&job.stop, 0);
	pthread_mutex_init(&job.memo.mu, NULL);
	int started = 1; /* w[0] runs on this thread */
	for (int t = 0; t < nthreads; t++)
		w[t].job = &job;
	w[0].report = 1;
	for (int t = 1; t < nthreads; t++)
		if (pthread_create(&w[t].thread, NULL, diff_worker_main, &w[t]) == 0)
			started++;
		else
			break; /* fewer threads is slower, not wrong */
	/* This thread works too, reporting progress between its chunks. */
	diff_worker_main(&w[0]);
	for (int t = 1; t < started; t++)
		pthread_join(w[t].thread, NULL);
	int rc = 0;
	size_t first = SIZE_MAX;
	for (int t = 0; t < nthreads; t++) {
		orgmri_buf_free(&w[t].paths);
	}
	memo_free(&job.memo);
	pthread_mutex_destroy(&job.memo.mu);
	for (int t = 0; t < started; t++)
		if (w[t].rc && w[t].failed_at < first) {
			first = w[t].failed_at;
			rc = w[t].rc;
			if (err)
				*err = w[t].err;
		}
	return rc;
}
