#!/bin/bash
# test_deploy_commits.sh - a deployment's shipped commits by commit-graph
# difference (docs/platforms.md): a git repository built here with a
# branch merge, hand-made GitHub deployments of it to two environments
# (one failed, one redeploying the same SHA, one SHA the clone lacks), the
# clone named in the configuration.  Every deployed event's commit links
# must be exactly its own SHA plus `git rev-list PREV..CUR`, PREV the SHA
# of the previous successful deployment to the same environment, worked
# out here from the list below; the first of each environment links only
# its own SHA.  The same through webhook deliveries and a GitLab export,
# and with no path configured when the history was ingested first.
. "$(dirname "$0")/lib.sh"
git_identity
R=$T/repo
git init -q "$R"
c() { # c NAME DATE: a commit touching file NAME, its SHA in $NAME
	echo "$1" >>"$R/$1"
	git -C "$R" add "$1"
	GIT_AUTHOR_DATE=$2 GIT_COMMITTER_DATE=$2 git -C "$R" commit -q -m "$1"
	eval "$1=$(git -C "$R" rev-parse HEAD)"
}
c c1 2024-01-01T10:00:00Z
c c2 2024-01-02T10:00:00Z
git -C "$R" checkout -q -b feature
c f1 2024-01-03T10:00:00Z
c f2 2024-01-04T10:00:00Z
git -C "$R" checkout -q main
c c3 2024-01-05T10:00:00Z
GIT_AUTHOR_DATE=2024-01-06T10:00:00Z GIT_COMMITTER_DATE=2024-01-06T10:00:00Z \
	git -C "$R" merge -q --no-ff -m "merge feature" feature
m=$(git -C "$R" rev-parse HEAD)
c c4 2024-01-07T10:00:00Z
c c5 2024-01-08T10:00:00Z
missing=0123456789abcdef0123456789abcdef01234567

# Deployments: ID ENV SHA STATE TIME (state of its one status)
cat >"$T/deploys" <<EOF
1 production $c2 success 2024-02-01T00:00:00Z
2 staging $c3 success 2024-02-02T00:00:00Z
3 production $m failure 2024-02-03T00:00:00Z
4 production $c4 success 2024-02-04T00:00:00Z
5 staging $c5 success 2024-02-05T00:00:00Z
6 production $c5 success 2024-02-06T00:00:00Z
7 production $c5 success 2024-02-07T00:00:00Z
8 qa $c1 success 2024-02-08T00:00:00Z
9 qa $missing success 2024-02-09T00:00:00Z
EOF
X=$T/gh
mkdir -p "$X"
echo '[]' >"$X/pulls.json"
# GitHub lists deployments newest first
tac "$T/deploys" | while read -r id env sha state at; do
	jq -n --argjson id "$id" --arg env "$env" --arg sha "$sha" --arg at "$at" \
		'{id: $id, sha: $sha, ref: "main", environment: $env, created_at: $at,
		  url: "https://api.github.com/repos/o/r/deployments/\($id)",
		  creator: {login: "deployer", type: "User"}}'
	mkdir -p "$X/deployments/$id"
	jq -n --argjson id "$((id * 10))" --arg state "$state" --arg at "$at" \
		'[{id: $id, state: $state, created_at: $at}]' >"$X/deployments/$id/statuses.json"
done | jq -s . >"$X/deployments.json"
printf '[repo]\n\tname = o/r\n[repo "o/r"]\n\tpath = %s\n' "$R" >"$T/cfg"

# What each deployed event must link: its SHA + rev-list PREV..CUR.
expected() {
	local prev_env="" ; declare -A prev
	while read -r id env sha state at; do
		[ "$state" = success ] || continue
		{
			echo "$sha"
			if [ -n "${prev[$env]:-}" ] && [ "$sha" != "$missing" ]; then
				git -C "$R" rev-list "${prev[$env]}..$sha"
			fi
		} | sed "s|^|$1/$id commit:o/r@|" | sort -u
		prev[$env]=$sha
	done <"$T/deploys"
}
# what a store holds: "OBJECT RELATED" per deployed event's commit link
stored() {
	"$ORGMRI" --db "$1" export -o "$T/ev.jsonl"
	jq -r 'select(.activity == "deployed") | .object as $o |
		.related[] | select(startswith("commit:")) | "\($o) \(.)"' "$T/ev.jsonl" | sort -u
}

expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/a.db" ingest "$R"
expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/a.db" ingest --kind github "$X"
expect_grep "$T/err" "1 deployment SHA(s) not in the configured clone"
expected deployment:o/r >"$T/want"
stored "$T/a.db" >"$T/got"
if diff "$T/want" "$T/got" >"$T/diff"; then ok; else fail "export folder: $(head -20 "$T/diff")"; fi
# spot checks on the figures above, by hand: production 1 -> 4 shipped
# c3, f1, f2, the merge and c4; 6 shipped c5; 7 redeployed c5 (nothing new)
expect_eq "$(grep -c '^deployment:o/r/4 ' "$T/got")" 5 "deployment 4 commits"
expect_eq "$(grep -c '^deployment:o/r/6 ' "$T/got")" 1 "deployment 6 commits"
expect_eq "$(jq -r 'select(.object == "deployment:o/r/4" and .activity == "deployed") |
	"\(.attrs.commits) \(.attrs.previous_sha)"' "$T/ev.jsonl")" "5 $c2" "deployment 4 attributes"
expect_eq "$(jq -r 'select(.object == "deployment:o/r/7" and .activity == "deployed") |
	.attrs.commits' "$T/ev.jsonl")" 0 "a redeployment ships nothing"
expect_eq "$(jq -r 'select(.object == "deployment:o/r/1" and .activity == "deployed") |
	.attrs.commits // "none"' "$T/ev.jsonl")" none "the first deployment has no difference"
# the links are to the git adapter's commit objects: no new commit objects
n_git=$(git -C "$R" rev-list --all | wc -l)
expect_eq "$(jq -r 'select(.object | startswith("commit:")) | .object' "$T/ev.jsonl" | sort -u | wc -l)" \
	"$n_git" "commit objects are the repository's"

# Without the clone configured: only each deployment's own SHA.
printf '[repo]\n\tname = o/r\n' >"$T/cfg0"
expect_status 0 "$ORGMRI" --config "$T/cfg0" --db "$T/b.db" ingest --kind github "$X"
expect_eq "$(stored "$T/b.db" | wc -l)" 8 "no clone: one commit per successful deployment"

# No path configured, but the history ingested into the same store first:
# the git adapter recorded where it lives, and that clone is used.
expect_status 0 "$ORGMRI" --config "$T/cfg0" --db "$T/g.db" ingest "$R"
expect_status 0 "$ORGMRI" --config "$T/cfg0" --db "$T/g.db" ingest --kind github "$X"
stored "$T/g.db" >"$T/got"
if diff "$T/want" "$T/got" >"$T/diff"; then ok; else fail "recorded clone path: $(head -20 "$T/diff")"; fi

# The same deployments as webhook deliveries.
while read -r id env sha state at; do
	dep=$(jq -nc --argjson id "$id" --arg env "$env" --arg sha "$sha" --arg at "$at" \
		'{id: $id, sha: $sha, ref: "main", environment: $env, created_at: $at}')
	jq -nc --argjson d "$dep" --arg id "$id" '{event: "deployment", delivery: "d\($id)",
		payload: {action: "created", deployment: $d, repository: {full_name: "o/r"}}}'
	jq -nc --argjson d "$dep" --arg id "$id" --arg state "$state" --arg at "$at" \
		'{event: "deployment_status", delivery: "s\($id)", payload: {action: "created",
		  deployment: $d, deployment_status: {id: (($id | tonumber) * 10), state: $state,
		  created_at: $at}, repository: {full_name: "o/r"}}}'
done <"$T/deploys" >"$T/hooks.jsonl"
expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/c.db" ingest "$T/hooks.jsonl"
stored "$T/c.db" >"$T/got"
if diff "$T/want" "$T/got" >"$T/diff"; then ok; else fail "webhooks: $(head -20 "$T/diff")"; fi

# Incrementally: deployments 1-4 in one run, 5-9 in a later one into the
# same store; the later run's first deployment of each environment finds
# its predecessor in the store (meta), so the links are the same.
head -8 "$T/hooks.jsonl" >"$T/h1.jsonl"
tail -n +9 "$T/hooks.jsonl" >"$T/h2.jsonl"
expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/e.db" ingest "$T/h1.jsonl"
expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/e.db" ingest "$T/h2.jsonl"
stored "$T/e.db" >"$T/got"
if diff "$T/want" "$T/got" >"$T/diff"; then ok; else fail "incremental: $(head -20 "$T/diff")"; fi
# an older export ingested afterwards is not chained to the newer ones
expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/f.db" ingest "$T/h2.jsonl"
expect_status 0 "$ORGMRI" --config "$T/cfg" --db "$T/f.db" ingest "$T/h1.jsonl"
expect_eq "$(stored "$T/f.db" | grep -c '^deployment:o/r/1 ')" 1 "older run: deployment 1 links its SHA only"

# And as a GitLab export (project g/p; deployments list, oldest first).
G=$T/gl
mkdir -p "$G"
echo '{"id": 5, "path_with_namespace": "g/p"}' >"$G/project.json"
echo '[]' >"$G/merge_requests.json"
while read -r id env sha state at; do
	jq -nc --argjson id "$id" --arg env "$env" --arg sha "$sha" --arg at "$at" \
		--arg state "$state" '{id: $id, iid: $id, ref: "main", sha: $sha, status: $state,
		created_at: $at, updated_at: $at, environment: {name: $env},
		deployable: {status: $state, started_at: $at, finished_at: $at}}'
done <"$T/deploys" | sed 's/"failure"/"failed"/g' | jq -s . >"$G/deployments.json"
printf '[repo "g/p"]\n\tpath = %s\n' "$R" >"$T/cfg2"
expect_status 0 "$ORGMRI" --config "$T/cfg2" --db "$T/d.db" ingest "$G"
expected deployment:g/p/deployments | sed 's|commit:o/r@|commit:g/p@|' >"$T/want2"
stored "$T/d.db" >"$T/got"
if diff "$T/want2" "$T/got" >"$T/diff"; then ok; else fail "gitlab: $(head -20 "$T/diff")"; fi
finish
