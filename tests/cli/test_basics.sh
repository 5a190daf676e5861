#!/bin/bash
# test_basics.sh - help, version, usage errors and exit statuses.
. "$(dirname "$0")/lib.sh"

expect_status 0 "$ORGMRI" --version
expect_grep "$T/out" '^orgmri [0-9]'
expect_status 0 "$ORGMRI" --help
expect_grep "$T/out" 'ingest'
expect_grep "$T/out" 'Exit status'
for cmd in ingest stats export demo scan compare report generate simulate forecast; do
	expect_status 0 "$ORGMRI" help "$cmd"
	expect_grep "$T/out" "usage: orgmri $cmd"
	expect_status 0 "$ORGMRI" "$cmd" --help
	expect_grep "$T/out" "usage: orgmri $cmd"
done
expect_status 2 "$ORGMRI"
expect_status 2 "$ORGMRI" frobnicate
expect_grep "$T/err" "'frobnicate' is not a command"
expect_status 2 "$ORGMRI" stats --bogus
expect_grep "$T/err" "unknown option"
expect_status 2 "$ORGMRI" stats --format xml
expect_grep "$T/err" "choose from"
expect_status 2 "$ORGMRI" ingest
expect_status 2 "$ORGMRI" export --since yesterday
expect_grep "$T/err" "not a date"
# no store yet: a clear failure, and no store file created
expect_status 1 "$ORGMRI" stats
expect_grep "$T/err" "no store here yet"
[ ! -e "$ORGMRI_DB" ] && ok || fail "stats created a store"
expect_status 1 "$ORGMRI" ingest "$T/missing.jsonl"
expect_grep "$T/err" "missing.jsonl: no such file"
echo 'x' > "$T/what.txt"
expect_status 1 "$ORGMRI" ingest "$T/what.txt"
expect_grep "$T/err" "cannot tell what kind"
expect_status 0 "$ORGMRI" ingest --list-kinds
expect_grep "$T/out" "jsonl"
# --db before the command and $ORGMRI_DB
expect_status 0 "$ORGMRI" --db "$T/other.db" ingest -q "$ORGMRI_SOURCE_DIR/data/sample/events.jsonl"
[ -e "$T/other.db" ] && ok || fail "--db ignored"
mkdir "$T/demo" && cd "$T/demo"
expect_status 0 "$ORGMRI" demo
cd "$T"
expect_grep "$T/out" "Are we faster"
# the sample organisation's planted constraint, named with confidence
expect_grep "$T/out" "^  security (confidence: high)"
expect_grep "$T/err" "simulated the sample organisation"
expect_eq "$(ls -A "$T/demo")" "demo-report.html" "files demo leaves"
expect_grep "$T/demo/demo-report.html" "<svg"
finish
