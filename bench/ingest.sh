#!/usr/bin/env bash
# bench/ingest.sh - issue 2's ingest figures (run by bench/run).
#
#  1. ingest of the N-event canonical CSV into a new store
#     (`orgmri ingest events.csv`) against the sqlite3 shell's
#     `.import --csv` of the same file into a plain table, same run;
#  2. events per second of both;
#  3. resident memory per event after orgmri_table_load on that store
#     ($BENCH_BIN/load_mem), and the load time.
# The page cache is warmed by reading the CSV once before either runs.
set -euo pipefail
CSV="$BENCH_DATA/events.csv"
W="$BENCH_OUT/work/ingest"
rm -rf "$W"; mkdir -p "$W"
N=$(jq .counts.events "$BENCH_DATA/csv/truth.json")
cat "$CSV" > /dev/null

bench_time "$W/orgmri.time" "$ORGMRI" --db "$W/orgmri.db" ingest -q "$CSV" >&2
read -r os orss < "$W/orgmri.time"

bench_time "$W/sqlite.time" sqlite3 "$W/plain.db" ".import --csv $CSV events" >&2
read -r ss srss < "$W/sqlite.time"
rows=$(sqlite3 "$W/plain.db" "SELECT count(*) FROM events")
stored=$(sqlite3 "$W/orgmri.db" "SELECT count(*) FROM events" 2>/dev/null || echo "?")
echo "orgmri stored $stored events, sqlite3 imported $rows rows, file has $N" >&2

jq -nc --arg n "$N" --argjson os "$os" --argjson ss "$ss" \
	--argjson orss "$orss" --argjson srss "$srss" --arg stored "$stored" '
	{figure: "ingest \($n) CSV events into a new store",
	 orgmri_s: $os, comparator: "sqlite3 .import", comparator_s: $ss,
	 ratio: ($os / $ss), peak_rss_mb: ($orss / 1024 | floor),
	 comparator_peak_rss_mb: ($srss / 1024 | floor),
	 value: (($n | tonumber) / $os | floor), unit: "events/s",
	 comparator_rows_per_s: (($n | tonumber) / $ss | floor),
	 target: "ratio <= 1.5 and >= 1e6 events/s (issue 2)",
	 note: "stored \($stored) events"}'

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
