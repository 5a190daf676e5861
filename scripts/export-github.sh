#!/bin/sh
# export-github.sh OWNER/REPO DIR - write what `orgmri ingest DIR` reads
# for one GitHub repository, with the gh CLI (authenticated: gh auth login).
# Layout: docs/github.md.  Large repositories take a while: one request
# per pull request for its reviews, commits and timeline.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 OWNER/REPO DIR" >&2; exit 2; }
R=$1 D=$2
mkdir -p "$D/actions"
api() { gh api --paginate -H "Accept: application/vnd.github+json" "$@"; }
api "repos/$R/pulls?state=all&per_page=100" > "$D/pulls.json"
for n in $(jq -r '.[].number' "$D/pulls.json"); do
	mkdir -p "$D/pulls/$n" "$D/issues/$n"
	api "repos/$R/pulls/$n/reviews?per_page=100" > "$D/pulls/$n/reviews.json"
	api "repos/$R/pulls/$n/commits?per_page=100" > "$D/pulls/$n/commits.json"
	api "repos/$R/issues/$n/timeline?per_page=100" > "$D/issues/$n/timeline.json"
done
api "repos/$R/issues?state=all&per_page=100" > "$D/issues.json"
api "repos/$R/deployments?per_page=100" > "$D/deployments.json"
for id in $(jq -r '.[].id' "$D/deployments.json"); do
	mkdir -p "$D/deployments/$id"
	api "repos/$R/deployments/$id/statuses?per_page=100" \
		> "$D/deployments/$id/statuses.json"
done
api "repos/$R/actions/runs?per_page=100" > "$D/actions/runs.json"
echo "wrote $D; now: orgmri ingest $D" >&2
