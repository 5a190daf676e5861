#!/bin/bash
# test_sim_truth.sh - the simulation against the generator's ground truth
# (issue 9): generate an organisation, simulate a capacity, a work-time and
# an arrival change on its history, regenerate the organisation with each
# change applied, and require the predicted median lead time within 15% of
# the one the generator measured (truth.json), and the baseline's
# constraint to be the generator's.  bench/sim_truth.sh runs more seeds
# and heavier scenarios.
. "$(dirname "$0")/lib.sh"
if python3 "$ORGMRI_SOURCE_DIR/tests/cli/sim_truth.py" "$ORGMRI" "$T" 0.15 3 -- \
	'security.capacity+1=stage.security.capacity=3' \
	'coding.time*0.6=stage.coding.hours=9.6' \
	'arrivals*1.2=gen.arrivals-per-day=7.2' >"$T/table" 2>&1; then ok; else
	fail "predictions off: $(cat "$T/table")"; fi
cat "$T/table"
# five rows (baseline, backtest and three scenarios) were compared
expect_eq "$(grep -c '^ *3 ' "$T/table")" 5 "rows compared"
finish
