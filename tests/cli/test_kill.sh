#!/bin/bash
# test_kill.sh - an ingest killed with SIGKILL at any point leaves a store
# that opens, and running the same ingest again gives exactly the counts
# of one clean run.  Kills land at several moments of a real ingest.
. "$(dirname "$0")/lib.sh"

# 400,000 events on 40,000 changes, a link on every tenth event.
awk 'BEGIN {
	print "time,object,activity,actor,related,team,additions"
	for (i = 0; i < 400000; i++) {
		o = int(i / 10)
		a = (i % 10 == 0) ? "opened" : ((i % 10 == 9) ? "merged" : "commented")
		r = (i % 10 == 0) ? "commit:acme/r@c" o : ""
		t = (i % 7 == 0) ? "security" : ""
		printf "%d,change:acme/r#%d,%s,user%d,%s,%s,%d\n",
		       1700000000000 + i * 1000, o, a, i % 300, r, t, i % 500
	}
}' > "$T/ev.csv"

counts() {
	"$ORGMRI" --db "$1" stats --format json | grep -v '"ingest_runs"\|"store"'
}

"$ORGMRI" --db "$T/clean.db" ingest -q "$T/ev.csv"
counts "$T/clean.db" > "$T/clean.txt"
expect_grep "$T/clean.txt" '"events": 400000'

# A new store's first ingest is one transaction with a rollback journal
# (its build; docs/store.md): a kill leaves a hot journal that the next
# open rolls back.  With ORGMRI_BUILD=0 it commits batch by batch through
# the WAL, and small batches make kills land between committed batches.
for run in 0.05 0.2 0.4 0.7 1.0 1.5 wal-0.05 wal-0.4 wal-1.0; do
	case $run in
	wal-*) delay=${run#wal-}; build=0 ;;
	*) delay=$run; build=1 ;;
	esac
	db="$T/killed-$run.db"
	ORGMRI_BUILD=$build "$ORGMRI" --db "$db" ingest -q --batch 20000 "$T/ev.csv" &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	# the store opens (or was never created if the kill came first)
	if [ -e "$db" ]; then
		expect_status 0 "$ORGMRI" --db "$db" stats --format json
	fi
	expect_status 0 "$ORGMRI" --db "$db" ingest -q "$T/ev.csv"
	counts "$db" > "$T/after.txt"
	if cmp -s "$T/clean.txt" "$T/after.txt"; then ok; else
		fail "after a kill at $run: $(diff "$T/clean.txt" "$T/after.txt" | head -6)"
	fi
	# a third run adds nothing
	"$ORGMRI" --db "$db" ingest "$T/ev.csv" 2>"$T/err3"
	expect_grep "$T/err3" " 0 new"
done
finish
