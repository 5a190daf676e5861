#!/usr/bin/env bash
# test_generate.sh - `orgmri generate` end to end: determinism of the files,
# CSV output, generating straight into a store, ingest of the JSONL giving
# the same event count as the truth says, and usage errors.
set -euo pipefail
: "${ORGMRI:?}" "${ORGMRI_SOURCE_DIR:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$ORGMRI" generate -q -o "$T/a" --seed 5 --events 5000
"$ORGMRI" generate -q -o "$T/b" --seed 5 --events 5000
cmp "$T/a/events.jsonl" "$T/b/events.jsonl" || fail "same seed, different events"
cmp "$T/a/truth.json" "$T/b/truth.json" || fail "same seed, different truth"
"$ORGMRI" generate -q -o "$T/c" --seed 6 --events 5000
cmp -s "$T/a/events.jsonl" "$T/c/events.jsonl" && fail "seed ignored"

n=$(jq .counts.events "$T/a/truth.json")
[ "$(wc -l < "$T/a/events.jsonl")" -eq "$n" ] || fail "truth counts $n events"
[ "$n" -gt 4000 ] && [ "$n" -lt 6000 ] || fail "--events 5000 gave $n"

# the org.conf written beside the data regenerates the same bytes
"$ORGMRI" generate -q -o "$T/d" --org "$T/a/org.conf"
cmp "$T/a/events.jsonl" "$T/d/events.jsonl" || fail "org.conf does not reproduce"

# teams.conf lists each pool's people in git-config syntax
[ "$(git config -f "$T/a/teams.conf" --get-all team.security.member | tr '\n' ' ')" = "sec01 sec02 " ] ||
	fail "teams.conf security members"
[ "$(git config -f "$T/a/teams.conf" --get-all team.developers.member | wc -l)" -eq 14 ] ||
	fail "teams.conf developers"

# ingest of the JSONL stores exactly the events the truth counts
"$ORGMRI" --db "$T/i.db" ingest -q "$T/a/events.jsonl"
stored=$("$ORGMRI" --db "$T/i.db" stats --format json | jq .events)
[ "$stored" -eq "$n" ] || fail "ingest stored $stored of $n"

# straight into a store
"$ORGMRI" --db "$T/s.db" generate -q --store --seed 5 --events 5000
stored=$("$ORGMRI" --db "$T/s.db" stats --format json | jq .events)
[ "$stored" -eq "$n" ] || fail "--store stored $stored of $n"

# CSV with the generator's attribute columns, same number of records
"$ORGMRI" generate -q -o "$T/e" --seed 5 --events 5000 --format csv
head -1 "$T/e/events.csv" | grep -q '^time,object,activity,actor,related,id,additions,ai_assisted' ||
	fail "CSV header: $(head -1 "$T/e/events.csv")"
"$ORGMRI" --db "$T/c.db" ingest -q "$T/e/events.csv"
stored=$("$ORGMRI" --db "$T/c.db" stats --format json | jq .events)
[ "$stored" -eq "$n" ] || fail "CSV ingest stored $stored of $n"

# the bundled configuration is the defaults
diff <(grep -v '^#' "$ORGMRI_SOURCE_DIR/data/sample/org.conf" | sed '/^$/d') \
     <("$ORGMRI" generate --print-config | sed '/^$/d') || fail "org.conf != defaults"

# usage errors exit 2, bad files exit 1, with a message naming the problem
set +e
"$ORGMRI" generate 2>"$T/err"; [ $? -eq 2 ] || fail "no -o: want exit 2"
"$ORGMRI" generate -o "$T/x" --set stage.security.capacity=0 2>"$T/err"
[ $? -eq 2 ] && grep -q "stage.security.capacity" "$T/err" || fail "bad --set"
"$ORGMRI" generate -o "$T/x" --events lots 2>"$T/err"; [ $? -eq 2 ] || fail "bad --events"
"$ORGMRI" generate -o "$T/x" --org "$T/nope.conf" 2>"$T/err"
[ $? -eq 1 ] && grep -q "nope.conf" "$T/err" || fail "missing --org file"
printf '[stage "qa"]\n\tshare = 2\n' > "$T/bad.conf"
"$ORGMRI" generate -o "$T/x" --org "$T/bad.conf" 2>"$T/err"
[ $? -eq 1 ] && grep -q "stage.qa.share" "$T/err" || fail "bad value in --org"
set -e
echo ok
