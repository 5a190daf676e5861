/* test_snapshot.c - the table snapshot beside the store: a mapped table is
 * member for member the table read from SQLite; a new ingest makes the
 * snapshot stale; a re-ingest of nothing new does not; truncated, flipped,
 * foreign and other-version files are refused and the load falls back to
 * SQLite with the right answer.  Whether a table is mapped from the
 * snapshot is read from /proc/self/maps (its event column lies in a
 * mapping of the .snap file), not from the loader's own word; whether the
 * load read SQLite from whether the .snap file was replaced (a load from
 * SQLite writes a new file and then maps it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/internal.h"

#include "model/snapshot.h"
#include "testutil.h"

/* Where things are in a version 2 file (docs/store.md, "Table
 * snapshot"): the section table starts at byte 120, 16 bytes a section;
 * sections 0 (ev_activity, u16), 4 (object key offsets), 6 (obj_first),
 * 16 (attribute value offsets), 22 (strings). */
#define SEC_TABLE 120
enum { SEC_EV_ACTIVITY = 0, SEC_OBJ_KEY = 4, SEC_OBJ_FIRST = 6,
       SEC_ASET_VALUE = 16, SEC_STRINGS = 22 };

typedef struct fixture {
	char *dir, *db, *snap;
	orgmri_store *store;
	orgmri_table *ref;      /* loaded from SQLite, snapshots off */
} fixture;

/* A few thousand events of the sample organisation: many objects, links
 * both ways, attribute sets, bots. */
static void feed(orgmri_store *s, long long events, unsigned seed)
{
	orgmri_gen_params p;
	orgmri_error err;
	orgmri_gen_params_default(&p);
	p.seed = seed;
	assert_int_equal(orgmri_gen_params_scale(&p, events, &err), 0);
	orgmri_ingest *ing;
	assert_int_equal(orgmri_ingest_begin(s, "gen", "test", &ing, &err), 0);
	assert_int_equal(orgmri_gen_run(&p, orgmri_ingest_sink(ing), NULL, &err), 0);
	assert_int_equal(orgmri_ingest_finish(ing, 1, NULL, &err), 0);
}

static orgmri_table *load(fixture *f, int snapshots)
{
	orgmri_table *t;
	orgmri_error err;
	if (!snapshots)
		setenv("ORGMRI_SNAPSHOT", "0", 1);
	assert_int_equal(orgmri_table_load(f->store, &t, &err), 0);
	unsetenv("ORGMRI_SNAPSHOT");
	return t;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	f->dir = tu_tempdir();
	assert_true(asprintf(&f->db, "%s/t.db", f->dir) > 0);
	assert_true(asprintf(&f->snap, "%s/t.db.snap", f->dir) > 0);
	orgmri_error err;
	assert_int_equal(orgmri_store_open(&f->store, f->db, 0, &err), 0);
	feed(f->store, 3000, 7);
	f->ref = load(f, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	orgmri_table_free(f->ref);
	orgmri_store_close(f->store);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->snap);
	free(f);
	return 0;
}

/* Is `p` inside a mapping of file `path` in this process? */
static int mapped_from(const void *p, const char *path)
{
	FILE *fp = fopen("/proc/self/maps", "r");
	char line[4096];
	int found = 0;
	uintptr_t a = (uintptr_t)p;
	while (fp && !found && fgets(line, sizeof(line), fp)) {
		unsigned long lo, hi;
		char *name = strchr(line, '/');
		if (!name || sscanf(line, "%lx-%lx", &lo, &hi) != 2)
			continue;
		name[strcspn(name, "\n")] = '\0';
		found = a >= lo && a < hi && strcmp(name, path) == 0;
	}
	if (fp)
		fclose(fp);
	return found;
}

static void same_ints(const void *a, const void *b, size_t n, size_t width)
{
	if (n)
		assert_memory_equal(a, b, n * width);
}

static void same_names(const orgmri_table *t, const char *const *a,
                       const char *const *b, size_t n,
                       uint32_t (*find)(const orgmri_table *, const char *))
{
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(a[i], b[i]);
		if (find)
			assert_int_equal(find(t, a[i]), i);
	}
	if (find)
		assert_int_equal(find(t, "no such name \x01"), ORGMRI_NONE);
}

/* Every member, dictionary, link and attribute set of b equals a's, and
 * b's look-ups find a's names at a's indexes. */
static void same_table(const orgmri_table *a, const orgmri_table *b)
{
	assert_int_equal(a->nevents, b->nevents);
	assert_int_equal(a->nobjects, b->nobjects);
	assert_int_equal(a->nlinks, b->nlinks);
	assert_int_equal(a->ntypes, b->ntypes);
	assert_int_equal(a->nactivities, b->nactivities);
	assert_int_equal(a->npeople, b->npeople);
	assert_int_equal(a->nrelations, b->nrelations);
	assert_int_equal(a->nattr_keys, b->nattr_keys);
	assert_int_equal(a->nasets, b->nasets);
	size_t n = a->nevents, no = a->nobjects, nl = a->nlinks;
	same_ints(a->ev_activity, b->ev_activity, n, 2);
	same_ints(a->ev_time, b->ev_time, n, 8);
	same_ints(a->ev_actor, b->ev_actor, n, 4);
	same_ints(a->ev_attrs, b->ev_attrs, n, 4);
	same_ints(a->obj_type, b->obj_type, no, 2);
	same_ints(a->obj_first, b->obj_first, no + 1, 4);
	same_ints(a->link_first, b->link_first, no + 1, 4);
	same_ints(a->link_dst, b->link_dst, nl, 4);
	same_ints(a->link_rel, b->link_rel, nl, 2);
	same_ints(a->rlink_first, b->rlink_first, no + 1, 4);
	same_ints(a->rlink_src, b->rlink_src, nl, 4);
	same_ints(a->rlink_rel, b->rlink_rel, nl, 2);
	same_ints(a->person_bot, b->person_bot, a->npeople, 1);
	same_ints(a->aset_first, b->aset_first, a->nasets + 1, 4);
	size_t npairs = a->aset_first[a->nasets];
	same_ints(a->aset_key, b->aset_key, npairs, 2);
	for (size_t o = 0; o < no; o++) {
		assert_string_equal(orgmri_table_object_key(a, o),
		                    orgmri_table_object_key(b, o));
		assert_int_equal(orgmri_table_object(b,
		                 orgmri_table_object_key(a, o)), o);
		/* every event of o maps back to o, in both tables */
		for (uint32_t e = b->obj_first[o]; e < b->obj_first[o + 1]; e++) {
			assert_int_equal(orgmri_table_event_object(a, e), o);
			assert_int_equal(orgmri_table_event_object(b, e), o);
		}
	}
	assert_int_equal(orgmri_table_object(b, "no such key \x01"), ORGMRI_NONE);
	same_names(b, a->type_names, b->type_names, a->ntypes, orgmri_table_type);
	same_names(b, a->activity_names, b->activity_names, a->nactivities,
	           orgmri_table_activity);
	same_names(b, a->person_names, b->person_names, a->npeople, NULL);
	same_names(b, a->relation_names, b->relation_names, a->nrelations,
	           orgmri_table_relation);
	same_names(b, a->attr_key_names, b->attr_key_names, a->nattr_keys,
	           orgmri_table_attr_key);
	for (size_t i = 0; i < npairs; i++)
		assert_string_equal(orgmri_table_aset_value(a, i),
		                    orgmri_table_aset_value(b, i));
	for (size_t e = 0; e < n; e += 97)
		for (uint32_t k = 0; k < a->nattr_keys; k++) {
			const char *x = orgmri_table_attr(a, e, k);
			const char *y = orgmri_table_attr(b, e, k);
			if (x || y)
				assert_string_equal(x ? x : "(none)", y ? y : "(none)");
		}
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	unsigned char *b = malloc(*len ? *len : 1);
	assert_int_equal(fread(b, 1, *len, fp), *len);
	fclose(fp);
	return b;
}

static void spit(const char *path, const void *b, size_t len)
{
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(b, 1, len, fp), len);
	fclose(fp);
}

/* Inode of the snapshot file, 0 when there is none. */
static ino_t snap_inode(const fixture *f)
{
	struct stat st;
	return stat(f->snap, &st) == 0 ? st.st_ino : 0;
}

/* Load with snapshots on, expecting the table from the snapshot as it is
 * (from_snapshot) or from SQLite, equal to ref.  Either way the table
 * ends up mapped from the .snap file: a load from SQLite writes a new one
 * (renamed over the old, hence another inode) and maps it. */
static void expect(fixture *f, int from_snapshot, const orgmri_table *ref)
{
	ino_t before = snap_inode(f);
	orgmri_table *t = load(f, 1);
	ino_t after = snap_inode(f);
	assert_true(after != 0);
	assert_int_equal(before == after, from_snapshot);
	assert_true(mapped_from(t->ev_time, f->snap));
	same_table(ref, t);
	orgmri_table_free(t);
}

static void test_equal_to_sqlite(void **state)
{
	fixture *f = *state;
	struct stat st;
	assert_true(f->ref->nevents > 2000);
	assert_true(f->ref->nlinks > 0 && f->ref->nasets > 1);
	assert_int_not_equal(stat(f->snap, &st), 0);  /* snapshots were off */
	expect(f, 0, f->ref);                          /* reads SQLite, writes */
	assert_int_equal(stat(f->snap, &st), 0);
	expect(f, 1, f->ref);                          /* maps */
	expect(f, 1, f->ref);
}

static void test_stale_after_ingest(void **state)
{
	fixture *f = *state;
	orgmri_error err;
	uint64_t g0, g1, g2;
	expect(f, 0, f->ref);
	assert_int_equal(orgmri_store_generation(f->store, &g0, &err), 0);
	/* the same events again: nothing written, the snapshot stays */
	feed(f->store, 3000, 7);
	assert_int_equal(orgmri_store_generation(f->store, &g1, &err), 0);
	assert_true(g1 == g0);
	expect(f, 1, f->ref);
	/* new events: a new generation, the old snapshot is not used */
	feed(f->store, 1000, 8);
	assert_int_equal(orgmri_store_generation(f->store, &g2, &err), 0);
	assert_true(g2 != g1);
	orgmri_table *now = load(f, 0);
	assert_true(now->nevents > f->ref->nevents);
	expect(f, 0, now);
	expect(f, 1, now);
	orgmri_table_free(now);
}

/* Write `bytes` over the snapshot, load (must fall back to SQLite and be
 * right), which rewrites a good snapshot. */
static void damaged(fixture *f, const unsigned char *bytes, size_t len)
{
	spit(f->snap, bytes, len);
	expect(f, 0, f->ref);
}

static void test_truncated_and_foreign(void **state)
{
	fixture *f = *state;
	expect(f, 0, f->ref);
	size_t len;
	unsigned char *good = slurp(f->snap, &len);
	size_t cuts[] = { 0, 7, 100, 519, 520, len / 2, len - 8, len - 1 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++)
		damaged(f, good, cuts[i]);
	/* longer than written */
	unsigned char *longer = calloc(1, len + 8);
	memcpy(longer, good, len);
	damaged(f, longer, len + 8);
	free(longer);
	/* not a snapshot at all */
	unsigned char *junk = malloc(len);
	for (size_t i = 0; i < len; i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	damaged(f, junk, len);
	free(junk);
	/* another format version (bytes 8..11; the checksum is not fixed) */
	unsigned char *v = malloc(len);
	memcpy(v, good, len);
	v[8] ^= 0x03;
	damaged(f, v, len);
	free(v);
	expect(f, 1, f->ref);
	free(good);
}

static void test_flipped_bytes(void **state)
{
	fixture *f = *state;
	expect(f, 0, f->ref);
	size_t len;
	unsigned char *good = slurp(f->snap, &len);
	unsigned char *bad = malloc(len);
	/* every byte of the header, then bytes spread over the body */
	for (size_t pos = 0; pos < len; pos += pos < 600 ? 1 : len / 61) {
		memcpy(bad, good, len);
		bad[pos] ^= (unsigned char)(1u << (pos % 8));
		damaged(f, bad, len);
	}
	free(bad);
	free(good);
	expect(f, 1, f->ref);
}

static uint64_t section_off(const unsigned char *file, int sec, uint64_t *len)
{
	uint64_t off;
	memcpy(&off, file + SEC_TABLE + 16 * sec, 8);
	if (len)
		memcpy(len, file + SEC_TABLE + 16 * sec + 8, 8);
	return off;
}

static void put_u32(unsigned char *file, uint64_t off, uint32_t v)
{
	memcpy(file + off, &v, 4);
}

static void put_u16(unsigned char *file, uint64_t off, uint16_t v)
{
	memcpy(file + off, &v, 2);
}

/* Files with correct checksums and a wrong index: the range checks, not
 * the checksum, must refuse them. */
static void test_crafted_indexes(void **state)
{
	fixture *f = *state;
	expect(f, 0, f->ref);
	size_t len;
	unsigned char *good = slurp(f->snap, &len);
	unsigned char *bad = malloc(len);
	/* control: resealing an unchanged file keeps it valid */
	memcpy(bad, good, len);
	snapshot_seal(bad, len);
	spit(f->snap, bad, len);
	expect(f, 1, f->ref);
	/* an activity index past the dictionary */
	memcpy(bad, good, len);
	put_u16(bad, section_off(bad, SEC_EV_ACTIVITY, NULL),
	        (uint16_t)f->ref->nactivities);
	snapshot_seal(bad, len);
	damaged(f, bad, len);
	/* an object's event range past the last event (the events' objects
	 * are not stored, so a range moved inside the events would be a
	 * sound table: only the checksum catches that) */
	memcpy(bad, good, len);
	put_u32(bad, section_off(bad, SEC_OBJ_FIRST, NULL) + 4,
	        (uint32_t)f->ref->nevents + 1);
	snapshot_seal(bad, len);
	damaged(f, bad, len);
	/* a string section that does not end a string */
	memcpy(bad, good, len);
	uint64_t slen, soff = section_off(bad, SEC_STRINGS, &slen);
	bad[soff + slen - 1] = 'x';
	snapshot_seal(bad, len);
	damaged(f, bad, len);
	/* an object key, then an attribute value, just past the strings */
	int offs[] = { SEC_OBJ_KEY, SEC_ASET_VALUE };
	for (int i = 0; i < 2; i++) {
		memcpy(bad, good, len);
		uint64_t n, at = section_off(bad, offs[i], &n);
		assert_true(n >= 4);
		put_u32(bad, at + n - 4, (uint32_t)slen);
		snapshot_seal(bad, len);
		damaged(f, bad, len);
	}
	/* a version 1 file with good checksums (its layout differs) */
	memcpy(bad, good, len);
	put_u32(bad, 8, 1);
	snapshot_seal(bad, len);
	damaged(f, bad, len);
	free(bad);
	free(good);
}

static void test_readonly_store_uses_snapshot(void **state)
{
	fixture *f = *state;
	expect(f, 0, f->ref);
	orgmri_store *ro;
	orgmri_error err;
	assert_int_equal(orgmri_store_open(&ro, f->db, ORGMRI_STORE_READONLY,
	                                   &err), 0);
	orgmri_table *t;
	assert_int_equal(orgmri_table_load(ro, &t, &err), 0);
	assert_true(mapped_from(t->ev_attrs, f->snap));
	same_table(f->ref, t);
	orgmri_table_free(t);
	orgmri_store_close(ro);
}

/* One more distinct activity than the 16-bit column holds: the load
 * fails with ORGMRI_ELIMIT and says why, from SQLite and thus without a
 * snapshot either. */
static void test_too_many_activities(void **state)
{
	fixture *f = *state;
	orgmri_error err;
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c "
	         "WHERE i < %u) INSERT INTO activities(name) "
	         "SELECT 'extra activity ' || i FROM c",
	         ORGMRI_TABLE_MAX_NAMES + 1u - (unsigned)f->ref->nactivities);
	assert_int_equal(orgmri_store_exec(f->store, sql, &err), 0);
	orgmri_table *t = NULL;
	assert_int_equal(orgmri_table_load(f->store, &t, &err), ORGMRI_ELIMIT);
	assert_null(t);
	assert_non_null(strstr(err.message, "more than 65536 distinct activities"));
	struct stat st;
	assert_int_not_equal(stat(f->snap, &st), 0);
	/* exactly at the limit it loads */
	assert_int_equal(orgmri_store_exec(f->store, "DELETE FROM activities "
	                 "WHERE name = 'extra activity 1'", &err), 0);
	assert_int_equal(orgmri_table_load(f->store, &t, &err), 0);
	assert_int_equal(t->nactivities, ORGMRI_TABLE_MAX_NAMES);
	orgmri_table_free(t);
}

/* Objects without events share their obj_first with the next object:
 * an event belongs to the one whose range is not empty. */
static void test_event_object_skips_empty_objects(void **state)
{
	(void)state;
	uint32_t first[] = { 0, 0, 2, 2, 2, 3 };
	orgmri_table t;
	memset(&t, 0, sizeof(t));
	t.nobjects = 5;
	t.nevents = 3;
	t.obj_first = first;
	assert_int_equal(orgmri_table_event_object(&t, 0), 1);
	assert_int_equal(orgmri_table_event_object(&t, 1), 1);
	assert_int_equal(orgmri_table_event_object(&t, 2), 4);
	uint32_t one[] = { 0, 1 };
	t.nobjects = 1;
	t.nevents = 1;
	t.obj_first = one;
	assert_int_equal(orgmri_table_event_object(&t, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal_to_sqlite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_after_ingest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_and_foreign, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_flipped_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crafted_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_store_uses_snapshot,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_activities, setup,
		                                teardown),
		cmocka_unit_test(test_event_object_skips_empty_objects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
