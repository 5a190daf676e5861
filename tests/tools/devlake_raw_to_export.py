#!/usr/bin/env python3
"""devlake_raw_to_export.py - turn DevLake raw-table CSVs (column `data`
holding one verbatim API item per row) into the export folders orgmri's
adapters read (docs/platforms.md).  Used by the tests only.

  gitlab RAWDIR OUTDIR   _raw_gitlab_api_*.csv -> GitLab export folder
  jira   RAWDIR OUTFILE  _raw_jira_api_issues.csv + _issue_changelogs.csv
                         -> one /search?expand=changelog page (+ statuses)
  pagerduty RAWCSV OUTCSV  _raw_pagerduty_incidents.csv -> PagerDuty's
                         incident CSV export columns
"""
import csv, json, os, sys
from collections import defaultdict

csv.field_size_limit(1 << 30)


def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def dump(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(value, f)


def gitlab(raw, out):
    def items(name):
        p = os.path.join(raw, '_raw_gitlab_api_%s.csv' % name)
        return [(r, json.loads(r['data'])) for r in rows(p)] if os.path.exists(p) else []
    # Two pages back to back, as `glab api --paginate` writes them.
    # DevLake's notes and commits tests each read their own MR table;
    # the union (first seen wins) gives every MR the notes and commits
    # belong to.
    mrs, seen = [], set()
    for t in ('merge_requests', 'merge_requests_for_mr_notes_test',
              'merge_requests_for_mr_commit_test'):
        for _, d in items(t):
            if d['iid'] not in seen:
                seen.add(d['iid'])
                mrs.append(d)
    half = len(mrs) // 2
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, 'merge_requests.json'), 'w') as f:
        json.dump(mrs[:half], f)
        f.write('\n')
        json.dump(mrs[half:], f)
    for sub, name in (('commits', 'merge_request_commits'), ('notes', 'merge_request_notes')):
        per = defaultdict(list)
        for r, d in items(name):
            per[json.loads(r['input'])['Iid']].append(d)
        for iid, lst in per.items():
            dump(os.path.join(out, 'merge_requests', str(iid), sub + '.json'), lst)
    dump(os.path.join(out, 'pipelines.json'), [d for _, d in items('pipeline')])
    for _, d in items('pipeline_details'):
        dump(os.path.join(out, 'pipelines', '%d.json' % d['id']), d)
    dump(os.path.join(out, 'deployments.json'), [d for _, d in items('deployments')])
    dump(os.path.join(out, 'issues.json'), [d for _, d in items('issues')])


def jira(raw, out):
    issues = [json.loads(r['data']) for r in rows(os.path.join(raw, '_raw_jira_api_issues.csv'))]
    hist = defaultdict(list)
    for r in rows(os.path.join(raw, '_raw_jira_api_issue_changelogs.csv')):
        hist[str(json.loads(r['input'])['issue_id'])].append(json.loads(r['data']))
    # The issues carry their changelog (expand=changelog); histories
    # DevLake fetched separately are added to the issue they belong to.
    for i in issues:
        h = hist.get(str(i['id']), [])
        if h or 'changelog' not in i:
            cl = i.setdefault('changelog', {'startAt': 0, 'histories': []})
            cl['histories'] += h
            cl['total'] = cl['maxResults'] = len(cl['histories'])
    with open(out, 'w', encoding='utf-8') as f:
        json.dump({'startAt': 0, 'maxResults': 100, 'total': len(issues), 'issues': issues}, f)
    st = os.path.join(raw, '_raw_jira_api_status.csv')
    if os.path.exists(st):
        dump(os.path.join(os.path.dirname(out) or '.', 'statuses.json'),
             [json.loads(r['data']) for r in rows(st)])


def pagerduty(raw, out):
    with open(out, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(['id', 'incident_number', 'title', 'status', 'urgency',
                    'service_name', 'created_on', 'resolved_on'])
        for r in rows(raw):
            d = json.loads(r['data'])
            resolved = ''
            if d['status'] == 'resolved':
                resolved = d.get('resolved_at') or d.get('last_status_change_at') or ''
            w.writerow([d['id'], d['incident_number'], d['title'], d['status'],
                        d['urgency'], d['service']['summary'], d['created_at'], resolved])


if __name__ == '__main__':
    {'gitlab': gitlab, 'jira': jira, 'pagerduty': pagerduty}[sys.argv[1]](sys.argv[2], sys.argv[3])
