#!/usr/bin/env bash
# bench/ingest.sh - issue 2's ingest figures (run by bench/run).
#
#  1. ingest of the N-event canonical CSV into a new store
#     (`orgmri ingest events.csv`) against the sqlite3 shell's
#     `.import --csv` of the same file into a plain table, same run:
#     BENCH_REPEATS rounds (default 3), each one orgmri ingest then one
#     sqlite3 import, so both see the same machine load; the figure is
#     the median of each, every round listed in the note.  CPU seconds
#     (user + system, both orgmri threads together) are reported beside
#     the wall times: the machine is shared, and CPU time is what other
#     work on it disturbs least;
#  2. events per second of both;
#  3. resident memory per event after orgmri_table_load on that store
#     ($BENCH_BIN/load_mem), and the load time.
# The page cache is warmed by reading the CSV once before either runs.
set -euo pipefail
CSV="$BENCH_DATA/events.csv"
W="$BENCH_OUT/work/ingest"
R=${BENCH_REPEATS:-3}
rm -rf "$W"; mkdir -p "$W"
N=$(jq .counts.events "$BENCH_DATA/csv/truth.json")
cat "$CSV" > /dev/null

# cpu_time OUTFILE CMD...: "elapsed_s maxrss_kb cpu_s" into OUTFILE
cpu_time() {
	local f=$1; shift
	/usr/bin/time -f "%e %M %U %S" -o "$f.raw" "$@"
	awk '{ print $1, $2, $3 + $4 }' "$f.raw" > "$f"
}

# median of the numbers on standard input
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

rounds=""
: > "$W/o.all"; : > "$W/s.all"
for i in $(seq "$R"); do
	rm -f "$W"/orgmri.db* "$W/plain.db"
	cpu_time "$W/orgmri.time" "$ORGMRI" --db "$W/orgmri.db" ingest -q "$CSV" >&2
	cpu_time "$W/sqlite.time" sqlite3 "$W/plain.db" ".import --csv $CSV events" >&2
	read -r a b e < "$W/orgmri.time"; read -r c d f < "$W/sqlite.time"
	echo "$a $b $e" >> "$W/o.all"; echo "$c $d $f" >> "$W/s.all"
	rounds="$rounds $a/$c"
	echo "round $i: orgmri $a s (cpu $e s), sqlite3 $c s (cpu $f s)" >&2
done
os=$(cut -d' ' -f1 "$W/o.all" | median); orss=$(cut -d' ' -f2 "$W/o.all" | median)
ss=$(cut -d' ' -f1 "$W/s.all" | median); srss=$(cut -d' ' -f2 "$W/s.all" | median)
oc=$(cut -d' ' -f3 "$W/o.all" | median); sc=$(cut -d' ' -f3 "$W/s.all" | median)
rows=$(sqlite3 "$W/plain.db" "SELECT count(*) FROM events")
stored=$(sqlite3 "$W/orgmri.db" "SELECT count(*) FROM events" 2>/dev/null || echo "?")
echo "orgmri stored $stored events, sqlite3 imported $rows rows, file has $N" >&2

jq -nc --arg n "$N" --argjson os "$os" --argjson ss "$ss" \
	--argjson orss "$orss" --argjson srss "$srss" --arg stored "$stored" \
	--arg rounds "$rounds" --arg r "$R" \
	--argjson oc "$oc" --argjson sc "$sc" '
	{figure: "ingest \($n) CSV events into a new store",
	 orgmri_s: $os, comparator: "sqlite3 .import", comparator_s: $ss,
	 ratio: ($os / $ss), peak_rss_mb: ($orss / 1024 | floor),
	 comparator_peak_rss_mb: ($srss / 1024 | floor),
	 value: (($n | tonumber) / $os | floor), unit: "events/s",
	 comparator_rows_per_s: (($n | tonumber) / $ss | floor),
	 orgmri_cpu_s: $oc, comparator_cpu_s: $sc, cpu_ratio: ($oc / $sc),
	 target: "ratio <= 1.5 and >= 1e6 events/s (issue 2)",
	 note: "stored \($stored) events; medians of \($r) rounds, orgmri/sqlite3 s:\($rounds)"}'

if [ -n "${BENCH_NODE:-}" ]; then
	bench_time "$W/duck.time" node "$BENCH_ROOT/bench/duckdb.js" "$W/duck.db" \
		"$BENCH_ROOT/bench/ingest_duckdb.sql" "CSV=$CSV" > "$W/duck.json"
	read -r ds drss < "$W/duck.time"
	jq -c --arg n "$N" --argjson os "$os" --argjson ds "$ds" --argjson orss "$orss" \
		--argjson drss "$drss" '
		{figure: "ingest \($n) CSV events (vs DuckDB read_csv)",
		 orgmri_s: $os, comparator: "DuckDB read_csv", comparator_s: $ds,
		 ratio: ($os / $ds), peak_rss_mb: ($orss / 1024 | floor),
		 comparator_peak_rss_mb: ($drss / 1024 | floor),
		 note: "DuckDB loaded \(.rows[0].n) rows; process time incl. node start"}' "$W/duck.json"
fi

# from SQLite (ORGMRI_SNAPSHOT=0: no snapshot read or written; the
# snapshot's figures are bench/load.sh's)
bench_time "$W/load.time" env ORGMRI_SNAPSHOT=0 "$BENCH_BIN/load_mem" \
	"$W/orgmri.db" > "$W/load.json"
read -r ls lrss < "$W/load.time"
jq -c --argjson lrss "$lrss" '
	{figure: "resident bytes per event after orgmri_table_load (SQLite)",
	 orgmri_s: .load_s, comparator: null, comparator_s: null, ratio: null,
	 peak_rss_mb: ($lrss / 1024 | floor),
	 value: .bytes_per_event, unit: "bytes/event", events: .events,
	 target: "<= 40 bytes per event (issue 2)",
	 note: "VmRSS after minus before the load, divided by events"}' "$W/load.json"
rm -rf "$W"
