#!/bin/bash
# test_simulate.sh - `orgmri simulate` and `orgmri forecast` end to end on
# a small organisation written here as canonical JSONL: 60 changes, one
# every 17 hours; every third asks the security team; reviews by one of
# three people; a daily deployment of what was merged before it.
set -eu
: "${ORGMRI:?}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB="$T/o.db"
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1772409600 = 2026-03-02T00:00:00Z
awk 'function ts(h) { return strftime("%Y-%m-%dT%H:%M:%SZ", 1772409600 + h * 3600, 1) }
BEGIN {
	for (i = 0; i < 60; i++) {
		h = i * 17
		c = "commit:acme/api@c" i; p = "change:acme/api#" i
		printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"authored\",\"actor\":\"dev%d\",\"attrs\":{\"additions\":%d,\"deletions\":1,\"files\":2}}\n", ts(h), c, i % 7, 20 + 30 * (i % 5)
		printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"opened\",\"actor\":\"dev%d\",\"related\":[\"%s\"]}\n", ts(h + 4), p, i % 7, c
		if (i % 3 == 0)
			printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"review_requested\",\"actor\":\"dev%d\",\"attrs\":{\"team\":\"security\"}}\n", ts(h + 4), p, i % 7
		printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"approved\",\"actor\":\"rev%d\"}\n", ts(h + 9), p, i % 3
		m = h + 10
		if (i % 3 == 0) {
			printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"approved\",\"actor\":\"sec\",\"attrs\":{\"team\":\"security\"}}\n", ts(h + 30), p
			m = h + 31
		}
		printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"merged\",\"actor\":\"dev%d\"}\n", ts(m), p, i % 7
		merged[i] = m
	}
	for (d = 1; d <= 45; d++) {
		rel = ""
		for (i = 0; i < 60; i++)
			if (merged[i] < d * 24 && merged[i] >= (d - 1) * 24)
				rel = rel (rel == "" ? "" : ",") "\"commit:acme/api@c" i "\""
		if (rel != "")
			printf "{\"time\":\"%s\",\"object\":\"deployment:prod/%d\",\"activity\":\"deployed\",\"actor\":\"ci\",\"related\":[%s],\"attrs\":{\"environment\":\"production\"}}\n", ts(d * 24), d, rel
	}
}' >"$T/org.jsonl"
"$ORGMRI" --db "$DB" -q ingest "$T/org.jsonl" >/dev/null

# calibration: sample sizes as written above
"$ORGMRI" --db "$DB" simulate --calibration --format json >"$T/cal.json"
python3 - "$T/cal.json" <<'PY' || fail "calibration JSON"
import json, sys
c = json.load(open(sys.argv[1]))["calibration"]
st = {s["stage"]: s for s in c["stages"]}
assert c["items"] == 60, c["items"]
assert st["security"]["items"] == 20, st["security"]
assert st["coding"]["items"] == 60 and st["review"]["items"] == 60
assert st["pickup"]["items"] == 60
# security: requested at h+4, approved at h+30 by one person, never queued
assert abs(st["security"]["span_p50_hours"] - 26) < 1e-9
assert st["security"]["people"] == 1
assert abs(st["coding"]["span_p50_hours"] - 4) < 1e-9
assert abs(st["pickup"]["span_p50_hours"] - 5) < 1e-9
assert c["deployments"]["count"] > 30
PY

# baseline and two scenarios; same seed gives the same bytes whatever
# the thread count
args=(simulate --replications 40 --weeks 10 --warmup 2 --migrate 1
      --scenario "sec: security.capacity+1" --scenario "ai: coding.time*0.5")
"$ORGMRI" --db "$DB" "${args[@]}" --threads 1 >"$T/a.txt"
"$ORGMRI" --db "$DB" "${args[@]}" --threads 2 >"$T/b.txt"
cmp -s "$T/a.txt" "$T/b.txt" || fail "results depend on the thread count"
grep -q "^scenario baseline" "$T/a.txt" || fail "no baseline"
grep -q "^scenario sec" "$T/a.txt" || fail "no scenario sec"
"$ORGMRI" --db "$DB" "${args[@]}" --format json >"$T/r.json"
python3 - "$T/r.json" <<'PY' || fail "simulate JSON"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "orgmri.simulate/1"
sc = {s["name"]: s for s in r["scenarios"]}
assert set(sc) == {"baseline", "sec", "ai"}
b, a = sc["baseline"], sc["ai"]
# halving coding time shortens the median lead time
assert a["lead_time_hours"]["p50"]["mean"] < b["lead_time_hours"]["p50"]["mean"]
st = {s["stage"]: s for s in sc["sec"]["stages"]}
assert st["security"]["people"] == 2
for s in r["scenarios"]:
    l = s["lead_time_hours"]
    assert l["p50"]["lo"] <= l["p50"]["mean"] <= l["p50"]["hi"]
    assert l["p50"]["mean"] <= l["p85"]["mean"] <= l["p95"]["mean"]
PY

# scenario file, and its errors name the file and line
printf '# what-ifs\nfaster: coding.time*0.6\nbad: review.speed*2\n' >"$T/s.txt"
set +e
"$ORGMRI" --db "$DB" simulate --scenarios "$T/s.txt" 2>"$T/err"; rc=$?
set -e
[ "$rc" = 1 ] || fail "bad scenario file: exit $rc"
grep -q "s.txt:3" "$T/err" || fail "no file:line in: $(cat "$T/err")"
set +e
"$ORGMRI" --db "$DB" simulate --scenario "security.capacity*2" 2>/dev/null
rc=$?
set -e
[ "$rc" = 2 ] || fail "bad --scenario: exit $rc"

# forecast: deterministic and ordered
"$ORGMRI" --db "$DB" -q forecast --items 20 --by 2026-06-01 --format json >"$T/f.json"
python3 - "$T/f.json" <<'PY' || fail "forecast JSON"
import json, sys
f = json.load(open(sys.argv[1]))
w, h = f["when"], f["how_many"]
assert w["p50"]["weeks"] <= w["p85"]["weeks"] <= w["p95"]["weeks"]
assert h["p50"] >= h["p85"] >= h["p95"]
# the history starts 2026-03-02 and ends at the midnight after the last
# deployment (2026-04-15): 6 whole weeks, not the default 12
assert len(f["weekly_throughput"]) == 6, f["weekly_throughput"]
assert f["start"] == "2026-04-15T00:00:00Z", f["start"]
PY
"$ORGMRI" --db "$DB" forecast --items 20 >"$T/f1.txt"
"$ORGMRI" --db "$DB" forecast --items 20 >"$T/f2.txt"
cmp -s "$T/f1.txt" "$T/f2.txt" || fail "forecast not deterministic"

# Changes seen only in git history (merged, never opened; as the git
# adapter records merge and squash commits): coding runs from the first
# commit to the merge, nothing else is visited.  12 changes, commits
# authored 30 hours before each merge, a deployment after every third.
awk 'function ts(h) { return strftime("%Y-%m-%dT%H:%M:%SZ", 1772409600 + h * 3600, 1) }
BEGIN {
	for (i = 0; i < 12; i++) {
		h = i * 20
		c = "commit:acme/lib@g" i
		printf "{\"time\":\"%s\",\"object\":\"%s\",\"activity\":\"authored\",\"actor\":\"dev%d\"}\n", ts(h), c, i % 3
		printf "{\"time\":\"%s\",\"object\":\"change:acme/lib#%d\",\"activity\":\"merged\",\"actor\":\"dev%d\",\"related\":[\"%s\"]}\n", ts(h + 30), i, i % 3, c
		if (i % 3 == 2)
			printf "{\"time\":\"%s\",\"object\":\"deployment:acme/lib/%d\",\"activity\":\"deployed\",\"actor\":\"ci\",\"related\":[\"%s\"]}\n", ts(h + 31), i, c
	}
}' >"$T/git.jsonl"
"$ORGMRI" --db "$T/git.db" -q ingest "$T/git.jsonl" >/dev/null
"$ORGMRI" --db "$T/git.db" simulate --calibration --format json >"$T/gcal.json" ||
	fail "calibration on git-only changes"
python3 - "$T/gcal.json" <<'PY' || fail "git-only calibration JSON"
import json, sys
c = json.load(open(sys.argv[1]))["calibration"]
st = {s["stage"]: s for s in c["stages"]}
assert c["items"] == 12, c["items"]
assert st["coding"]["items"] == 12 and abs(st["coding"]["span_p50_hours"] - 30) < 1e-9
assert st["review"]["items"] == 0 and st["pickup"]["items"] == 0
PY
echo ok
