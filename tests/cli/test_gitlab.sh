#!/usr/bin/env bash
# test_gitlab.sh - the gitlab adapter on DevLake's recorded GitLab API data
# (gitlab-data/snowflake_spend), converted at test time from the raw tables
# into the export folder layout of docs/platforms.md.  Every expectation is
# read from DevLake's snapshot (expected-output) tables or from the raw JSON
# by the Python below, never from orgmri's own code.
set -euo pipefail
: "${ORGMRI:?}" "${ORGMRI_SHARED:?}" "${ORGMRI_SOURCE_DIR:?}"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
RAW=$ORGMRI_SHARED/data/devlake/gitlab/raw_tables
SNAP=$ORGMRI_SHARED/data/devlake/gitlab/snapshot_tables
python3 "$ORGMRI_SOURCE_DIR/tests/tools/devlake_raw_to_export.py" gitlab "$RAW" "$T/gl"

# Detected as gitlab; two deployments carry statuses GitLab does not
# have ("completed", "undeployed"): reported with file and JSON path.
"$ORGMRI" ingest --db "$T/db" "$T/gl" 2>"$T/err"
grep -q 'deployments.json: record 2: \$\[1\].status: unknown deployment status "completed"' "$T/err"
grep -q 'record 8: \$\[7\].status: unknown deployment status "undeployed"' "$T/err"
grep -q '2 bad records skipped' "$T/err"
# Strict mode stops at the first of them and says where.
if "$ORGMRI" ingest --strict --db "$T/db2" "$T/gl" 2>"$T/err2"; then
  echo "strict ingest should fail"; exit 1; fi
grep -q 'record 2: \$\[1\].status' "$T/err2"
# Ingesting again adds nothing.
"$ORGMRI" ingest --db "$T/db" --kind gitlab "$T/gl" 2>"$T/err3"
grep -q '0 new' "$T/err3"
"$ORGMRI" export --db "$T/db" -o "$T/ev.jsonl"

python3 - "$T/ev.jsonl" "$SNAP" "$RAW" <<'PY'
import csv, json, sys, datetime, collections
csv.field_size_limit(1 << 30)
evs = [json.loads(l) for l in open(sys.argv[1])]
snap, raw = sys.argv[2], sys.argv[3]
def rows(name, d=snap): return list(csv.DictReader(open('%s/%s.csv' % (d, name))))
def ms(s):
    return int(datetime.datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp() * 1000 + 0.5) if s else None
def t(e): return e['time'] if isinstance(e['time'], int) else ms(e['time'])
by = collections.defaultdict(list)
for e in evs: by[(e['object'], e['activity'])].append(e)
P = 'gitlab-data/snowflake_spend'
fails = []
def check(cond, what):
    if not cond: fails.append(what)
# gitlab id -> iid from every raw MR table
iid = {}
for tab in ('merge_requests', 'merge_requests_for_mr_notes_test', 'merge_requests_for_mr_commit_test'):
    for r in rows('_raw_gitlab_api_' + tab, raw):
        d = json.loads(r['data']); iid.setdefault(d['id'], d['iid'])
def change(prid): return 'change:%s!%d' % (P, iid[int(prid.split(':')[-1])])

# pull_requests.csv: 18 MRs, 10 MERGED / 3 CLOSED / 5 OPEN, exact times
prs = rows('pull_requests'); st = collections.Counter(r['status'] for r in prs)
check(st == {'MERGED': 10, 'CLOSED': 3, 'OPEN': 5}, 'snapshot statuses %s' % st)
for r in prs:
    c = 'change:%s!%s' % (P, r['pull_request_key'])
    check(len(by[(c, 'opened')]) == 1 and t(by[(c, 'opened')][0]) == ms(r['created_date']), c + ' opened')
    m, cl = by[(c, 'merged')], by[(c, 'closed')]
    if r['status'] == 'MERGED':
        check(len(m) == 1 and t(m[0]) == ms(r['merged_date']) and not cl, c + ' merged')
        check('commit:%s@%s' % (P, r['merge_commit_sha']) in m[0].get('related', []), c + ' merge commit')
    elif r['status'] == 'CLOSED':
        check(len(cl) == 1 and t(cl[0]) == ms(r['closed_date']) and not m, c + ' closed')
    else:
        check(not m and not cl, c + ' open')

# pull_request_comments.csv: 4 comments + 5 approvals + 1 unapproval
com = rows('pull_request_comments'); check(len(com) == 10, 'comments rows')
want = collections.Counter()
for r in com:
    act = {'approved this merge request': 'approved',
           'unapproved this merge request': None}.get(r['body'], 'commented')
    if act:
        want[act] += 1
        check(any(t(e) == ms(r['created_date']) for e in by[(change(r['pull_request_id']), act)]),
              '%s %s' % (act, r['id']))
got = collections.Counter(e['activity'] for e in evs if e['activity'] in ('approved', 'commented'))
check(got == want and want == {'commented': 4, 'approved': 5}, 'review totals %s %s' % (got, want))

# pull_request_commits.csv: 34 (MR, commit) pairs; we also have MRs 6 and
# 7, which DevLake's commit test leaves out of its MR table: 37 in all.
links = {(e['object'], x) for e in evs if e['activity'] == 'opened' for x in e.get('related', []) if x.startswith('commit:')}
pc = rows('pull_request_commits'); check(len(pc) == 34, 'pr commits rows')
for r in pc:
    check((change(r['pull_request_id']), 'commit:%s@%s' % (P, r['commit_sha'])) in links, 'contains ' + r['commit_sha'])
check(len(links) == 37, 'contains total %d' % len(links))
check(sum(1 for e in evs if e['activity'] == 'authored') == 37, 'authored total')

# cicd_pipelines.csv: the 16 pipelines with details, 11 SUCCESS / 5 FAILURE
pl = rows('cicd_pipelines'); check(collections.Counter(r['result'] for r in pl) == {'SUCCESS': 11, 'FAILURE': 5}, 'pipelines')
for r in pl:
    b = 'build:%s/pipelines/%s' % (P, r['id'].split(':')[-1])
    s = by[(b, 'ci_started')]
    check(len(s) == 1 and t(s[0]) == ms(r['started_date']), b + ' started')
    act = {'SUCCESS': 'ci_passed', 'FAILURE': 'ci_failed'}[r['result']]
    check(len(by[(b, act)]) == 1 and t(by[(b, act)][0]) == ms(r['finished_date']), b + ' ' + act)
# the 29 list pipelines (no details for 13 of them) are all builds
builds = {e['object'] for e in evs if e['object'].startswith('build:')}
check(len(builds) == 29 + 16, 'builds %d' % len(builds))

# cicd_deployments.csv: 8, two SUCCESS (success, and "completed", which
# GitLab never sends: we record no outcome), two FAILURE (failed, and
# canceled, which we do not count as a failed deployment).
dep_updated = {json.loads(r['data'])['id']: json.loads(r['data']).get('updated_at') for r in rows('_raw_gitlab_api_deployments', raw)}
for r in rows('cicd_deployments'):
    # no finished_date (the job was skipped): the outcome is at updated_at
    fin = r['finished_date'] or dep_updated[int(r['id'].split(':')[-1])]
    d = 'deployment:%s/deployments/%s' % (P, r['id'].split(':')[-1])
    s = by[(d, 'deploy_started')]
    check(len(s) == 1 and s[0]['attrs']['environment'] == r['environment'], d + ' started')
    if r['started_date']:
        check(t(s[0]) == ms(r['started_date']), d + ' start time')
    o = r['original_status']
    if o == 'success':
        check(t(by[(d, 'deployed')][0]) == ms(fin), d + ' deployed')
    elif o == 'failed':
        check(t(by[(d, 'deploy_failed')][0]) == ms(fin), d + ' failed')
    else:
        check(not by[(d, 'deployed')] and not by[(d, 'deploy_failed')], d + ' no outcome')
for r in rows('cicd_deployment_commits'):
    d = 'deployment:%s/deployments/%s' % (P, r['id'].split(':')[-1])
    check('commit:%s@%s' % (P, r['commit_sha']) in by[(d, 'deploy_started')][0]['related'], d + ' commit')

# issues.csv: 16 issues, 12 DONE at resolution_date, 4 TODO; none is an incident
iss = rows('issues'); check(len(iss) == 16, 'issues rows')
for r in iss:
    k = 'issue:%s#%s' % (P, r['issue_key'])
    check(t(by[(k, 'created')][0]) == ms(r['created_date']), k + ' created')
    res = by[(k, 'resolved')]
    check((len(res) == 1 and t(res[0]) == ms(r['resolution_date'])) if r['status'] == 'DONE' else not res, k + ' resolved')
check(not any(e['object'].startswith('incident:') for e in evs), 'no incidents')
if fails:
    print('FAIL:', *fails, sep='\n  '); sys.exit(1)
print('gitlab: all checks passed on', len(evs), 'events')
PY

# Pipeline outcomes as DevLake classifies GitLab's statuses (its
# cicd_tasks snapshot: canceled -> FAILURE, skipped -> no result): a
# canceled pipeline is ci_failed, a skipped one ci_skipped, a running one
# has no outcome.  The recording has no such pipelines, so a hand-made one.
python3 - "$ORGMRI_SHARED/data/devlake/gitlab/snapshot_tables/cicd_tasks.csv" <<'PY'
import csv, sys, collections
c = collections.Counter((r['original_status'], r['result']) for r in csv.DictReader(open(sys.argv[1])))
assert c[('canceled', 'FAILURE')] == 2 and c[('skipped', '')] == 1, c
PY
mkdir "$T/gp"
cat >"$T/gp/pipelines.json" <<'JSON'
[{"id": 1, "project_id": 9, "status": "canceled", "ref": "main", "sha": "aa", "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:05:00Z", "web_url": "https://gitlab.example/g/p/-/pipelines/1"},
 {"id": 2, "project_id": 9, "status": "skipped", "ref": "main", "sha": "bb", "created_at": "2024-05-01T11:00:00Z", "updated_at": "2024-05-01T11:00:01Z", "web_url": "https://gitlab.example/g/p/-/pipelines/2"},
 {"id": 3, "project_id": 9, "status": "running", "ref": "main", "sha": "cc", "created_at": "2024-05-01T12:00:00Z", "web_url": "https://gitlab.example/g/p/-/pipelines/3"},
 {"id": 4, "project_id": 9, "status": "success", "ref": "main", "sha": "dd", "created_at": "2024-05-01T13:00:00Z", "updated_at": "2024-05-01T13:09:00Z", "web_url": "https://gitlab.example/g/p/-/pipelines/4"}]
JSON
"$ORGMRI" ingest --db "$T/gp.db" "$T/gp" 2>"$T/gperr"
"$ORGMRI" export --db "$T/gp.db" -o "$T/gp.jsonl"
got=$(jq -r 'select(.object | startswith("build:")) | "\(.object) \(.activity) \(.attrs.state // "")"' "$T/gp.jsonl" | sort | tr '\n' ';')
want="build:g/p/pipelines/1 ci_failed canceled;build:g/p/pipelines/1 ci_started canceled;build:g/p/pipelines/2 ci_skipped skipped;build:g/p/pipelines/2 ci_started skipped;build:g/p/pipelines/3 ci_started running;build:g/p/pipelines/4 ci_passed success;build:g/p/pipelines/4 ci_started success;"
[ "$got" = "$want" ] || { echo "pipeline outcomes: got $got"; exit 1; }
echo "gitlab: canceled/skipped pipeline outcomes checked"
