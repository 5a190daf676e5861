#!/bin/sh
# sim_truth.sh - `orgmri simulate` against the generator's ground truth,
# at a size the test suite cannot afford (tests/cli/test_sim_truth.sh runs
# one seed and three scenarios).
#
#   bench/sim_truth.sh [SEEDS]     default seeds 1..10
#
# RELEASES=train runs the scenarios with the calibrated release train
# (`orgmri simulate --releases train`) and the backtest with it;
# RELEASES=actual the scenarios with the train and the backtest on the
# actual releases; default waits.
#
# For each seed: a stationary sample organisation (no AI effect), its
# baseline and a backtest (calibrated on the first 17 weeks only), and
# capacity, work-time and arrival changes at moderate load (the security
# stage, the constraint, at 0.55-0.8 utilisation) and at heavy load
# (0.85-0.9).  Each prediction is compared with the median lead time the
# generator measured after regenerating the organisation with the change
# (tests/cli/sim_truth.py says how); the limit is issue 9's 15%.  Prints
# the table; exits 0 whatever the errors (it measures, the test judges).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ORGMRI_BENCH_BUILD:-$ROOT/build-bench}
SEEDS=${1:-"1 2 3 4 5 6 7 8 9 10"}
sh "$ROOT/scripts/install-deps.sh" >/dev/null
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DORGMRI_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target orgmri-cli >/dev/null
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# figure LABEL TABLE: the table's summary as one bench/run figure line
figure() {
	worst=$(sed -n 's/^worst error \([0-9.]*\)%.*/\1/p' "$2")
	fails=$(sed -n 's/.*%), \([0-9]*\) failures.*/\1/p' "$2")
	rows=$(grep -c '^ *[0-9]' "$2" || true)
	printf '{"figure":"simulate vs generator truth, %s: worst median error","value":%s,"unit":"%% (%s of %s rows over 15%%)"}\n' \
		"$1" "${worst:-null}" "${fails:-?}" "$rows"
}
echo "moderate load:"
# shellcheck disable=SC2086
python3 "$ROOT/tests/cli/sim_truth.py" "$BUILD/orgmri" "$W/m" 0.15 $SEEDS -- \
	'security.capacity+1=stage.security.capacity=3' \
	'security.capacity+2=stage.security.capacity=4' \
	'coding.time*0.6=stage.coding.hours=9.6' \
	'review.time*2=stage.review.hours=5' \
	'review.capacity+1=stage.review.capacity=4' \
	'arrivals*1.2=gen.arrivals-per-day=7.2' \
	'arrivals*0.8=gen.arrivals-per-day=4.8' | tee "$W/m.txt" || true
figure "moderate load" "$W/m.txt"
echo
echo "heavy load (security near saturation):"
# shellcheck disable=SC2086
python3 "$ROOT/tests/cli/sim_truth.py" "$BUILD/orgmri" "$W/h" 0.15 $SEEDS -- \
	'arrivals*1.35=gen.arrivals-per-day=8.1' \
	'security.time*1.25=stage.security.hours=9.6875' | tee "$W/h.txt" || true
figure "heavy load" "$W/h.txt"
