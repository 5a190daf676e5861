#!/usr/bin/env bash
# bench/generate.sh - the generator's own figure (issue 5): 10 million
# events of the sample organisation written as canonical JSONL to a file.
# No comparator; the target is under 60 s on this machine.
set -euo pipefail
W="$BENCH_OUT/work/generate"
rm -rf "$W"; mkdir -p "$W"
N=${BENCH_GENERATE_EVENTS:-10000000}
bench_time "$W/gen.time" "$ORGMRI" generate -q -o "$W/out" --events "$N"
read -r s rss < "$W/gen.time"
got=$(jq .counts.events "$W/out/truth.json")
bytes=$(stat -c %s "$W/out/events.jsonl")
jq -nc --argjson s "$s" --argjson rss "$rss" --argjson got "$got" \
	--argjson bytes "$bytes" --arg n "$N" '
	{figure: "generate \($n) events (JSONL to a file)", orgmri_s: $s,
	 comparator: null, comparator_s: null, ratio: null,
	 peak_rss_mb: ($rss / 1024 | floor), events: $got,
	 value: ($got / $s | floor), unit: "events/s",
	 file_mb: ($bytes / 1048576 | floor),
	 target: "under 60 s (issue 5)"}'
rm -rf "$W"
