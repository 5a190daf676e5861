#!/bin/bash
# test_constraint_eval.sh - does `orgmri scan` name the constraint a
# generated organisation was built with?  100 seeds, the planted stage
# rotating over coding, review, security and QA, 40 simulated days each
# (small enough to run in seconds, large enough for 20+ visits per stage);
# at least 95 must be named.  Thin data (2 days) must give "cannot tell".
# bench/constraint_eval.sh runs the same at full size.
. "$(dirname "$0")/lib.sh"

stages=(coding review security qa)
named=0
for seed in $(seq 1 100); do
	planted=${stages[$((seed % 4))]}
	"$ORGMRI" generate -q -o "$T/g$seed" --seed "$seed" \
		--set plant.stage="$planted" --set ai.arrival-factor=1 \
		--set ai.share=0 --set gen.days=40 --set ai.rollout=2026-01-25
	"$ORGMRI" --db "$T/g$seed.db" ingest -q "$T/g$seed/events.jsonl"
	"$ORGMRI" --db "$T/g$seed.db" scan --config "$T/g$seed/teams.conf" \
		--format json --resamples 200 > "$T/scan.json"
	got=$(awk '/"constraint": \{/ { f = 1 } f && /"stage"/ { print; exit }' \
		"$T/scan.json" | sed 's/.*"stage": "\{0,1\}\([a-z_]*\).*/\1/')
	if [ "$got" = "$planted" ]; then
		named=$((named + 1))
	else
		echo "seed $seed: planted $planted, scan said $got"
	fi
	rm -rf "$T/g$seed" "$T/g$seed.db"*
done
echo "named the planted constraint in $named of 100 seeds"
[ "$named" -ge 95 ] && ok || fail "only $named of 100 seeds"

# too little data: the scan must not guess
"$ORGMRI" generate -q -o "$T/thin" --seed 5 --set plant.stage=security \
	--set gen.days=2 --set ai.rollout=2026-01-06
"$ORGMRI" --db "$T/thin.db" ingest -q "$T/thin/events.jsonl"
"$ORGMRI" --db "$T/thin.db" scan --format json --resamples 200 > "$T/thin.json"
expect_grep "$T/thin.json" '"stage": null'
expect_grep "$T/thin.json" '"confidence": "cannot tell"'
"$ORGMRI" --db "$T/thin.db" scan --resamples 200 > "$T/thin.txt"
expect_grep "$T/thin.txt" "Cannot tell"
finish
