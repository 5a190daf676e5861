#!/bin/bash
# test_github.sh - the GitHub adapters on recorded data.
#
# 1. DevLake's recorded GitHub API responses for panjf2000/ants
#    (../shared/data/github/apache-devlake/json) laid out as an export
#    folder; the counts orgmri stores must equal what jq counts in the
#    JSON itself: distinct pull requests, merged ones, PR commits, reviews,
#    workflow runs.  (DevLake's snapshot says 49 PRs, 26 merged.)
# 2. Every octokit webhook example as a delivery line: all ingest without
#    a skipped record, and delivering them again adds nothing.
. "$(dirname "$0")/lib.sh"
J="$ORGMRI_SHARED/data/github/apache-devlake/json"
X="$T/export"
mkdir -p "$X/actions"
jq '[.[].data]' "$J/_raw_github_api_pull_requests.json" > "$X/pulls.json"
jq '[.[].data]' "$J/_raw_github_api_issues.json" > "$X/issues.json"
jq '[.[].data]' "$J/_raw_github_api_runs.json" > "$X/actions/runs.json"
for kind in reviews commits; do
	src="$J/_raw_github_api_pull_request_$kind.json"
	for n in $(jq -r '.[].input.Number' "$src" | sort -u); do
		mkdir -p "$X/pulls/$n"
		jq --argjson n "$n" '[.[] | select(.input.Number == $n) | .data]' \
			"$src" > "$X/pulls/$n/$kind.json"
	done
done

expect_status 0 "$ORGMRI" ingest "$X"
expect_grep "$T/err" "export: [0-9]* events read"
"$ORGMRI" stats --format json > "$T/stats.json"
count() { jq -r ".events_by_activity[\"$1\"] // 0" "$T/stats.json"; }
objects() { jq -r ".objects_by_type[\"$1\"] // 0" "$T/stats.json"; }

prs=$(jq '[.[].data.number] | unique | length' "$J/_raw_github_api_pull_requests.json")
merged=$(jq '[.[].data | select(.merged_at != null) | .number] | unique | length' \
	"$J/_raw_github_api_pull_requests.json")
commits=$(jq '[.[].data.sha] | unique | length' "$J/_raw_github_api_pull_request_commits.json")
reviews=$(jq '[.[].data | select(.state != "PENDING") | .id] | unique | length' \
	"$J/_raw_github_api_pull_request_reviews.json")
runs=$(jq '[.[].data.id] | unique | length' "$J/_raw_github_api_runs.json")
passed=$(jq '[.[].data | select((.conclusion // "") | ascii_downcase == "success") | .id] | unique | length' \
	"$J/_raw_github_api_runs.json")
expect_eq "$prs" 49 "distinct PRs in the recording (DevLake: 49)"
expect_eq "$merged" 26 "merged PRs in the recording (DevLake: 26)"
expect_eq "$(objects change)" "$prs" "change objects"
expect_eq "$(count opened)" "$prs" "opened events"
expect_eq "$(count merged)" "$merged" "merged events"
expect_eq "$(count authored)" "$commits" "PR commits authored"
expect_eq "$(( $(count approved) + $(count changes_requested) + $(count commented) ))" \
	"$reviews" "reviews"
expect_eq "$(count ci_started)" "$runs" "workflow runs"
expect_eq "$(count ci_passed)" "$passed" "successful runs"
# Run outcomes as DevLake classifies them (its cicd_pipelines snapshot):
# result SUCCESS / FAILURE (failure, cancelled, timed_out,
# startup_failure), or status OTHER with a conclusion (neutral, skipped,
# stale, action_required: ci_skipped); queued or running: no outcome.
P="$ORGMRI_SHARED/data/devlake/github/snapshot_tables/cicd_pipelines.csv"
dl() { python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open(sys.argv[1])) if eval(sys.argv[2])))' "$P" "$1"; }
expect_eq "$(dl 'r["result"]=="SUCCESS"')" 18 "DevLake SUCCESS runs"
expect_eq "$(dl 'r["result"]=="FAILURE"')" 6 "DevLake FAILURE runs"
expect_eq "$(dl 'r["status"]=="OTHER" and r["original_result"]!=""')" 4 "DevLake OTHER runs with a conclusion"
expect_eq "$(count ci_passed)" 18 "ci_passed = DevLake SUCCESS"
expect_eq "$(count ci_failed)" 6 "ci_failed = DevLake FAILURE (cancelled included)"
expect_eq "$(count ci_skipped)" 4 "ci_skipped = DevLake OTHER with a conclusion"
cancelled=$(jq '[.[].data | select((.conclusion // "") | ascii_downcase == "cancelled") | .id] | length' \
	"$J/_raw_github_api_runs.json")
expect_eq "$cancelled" 1 "cancelled runs in the recording"
"$ORGMRI" export -o "$T/ev.jsonl"
expect_eq "$(jq -s '[.[] | select(.activity == "ci_failed" and .attrs.conclusion == "cancelled")] | length' "$T/ev.jsonl")" \
	"$cancelled" "cancelled runs recorded as ci_failed, conclusion=cancelled"
# ingesting the same export again changes nothing
expect_status 0 "$ORGMRI" ingest "$X"
expect_grep "$T/err" " 0 new"

# webhook deliveries: every octokit example, as {event, delivery, payload}
W="$ORGMRI_SHARED/data/github/octokit-webhooks/api.github.com"
for d in "$W"/*/; do
	ev=$(basename "$d")
	for f in "$d"*.json; do
		jq -c --arg e "$ev" --arg id "$ev/$(basename "$f")" \
			'{event: $e, delivery: $id, payload: .}' "$f"
	done
done > "$T/deliveries.jsonl"
expect_status 0 "$ORGMRI" --db "$T/wh.db" ingest "$T/deliveries.jsonl"
if grep -q "skipped" "$T/err"; then fail "webhook examples skipped: $(head -3 "$T/err")"; else ok; fi
expect_grep "$T/err" "deliveries.jsonl: [1-9][0-9]* events read"
# a redelivered id is ignored; so is the whole file a second time
expect_status 0 "$ORGMRI" --db "$T/wh.db" ingest "$T/deliveries.jsonl"
expect_grep "$T/err" " 0 new"
# a broken line is reported with its line number and skipped
{ head -2 "$T/deliveries.jsonl"; echo '{"event": "push", "delivery": "x"'; } > "$T/bad.jsonl"
expect_status 0 "$ORGMRI" --db "$T/wh2.db" ingest --kind github-webhooks "$T/bad.jsonl"
expect_grep "$T/err" "bad.jsonl:3"
expect_grep "$T/err" "1 bad records skipped"
finish
