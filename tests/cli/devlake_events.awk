# devlake_events.awk - DevLake's dora/change_lead_time domain tables
# (../shared/data/devlake/dora/change_lead_time/) as canonical JSONL, the
# same mapping as tests/unit/test_devlake.c (docs/metrics.md §9):
#   awk -f devlake_events.awk commits_diffs.csv pull_requests.csv \
#       pull_request_commits.csv pull_request_comments.csv \
#       cicd_deployment_commits.csv
# Column names are looked up in each file's header.
BEGIN { FS = "," }
function iso(s,    d, tm, a, b) {      # "2023-4-10 6:51:47" or ISO with offset 0
	split(s, a, /[T ]/)
	split(a[1], d, "-")
	split(a[2], tm, ":")
	sub(/\..*/, "", tm[3]); sub(/[+Z].*/, "", tm[3])
	return sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", d[1], d[2], d[3], tm[1], tm[2], tm[3])
}
function ev(t, obj, act, actor, rel, attrs,    s) {
	s = "{\"time\":\"" iso(t) "\",\"object\":\"" obj "\",\"activity\":\"" act "\""
	if (actor != "") s = s ",\"actor\":\"" actor "\""
	if (rel != "") s = s ",\"related\":[" rel "]"
	if (attrs != "") s = s ",\"attrs\":{" attrs "}"
	print s "}"
}
{ sub(/\r$/, "") }
FNR == 1 { delete col; for (i = 1; i <= NF; i++) col[$i] = i; file++; next }
function f(name) { return $(col[name]) }
file == 1 {   # commits_diffs: what each new deployment commit ships
	k = f("new_commit_sha")
	ships[k] = ships[k] (ships[k] == "" ? "" : ",") "\"commit:" f("commit_sha") "\""
}
file == 2 {   # pull_requests
	obj = "change:" f("id")
	ev(f("created_date"), obj, "opened", f("author_id"), "", "\"repo\":\"" f("base_repo_id") "\"")
	if (f("merged_date") != "")
		ev(f("merged_date"), obj, "merged", "", "\"commit:" f("merge_commit_sha") "\"", "")
}
file == 3 {   # pull_request_commits
	ev(f("commit_authored_date"), "commit:" f("commit_sha"), "authored", "",
	   "\"change:" f("pull_request_id") "\"", "")
}
file == 4 {   # pull_request_comments
	ev(f("created_date"), "change:" f("pull_request_id"), "commented", f("account_id"), "", "")
}
file == 5 {   # cicd_deployment_commits: one deployment object per row
	obj = "deployment:" f("cicd_deployment_id") "/" f("id")
	at = "\"repo\":\"" f("cicd_scope_id") ":" f("repo_url") "\""
	if (f("environment") != "") at = at ",\"environment\":\"" f("environment") "\""
	ev(f("started_date"), obj, "deploy_started", "", "", at)
	ev(f("finished_date"), obj, f("result") == "SUCCESS" ? "deployed" : "deploy_failed", "",
	   ships[f("commit_sha")], at)
}
