#!/bin/bash
# test_ingest_paths.sh - the ingest pipeline's prepared path (store/bulk.h:
# names numbered, attributes encoded and related objects de-duplicated on
# the parsing thread; in a store without events, batches written in key
# order) stores exactly what the plain sink path stores
# (ORGMRI_PIPELINE=0), row for row, ids included, and so does a new
# store's first ingest written batch by batch (ORGMRI_BUILD=0); and a
# second ingest through it adds nothing.
. "$(dirname "$0")/lib.sh"

dump() { store_dump "$1"; }

same() { # same NAME FILE ARGS... : both paths, compared
	local name=$1 file=$2
	shift 2
	ORGMRI_PIPELINE=0 "$ORGMRI" --db "$T/$name-plain.db" ingest -q "$@" "$file"
	"$ORGMRI" --db "$T/$name-bulk.db" ingest -q "$@" "$file"
	dump "$T/$name-plain.db" > "$T/$name-plain.txt"
	dump "$T/$name-bulk.db" > "$T/$name-bulk.txt"
	if [ -s "$T/$name-plain.txt" ] && cmp -s "$T/$name-plain.txt" "$T/$name-bulk.txt"
	then ok; else
		fail "$name: stores differ: $(diff "$T/$name-plain.txt" "$T/$name-bulk.txt" | head -6)"
	fi
}

# Edge cases: an object related to itself and to one object twice, attributes
# listed out of name order, bot only with actor, a discriminator, a repeated
# event (stored once, its links once), no actor, an empty actor.
cat > "$T/edge.jsonl" <<'J'
{"time":"2026-03-02T08:00:00Z","object":"change:r#1","activity":"opened","actor":"ann","related":["commit:r@a","change:r#1","commit:r@a","issue:I-1"],"attrs":{"title":"x","additions":3,"bot":true}}
{"time":"2026-03-02T08:00:00Z","object":"change:r#1","activity":"opened","actor":"ann","related":["commit:r@a"],"attrs":{"additions":3,"title":"x","bot":true}}
{"time":"2026-03-02T08:01:00Z","object":"commit:r@a","activity":"authored","actor":"bob","id":"k1","attrs":{"bot":"true"}}
{"time":"2026-03-02T08:01:00Z","object":"commit:r@a","activity":"authored","actor":"bob","id":"k2"}
{"time":"2026-03-02T08:02:00Z","object":"deployment:r/1","activity":"deployed","related":["commit:r@a","change:r#1"],"attrs":{"bot":true}}
{"time":"2026-03-02T08:03:00Z","object":"issue:I-1","activity":"created","actor":"","attrs":{"z":"1","a":"2","m":"\u00e9\"q"}}
{"time":"2026-03-02T09:00:00Z","object":"deployment:r/2","activity":"deployed","actor":"ci","related":["commit:r@c1","commit:r@c2","commit:r@c3","commit:r@c4","commit:r@c5","commit:r@c6","commit:r@c7","commit:r@c3","commit:r@c8","commit:r@c9","commit:r@c10","commit:r@c11","commit:r@c12","commit:r@c13","commit:r@c14","commit:r@c15","commit:r@c16","commit:r@c17","change:r#1"]}
J
same edge "$T/edge.jsonl"
expect_eq "$(sqlite3 "$T/edge-bulk.db" "SELECT count(*) FROM links WHERE event_id = 1")" 3 \
	"links of the first event (repeats dropped, itself kept)"
expect_eq "$(sqlite3 "$T/edge-bulk.db" "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM links WHERE event_id = 6")" \
	"18 6 23" "19 related objects, one repeated: 18 links, numbered in order"
expect_eq "$(sqlite3 "$T/edge-bulk.db" "SELECT group_concat(k, ' ') FROM
	(SELECT substr(o.key, 10) k FROM links l JOIN objects o ON o.id = l.dst_id
	 WHERE l.event_id = 6 ORDER BY l.id)")" \
	"c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 1" "links in related order"
expect_eq "$(sqlite3 "$T/edge-bulk.db" "SELECT group_concat(name || bot, ' ') FROM people WHERE id > 0")" \
	"ann1 bob1 ci0" "bot marks (the string \"true\" counts too)"

# A generated organisation: thousands of objects, people and links, with
# small batches so that names resolved in one batch are reused in the next.
"$ORGMRI" generate --events 20000 -o "$T/gen" --format csv -q
same gen "$T/gen/events.csv" --batch 3000
"$ORGMRI" --db "$T/gen-bulk.db" ingest "$T/gen/events.csv" 2>"$T/again"
expect_grep "$T/again" " 0 new"
dump "$T/gen-bulk.db" > "$T/gen-again.txt"
if cmp -s "$T/gen-bulk.txt" "$T/gen-again.txt"; then ok; else
	fail "a second ingest changed the store"; fi
# the second run's names come from the database, not from this run
ORGMRI_PIPELINE=0 "$ORGMRI" --db "$T/gen-plain.db" ingest -q "$T/edge.jsonl"
"$ORGMRI" --db "$T/gen-bulk.db" ingest -q "$T/edge.jsonl"
if [ "$(dump "$T/gen-plain.db")" = "$(dump "$T/gen-bulk.db")" ]; then ok; else
	fail "ingesting into an existing store differs"; fi

# Sorted batches (a store without events keeps each batch's events back
# and writes them in key order; docs/store.md): events that arrive out of
# key order per object, repeats of an event in the same batch and in an
# earlier one, same time with another activity, actor or id, related
# objects first seen as relations.  Keys come from a small space so that
# 439 of the 3,000 lines repeat an earlier key.  Compared with the plain
# path and with the pipeline without sorting, for several batch sizes.
awk 'BEGIN {
	print "time,object,activity,actor,related,id,n"
	s = 7
	for (i = 0; i < 3000; i++) {
		s = (s * 1103515245 + 12345) % 2147483648; o = int(s / 65536) % 40
		s = (s * 1103515245 + 12345) % 2147483648; t = int(s / 65536) % 12
		s = (s * 1103515245 + 12345) % 2147483648; a = int(s / 65536) % 3
		s = (s * 1103515245 + 12345) % 2147483648; p = int(s / 65536) % 5
		s = (s * 1103515245 + 12345) % 2147483648; r = int(s / 65536) % 60
		s = (s * 1103515245 + 12345) % 2147483648; d = int(s / 65536) % 9
		printf "%.0f,change:r#%d,%s,%s,%s,%s,%d\n", 1700000000000 + t * 60000, o,
		       (a == 0 ? "opened" : (a == 1 ? "reviewed" : "merged")),
		       (p == 4 ? "" : "u" p), (r < 40 ? "commit:r@" r : ""),
		       (d == 0 ? "k" i % 3 : ""), i
	}
}' > "$T/rep.csv"
for b in 7 500 100000; do
	same "rep$b" "$T/rep.csv" --batch "$b"
	ORGMRI_SORTED=0 "$ORGMRI" --db "$T/rep$b-unsorted.db" ingest -q --batch "$b" "$T/rep.csv"
	if [ "$(dump "$T/rep$b-unsorted.db")" = "$(cat "$T/rep$b-bulk.txt")" ]; then ok; else
		fail "batch $b: sorted and unsorted stores differ"; fi
	# a new store's first ingest is one transaction with a rollback
	# journal (its build; docs/store.md): the same rows as a commit
	# per batch through the WAL
	ORGMRI_BUILD=0 "$ORGMRI" --db "$T/rep$b-wal.db" ingest -q --batch "$b" "$T/rep.csv"
	if [ "$(dump "$T/rep$b-wal.db")" = "$(cat "$T/rep$b-bulk.txt")" ]; then ok; else
		fail "batch $b: built and batch-by-batch stores differ"; fi
done
# the repeats were found (read 3,000; stored what sqlite3 counts as distinct)
distinct=$(tail -n +2 "$T/rep.csv" | cut -d, -f1-4,6 | sort -u | wc -l)
expect_eq "$(sqlite3 "$T/rep7-bulk.db" "SELECT events_read || ' ' || events_added FROM ingest_runs")" \
	"3000 $distinct" "events read and new with repeats"
"$ORGMRI" --db "$T/rep7-bulk.db" ingest "$T/rep.csv" 2>"$T/again"
expect_grep "$T/again" " 0 new"

# Events already in key order (object by object, time order, as XES
# traces come): written every 4,096, so a repeat of an event written in an
# earlier chunk is found by the B-tree look-up of the sorted path:
# 87,000 lines, each object's events in time order, pairs of events at
# the same time with the activity numbered later first, every seventh
# line repeated.
awk 'BEGIN {
	print "time,object,activity,actor,related"
	split("reviewed opened merged", act, " ")
	for (o = 0; o < 3000; o++)
		for (j = 0; j < 25; j++) {
			t = 1700000000000 + int(j / 2) * 60000
			r = (j % 5 == 0) ? "commit:r@" (o * 7 + j) % 4001 : ""
			line = sprintf("%.0f,change:r#%d,%s,u%d,%s", t, o, act[j % 3 + 1], j % 4, r)
			print line
			if (j % 7 == 0) print line
		}
}' > "$T/ord.csv"
same ord "$T/ord.csv"
ORGMRI_SORTED=0 "$ORGMRI" --db "$T/ord-unsorted.db" ingest -q "$T/ord.csv"
if [ "$(dump "$T/ord-unsorted.db")" = "$(cat "$T/ord-bulk.txt")" ]; then ok; else
	fail "ordered input: sorted and unsorted stores differ"; fi
expect_eq "$(sqlite3 "$T/ord-bulk.db" "SELECT events_read || ' ' || events_added FROM ingest_runs")" \
	"87000 75000" "ordered input: events read and new"

# A store whose creation was cut short (file made, schema never committed:
# version 0, no tables) opens read-only as the empty store it is.
sqlite3 "$T/v0.db" "PRAGMA journal_mode=WAL;" > /dev/null
expect_status 0 "$ORGMRI" --db "$T/v0.db" stats --format json
expect_grep "$T/out" '"events": 0'

# Older schemas are migrated by the next ingest, keeping every row, and
# by a read-only command too (an upgraded orgmri just works on them):
# 1 -> 2 drops the links index, 2 -> 3 moves the objects' key -> id map
# from a unique index on objects.key to the table object_keys.  Versions
# 1 and 2 are made from a current store by undoing those steps.
to_v2="DROP TABLE object_keys;
	CREATE TABLE objects_v2(id INTEGER PRIMARY KEY, type TEXT NOT NULL,
	  key TEXT NOT NULL UNIQUE);
	INSERT INTO objects_v2 SELECT id, type, key FROM objects;
	DROP TABLE objects;
	ALTER TABLE objects_v2 RENAME TO objects;
	PRAGMA user_version = 2;"
cp "$T/edge-bulk.db" "$T/v2.db"
sqlite3 "$T/v2.db" "$to_v2"
cp "$T/edge-bulk.db" "$T/v1.db"
sqlite3 "$T/v1.db" "$to_v2
	CREATE UNIQUE INDEX links_key ON links(event_id, dst_id);
	PRAGMA user_version = 1;"
dump "$T/edge-bulk.db" > "$T/v1-before.txt"
cp "$T/v1.db" "$T/v1r.db"
cp "$T/v2.db" "$T/v2r.db"
"$ORGMRI" --db "$T/v1.db" ingest -q "$T/edge.jsonl"
"$ORGMRI" --db "$T/v2.db" ingest -q "$T/edge.jsonl"
expect_status 0 "$ORGMRI" --db "$T/v1r.db" stats
expect_status 0 "$ORGMRI" --db "$T/v2r.db" stats
for db in v1 v1r v2 v2r; do
	expect_eq "$(sqlite3 "$T/$db.db" "PRAGMA user_version")" 3 "$db: schema version after migrating"
	expect_eq "$(sqlite3 "$T/$db.db" "SELECT count(*) FROM sqlite_master WHERE name = 'links_key'
		OR name LIKE 'sqlite_autoindex_objects%'")" 0 "$db: old indexes after migrating"
	expect_eq "$(sqlite3 "$T/$db.db" "SELECT (SELECT count(*) FROM objects) || ' ' ||
		(SELECT count(*) FROM objects o JOIN object_keys k ON k.key = o.key AND k.id = o.id)")" \
		"22 22" "$db: every object's key in object_keys"
	if [ "$(dump "$T/$db.db")" = "$(cat "$T/v1-before.txt")" ]; then ok; else
		fail "$db: migrating changed the rows"; fi
done
# a migrated store takes new objects as a new one does
"$ORGMRI" --db "$T/v2.db" ingest -q "$T/gen/events.csv"
"$ORGMRI" --db "$T/v3.db" ingest -q "$T/edge.jsonl"
"$ORGMRI" --db "$T/v3.db" ingest -q "$T/gen/events.csv"
if [ "$(dump "$T/v2.db")" = "$(dump "$T/v3.db")" ]; then ok; else
	fail "a migrated store ingests differently"; fi
finish
