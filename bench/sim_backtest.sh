#!/bin/sh
# sim_backtest.sh - issue 9's backtest of `orgmri simulate` on recorded
# histories: for each git repository, several calibrate/predict splits;
# each calibrates on the CAL_MONTHS before a date T (the history as known
# at T), simulates [T, T + PRED_MONTHS) with the changes that actually
# arrived then (`orgmri simulate --since --until T --backtest`), and
# compares the median lead time (first commit -> first release containing
# the change) and the constraint with what happened.
#
#   bench/sim_backtest.sh [REPO_DIR...]
#
# Without arguments: the mirrors of libgit2, cli/cli, sharkdp/bat and
# actions/checkout under $ORGMRI_MIRRORS (default
# /work/.mirror/OWNER+NAME/repo, as the fetch tool leaves them); absent
# ones are skipped, so it runs anywhere (CI has none).  Environment:
# CAL_MONTHS (12), PRED_MONTHS (12), STEP_MONTHS (6), REPS (100),
# RELEASES (waits; or train, actual: `orgmri simulate --releases`).  Splits
# start at the first whole month and step by STEP_MONTHS until the
# predicted period would pass the last recorded event.  Every split is
# printed; the summary scores those that can be measured, a rule fixed
# before looking at errors: the calibration saw at least 30 finished
# changes and, when the history has releases, at least 30 observed
# merge -> release waits; the predicted period has at least 30 changes,
# at least 95% of them released (a period whose slow changes are not yet
# released has a censored, too short, actual median).
# Repositories are read with --no-diff (sizes do not enter a baseline).
# Prints one row per split, a summary per repository and bench/run figure
# lines; exits 0 whatever the errors (it measures; docs/simulation.md
# section 7 reports the results).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ORGMRI_BENCH_BUILD:-$ROOT/build-bench}
M=${ORGMRI_MIRRORS:-/work/.mirror}
if [ $# -eq 0 ]; then
	set -- "$M/libgit2+libgit2/repo" "$M/cli+cli/repo" \
		"$M/sharkdp+bat/repo" "$M/actions+checkout/repo"
fi
if [ -z "${ORGMRI:-}" ]; then
	cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DORGMRI_TESTS=OFF >/dev/null
	cmake --build "$BUILD" -j2 --target orgmri-cli >/dev/null
	ORGMRI=$BUILD/orgmri
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
for repo in "$@"; do
	if [ ! -d "$repo" ]; then
		echo "skipped (absent): $repo" >&2
		continue
	fi
	name=$(basename "$(dirname "$repo")")
	[ "$name" = . ] || [ "$name" = / ] && name=$(basename "$repo")
	"$ORGMRI" --db "$W/$name.db" ingest -q --no-diff "$repo"
	python3 - "$ORGMRI" "$W/$name.db" "$name" <<'PY'
import json, math, os, statistics, subprocess, sys
orgmri, db, name = sys.argv[1:4]
cal = int(os.environ.get("CAL_MONTHS", "12"))
pred = int(os.environ.get("PRED_MONTHS", "12"))
step = int(os.environ.get("STEP_MONTHS", "6"))
reps = os.environ.get("REPS", "100")
releases = os.environ.get("RELEASES", "waits")
st = json.loads(subprocess.run([orgmri, "--db", db, "stats", "--format",
                                "json"], capture_output=True, check=True).stdout)
def ym(s):
    return int(s[:4]) * 12 + int(s[5:7]) - 1
def date(m):
    return "%04d-%02d-01" % (m // 12, m % 12 + 1)
first, last = ym(st["first_time"]) + 1, ym(st["last_time"])
t = first + cal
t += (-t) % step                     # splits on multiples of STEP_MONTHS
rows = []
print("%s: calibrate on %d months, predict the next %d; releases: %s" % (
      name, cal, pred, releases))
print("%-10s %-10s %-10s %22s %22s %8s %7s  %s" % ("calibrate", "predict",
      "until", "predicted p50 h [95%]", "actual p50 h [95%]", "error",
      "done", "constraint (predicted/actual)"))
while t + pred <= last:
    r = subprocess.run([orgmri, "--db", db, "simulate", "--since",
                        date(t - cal), "--until", date(t), "--backtest",
                        date(t + pred), "--replications", reps, "--migrate",
                        "0", "--releases", releases, "--format", "json"],
                       capture_output=True,
                       text=True)
    if r.returncode:
        print("%-10s %-10s %-10s  %s" % (date(t - cal), date(t),
              date(t + pred), r.stderr.strip()))
    else:
        j = json.loads(r.stdout)
        b, c = j["backtest"], j["calibration"]
        p = b["predicted_p50_hours"]
        scored = (c["profiles"] >= 30 and
                  (c["deployments"]["count"] == 0 or
                   c["deployments"]["waits"] >= 30) and
                  b["changes"] >= 30 and b["finished"] >= 0.95 * b["changes"])
        if scored:
            rows.append(b)
        a = b["actual_p50_interval_hours"]
        print("%-10s %-10s %-10s %8.0f [%5.0f, %5.0f] %8.0f [%5.0f, %5.0f] %+7.0f%% %3d/%-3d %s/%s%s" % (
            date(t - cal), date(t), date(t + pred), p["mean"], p["lo"],
            p["hi"], b["actual_p50_hours"], a[0], a[1], 100 * b["error"],
            b["finished"], b["changes"], b["constraint"],
            b["actual_constraint"], "" if scored else
            "  (not scored: %d finished, %d waits calibrated)" % (
                c["profiles"], c["deployments"]["waits"])))
    t += step
if rows:
    e = [abs(b["error"]) for b in rows]
    inside = sum(1 for b in rows if b["predicted_p50_hours"]["lo"] <=
                 b["actual_p50_hours"] <= b["predicted_p50_hours"]["hi"])
    same = sum(1 for b in rows if b["constraint"] == b["actual_constraint"])
    # whether 15% can be told apart at all: the actual median's own 95%
    # interval lies within 15% of it
    sharp = sum(1 for b in rows if b["actual_p50_interval_hours"][0] >=
                0.85 * b["actual_p50_hours"] and
                b["actual_p50_interval_hours"][1] <= 1.15 * b["actual_p50_hours"])
    within_actual = sum(1 for b in rows if b["actual_p50_interval_hours"][0]
                        <= b["predicted_p50_hours"]["mean"] <=
                        b["actual_p50_interval_hours"][1])
    # what 15% allows at all: a forecaster that knew each period's true
    # median would still miss when the period's own median falls more
    # than 15% from it.  With the actual median's 95% interval read as
    # lognormal, sd = ln(hi / lo) / 3.92, and the true median t, the
    # error t/a - 1 is within 15% when ln(a/t) lies in
    # [-ln 1.15, -ln 0.85]; the expected count sums that chance.
    nd = statistics.NormalDist()
    def p_within(b):
        lo, hi = b["actual_p50_interval_hours"]
        if lo <= 0 or hi <= lo:
            return 1.0
        sd = math.log(hi / lo) / 3.92
        return nd.cdf(-math.log(0.85) / sd) - nd.cdf(-math.log(1.15) / sd)
    ideal = sum(p_within(b) for b in rows)
    print("summary %s: %d scored splits, %d within 15%%, median |error| %.0f%%, "
          "mean error %+.0f%%, worst %.0f%%; actual inside the simulated "
          "95%% range %d; prediction inside the actual median's 95%% "
          "interval %d; actual median known to 15%% in %d; a forecaster "
          "knowing the true medians: %.1f within 15%% (expected); same "
          "constraint %d" % (name, len(rows),
          sum(1 for x in e if x <= 0.15), 100 * statistics.median(e),
          100 * statistics.mean(b["error"] for b in rows), 100 * max(e),
          inside, within_actual, sharp, ideal, same))
    print(json.dumps({"figure": "simulate backtest (releases: %s) on %s's "
                      "history: median |error| of the median lead time" % (
                      releases, name),
                      "value": round(100 * statistics.median(e), 1),
                      "unit": "%% (%d scored splits, %d within 15%%)" % (len(rows),
                      sum(1 for x in e if x <= 0.15))}))
print()
PY
done
