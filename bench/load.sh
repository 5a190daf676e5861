#!/usr/bin/env bash
# bench/load.sh - loading the event table from SQLite vs from the table
# snapshot beside the store (docs/store.md, "Table snapshot").
#
#   bench/load.sh [SIZE...]        default: 5M 10M
#
# For each SIZE: `orgmri generate --events SIZE --format csv`, ingest into
# a new store, then with bench/load_mem.c (VmRSS before and after
# orgmri_table_load, load time) and /usr/bin/time (wall, peak RSS):
#   sqlite      ORGMRI_SNAPSHOT=0: read from SQLite, no snapshot written
#   first       snapshots on, none yet: read from SQLite + write <db>.snap
#               (what the first analysis after an ingest pays)
#   snapshot    snapshots on: the file mapped (run twice, both shown)
# and `orgmri stages` / `orgmri scan` on the store with ORGMRI_SNAPSHOT=0
# and with the snapshot.  Warm page cache throughout (the store and the
# snapshot were just written).  Data lives under $TMPDIR (default /tmp)
# and is deleted at the end.  Builds Release into $TMPDIR/orgmri-load/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${TMPDIR:-/tmp}/orgmri-load
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(5M 10M)
mkdir -p "$W/bin"
trap 'rm -rf "$W/data"' EXIT

cmake -S "$ROOT" -B "$W/build" -DCMAKE_BUILD_TYPE=Release \
	-DORGMRI_TESTS=OFF >/dev/null
cmake --build "$W/build" -j 2 >/dev/null
cc -std=c11 -O2 -D_GNU_SOURCE -I"$ROOT/include" -o "$W/bin/load_mem" \
	"$ROOT/bench/load_mem.c" "$W/build/liborgmri.a" \
	$(pkg-config --libs sqlite3 jansson libgit2 zlib expat) -lm -lpthread
O="$W/build/orgmri"
L="$W/bin/load_mem"

# run LABEL CMD...: one line "LABEL wall_s peak_rss_mb [load_mem JSON]"
run() {
	local label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$W/time" "$@" > "$W/out" 2>"$W/err" || {
		cat "$W/err" >&2
		return 1
	}
	read -r s kb < "$W/time"
	local json=""
	if head -c1 "$W/out" | grep -q '{'; then json=$(cat "$W/out"); fi
	printf '%-28s %7.2f s %7d MB  %s\n' "$label" "$s" $((kb / 1024)) "$json"
}

for N in "${SIZES[@]}"; do
	D="$W/data/$N"
	rm -rf "$D"
	mkdir -p "$D"
	echo "== $N events"
	run "generate" "$O" generate --events "$N" -o "$D/gen" --format csv -q
	run "ingest" "$O" --db "$D/s.db" ingest -q "$D/gen/events.csv"
	rm -f "$D/s.db.snap"
	ORGMRI_SNAPSHOT=0 run "load sqlite" "$L" "$D/s.db"
	run "load sqlite + write snap" "$L" "$D/s.db"
	run "load snapshot" "$L" "$D/s.db"
	run "load snapshot (again)" "$L" "$D/s.db"
	echo "snapshot file: $(stat -c %s "$D/s.db.snap") bytes;" \
		"store: $(stat -c %s "$D/s.db") bytes"
	for cmd in stages scan; do
		ORGMRI_SNAPSHOT=0 run "$cmd (sqlite)" "$O" --db "$D/s.db" "$cmd"
		cp "$W/out" "$W/$cmd.sqlite"
		run "$cmd (snapshot)" "$O" --db "$D/s.db" "$cmd"
		cmp -s "$W/out" "$W/$cmd.sqlite" && echo "  same output" ||
			echo "  OUTPUT DIFFERS"
	done
	rm -rf "$D"
done
