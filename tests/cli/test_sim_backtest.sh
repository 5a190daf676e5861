#!/bin/bash
# test_sim_backtest.sh - `orgmri simulate --backtest` (issue 9's backtest)
# on a history written here in the shape the git adapter records (changes
# merged, never opened, linked to their commits; release deployments
# linked to the commits they ship), with every expected figure computed
# independently from the same list of changes:
#  - the calibration sees the history as known at --until: a change
#    merged before it but released after it is unfinished, so its wait
#    does not calibrate and it is not a profile; one merged after it is
#    not known at all;
#  - the backtest's actual median lead time (first commit -> release) of
#    the changes that arrived in [--until, --backtest), their count, and
#    the arrivals fed to the simulation (one warm-up week before);
#  - the predicted median within 15% of the actual one, the same
#    constraint (none: no one is recorded coding, so coding is a delay
#    without people or queue), and the usage errors (a capacity scenario
#    on that delay among them);
#  - --releases (waits, train, actual, actual-waits) on a second history
#    whose release cadence slows at --until: the calibrated train's
#    cadence and wait, the trace-driven schedule's releases, the
#    period's own waits, and which variants miss.
#  - releases that follow the merges (a fourth history): replaying the
#    release dates counts the wait for them twice, the period's own
#    waits do not;
#  - squash merges (coding unobserved, 0 h): counted by the calibration,
#    flagged on the trace-driven arrivals, which then skip coding.
. "$(dirname "$0")/lib.sh"
# hist.py: the histories below, in the shape the git adapter records.
cat >"$T/hist.py" <<'PY'
import datetime as dt, json
T0 = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)   # a Monday
W = 168
def ts(h):
    return (T0 + dt.timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ")
def median(x):                            # type 7, as orgmri
    x = sorted(x); h = (len(x) - 1) * 0.5; k = int(h)
    return x[k] + (h - k) * (x[min(k + 1, len(x) - 1)] - x[k])
def write(path, ch, release="deployment:acme/lib/r%d"):
    """Each change of ch (i, a = first commit, m = merge, d = release,
    hours) as its one commit's `authored`, its own `merged`, and one
    `deployed` per release, shipping its changes' commits."""
    ev, ship = [], {}
    for c in ch:
        cid = "commit:acme/lib@c%d" % c["i"]
        ev.append({"time": ts(c["a"]), "object": cid, "activity": "authored",
                   "actor": "dev%d" % (c["i"] % 5)})
        ev.append({"time": ts(c["m"]), "object": "change:acme/lib#%d" % c["i"],
                   "activity": "merged", "actor": "maint", "related": [cid]})
        ship.setdefault(c["d"], []).append(cid)
    for d in sorted(ship):
        ev.append({"time": ts(d), "object": release % d,
                   "activity": "deployed", "actor": "ci", "related": ship[d]})
    with open(path, "w") as f:
        for e in ev:
            f.write(json.dumps(e) + "\n")
PY
export PYTHONPATH=$T
python3 - "$T" <<'PY'
import json, sys
from hist import W, ts, median, write
T = sys.argv[1]
ch = []
for i in range(300):                      # about 24 weeks
    a = 7 + 13.0 * i + (i * 5 % 7)        # first commit, hours
    ch.append({"i": i, "a": a, "m": a + 10 + (i * 7 % 30)})
deps = [48 * k + 20 for k in range(1, 90)]
for c in ch:
    c["d"] = next(d for d in deps if d >= c["m"])
write(T + "/h.jsonl", ch, "deployment:acme/lib/release/%d")
until, to = 12 * W, 20 * W
# known at --until: a change seen only in git history is known from its
# merge, so one still being coded then is not yet a change
before = [c for c in ch if c["a"] < until and c["m"] < until]
assert len(before) < sum(1 for c in ch if c["a"] < until)
pred = [c for c in ch if until <= c["a"] < to]
exp = {
    "items": len(before),
    "profiles": sum(1 for c in before if c["d"] < until),
    "waits": sum(1 for c in before if c["d"] < until),
    "late": sum(1 for c in before if c["m"] < until <= c["d"]),
    "changes": len(pred),
    "arrivals": sum(1 for c in ch if until - W <= c["a"] < to),
    "actual": median([c["d"] - c["a"] for c in pred]),
    "until": ts(until), "to": ts(to),
}
json.dump(exp, open(T + "/exp.json", "w"))
PY
"$ORGMRI" -q ingest "$T/h.jsonl" >/dev/null
U=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["until"])' "$T/exp.json")
B=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["to"])' "$T/exp.json")
expect_status 0 "$ORGMRI" simulate --until "$U" --backtest "$B" \
	--replications 60 --migrate 0 --format json
cp "$T/out" "$T/bt.json"
if python3 - "$T/bt.json" "$T/exp.json" <<'PY'; then ok; else fail "backtest JSON"; fi
import json, sys
j = json.load(open(sys.argv[1])); e = json.load(open(sys.argv[2]))
c, b = j["calibration"], j["backtest"]
assert e["late"] > 0                       # the case is exercised
assert c["items"] == e["items"], (c["items"], e)
assert c["arrivals"]["count"] == e["items"], c["arrivals"]
assert c["profiles"] == e["profiles"], (c["profiles"], e)
assert c["deployments"]["waits"] == e["waits"], (c["deployments"], e)
assert b["changes"] == e["changes"] and b["finished"] == e["changes"], b
assert b["arrivals"] == e["arrivals"], (b["arrivals"], e["arrivals"])
assert b["warmup_weeks"] == 1, b["warmup_weeks"]
assert abs(b["actual_p50_hours"] - e["actual"]) < 1e-6, (b, e["actual"])
lo, hi = b["actual_p50_interval_hours"]
assert lo <= b["actual_p50_hours"] <= hi, b
p = b["predicted_p50_hours"]["mean"]
assert abs(b["error"] - (p / e["actual"] - 1)) < 1e-5, b   # 6 digits
assert abs(b["error"]) <= 0.15, ("predicted", p, "actual", e["actual"])
# in git's shape no one is recorded coding: coding is a delay (no
# people, no queue), merging takes no time, so no stage is a constraint
assert b["constraint"] == b["actual_constraint"] == "none", b
coding = next(s for s in c["stages"] if s["stage"] == "coding")
assert coding["people"] is None and coding["wait_mean_hours"] == 0, coding
assert b["from"] == "%s" % b["from"] and b["to"].startswith(e["to"][:10])
PY
expect_status 0 "$ORGMRI" simulate --until "$U" --backtest "$B" \
	--replications 20 --migrate 0
expect_grep "$T/out" "^backtest: calibrated on \[start, "
expect_grep "$T/out" "median lead time  predicted .* error [+-]"
# usage: --backtest needs --until before it, and runs the baseline only
expect_status 2 "$ORGMRI" simulate --backtest "$B"
expect_status 2 "$ORGMRI" simulate --until "$B" --backtest "$U"
expect_status 2 "$ORGMRI" simulate --until "$U" --backtest "$B" \
	--scenario 'coding.time*0.5'
expect_status 2 "$ORGMRI" simulate --until "$U" --backtest "$B" --weeks 4
# a delay has no capacity to change
expect_status 1 "$ORGMRI" simulate --until "$U" --scenario 'coding.capacity+2' \
	--replications 5
expect_grep "$T/err" "coding has no known capacity"
expect_status 2 "$ORGMRI" simulate --until "$U" --backtest yesterday
python3 - "$T/bt.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))["backtest"]
print("backtest: predicted %.1f h, actual %.1f h, error %+.1f%%" % (
    b["predicted_p50_hours"]["mean"], b["actual_p50_hours"], 100 * b["error"]))
PY

# --releases on a second history whose release cadence changes at
# --until: a release every 48 h before it, every 144 h from it on.  The
# calibrated waits and the calibrated train know only the 48 h cadence
# and must predict too short a lead time; the predicted period's actual
# releases (trace-driven) must bring it within 15%.  Expected figures
# are computed here from the list of changes and releases.
python3 - "$T" <<'PY'
import json, sys
from hist import W, write
T = sys.argv[1]
until, to = 12 * W, 20 * W
start = until - W                          # one warm-up week
ch = []
for i in range(300):
    a = 7 + 13.0 * i + (i * 5 % 7)
    ch.append({"i": i, "a": a, "m": a + 10 + (i * 7 % 30)})
deps = [48 * k + 20 for k in range(1, 60) if 48 * k + 20 < until] + \
       [until + 100 + 144 * j for j in range(40)]
for c in ch:
    c["d"] = next(d for d in deps if d >= c["m"])
write(T + "/h2.jsonl", ch)
shipped = sorted(set(c["d"] for c in ch))
# the calibrated train: releases that shipped a change known at --until
# (merged and released before it), with the gaps from the window's start
# (the first arrival) and to --until
known = sorted(set(c["d"] for c in ch if c["d"] < until))
edges = [ch[0]["a"]] + known + [until]
gaps = [y - x for x, y in zip(edges, edges[1:]) if y > x]
pred = [c for c in ch if until <= c["a"] < to]
json.dump({
    "actual_releases": sum(1 for d in shipped if d >= start),
    "release_age": start - max(d for d in shipped if d < start),
    "train_intervals": len(gaps),
    # mean wait for a train from a random time: E[I^2] / 2 E[I]
    "train_wait": sum(g * g for g in gaps) / (2 * sum(gaps)),
    "train_per_week": W * len(gaps) / sum(gaps),
    "actual_per_week": sum(1 for d in shipped if until <= d < to) / 8,
    "actual_wait": sum(c["d"] - c["m"] for c in pred) / len(pred),
    # the waits of the changes merged from the warm-up on
    "waits_n": sum(1 for c in ch if start <= c["m"] < to),
    "waits_mean": sum(c["d"] - c["m"] for c in ch if start <= c["m"] < to) /
                  sum(1 for c in ch if start <= c["m"] < to),
}, open(T + "/exp2.json", "w"))
PY
# backtest_modes DB PREFIX MODE...: the backtest's JSON for each release
# mode, in $T/PREFIX_MODE.json
backtest_modes() {
	local db=$1 prefix=$2 mode
	shift 2
	for mode in "$@"; do
		expect_status 0 "$ORGMRI" --db "$db" simulate --until "$U" \
			--backtest "$B" --releases "$mode" --replications 60 \
			--migrate 0 --format json
		cp "$T/out" "$T/${prefix}_$mode.json"
	done
}
"$ORGMRI" --db "$T/h2.db" -q ingest "$T/h2.jsonl" >/dev/null
backtest_modes "$T/h2.db" r waits train actual actual-waits
if python3 - "$T" <<'PY'; then ok; else fail "--releases"; fi
import json, sys
T = sys.argv[1]
e = json.load(open(T + "/exp2.json"))
r = {m: json.load(open("%s/r_%s.json" % (T, m))) for m in
     ("waits", "train", "actual", "actual-waits")}
def deploy(j):
    return next(s for s in j["scenarios"][0]["stages"] if s["stage"] == "deploy")
for m, j in r.items():
    b = j["backtest"]
    assert b["releases"] == m, b
    assert b["actual_releases"] == e["actual_releases"], (b, e)
    assert abs(b["release_age_hours"] - e["release_age"]) < 1e-6, (b, e)
    print("--releases %-6s predicted %.1f h, actual %.1f h, error %+.1f%%, "
          "release wait %.1f h, %.2f releases a week" % (
          m, b["predicted_p50_hours"]["mean"], b["actual_p50_hours"],
          100 * b["error"], deploy(j)["wait_hours"]["mean"],
          j["scenarios"][0]["deployments_per_week"]["mean"]))
c = r["train"]["calibration"]["deployments"]
assert c["train_intervals"] == e["train_intervals"], (c, e)
# the calibrated forecasts miss the slower cadence, the trace-driven
# variant does not
assert r["waits"]["backtest"]["error"] < -0.15, r["waits"]["backtest"]
assert r["train"]["backtest"]["error"] < -0.15, r["train"]["backtest"]
assert abs(r["actual"]["backtest"]["error"]) <= 0.15, r["actual"]["backtest"]
# the train's wait and cadence are those of the calibrated releases;
# the trace-driven trains are exactly the period's releases
t, a = r["train"]["scenarios"][0], r["actual"]["scenarios"][0]
assert abs(deploy(r["train"])["wait_hours"]["mean"] / e["train_wait"] - 1) \
    < 0.1, (deploy(r["train"]), e)
assert abs(t["deployments_per_week"]["mean"] / e["train_per_week"] - 1) < 0.1, \
    (t["deployments_per_week"], e)
assert abs(a["deployments_per_week"]["mean"] - e["actual_per_week"]) < 1e-6, \
    (a["deployments_per_week"], e)
assert a["deployments_per_week"]["lo"] == a["deployments_per_week"]["hi"]
assert abs(deploy(r["actual"])["wait_hours"]["mean"] / e["actual_wait"] - 1) \
    < 0.15, (deploy(r["actual"]), e)
# actual-waits: each merged change waits one of the period's own waits
w = r["actual-waits"]
assert w["backtest"]["actual_waits"] == e["waits_n"], (w["backtest"], e)
assert abs(deploy(w)["wait_hours"]["mean"] / e["waits_mean"] - 1) < 0.1, \
    (deploy(w), e)
assert abs(w["backtest"]["error"]) <= 0.15, w["backtest"]
PY
expect_status 0 "$ORGMRI" --db "$T/h2.db" simulate --until "$U" \
	--backtest "$B" --releases actual --replications 10 --migrate 0
expect_grep "$T/out" "releases          actual: the .* actual releases that shipped a change"
expect_status 0 "$ORGMRI" --db "$T/h2.db" simulate --releases train \
	--replications 10 --migrate 0
expect_status 2 "$ORGMRI" --db "$T/h2.db" simulate --releases actual
expect_status 2 "$ORGMRI" --db "$T/h2.db" simulate --releases actual-waits
expect_status 0 "$ORGMRI" --db "$T/h2.db" simulate --until "$U" \
	--backtest "$B" --releases actual-waits --replications 10 --migrate 0
expect_grep "$T/out" "releases          actual-waits: each change a wait of the .* changes merged"
expect_status 2 "$ORGMRI" --db "$T/h2.db" simulate --releases weekly
expect_status 0 "$ORGMRI" simulate --help
expect_grep "$T/out" "--releases MODE"

# Releases that follow the merges: a fourth history whose changes, once
# ready, wait for a merge session (every 48 h, then 288 h, in turn) and
# ship in a release 2 h after it.  The recorded coding (first commit ->
# merge) then holds the wait for the session, and replaying the release
# dates with coding drawn independently of them counts that wait twice
# (a merge at a random time waits the residual of an interval, the real
# ones 2 h): `actual` must predict too long.  `actual-waits` keeps the
# 2 h and must land within 15%.  (Figures when written, 60 replications:
# actual 147.0 h; actual releases +83.6%; actual waits -6.2%.  Before
# coding without actors was a delay, the c-th rule of calibrate.c read
# the batched merges as queueing and actual waits gave -73%.)
python3 - "$T" <<'PY'
import sys
from hist import W, write
T = sys.argv[1]
sessions, t, k = [], 30, 0
while t < 40 * W:
    sessions.append(t)
    t += 48 if k % 2 == 0 else 288
    k += 1
ch = []
for i in range(300):
    a = 7 + 13.0 * i + (i * 5 % 7)
    m = next(s for s in sessions if s >= a + 10 + (i * 7 % 30))
    ch.append({"i": i, "a": a, "m": m, "d": m + 2})   # released 2 h later
write(T + "/h4.jsonl", ch)
PY
"$ORGMRI" --db "$T/h4.db" -q ingest "$T/h4.jsonl" >/dev/null
backtest_modes "$T/h4.db" r4 actual actual-waits
if python3 - "$T" <<'PY'; then ok; else fail "releases that follow merges"; fi
import json, sys
T = sys.argv[1]
r = {m: json.load(open("%s/r4_%s.json" % (T, m)))["backtest"]
     for m in ("actual", "actual-waits")}
for m, b in r.items():
    print("merge sessions, --releases %-12s predicted %.1f h, actual %.1f h, "
          "error %+.1f%%" % (m, b["predicted_p50_hours"]["mean"],
                             b["actual_p50_hours"], 100 * b["error"]))
assert r["actual"]["error"] > 0.15, r["actual"]
assert abs(r["actual-waits"]["error"]) <= 0.15, r["actual-waits"]
PY

# Squash merges (coding unobserved): a third history whose changes are
# merge-commit style before --until (first commit 10-39 h before the
# merge; every 10th already a squash) and squash style from it on (the
# one commit authored at the merge: coding exactly 0 h, arrival = merge).
# The calibration must count the squash visits as coding unobserved and
# keep them out of coding's sample; the trace-driven backtest must let
# the squash arrivals skip coding, so that the predicted median is the
# actual one (merge -> next release) within 15%.  The control is the same
# history with each squash commit authored 1 s before its merge: its
# coding is observed (1 s), so those arrivals draw a calibrated coding
# time and the prediction must be more than 15% too long.  Measured
# (60 replications): squash history 24.0 h predicted, 24.0 h actual
# (+0.0%); control 46.2 h (+92.3%); the squash history run by the build
# before this handling (every arrival drew a coding time) 47.1 h (+96.1%).
for shift in 0 1; do
python3 - "$T" $shift <<'PY'
import json, sys
from hist import W, median, write
T, shift = sys.argv[1], int(sys.argv[2])
until, to = 12 * W, 20 * W
ch = []
for i in range(300):
    m = 40 + 13.0 * i + (i * 5 % 7)       # merge, hours
    squash = m >= until or i % 10 == 0
    a = m - shift / 3600.0 if squash else m - 10 - (i * 7 % 30)
    ch.append({"i": i, "a": a, "m": m, "sq": squash})
deps = [48 * k + 20 for k in range(1, 90)]
for c in ch:
    c["d"] = next(d for d in deps if d >= c["m"])
write("%s/h3_%d.jsonl" % (T, shift), ch)
before = [c for c in ch if c["m"] < until]
pred = [c for c in ch if until <= c["a"] < to]
json.dump({
    "coding": len(before),
    "unobserved": 0 if shift else sum(1 for c in before if c["sq"]),
    "arrivals_unobserved": 0 if shift else
        sum(1 for c in ch if until - W <= c["a"] < to and c["sq"]),
    "changes_unobserved": 0 if shift else len(pred),
    "actual": median([c["d"] - c["a"] for c in pred]),
}, open("%s/exp3_%d.json" % (T, shift), "w"))
PY
"$ORGMRI" --db "$T/h3_$shift.db" -q ingest "$T/h3_$shift.jsonl" >/dev/null
expect_status 0 "$ORGMRI" --db "$T/h3_$shift.db" simulate --until "$U" \
	--backtest "$B" --releases actual --replications 60 --migrate 0 \
	--format json
cp "$T/out" "$T/r3_$shift.json"
done
if python3 - "$T" <<'PY'; then ok; else fail "coding unobserved"; fi
import json, sys
T = sys.argv[1]
for shift in (0, 1):
    j = json.load(open("%s/r3_%d.json" % (T, shift)))
    e = json.load(open("%s/exp3_%d.json" % (T, shift)))
    c, b = j["calibration"], j["backtest"]
    coding = next(s for s in c["stages"] if s["stage"] == "coding")
    assert coding["items"] == e["coding"], (coding, e)
    assert c["coding_unobserved"]["count"] == e["unobserved"], (c, e)
    assert abs(c["coding_unobserved"]["share"] -
               e["unobserved"] / e["coding"]) < 1e-5, (c, e)   # 6 digits
    assert b["arrivals_coding_unobserved"] == e["arrivals_unobserved"], (b, e)
    assert b["changes_coding_unobserved"] == e["changes_unobserved"], (b, e)
    assert abs(b["actual_p50_hours"] - e["actual"]) < 1e-3, (b, e)
    print("squash history (authored %d s before merge): predicted %.1f h, "
          "actual %.1f h, error %+.1f%%" % (shift,
          b["predicted_p50_hours"]["mean"], b["actual_p50_hours"],
          100 * b["error"]))
    if shift == 0:
        assert e["unobserved"] > 0 and e["changes_unobserved"] > 100, e
        assert abs(b["error"]) <= 0.15, b
    else:
        assert b["error"] > 0.15, b
PY
finish
