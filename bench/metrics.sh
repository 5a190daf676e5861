#!/usr/bin/env bash
# metrics.sh - time every metric family of orgmri over a generated history
# against DuckDB and the sqlite3 shell computing the same stage table and
# DORA figures (bench/metrics.sql) from the same events.
#
#   bench/metrics.sh [NCHANGES] [BUILD_DIR]      default 520000 (~10M events)
#   REPEATS=3 (rounds of the dora+stages / DuckDB / sqlite3 comparison),
#   BENCH_DIR=/tmp/orgmri-bench (use a folder of your own: the store in it
#   is ingested by the orgmri under test)
#
# Needs: sqlite3, node + npm (installs @duckdb/node-api into a scratch
# folder).  Steps: generate JSONL (bench/gen_events.awk), ingest into an
# orgmri store, export the store's tables into a DuckDB file (not timed);
# then time, each from process start to output:
#   orgmri dora, stages, flow, people, rework (each loads the store),
#   orgmri metrics (all five from one load), and
#   orgmri's loader alone (orgmri stats is not a loader; see the report);
#   duckdb (node) running the SQL over its own database file;
#   sqlite3 running the SQL over the orgmri store.
# Peak memory (max RSS) from /usr/bin/time.  Results agree: the script
# diffs the SQL outputs of DuckDB and sqlite3, and orgmri is checked
# against the same SQL by tests/cli/test_metrics_oracle.sh.
set -euo pipefail
N=${1:-520000}
here=$(cd "$(dirname "$0")" && pwd)
build=${2:-$here/../build-rel}
orgmri=$build/orgmri
work=${BENCH_DIR:-/tmp/orgmri-bench}
mkdir -p "$work"
cd "$work"

t() {  # t LABEL CMD... : wall seconds and max RSS
	local label=$1; shift
	/usr/bin/time -f "%e %M" -o "$work/time.$label" "$@" > "$work/out.$label"
	read -r secs kb < "$work/time.$label"
	printf '%-22s %8.2f s  %8.1f MB\n' "$label" "$secs" "$(echo "$kb / 1024" | bc -l)"
}

if [ ! -f events.jsonl ] || [ "$(cat events.n 2>/dev/null)" != "$N" ]; then
	rm -f store.db* bench.duckdb
	awk -v N="$N" -v SEED=1 -v EXTRA=12 -f "$here/gen_events.awk" > events.jsonl
	echo "$N" > events.n
fi
echo "events: $(wc -l < events.jsonl) ($N changes)"
if [ ! -f store.db ]; then
	t ingest "$orgmri" --db store.db -q ingest events.jsonl
fi
if [ ! -f bench.duckdb ]; then
	[ -d node_modules/@duckdb/node-api ] || npm install --silent @duckdb/node-api >/dev/null
	for tb in events activities links objects people; do
		sqlite3 -header -csv store.db "SELECT * FROM $tb" > "$tb.csv"
	done
	cat > load.mjs <<'JS'
import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create('bench.duckdb');
const con = await inst.connect();
for (const t of ['events', 'activities', 'links', 'objects', 'people'])
  await con.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv('${t}.csv', header=true, all_varchar=false, nullstr='\\N')`);
JS
	node load.mjs
	rm -f events.csv activities.csv links.csv objects.csv people.csv
fi
# DuckDB dialect: json_extract_string, floor before integer casts
sed -e 's/json_extract(/json_extract_string(/g' \
    -e 's/CAST(h AS INTEGER)/CAST(floor(h) AS INTEGER)/' \
    -e 's/CAST((a.n - 1) \* 0.5 AS INTEGER)/CAST(floor((a.n - 1) * 0.5) AS INTEGER)/' \
    "$here/metrics.sql" > metrics_duckdb.sql
cp "$here/duckdb_run.mjs" .

for c in dora stages flow people rework metrics; do
	t "orgmri $c" "$orgmri" --db store.db "$c" --format json
done
# The comparison proper, REPEATS rounds (default 3) of the three commands
# back to back; the machine is shared, so what counts is each round's
# ratio, and the median of those is reported.
secs() { read -r s _ < "$work/time.$1"; echo "$s"; }
rounds=${REPEATS:-3}
: > ratios.duckdb
: > ratios.sqlite3
: > ratios.all.duckdb
: > ratios.all.sqlite3
for r in $(seq 1 "$rounds"); do
	echo "round $r"
	t "orgmri dora+stages" sh -c "'$orgmri' --db store.db dora --format json && '$orgmri' --db store.db stages --format json"
	t "duckdb (node)" node duckdb_run.mjs bench.duckdb metrics_duckdb.sql
	t "sqlite3" sh -c "sqlite3 store.db < '$here/metrics.sql'"
	t "orgmri metrics (all)" "$orgmri" --db store.db metrics --format json
	o=$(secs "orgmri dora+stages")
	awk -v a="$(secs "duckdb (node)")" -v b="$o" 'BEGIN { printf "%.2f\n", a / b }' >> ratios.duckdb
	awk -v a="$(secs sqlite3)" -v b="$o" 'BEGIN { printf "%.2f\n", a / b }' >> ratios.sqlite3
	o=$(secs "orgmri metrics (all)")
	awk -v a="$(secs "duckdb (node)")" -v b="$o" 'BEGIN { printf "%.2f\n", a / b }' >> ratios.all.duckdb
	awk -v a="$(secs sqlite3)" -v b="$o" 'BEGIN { printf "%.2f\n", a / b }' >> ratios.all.sqlite3
done
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "per round, times faster than duckdb: $(tr '\n' ' ' < ratios.duckdb)"
echo "per round, times faster than sqlite3: $(tr '\n' ' ' < ratios.sqlite3)"
echo "median over $rounds rounds: $(median ratios.duckdb)x faster than duckdb, $(median ratios.sqlite3)x faster than sqlite3"
echo "all five families (orgmri metrics), per round vs duckdb: $(tr '\n' ' ' < ratios.all.duckdb), vs sqlite3: $(tr '\n' ' ' < ratios.all.sqlite3)"
echo "all five families, median over $rounds rounds: $(median ratios.all.duckdb)x faster than duckdb, $(median ratios.all.sqlite3)x faster than sqlite3"
tr -d '\r' < "out.sqlite3" > a.csv
tr -d '"\r' < "out.duckdb (node)" > b.csv
if diff -q a.csv b.csv >/dev/null; then echo "duckdb and sqlite3 agree"; else
	echo "duckdb and sqlite3 differ:"; diff a.csv b.csv | head; fi
