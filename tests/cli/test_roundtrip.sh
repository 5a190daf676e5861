#!/bin/bash
# test_roundtrip.sh - export -> ingest into a new store -> export gives the
# same bytes, in JSONL and CSV; ingesting twice changes nothing.
. "$(dirname "$0")/lib.sh"
SAMPLE="$ORGMRI_SOURCE_DIR/data/sample/events.jsonl"

expect_status 0 "$ORGMRI" ingest "$SAMPLE"
events=$(stat_field events)
links=$(stat_field links)
expect_eq "$events" "$(grep -c . "$SAMPLE")" "events after one ingest"
expect_status 0 "$ORGMRI" ingest "$SAMPLE"
expect_grep "$T/err" "0 new"
expect_eq "$(stat_field events)" "$events" "events after a second ingest"
expect_eq "$(stat_field links)" "$links" "links after a second ingest"

for fmt in jsonl csv; do
	"$ORGMRI" export --format $fmt -o "$T/a.$fmt"
	"$ORGMRI" --db "$T/b-$fmt.db" ingest -q "$T/a.$fmt"
	"$ORGMRI" --db "$T/b-$fmt.db" export --format $fmt -o "$T/b.$fmt"
	if cmp -s "$T/a.$fmt" "$T/b.$fmt"; then ok; else
		fail "$fmt round trip differs: $(diff "$T/a.$fmt" "$T/b.$fmt" | head -5)"; fi
	expect_eq "$(ORGMRI_DB=$T/b-$fmt.db stat_field links)" "$links" "$fmt links"
done
# CSV export of JSONL-ingested data, re-ingested, exported as JSONL: the
# same events (types may differ only where CSV cannot tell them apart)
"$ORGMRI" --db "$T/b-csv.db" export --format jsonl -o "$T/c.jsonl"
if cmp -s "$T/a.jsonl" "$T/c.jsonl"; then ok; else
	fail "jsonl->csv->jsonl differs: $(diff "$T/a.jsonl" "$T/c.jsonl" | head -5)"; fi
# stdin
"$ORGMRI" export | "$ORGMRI" --db "$T/d.db" ingest -q --kind jsonl -
expect_eq "$(ORGMRI_DB=$T/d.db stat_field events)" "$events" "ingest from stdin"
# time window on export
n=$("$ORGMRI" export --since 2026-03-04 --until 2026-03-05 | wc -l)
expect_eq "$n" "$(grep -c '"time":"2026-03-04' "$SAMPLE")" "export window"
# the split date: --split, else team.NAME.split with --team, else
# compare.split
printf '[compare]\n\tsplit = 2026-02-25\n[team "backend"]\n\tsplit = 2026-03-01\n\tmember = alice\n' > "$T/split.conf"
expect_status 0 "$ORGMRI" compare --config "$T/split.conf" --resamples 100
expect_grep "$T/out" "split from compare.split in the configuration"
expect_grep "$T/out" "Before 2026-02-20 .. 2026-02-25"
expect_status 0 "$ORGMRI" compare --config "$T/split.conf" --team backend --resamples 100
expect_grep "$T/out" "split from team.backend.split in the configuration"
expect_status 0 "$ORGMRI" compare --config "$T/split.conf" --split 2026-03-03 --resamples 100
expect_grep "$T/out" "split from --split"
printf '[compare]\n\tsplit = someday\n' > "$T/bad.conf"
expect_status 1 "$ORGMRI" compare --config "$T/bad.conf"
expect_grep "$T/err" "compare.split"
finish
