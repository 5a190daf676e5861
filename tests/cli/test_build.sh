#!/bin/bash
# test_build.sh - a new store's first ingest (its "build", docs/store.md):
# one transaction with a rollback journal, then back to the WAL.  It is
# not used when another connection has the store open (the same rows
# either way); it ends when the input stalls, so that readers see a slow
# stream; --strict keeps what came before a bad record.
. "$(dirname "$0")/lib.sh"

journal_mode() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0])' "$1"
}

"$ORGMRI" generate --events 30000 -o "$T/gen" --format csv -q
csv="$T/gen/events.csv"
lines=$(($(wc -l < "$csv") - 1))

# A build: the store is in WAL mode again afterwards, and holds what a
# batch-by-batch ingest holds.
"$ORGMRI" --db "$T/built.db" ingest -q --batch 4000 "$csv"
expect_eq "$(journal_mode "$T/built.db")" wal "journal mode after a build"
[ ! -e "$T/built.db-journal" ] && ok || fail "a build left its journal"
ORGMRI_BUILD=0 "$ORGMRI" --db "$T/wal.db" ingest -q --batch 4000 "$csv"
store_dump "$T/built.db" > "$T/built.txt"
store_dump "$T/wal.db" > "$T/wal.txt"
if [ -s "$T/built.txt" ] && cmp -s "$T/built.txt" "$T/wal.txt"; then ok; else
	fail "built and batch-by-batch stores differ: $(diff "$T/built.txt" "$T/wal.txt" | head -4)"; fi

# Another process holds the (empty, WAL) store open: SQLite will not
# leave WAL mode, so the run commits batch by batch; same rows.
head -n 1 "$csv" > "$T/header.csv"
"$ORGMRI" --db "$T/held.db" ingest -q "$T/header.csv"
python3 - "$T/held.db" "$T/held.ready" "$T/held.stop" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.execute("SELECT count(*) FROM events").fetchone()
open(sys.argv[2], "w").close()
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
PY
holder=$!
for _ in $(seq 100); do [ -e "$T/held.ready" ] && break; sleep 0.1; done
expect_status 0 "$ORGMRI" --db "$T/held.db" ingest -q --batch 4000 "$csv"
touch "$T/held.stop"
wait "$holder"
store_dump "$T/held.db" > "$T/held.txt"
if cmp -s "$T/held.txt" "$T/wal.txt"; then ok; else
	fail "ingest beside an open connection differs: $(diff "$T/held.txt" "$T/wal.txt" | head -4)"; fi
expect_eq "$(journal_mode "$T/held.db")" wal "journal mode beside an open connection"

# A stream that stalls: the first 20,000 events (2.5 MB), then nothing
# for a while.  The build ends after a second without input
# (store/bulk.h, ORGMRI_BULK_STALL_MS): a reader opens the store during
# the pause and sees the events handed over so far (the CSV reader reads
# 1 MB at a time and the pipeline hands over 4,096 events at a time, so
# at least 4,096 and at most the 20,000); then the rest arrives.
mkfifo "$T/fifo"
"$ORGMRI" --db "$T/stream.db" ingest -q --kind csv - < "$T/fifo" &
ingest=$!
{
	head -n 20001 "$csv"
	sleep 4
	tail -n +20002 "$csv"
} > "$T/fifo" &
writer=$!
sleep 2.5
expect_status 0 "$ORGMRI" --db "$T/stream.db" stats --format json
seen=$(sed -n 's/^  "events": \([0-9]*\),$/\1/p' "$T/out")
if [ "${seen:-0}" -ge 4096 ] && [ "$seen" -le 20000 ]; then ok; else
	fail "during the stall a reader saw ${seen:-no} events"; fi
wait "$writer"
wait "$ingest" && ok || fail "the stalled stream's ingest failed"
expect_eq "$(sqlite3 "$T/stream.db" "SELECT events_read FROM ingest_runs")" \
	"$lines" "events read from the stalled stream"
store_dump "$T/stream.db" > "$T/stream.txt"
if cmp -s "$T/stream.txt" "$T/wal.txt"; then ok; else
	fail "the stalled stream's store differs: $(diff "$T/stream.txt" "$T/wal.txt" | head -4)"; fi

# --strict stops at a bad record in the middle of a build: the events
# before it are committed, none after.
{ head -n 2001 "$csv"; echo "not-a-time,change:x#1,opened,,,"; tail -n +2002 "$csv"; } > "$T/bad.csv"
expect_status 1 "$ORGMRI" --db "$T/strict.db" ingest -q --strict "$T/bad.csv"
expect_grep "$T/err" "bad.csv:2002"
head -n 2001 "$csv" > "$T/before.csv"
ORGMRI_BUILD=0 "$ORGMRI" --db "$T/before.db" ingest -q "$T/before.csv"
store_dump "$T/strict.db" > "$T/strict.txt"
store_dump "$T/before.db" > "$T/before.txt"
if [ -s "$T/strict.txt" ] && cmp -s "$T/strict.txt" "$T/before.txt"; then ok; else
	fail "--strict kept other rows than those before the bad record"; fi
expect_eq "$(journal_mode "$T/strict.db")" wal "journal mode after a failed build"
finish
