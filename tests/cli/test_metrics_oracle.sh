#!/usr/bin/env bash
# test_metrics_oracle.sh - the PR stage table and the DORA figures of
# `orgmri stages` / `orgmri dora` must equal a second, independent
# computation in SQL (bench/metrics.sql) run by the sqlite3 shell over the
# same store, on generated histories (bench/gen_events.awk) that include
# clock skew, never-reviewed changes, drafts, security reviews, staging
# deployments, rollbacks and incidents with and without explicit links.
set -euo pipefail
: "${ORGMRI:?}" "${ORGMRI_SOURCE_DIR:?}"
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: skipped"; exit 0; }
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {  # check N SEED: generated data; N = 0: DevLake's recorded fixture
	local db="$tmp/s$2.db"
	if [ "$1" = 0 ]; then
		local lt="$ORGMRI_SHARED/data/devlake/dora/change_lead_time"
		awk -f "$ORGMRI_SOURCE_DIR/tests/cli/devlake_events.awk" \
			"$lt/commits_diffs.csv" "$lt/pull_requests.csv" \
			"$lt/pull_request_commits.csv" "$lt/pull_request_comments.csv" \
			"$lt/cicd_deployment_commits.csv" > "$tmp/ev$2.jsonl"
	else
		awk -v N="$1" -v SEED="$2" -f "$ORGMRI_SOURCE_DIR/bench/gen_events.awk" > "$tmp/ev$2.jsonl"
	fi
	"$ORGMRI" --db "$db" -q ingest "$tmp/ev$2.jsonl" >/dev/null
	sqlite3 "$db" < "$ORGMRI_SOURCE_DIR/bench/metrics.sql" | tr -d '\r' > "$tmp/sql$2.csv"
	# stage table: the SQL computes the stages it can express (all but qa,
	# which the generator never produces)
	awk -F, '/^stage,/{s=1; next} /^metric,/{s=0} s' "$tmp/sql$2.csv" > "$tmp/want_stages"
	"$ORGMRI" --db "$db" stages --format csv |
		awk -F, 'NR > 2 && $5 > 0 { printf "%s,%s,%.4f,%.4f,%.4f,%.4f\n", $3, $5, $6, $7, $8, $9 }' \
		> "$tmp/got_stages"
	if ! diff -u "$tmp/want_stages" "$tmp/got_stages"; then
		echo "FAIL: stage table differs from SQL (seed $2)"; fail=1
	fi
	awk -F, '/^metric,/{s=1; next} s' "$tmp/sql$2.csv" > "$tmp/want_dora"
	"$ORGMRI" --db "$db" dora --format json | jq -r '.cohorts[0].rows[0] |
		"deployments,\(.deployments)",
		"failed_deployments,\(.failed_deployments)",
		"incidents,\(.incidents)",
		"incidents_linked,\(.incidents_linked)",
		"lead_time_n,\(.lead_time.n)",
		"lead_time_p50_hours,\(.lead_time.p50_hours)",
		"restore_n,\(.time_to_restore.n)",
		"restore_p50_hours,\(.time_to_restore.p50_hours)",
		"recovery_n,\(.recovery_time.n)",
		"recovery_p50_hours,\(.recovery_time.p50_hours)"' |
		awk -F, '$1 ~ /hours/ { printf "%s,%.4f\n", $1, $2; next } { print }' \
		> "$tmp/got_dora"
	if ! diff -u "$tmp/want_dora" "$tmp/got_dora"; then
		echo "FAIL: DORA figures differ from SQL (seed $2)"; fail=1
	fi
	# cohorts partition the items: ai + other = all, stage by stage
	"$ORGMRI" --db "$db" stages --format json --cohort ai |
		jq -r '[.cohorts[0].stages, .cohorts[1].stages] | transpose[] |
		       "\(.[0].name),\(.[0].n + .[1].n)"' > "$tmp/cohort_sum"
	"$ORGMRI" --db "$db" stages --format json |
		jq -r '.cohorts[0].stages[] | "\(.name),\(.n)"' > "$tmp/cohort_all"
	if ! diff -u "$tmp/cohort_all" "$tmp/cohort_sum"; then
		echo "FAIL: ai + other cohorts do not add up (seed $2)"; fail=1
	fi
	# the comparison must not be vacuous
	[ "$(wc -l < "$tmp/got_stages")" -ge "$3" ] || { echo "FAIL: too few stages"; fail=1; }
	grep -q '^deployments,[1-9]' "$tmp/got_dora" || { echo "FAIL: no deployments"; fail=1; }
}

check 400 42 5
check 250 7 5
# recorded data: DevLake's change_lead_time fixture (coding, pickup, deploy)
check 0 devlake 3
exit $fail
