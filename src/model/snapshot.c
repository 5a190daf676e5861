/*
 * snapshot.c - the event table written as one file beside the store, so
 * that loading it is a mapping and a check instead of reading every row
 * out of SQLite (as git keeps its commit-graph file beside the objects).
 *
 * Layout (docs/store.md, "Table snapshot"): a fixed header, then sections
 * in the order of the `sections` table below, each starting on an 8-byte
 * boundary and zero-padded to the next.  Numeric sections are the table's
 * arrays byte for byte (native byte order; the header's byte_order field
 * refuses a file from a machine of the other order), the object key and
 * attribute value offsets included: they index the last section, the
 * string bytes, which starts with the table's own string blob byte for
 * byte (object keys, each distinct attribute value once) and goes on with
 * the dictionaries' names.  A dictionary (string list) is an array of u32
 * offsets into that section.  The header carries the store's generation
 * (orgmri_store_generation) at the time of the load it was written from,
 * a checksum of the body and a checksum of itself.
 *
 * Once checked, the string section's pages are released from the process
 * (madvise MADV_DONTNEED on the read-only file mapping): analyses read few
 * keys and values, and a page read again comes back from the page cache.
 *
 * A snapshot is only a cache: anything unexpected about it (missing,
 * short, foreign, stale, a single flipped bit, an index out of range)
 * makes the mapper say no, and the loader reads SQLite instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "model/snapshot.h"

#define SNAP_MAGIC "ORGMRITS"      /* orgmri table snapshot */
#define SNAP_VERSION 2u      /* 2: offsets, 16-bit names, no ev_object */
#define SNAP_BYTE_ORDER 0x01020304u
#define SNAP_MAX_COUNT ((uint64_t)UINT32_MAX - 1)

/* Counts recorded in the header. */
enum {
	N_EVENTS, N_OBJECTS, N_LINKS, N_TYPES, N_ACTIVITIES, N_PEOPLE,
	N_RELATIONS, N_ATTR_KEYS, N_ASETS, N_PAIRS, N_STRING_BYTES, NCOUNTS
};

enum {
	S_EV_ACTIVITY, S_EV_TIME, S_EV_ACTOR, S_EV_ATTRS,
	S_OBJ_KEY, S_OBJ_TYPE, S_OBJ_FIRST,
	S_LINK_FIRST, S_LINK_DST, S_LINK_REL,
	S_RLINK_FIRST, S_RLINK_SRC, S_RLINK_REL,
	S_PERSON_BOT, S_ASET_FIRST, S_ASET_KEY, S_ASET_VALUE,
	S_TYPE_NAMES, S_ACTIVITY_NAMES, S_PERSON_NAMES,
	S_RELATION_NAMES, S_ATTR_KEY_NAMES,
	S_STRINGS,
	NSECTIONS
};
#define FIRST_STRING_LIST S_TYPE_NAMES

/* What each section holds: element width in bytes, its element count
 * (header count `count`, plus one for CSR offset arrays) and the table
 * member it is read from and mapped to.  Sections from FIRST_STRING_LIST
 * up to S_STRINGS are string lists (member of type const char **), the
 * dictionaries. */
static const struct section_desc {
	unsigned width;
	unsigned count;
	unsigned plus1;
	size_t member;
} sections[NSECTIONS] = {
	[S_EV_ACTIVITY] = { 2, N_EVENTS, 0, offsetof(orgmri_table, ev_activity) },
	[S_EV_TIME] = { 8, N_EVENTS, 0, offsetof(orgmri_table, ev_time) },
	[S_EV_ACTOR] = { 4, N_EVENTS, 0, offsetof(orgmri_table, ev_actor) },
	[S_EV_ATTRS] = { 4, N_EVENTS, 0, offsetof(orgmri_table, ev_attrs) },
	[S_OBJ_KEY] = { 4, N_OBJECTS, 0, offsetof(orgmri_table, obj_key_off) },
	[S_OBJ_TYPE] = { 2, N_OBJECTS, 0, offsetof(orgmri_table, obj_type) },
	[S_OBJ_FIRST] = { 4, N_OBJECTS, 1, offsetof(orgmri_table, obj_first) },
	[S_LINK_FIRST] = { 4, N_OBJECTS, 1, offsetof(orgmri_table, link_first) },
	[S_LINK_DST] = { 4, N_LINKS, 0, offsetof(orgmri_table, link_dst) },
	[S_LINK_REL] = { 2, N_LINKS, 0, offsetof(orgmri_table, link_rel) },
	[S_RLINK_FIRST] = { 4, N_OBJECTS, 1, offsetof(orgmri_table, rlink_first) },
	[S_RLINK_SRC] = { 4, N_LINKS, 0, offsetof(orgmri_table, rlink_src) },
	[S_RLINK_REL] = { 2, N_LINKS, 0, offsetof(orgmri_table, rlink_rel) },
	[S_PERSON_BOT] = { 1, N_PEOPLE, 0, offsetof(orgmri_table, person_bot) },
	[S_ASET_FIRST] = { 4, N_ASETS, 1, offsetof(orgmri_table, aset_first) },
	[S_ASET_KEY] = { 2, N_PAIRS, 0, offsetof(orgmri_table, aset_key) },
	[S_ASET_VALUE] = { 4, N_PAIRS, 0,
	                   offsetof(orgmri_table, aset_value_off) },
	[S_TYPE_NAMES] = { 4, N_TYPES, 0, offsetof(orgmri_table, type_names) },
	[S_ACTIVITY_NAMES] = { 4, N_ACTIVITIES, 0,
	                       offsetof(orgmri_table, activity_names) },
	[S_PERSON_NAMES] = { 4, N_PEOPLE, 0, offsetof(orgmri_table, person_names) },
	[S_RELATION_NAMES] = { 4, N_RELATIONS, 0,
	                       offsetof(orgmri_table, relation_names) },
	[S_ATTR_KEY_NAMES] = { 4, N_ATTR_KEYS, 0,
	                       offsetof(orgmri_table, attr_key_names) },
	[S_STRINGS] = { 1, N_STRING_BYTES, 0, 0 },
};

typedef struct sec_entry {
	uint64_t off, len;   /* from the start of the file, in bytes */
} sec_entry;

typedef struct snap_header {
	char magic[8];
	uint32_t version;
	uint32_t byte_order;
	uint64_t generation;
	uint64_t file_size;
	uint64_t n[NCOUNTS];
	sec_entry sec[NSECTIONS];
	uint64_t body_sum;     /* of bytes [sizeof(header), file_size) */
	uint64_t header_sum;   /* of the bytes before this field */
} snap_header;

/* ---- checksum ----------------------------------------------------------- */

/*
 * A 64-bit checksum over 8-byte words, four independent lanes so the
 * multiplies overlap (several GB/s): word i goes into lane i mod 4 as
 * lane = rotl31((lane ^ word) * K).  Each step is a bijection of the
 * lane, so any single changed word changes the result.  Not a defence
 * against a forger (the mapper's range checks are what keep a crafted
 * file from crashing us); it catches torn writes and flipped bits.
 */
#define SUM_K 0x9E3779B97F4A7C15ull

typedef struct sum_state {
	uint64_t lane[4];
	uint64_t words;
} sum_state;

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * SUM_K;
	return h << 31 | h >> 33;
}

static void sum_init(sum_state *s)
{
	for (int i = 0; i < 4; i++)
		s->lane[i] = (uint64_t)(i + 1) * SUM_K;
	s->words = 0;
}

/* `len` must be a multiple of 8. */
static void sum_update(sum_state *s, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len;
	uint64_t l[4], w[4], k = s->words;
	memcpy(l, s->lane, sizeof(l));
	for (; p < end && (k & 3); p += 8, k++) {
		memcpy(w, p, 8);
		l[k & 3] = mix(l[k & 3], w[0]);
	}
	for (; end - p >= 32; p += 32, k += 4) {
		memcpy(w, p, 32);
		l[0] = mix(l[0], w[0]);
		l[1] = mix(l[1], w[1]);
		l[2] = mix(l[2], w[2]);
		l[3] = mix(l[3], w[3]);
	}
	for (; p < end; p += 8, k++) {
		memcpy(w, p, 8);
		l[k & 3] = mix(l[k & 3], w[0]);
	}
	memcpy(s->lane, l, sizeof(l));
	s->words = k;
}

static uint64_t sum_final(const sum_state *s)
{
	uint64_t h = mix(s->words, SUM_K);
	for (int i = 0; i < 4; i++)
		h = mix(h, s->lane[i]);
	return h ^ h >> 29;
}

static uint64_t header_checksum(const snap_header *h)
{
	sum_state s;
	sum_init(&s);
	sum_update(&s, (const unsigned char *)h, offsetof(snap_header, header_sum));
	return sum_final(&s);
}

/* ---- writing ------------------------------------------------------------ */

#define WBUF_SIZE (1u << 20)   /* a multiple of 8: whole words per flush */

typedef struct writer {
	int fd;
	unsigned char *buf;
	size_t used;
	uint64_t pos;          /* file offset of the next byte */
	sum_state sum;
	int error;             /* errno of the first failed write */
} writer;

static void w_flush(writer *w)
{
	sum_update(&w->sum, w->buf, w->used);
	size_t done = 0;
	while (!w->error && done < w->used) {
		ssize_t k = write(w->fd, w->buf + done, w->used - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			w->error = k < 0 ? errno : EIO;
		else
			done += (size_t)k;
	}
	w->used = 0;
}

static void w_put(writer *w, const void *data, size_t n)
{
	const unsigned char *p = data;
	while (n) {
		size_t k = WBUF_SIZE - w->used;
		if (k > n)
			k = n;
		memcpy(w->buf + w->used, p, k);
		w->used += k;
		w->pos += k;
		p += k;
		n -= k;
		if (w->used == WBUF_SIZE)
			w_flush(w);
	}
}

static void w_pad(writer *w)
{
	static const unsigned char zeros[8];
	if (w->pos % 8)
		w_put(w, zeros, 8 - w->pos % 8);
}

static const char *const *string_list(const orgmri_table *t, int sec)
{
	return *(const char *const *const *)((const char *)t +
	                                     sections[sec].member);
}

static void count_table(const orgmri_table *t, uint64_t *n)
{
	n[N_EVENTS] = t->nevents;
	n[N_OBJECTS] = t->nobjects;
	n[N_LINKS] = t->nlinks;
	n[N_TYPES] = t->ntypes;
	n[N_ACTIVITIES] = t->nactivities;
	n[N_PEOPLE] = t->npeople;
	n[N_RELATIONS] = t->nrelations;
	n[N_ATTR_KEYS] = t->nattr_keys;
	n[N_ASETS] = t->nasets;
	n[N_PAIRS] = t->nasets ? t->aset_first[t->nasets] : 0;
}

/* Sections in order.  The string section is the table's blob followed
 * by every dictionary name (NUL-terminated) in the order of the string
 * lists, which is how their offsets are counted here. */
static int write_body(writer *w, const orgmri_table *t, snap_header *h)
{
	if (t->nstring_bytes == 0 || t->strings[t->nstring_bytes - 1] != '\0')
		return ORGMRI_EINVAL;
	uint64_t next = t->nstring_bytes;   /* offset of the next name */
	for (int i = 0; i < NSECTIONS; i++) {
		const struct section_desc *d = &sections[i];
		uint64_t count = h->n[d->count] + d->plus1;
		h->sec[i].off = w->pos;
		if (i < FIRST_STRING_LIST) {
			const void *data = *(void *const *)((const char *)t + d->member);
			if (count)
				w_put(w, data, (size_t)count * d->width);
		} else if (i < S_STRINGS) {
			const char *const *names = string_list(t, i);
			for (uint64_t k = 0; k < count; k++) {
				if (next > UINT32_MAX)
					return ORGMRI_ELIMIT;
				uint32_t off32 = (uint32_t)next;
				w_put(w, &off32, sizeof(off32));
				next += strlen(names[k]) + 1;
			}
		} else {
			if (next > UINT32_MAX)
				return ORGMRI_ELIMIT;
			w_put(w, t->strings, t->nstring_bytes);
			for (int l = FIRST_STRING_LIST; l < S_STRINGS; l++) {
				const char *const *names = string_list(t, l);
				for (uint64_t k = 0; k < h->n[sections[l].count]; k++)
					w_put(w, names[k], strlen(names[k]) + 1);
			}
			h->n[N_STRING_BYTES] = next;
		}
		h->sec[i].len = w->pos - h->sec[i].off;
		w_pad(w);
	}
	return 0;
}

char *snapshot_path(const char *store_path)
{
	if (!store_path || !*store_path || strcmp(store_path, ":memory:") == 0 ||
	    strncmp(store_path, "file:", 5) == 0)
		return NULL;
	size_t n = strlen(store_path);
	char *p = malloc(n + sizeof(".snap"));
	if (p) {
		memcpy(p, store_path, n);
		memcpy(p + n, ".snap", sizeof(".snap"));
	}
	return p;
}

static int pwrite_all(int fd, const void *data, size_t n, off_t off)
{
	const char *p = data;
	while (n) {
		ssize_t k = pwrite(fd, p, n, off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? errno : EIO;
		p += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

int snapshot_write(const orgmri_table *t, uint64_t generation,
                   const char *path, orgmri_error *err)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return orgmri_seterr(err, ORGMRI_ELIMIT, "%s: path too long", path);
	snap_header h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, SNAP_MAGIC, 8);
	h.version = SNAP_VERSION;
	h.byte_order = SNAP_BYTE_ORDER;
	h.generation = generation;
	count_table(t, h.n);

	writer w = { .fd = -1, .pos = sizeof(h) };
	sum_init(&w.sum);
	int rc = 0;
	if (!(w.buf = malloc(WBUF_SIZE)))
		return orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
	w.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w.fd < 0) {
		rc = orgmri_seterr(err, ORGMRI_EIO, "%s: cannot create: %s", tmp,
		                   strerror(errno));
		goto done;
	}
	if (lseek(w.fd, (off_t)sizeof(h), SEEK_SET) < 0)
		w.error = errno;
	if (write_body(&w, t, &h)) {
		rc = orgmri_seterr(err, ORGMRI_ELIMIT, "%s: more than 4 GiB of "
		                   "strings, or a table without its string blob",
		                   path);
		goto done;
	}
	w_flush(&w);
	h.file_size = w.pos;
	h.body_sum = sum_final(&w.sum);
	h.header_sum = header_checksum(&h);
	if (!w.error)
		w.error = pwrite_all(w.fd, &h, sizeof(h), 0);
	/* durable before it becomes visible under the real name */
	if (!w.error && fsync(w.fd) != 0)
		w.error = errno;
	if (close(w.fd) != 0 && !w.error)
		w.error = errno;
	w.fd = -1;
	if (!w.error && rename(tmp, path) != 0)
		w.error = errno;
	if (w.error) {
		rc = orgmri_seterr(err, ORGMRI_EIO, "%s: cannot write: %s", path,
		                   strerror(w.error));
		unlink(tmp);
	}
done:
	if (w.fd >= 0) {
		close(w.fd);
		unlink(tmp);
	}
	free(w.buf);
	return rc;
}

/* ---- mapping ------------------------------------------------------------ */

static int corrupt(orgmri_error *err, const char *path, const char *why)
{
	return orgmri_seterr(err, ORGMRI_ECORRUPT, "%s: %s", path, why);
}

static int check_header(const snap_header *h, uint64_t size, uint64_t gen,
                        const char *path, orgmri_error *err)
{
	if (memcmp(h->magic, SNAP_MAGIC, 8) != 0)
		return corrupt(err, path, "not a table snapshot");
	if (h->byte_order != SNAP_BYTE_ORDER)
		return orgmri_seterr(err, ORGMRI_EUNSUPPORTED,
		                     "%s: written on a machine of another byte "
		                     "order", path);
	if (h->version != SNAP_VERSION)
		return orgmri_seterr(err, ORGMRI_EUNSUPPORTED, "%s: format version "
		                     "%u, this orgmri reads %u", path,
		                     (unsigned)h->version, SNAP_VERSION);
	if (h->header_sum != header_checksum(h))
		return corrupt(err, path, "header checksum mismatch");
	if (h->file_size != size)
		return corrupt(err, path, "truncated or extended");
	if (h->generation != gen)
		return orgmri_seterr(err, ORGMRI_ENOTFOUND, "%s: stale (generation "
		                     "%llu, store at %llu)", path,
		                     (unsigned long long)h->generation,
		                     (unsigned long long)gen);
	for (int i = 0; i < NCOUNTS; i++)
		if (h->n[i] > SNAP_MAX_COUNT)
			return corrupt(err, path, "count out of range");
	for (int i = 0; i < NSECTIONS; i++) {
		const struct section_desc *d = &sections[i];
		uint64_t want = (h->n[d->count] + d->plus1) * d->width;
		const sec_entry *e = &h->sec[i];
		if (e->off % 8 || e->off < sizeof(*h) || e->off > size ||
		    e->len > size - e->off || e->len != want)
			return corrupt(err, path, "section out of bounds");
	}
	return 0;
}

static int all_below(const uint32_t *a, uint64_t n, uint64_t limit)
{
	uint32_t bad = 0;
	for (uint64_t i = 0; i < n; i++)
		bad |= a[i] >= limit;
	return !bad;
}

static int all_below16(const uint16_t *a, uint64_t n, uint64_t limit)
{
	uint32_t bad = 0;
	for (uint64_t i = 0; i < n; i++)
		bad |= a[i] >= limit;
	return !bad;
}

/* CSR offsets: first[0] = 0, never decreasing, first[n] = total. */
static int csr_ok(const uint32_t *first, uint64_t n, uint64_t total)
{
	if (first[0] != 0 || first[n] != total)
		return 0;
	for (uint64_t i = 0; i < n; i++)
		if (first[i] > first[i + 1])
			return 0;
	return 1;
}

/* Every index and offset the analyses follow stays inside its array
 * (the string blob ends with a NUL: resolve_strings checked it). */
static int table_ok(const orgmri_table *t, uint64_t npairs)
{
	if (t->nasets < 1 ||
	    !csr_ok(t->obj_first, t->nobjects, t->nevents) ||
	    !csr_ok(t->link_first, t->nobjects, t->nlinks) ||
	    !csr_ok(t->rlink_first, t->nobjects, t->nlinks) ||
	    !csr_ok(t->aset_first, t->nasets, npairs))
		return 0;
	if (!all_below16(t->ev_activity, t->nevents, t->nactivities) ||
	    !all_below(t->ev_actor, t->nevents, t->npeople) ||
	    !all_below(t->ev_attrs, t->nevents, t->nasets) ||
	    !all_below(t->obj_key_off, t->nobjects, t->nstring_bytes) ||
	    !all_below16(t->obj_type, t->nobjects, t->ntypes) ||
	    !all_below(t->link_dst, t->nlinks, t->nobjects) ||
	    !all_below(t->rlink_src, t->nlinks, t->nobjects) ||
	    !all_below16(t->link_rel, t->nlinks, t->nrelations) ||
	    !all_below16(t->rlink_rel, t->nlinks, t->nrelations) ||
	    !all_below16(t->aset_key, npairs, t->nattr_keys) ||
	    !all_below(t->aset_value_off, npairs, t->nstring_bytes))
		return 0;
	/* orgmri_table_object searches the keys by halving */
	for (size_t o = 1; o < t->nobjects; o++)
		if (strcmp(orgmri_table_object_key(t, o - 1),
		           orgmri_table_object_key(t, o)) >= 0)
			return 0;
	return 1;
}

/* Point the string list members of `t` at `ptrs`, converting offsets. */
static int resolve_strings(const unsigned char *base, const snap_header *h,
                           orgmri_table *t, const char **ptrs)
{
	const char *blob = (const char *)base + h->sec[S_STRINGS].off;
	uint64_t nbytes = h->n[N_STRING_BYTES];
	if (nbytes == 0 || blob[nbytes - 1] != '\0')
		return 0;
	for (int i = FIRST_STRING_LIST; i < S_STRINGS; i++) {
		const uint32_t *off = (const uint32_t *)(base + h->sec[i].off);
		uint64_t n = h->n[sections[i].count];
		*(const char ***)((char *)t + sections[i].member) = ptrs;
		for (uint64_t k = 0; k < n; k++) {
			if (off[k] >= nbytes)
				return 0;
			*ptrs++ = blob + off[k];
		}
		*ptrs++ = NULL;  /* like the loader's person_names */
	}
	return 1;
}

static void point_table(const unsigned char *base, const snap_header *h,
                        orgmri_table *t)
{
	t->nevents = h->n[N_EVENTS];
	t->nobjects = h->n[N_OBJECTS];
	t->nlinks = h->n[N_LINKS];
	t->ntypes = h->n[N_TYPES];
	t->nactivities = h->n[N_ACTIVITIES];
	t->npeople = h->n[N_PEOPLE];
	t->nrelations = h->n[N_RELATIONS];
	t->nattr_keys = h->n[N_ATTR_KEYS];
	t->nasets = h->n[N_ASETS];
	for (int i = 0; i < FIRST_STRING_LIST; i++)
		*(const void **)((char *)t + sections[i].member) =
			base + h->sec[i].off;
	t->strings = (const char *)base + h->sec[S_STRINGS].off;
	t->nstring_bytes = h->n[N_STRING_BYTES];
}

/* Drop the string section's whole pages from the process (see the top). */
static void release_strings(const unsigned char *base, const snap_header *h)
{
	long pg = sysconf(_SC_PAGESIZE);
	if (pg <= 0)
		return;
	uintptr_t lo = (uintptr_t)base + h->sec[S_STRINGS].off;
	uintptr_t hi = lo + h->sec[S_STRINGS].len;
	lo = (lo + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
	hi &= ~((uintptr_t)pg - 1);
#ifdef MADV_DONTNEED
	if (hi > lo)
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
#else
	(void)lo;
	(void)hi;
#endif
}

int snapshot_map_file(const char *path, uint64_t generation, orgmri_table *t,
                      snapshot_map *m, orgmri_error *err)
{
	memset(m, 0, sizeof(*m));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return orgmri_seterr(err, errno == ENOENT ? ORGMRI_ENOTFOUND :
		                     ORGMRI_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < sizeof(snap_header) ||
	    (uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return corrupt(err, path, "not a table snapshot (size)");
	}
	size_t size = (size_t)st.st_size;
	int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
	flags |= MAP_POPULATE;  /* it is all read at once below */
#endif
	void *base = mmap(NULL, size, PROT_READ, flags, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return orgmri_seterr(err, ORGMRI_EIO, "%s: cannot map: %s", path,
		                     strerror(errno));
	const snap_header *h = base;
	const unsigned char *b = base;
	int rc = check_header(h, size, generation, path, err);
	if (rc)
		goto fail;
	sum_state s;
	sum_init(&s);
	sum_update(&s, b + sizeof(*h), size - sizeof(*h));
	if (sum_final(&s) != h->body_sum) {
		rc = corrupt(err, path, "checksum mismatch");
		goto fail;
	}
	size_t nptrs = 0;
	for (int i = FIRST_STRING_LIST; i < S_STRINGS; i++)
		nptrs += (size_t)h->n[sections[i].count] + 1;
	m->ptrs = malloc(nptrs * sizeof(*m->ptrs));
	if (!m->ptrs) {
		rc = orgmri_seterr(err, ORGMRI_ENOMEM, "out of memory");
		goto fail;
	}
	orgmri_table v = *t;
	point_table(b, h, &v);
	if (!resolve_strings(b, h, &v, m->ptrs) || !table_ok(&v, h->n[N_PAIRS])) {
		rc = corrupt(err, path, "an index is out of range");
		goto fail;
	}
	release_strings(b, h);
	*t = v;
	m->base = base;
	m->len = size;
	return 0;
fail:
	free(m->ptrs);
	m->ptrs = NULL;
	munmap(base, size);
	return rc;
}

void snapshot_seal(void *image, size_t len)
{
	snap_header h;
	if (len < sizeof(h) || (len - sizeof(h)) % 8)
		return;
	memcpy(&h, image, sizeof(h));
	sum_state s;
	sum_init(&s);
	sum_update(&s, (const unsigned char *)image + sizeof(h), len - sizeof(h));
	h.body_sum = sum_final(&s);
	h.header_sum = header_checksum(&h);
	memcpy(image, &h, sizeof(h));
}

void snapshot_unmap(snapshot_map *m)
{
	if (m->base)
		munmap(m->base, m->len);
	free(m->ptrs);
	memset(m, 0, sizeof(*m));
}
