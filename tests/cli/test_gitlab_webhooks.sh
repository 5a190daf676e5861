#!/bin/bash
# test_gitlab_webhooks.sh - the gitlab-webhooks adapter on go-gitlab's
# recorded webhook bodies (../shared/data/gitlab/go-gitlab/webhooks), one
# body per line, and on hand-written hooks in the {event, delivery,
# payload} envelope (shaped like GitLab's documented payloads) for the
# actions the recordings lack.  Expected values are read from the JSON
# with jq (times converted by date), never from orgmri.
. "$(dirname "$0")/lib.sh"
W="$ORGMRI_SHARED/data/gitlab/go-gitlab/webhooks"
for f in "$W"/*.json; do jq -c . "$f"; done >"$T/hooks.jsonl"
nlines=$(wc -l <"$T/hooks.jsonl")
expect_status 0 "$ORGMRI" --db "$T/a.db" ingest "$T/hooks.jsonl"
expect_grep "$T/err" "hooks.jsonl: 8 events read, 8 new"
if grep -q skipped "$T/err"; then fail "recorded hooks skipped: $(cat "$T/err")"; else ok; fi
"$ORGMRI" --db "$T/a.db" export -o "$T/ev.jsonl"
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
ev() { # ev OBJECT ACTIVITY: "time actor" of that event
	jq -r --arg o "$1" --arg a "$2" 'select(.object == $o and .activity == $a) |
		"\(.time) \(.actor)"' "$T/ev.jsonl"
}
# merge_request (action open)
mr=$W/merge_request.json
P=$(jq -r .project.path_with_namespace "$mr")
C="change:$P!$(jq -r .object_attributes.iid "$mr")"
expect_eq "$(ev "$C" opened)" "$(jq -r .object_attributes.created_at "$mr") $(jq -r .user.username "$mr")" "MR opened"
expect_eq "$(jq -r --arg o "$C" 'select(.object == $o) | .attrs.labels' "$T/ev.jsonl")" \
	"$(jq -r '[.object_attributes.labels[].title] | join(",")' "$mr")" "MR labels"
# note on a merge request
n=$W/note_merge_request.json
NC="change:$(jq -r .project.path_with_namespace "$n")!$(jq -r .merge_request.iid "$n")"
expect_eq "$(ev "$NC" commented)" "$(iso "$(jq -r .object_attributes.created_at "$n")") $(jq -r .user.username "$n")" "note"
# pipeline of a merge request: build and change, started and passed
p=$W/pipeline.json
PP=$(jq -r .project.path_with_namespace "$p")
B="build:$PP/pipelines/$(jq -r .object_attributes.id "$p")"
PC="change:$PP!$(jq -r .merge_request.iid "$p")"
expect_eq "$(jq -r .object_attributes.status "$p")" success "recorded pipeline status"
for o in "$B" "$PC"; do
	expect_eq "$(ev "$o" ci_started)" "$(iso "$(jq -r .object_attributes.created_at "$p")") $(jq -r .user.username "$p")" "$o started"
	expect_eq "$(ev "$o" ci_passed)" "$(iso "$(jq -r .object_attributes.finished_at "$p")") $(jq -r .user.username "$p")" "$o passed"
done
expect_eq "$(jq -r --arg o "$B" 'select(.object == $o and .activity == "ci_started") | .related | join(" ")' "$T/ev.jsonl")" \
	"commit:$PP@$(jq -r .object_attributes.sha "$p") $PC" "pipeline links"
# deployment (success) at status_changed_at, with its offset
d=$W/deployment.json
D="deployment:$(jq -r .project.path_with_namespace "$d")/deployments/$(jq -r .deployment_id "$d")"
expect_eq "$(ev "$D" deployed)" "$(iso "$(jq -r .status_changed_at "$d")") $(jq -r .user.username "$d")" "deployed"
expect_eq "$(jq -r --arg o "$D" 'select(.object == $o) | "\(.attrs.environment) \(.related[0])"' "$T/ev.jsonl")" \
	"$(jq -r .environment "$d") commit:$(jq -r .project.path_with_namespace "$d")@$(jq -r '.commit_url | split("/") | last' "$d")" \
	"deployment environment and commit"
# issue (action open, label API: not an incident)
i=$W/issue.json
I="issue:$(jq -r .project.path_with_namespace "$i")#$(jq -r .object_attributes.iid "$i")"
expect_eq "$(jq -r .object_attributes.action "$i")" open "recorded issue action"
expect_eq "$(ev "$I" created)" "$(jq -r .object_attributes.created_at "$i") $(jq -r .user.username "$i")" "issue created"
# push, job, build, release: not used, and no other events
expect_eq "$(jq -s length "$T/ev.jsonl")" 8 "events from $nlines recorded hooks"

# Hand-written hooks in the envelope: update actions, merge, approval,
# canceled and running, a redelivery, an unknown status, broken JSON.
env() { # env EVENT DELIVERY BODY
	jq -nc --arg e "$1" --arg d "$2" --argjson b "$3" '{event: $e, delivery: $d, payload: $b}'
}
proj='"project": {"path_with_namespace": "g/p"}, "user": {"username": "ann"}'
mrb() { echo "{\"object_kind\": \"merge_request\", $proj, \"object_attributes\": {\"iid\": 4, \"created_at\": \"2024-03-01T10:00:00Z\", \"updated_at\": \"$1\", $2}${3:-}}"; }
{
	env "Merge Request Hook" u1 "$(mrb 2024-03-01T10:00:00Z '"action": "open", "draft": true, "title": "T"')"
	env "Merge Request Hook" u2 "$(mrb 2024-03-01T11:00:00Z '"action": "update", "oldrev": "aaa", "last_commit": {"id": "bbb"}')"
	env "Merge Request Hook" u3 "$(mrb 2024-03-01T12:00:00Z '"action": "update"' ', "changes": {"draft": {"previous": true, "current": false}, "reviewers": {"previous": [{"username": "bob"}], "current": [{"username": "bob"}, {"username": "cy"}]}}')"
	env "Merge Request Hook" u4 "$(mrb 2024-03-01T13:00:00Z '"action": "approved"')"
	env "Merge Request Hook" u4 "$(mrb 2024-03-01T13:00:00Z '"action": "approved"')"
	env "Merge Request Hook" u5 "$(mrb 2024-03-01T14:00:00Z '"action": "merge", "merge_commit_sha": "ccc"')"
	env "Pipeline Hook" u6 "{\"object_kind\": \"pipeline\", $proj, \"object_attributes\": {\"id\": 9, \"status\": \"canceled\", \"created_at\": \"2024-03-01 10:05:00 UTC\", \"finished_at\": \"2024-03-01 10:09:00 UTC\"}}"
	env "Deployment Hook" u7 "{\"object_kind\": \"deployment\", $proj, \"deployment_id\": 3, \"status\": \"running\", \"status_changed_at\": \"2024-03-01 15:00:00 +0100\", \"environment\": \"production\"}"
	env "Pipeline Hook" u8 "{\"object_kind\": \"pipeline\", $proj, \"object_attributes\": {\"id\": 10, \"status\": \"exploded\", \"created_at\": \"2024-03-01 10:05:00 UTC\"}}"
	echo '{"event": "Pipeline Hook", "delivery": "u9", "payload": {'
	env "Issue Hook" u10 "{\"object_kind\": \"issue\", $proj, \"object_attributes\": {\"iid\": 7, \"action\": \"open\", \"created_at\": \"2024-03-02T08:00:00Z\", \"severity\": \"high\", \"labels\": [{\"title\": \"Incident\"}]}}"
	env "Issue Hook" u11 "{\"object_kind\": \"issue\", $proj, \"object_attributes\": {\"iid\": 7, \"action\": \"close\", \"created_at\": \"2024-03-02T08:00:00Z\", \"closed_at\": \"2024-03-02T09:30:00Z\", \"labels\": [{\"title\": \"Incident\"}]}}"
} >"$T/env.jsonl"
expect_status 0 "$ORGMRI" --db "$T/b.db" ingest "$T/env.jsonl"
expect_grep "$T/err" 'env.jsonl:9: \$.payload.object_attributes.status: unknown pipeline status "exploded"'
expect_grep "$T/err" "env.jsonl:10"
expect_grep "$T/err" "2 bad records skipped"
"$ORGMRI" --db "$T/b.db" export -o "$T/ev2.jsonl"
got=$(jq -r '"\(.time) \(.object) \(.activity) \(.attrs.reviewer // "")\(.related // [] | join(","))"' "$T/ev2.jsonl" | sort | tr '\n' ';')
want="2024-03-01T10:00:00Z change:g/p!4 opened ;\
2024-03-01T10:05:00Z build:g/p/pipelines/9 ci_started ;\
2024-03-01T10:09:00Z build:g/p/pipelines/9 ci_failed ;\
2024-03-01T11:00:00Z change:g/p!4 pushed commit:g/p@bbb;\
2024-03-01T12:00:00Z change:g/p!4 ready_for_review ;\
2024-03-01T12:00:00Z change:g/p!4 review_requested cy;\
2024-03-01T13:00:00Z change:g/p!4 approved ;\
2024-03-01T14:00:00Z change:g/p!4 merged commit:g/p@ccc;\
2024-03-01T14:00:00Z deployment:g/p/deployments/3 deploy_started ;\
2024-03-02T08:00:00Z incident:g/p#7 incident_opened ;\
2024-03-02T09:30:00Z incident:g/p#7 incident_resolved ;"
expect_eq "$got" "$want" "hand-written hooks"
# detected as gitlab-webhooks (not github-webhooks: same envelope)
expect_grep "$T/err" "env.jsonl: 11 events read"
expect_eq "$(jq -r 'select(.activity == "incident_opened") | .attrs.severity' "$T/ev2.jsonl")" high "incident severity"
finish
