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
# and with the snapshot (outputs compared).  Warm page cache throughout
# (the store and the snapshot were just written).  A readable table goes
# to standard error, figure lines (JSON, as bench/run collects them) to
# standard output.  Data lives under $TMPDIR (default /tmp) and is deleted
# at the end.  Standalone it builds Release into $TMPDIR/orgmri-load/;
# under bench/run it uses $ORGMRI, $BENCH_BIN/load_mem and the harness's
# $BENCH_DATA/events.csv (one size, BENCH_EVENTS).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
W=${TMPDIR:-/tmp}/orgmri-load.$$
mkdir -p "$W/bin"
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/run"

if [ -n "${BENCH_DATA:-}" ]; then
	O=$ORGMRI
	L=$BENCH_BIN/load_mem
	SIZES=(harness)
else
	SIZES=("$@")
	[ ${#SIZES[@]} -gt 0 ] || SIZES=(5M 10M)
	B=${TMPDIR:-/tmp}/orgmri-load-build
	cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release \
		-DORGMRI_TESTS=OFF >/dev/null
	cmake --build "$B" -j 2 >/dev/null
	cc -std=c11 -O2 -D_GNU_SOURCE -I"$ROOT/include" -o "$W/bin/load_mem" \
		"$ROOT/bench/load_mem.c" "$B/liborgmri.a" \
		$(pkg-config --libs sqlite3 jansson libgit2 zlib expat) -lm -lpthread
	O="$B/orgmri"
	L="$W/bin/load_mem"
fi

# run KEY LABEL CMD...: prints "LABEL wall peak [load_mem JSON]" to stderr;
# leaves seconds (load_mem's load_s when it printed JSON, else wall), peak
# KB and stdout in $W/run/KEY.{s,kb,out}
run() {
	local key=$1 label=$2
	shift 2
	/usr/bin/time -f "%e %M" -o "$W/run/time" "$@" > "$W/run/$key.out" \
		2>"$W/run/err" || { cat "$W/run/err" >&2; return 1; }
	read -r s kb < "$W/run/time"
	echo "$s" > "$W/run/$key.s"
	echo "$kb" > "$W/run/$key.kb"
	local json=""
	if head -c1 "$W/run/$key.out" | grep -q '{'; then
		json=$(cat "$W/run/$key.out")
		# a load's own time, not the process's (start-up, unmapping)
		jq .load_s "$W/run/$key.out" > "$W/run/$key.s"
	fi
	printf '%-28s %7.2f s %7d MB  %s\n' "$label" "$s" $((kb / 1024)) \
		"$json" >&2
}

# figure NAME KEY COMPARATOR CKEY [VALUE UNIT]: one JSON figure line
figure() {
	jq -nc --arg f "$1" --arg c "$3" --argjson os "$(cat "$W/run/$2.s")" \
		--argjson cs "$(cat "$W/run/$4.s")" \
		--argjson kb "$(cat "$W/run/$2.kb")" \
		--arg v "${5:-}" --arg u "${6:-}" '
		{figure: $f, orgmri_s: $os, comparator: $c, comparator_s: $cs,
		 ratio: (if $cs > 0 then $os / $cs else null end),
		 peak_rss_mb: ($kb / 1024 | floor)}
		+ (if $v != "" then {value: ($v | tonumber), unit: $u} else {} end)'
}

for N in "${SIZES[@]}"; do
	D="$W/data/$N"
	rm -rf "$D"
	mkdir -p "$D"
	if [ "$N" = harness ]; then
		CSV=$BENCH_DATA/events.csv
	else
		echo "== $N events" >&2
		run gen "generate" "$O" generate --events "$N" -o "$D/gen" \
			--format csv -q
		CSV=$D/gen/events.csv
	fi
	run ingest "ingest" "$O" --db "$D/s.db" ingest -q "$CSV"
	[ "$N" = harness ] || rm -f "$CSV"
	rm -f "$D/s.db.snap"
	run sqlite "load sqlite" env ORGMRI_SNAPSHOT=0 "$L" "$D/s.db"
	run first "load sqlite + write snap" "$L" "$D/s.db"
	run snap "load snapshot" "$L" "$D/s.db"
	run snap2 "load snapshot (again)" "$L" "$D/s.db"
	ev=$(jq .events "$W/run/snap.out")
	echo "snapshot file: $(stat -c %s "$D/s.db.snap") bytes;" \
		"store: $(stat -c %s "$D/s.db") bytes" >&2
	figure "load $ev events from the table snapshot" snap \
		"load from SQLite" sqlite "$(jq .bytes_per_event "$W/run/snap.out")" \
		"bytes/event"
	figure "first load after ingest (SQLite + write snapshot)" first \
		"load from SQLite" sqlite "$(jq .bytes_per_event "$W/run/first.out")" \
		"bytes/event"
	for cmd in stages scan; do
		run "$cmd.sqlite" "$cmd (sqlite)" env ORGMRI_SNAPSHOT=0 \
			"$O" --db "$D/s.db" "$cmd"
		run "$cmd.snap" "$cmd (snapshot)" "$O" --db "$D/s.db" "$cmd"
		if cmp -s "$W/run/$cmd.sqlite.out" "$W/run/$cmd.snap.out"; then
			echo "  same output" >&2
		else
			echo "  OUTPUT DIFFERS" >&2
		fi
		figure "orgmri $cmd on $ev events, table snapshot" "$cmd.snap" \
			"the same without snapshot" "$cmd.sqlite"
	done
	rm -rf "$D"
done
