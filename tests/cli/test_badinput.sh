#!/bin/bash
# test_badinput.sh - malformed files: clear messages with file and line,
# skipped and counted (or the run stopped with --strict), and nothing that
# was stored before is lost.
. "$(dirname "$0")/lib.sh"
SAMPLE="$ORGMRI_SOURCE_DIR/data/sample/events.jsonl"
expect_status 0 "$ORGMRI" ingest "$SAMPLE"
base=$(stat_field events)

good='{"time":"2026-05-01T00:00:00Z","object":"change:t#1","activity":"opened"}'
{
	echo "$good"
	echo '{"time":"2026-05-01T00:00:00Z","object":"change:t#1","activ'   # truncated
	echo '{"time":true,"object":"change:t#1","activity":"x"}'            # wrong type
	echo '{"time":"May 1st","object":"change:t#1","activity":"x"}'       # unknown time
	echo '{"time":"2026-05-01","activity":"x"}'                          # no object
	printf '{"time":"2026-05-01","object":"change:t#\xff","activity":"x"}\n'  # not UTF-8
	echo '{"time":"2026-05-02T00:00:00Z","object":"change:t#1","activity":"merged"}'
} > "$T/bad.jsonl"
expect_status 0 "$ORGMRI" ingest "$T/bad.jsonl"
expect_grep "$T/err" "bad.jsonl:2:"
expect_grep "$T/err" "bad.jsonl:3: \$.time: must be an ISO-8601"
expect_grep "$T/err" "bad.jsonl:4: \$.time: bad timestamp \"May 1st\""
expect_grep "$T/err" "bad.jsonl:5: \$.object: missing"
expect_grep "$T/err" "bad.jsonl:6:.*UTF-8"
expect_grep "$T/err" "5 bad records skipped"
expect_eq "$(stat_field events)" "$((base + 2))" "good lines kept"

# --strict: stops at line 2 with status 1; line 1 (new) is kept
sed 's/change:t#1/change:t#2/' "$T/bad.jsonl" > "$T/bad2.jsonl"
expect_status 1 "$ORGMRI" ingest --strict "$T/bad2.jsonl"
expect_grep "$T/err" "bad2.jsonl:2:"
expect_eq "$(stat_field events)" "$((base + 3))" "strict keeps what came before"

# a 10 MB line is refused by the size cap, the rest is read
{
	echo "$good" | sed 's/t#1/t#3/'
	printf '{"time":"2026-05-01","object":"change:t#3","activity":"x","attrs":{"t":"'
	head -c 10485760 /dev/zero | tr '\0' 'x'
	echo '"}}'
	echo '{"time":"2026-05-03T00:00:00Z","object":"change:t#3","activity":"closed"}'
} > "$T/huge.jsonl"
expect_status 0 "$ORGMRI" ingest "$T/huge.jsonl"
expect_grep "$T/err" "huge.jsonl:2: line longer than"
expect_eq "$(stat_field events)" "$((base + 5))" "around the huge line"

# empty files are fine and add nothing
: > "$T/empty.jsonl"
: > "$T/empty.csv"
expect_status 0 "$ORGMRI" ingest "$T/empty.jsonl" "$T/empty.csv"
expect_eq "$(stat_field events)" "$((base + 5))" "empty files"

# CSV: wrong header rejects the file; bad rows are skipped with line numbers
printf 'when,object,activity\n2026-01-01,a:1,x\n' > "$T/hdr.csv"
expect_status 1 "$ORGMRI" ingest "$T/hdr.csv"
expect_grep "$T/err" "hdr.csv:1: header has no \"time\" column"
printf 'time,object,activity,team\n2026-01-01,a:1,x,qa\n2026-01-01,a:1\n2026-02-30,a:1,y,\n"2026-01-02",a:1,z,"sec""urity"\n' > "$T/rows.csv"
expect_status 0 "$ORGMRI" ingest "$T/rows.csv"
expect_grep "$T/err" "rows.csv:3: expected 4 fields, found 2"
expect_grep "$T/err" "rows.csv:4:.*no such day"
expect_grep "$T/err" "2 bad records skipped"
expect_eq "$(stat_field events)" "$((base + 7))" "good csv rows kept"

# a damaged store file is refused and left as it was
printf 'not a database at all, not at all, not at all, not at all, really no' > "$T/junk.db"
cp "$T/junk.db" "$T/junk.orig"
expect_status 1 "$ORGMRI" --db "$T/junk.db" ingest "$SAMPLE"
expect_grep "$T/err" "junk.db"
cmp -s "$T/junk.db" "$T/junk.orig" && ok || fail "damaged store was modified"
finish
