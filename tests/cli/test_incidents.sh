#!/usr/bin/env bash
# test_incidents.sh - the incident CSV adapter on DevLake's recorded
# PagerDuty incidents (converted at test time to PagerDuty's CSV export
# columns) against DevLake's snapshot issues.csv, and on bad input.
set -euo pipefail
: "${ORGMRI:?}" "${ORGMRI_SHARED:?}" "${ORGMRI_SOURCE_DIR:?}"
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PD=$ORGMRI_SHARED/data/devlake/pagerduty
python3 "$ORGMRI_SOURCE_DIR/tests/tools/devlake_raw_to_export.py" pagerduty "$PD/raw_tables/_raw_pagerduty_incidents.csv" "$T/pd.csv"
"$ORGMRI" ingest --db "$T/db" "$T/pd.csv" 2>"$T/err"   # detected by header
grep -q '4 events read, 4 new' "$T/err"
"$ORGMRI" export --db "$T/db" -o "$T/ev.jsonl"
python3 - "$T/ev.jsonl" "$PD/snapshot_tables" <<'PY'
import csv, json, sys, datetime
evs = [json.loads(l) for l in open(sys.argv[1])]
snap = list(csv.DictReader(open(sys.argv[2] + '/issues.csv')))
tool = {r['number']: r for r in csv.DictReader(open(sys.argv[2] + '/_tool_pagerduty_incidents.csv'))}
def ms(s): return int(datetime.datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp() * 1000 + 0.5)
def t(e): return ms(e['time'])
key = {r['number']: 'incident:' + r['url'].rsplit('/', 1)[1] for r in tool.values()}
assert len(snap) == 3 and all(r['type'] == 'INCIDENT' for r in snap)
for r in snap:
    k = key[r['issue_key']]
    o = [e for e in evs if e['object'] == k and e['activity'] == 'incident_opened']
    assert len(o) == 1 and t(o[0]) == ms(r['created_date']), k
    assert o[0]['attrs']['severity'] == r['urgency'] and o[0]['attrs']['state'] == r['original_status'], k
    res = [e for e in evs if e['object'] == k and e['activity'] == 'incident_resolved']
    if r['status'] == 'DONE':
        assert len(res) == 1 and t(res[0]) == ms(r['resolution_date']), k
    else:
        assert not res, k
print('incidents: DevLake snapshot reproduced (3 incidents, 1 resolved)')
PY

# Opsgenie-style names, offsets and no offset (read as UTC), bad rows.
cat >"$T/og.csv" <<'CSV'
TinyId,Message,Priority,CreatedAt,ClosedAt,Impacted Services
12,db down,P1,2024-03-01T10:00:00+02:00,2024-03-01 09:30:00,db
13,broken time,P2,2024-13-01T10:00:00Z,,
14,too,few
,no id,P3,2024-03-02T00:00:00Z,,
15,"stray "quote",P3,2024-03-02T00:00:00Z,,
16,fine,P4,2024-03-03T00:00:00Z,,
CSV
"$ORGMRI" ingest --db "$T/db2" --kind incidents "$T/og.csv" 2>"$T/err2"
grep -q 'og.csv:3:19: bad timestamp "2024-13-01T10:00:00Z"' "$T/err2"
grep -q 'og.csv:4: expected 6 fields, found 3' "$T/err2"
grep -q 'og.csv:5:1: empty incident id' "$T/err2"
grep -q "og.csv:6:.*stray" "$T/err2"
grep -q '3 events read, 3 new, 0 links, 4 bad records skipped' "$T/err2"
"$ORGMRI" export --db "$T/db2" | grep -q '"time":"2024-03-01T08:00:00Z","object":"incident:12","activity":"incident_opened","attrs":{"service":"db","severity":"P1","title":"db down"}'
"$ORGMRI" export --db "$T/db2" | grep -q '"time":"2024-03-01T09:30:00Z","object":"incident:12","activity":"incident_resolved"'
# A CSV that is not an incident export: clear error, nothing stored lost.
printf 'name,age\nx,1\n' >"$T/other.csv"
if "$ORGMRI" ingest --db "$T/db2" --kind incidents "$T/other.csv" 2>"$T/err3"; then exit 1; fi
grep -q 'other.csv:1: header has no incident id column' "$T/err3"
"$ORGMRI" stats --db "$T/db2" | grep -q 'events *3'
echo ok
