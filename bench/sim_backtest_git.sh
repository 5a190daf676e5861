#!/bin/sh
# sim_backtest_git.sh - backtest of `orgmri simulate` on a real recorded
# history: a git repository's changes (merge and squash commits) and its
# release tags (deployments).  For each year Y: calibrate on Y, predict
# the median lead time (first commit -> first release) of year Y+1, and
# print it beside what `orgmri dora` measures for Y+1.
#
#   bench/sim_backtest_git.sh REPO [FIRST_YEAR LAST_YEAR]
#
# e.g. with the fetch tool's copy of libgit2:
#   bench/sim_backtest_git.sh /work/.mirror/libgit2+libgit2/repo 2016 2023
# Results and what they mean: docs/simulation.md, section 7, item 6.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ORGMRI_BENCH_BUILD:-$ROOT/build-bench}
REPO=${1:?usage: bench/sim_backtest_git.sh REPO [FIRST_YEAR LAST_YEAR]}
Y0=${2:-2016}
Y1=${3:-2023}
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DORGMRI_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target orgmri-cli >/dev/null
O=$BUILD/orgmri
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
"$O" --db "$W/s.db" ingest -q "$REPO"
printf '%-12s %-28s %-10s %-12s %s\n' calibrated "predicted p50 h [95%]" actual error "changes / releases in the year predicted"
y=$Y0
while [ "$y" -le "$Y1" ]; do
	n=$((y + 1))
	"$O" --db "$W/s.db" simulate --since "$y-01-01" --until "$n-01-01" \
		--replications 200 --format json > "$W/sim.json"
	"$O" --db "$W/s.db" dora --since "$n-01-01" --until "$((n + 1))-01-01" \
		--format json > "$W/dora.json"
	python3 - "$W/sim.json" "$W/dora.json" "$y" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["scenarios"][0]["lead_time_hours"]["p50"]
r = json.load(open(sys.argv[2]))["cohorts"][0]["rows"][0]
a = r["lead_time"]["p50_hours"]
err = "%+.0f%%" % (100 * (s["mean"] / a - 1)) if a else "-"
print("%-12s %-28s %-10s %-12s %d / %d" % (sys.argv[3], "%.0f [%.0f, %.0f]" % (
    s["mean"], s["lo"], s["hi"]), "%.0f" % a if a else "-", err,
    r["lead_time"]["n"], r["deployments"]))
PY
	y=$n
done
