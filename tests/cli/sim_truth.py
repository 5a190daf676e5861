#!/usr/bin/env python3
"""sim_truth.py - `orgmri simulate` against the generator's ground truth.

For each seed: generate an organisation (stationary: no AI effect), ingest
it, simulate every scenario on its history; then regenerate the
organisation with the scenario's change applied to the generator's
parameters and read the lead time the generator itself measured
(truth.json, the "after" period, past any warm-up).  Also a backtest
(`--until FROM --backtest TO`): calibrated only on the "before" period,
the "after" period simulated with its actual arrivals; orgmri's own
measurement of what happened (the changes that arrived in the period,
how many were deployed, their median lead time) must equal the
generator's.  Prints one row per (seed, scenario)
and exits 1 when a prediction is off by more than the limit, or the
baseline's or backtest's constraint is not the generator's.

usage: sim_truth.py ORGMRI WORKDIR LIMIT SEED... -- SCENARIO=PARAM...
  SCENARIO=PARAM: an `orgmri simulate` scenario and the generator setting
  that makes the same change, e.g. 'security.capacity+1=stage.security.capacity=3'
"""
import json
import os
import subprocess
import sys

STATIONARY = ["--set", "ai.coding-factor=1", "--set", "ai.arrival-factor=1"]


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def generate(orgmri, out, seed, extra):
    run(orgmri, "generate", "-q", "-o", out, "--seed", str(seed), *STATIONARY, *extra)
    with open(os.path.join(out, "truth.json")) as f:
        return json.load(f)["periods"]["after"]


def main():
    orgmri, work, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rest = sys.argv[4:]
    cut = rest.index("--")
    seeds, scen = [int(s) for s in rest[:cut]], rest[cut + 1:]
    pairs = []
    for s in scen:
        name, param = s.split("=", 1)
        pairs.append((name, param))
    worst, bad, inside, rows = 0.0, 0, 0, 0
    print("seed  scenario               predicted h  (95% of replications)   actual h    error  constraint (sim / truth)")
    for seed in seeds:
        d = os.path.join(work, "s%d" % seed)
        os.makedirs(d, exist_ok=True)
        base = generate(orgmri, os.path.join(d, "base"), seed, [])
        db = os.path.join(d, "base.db")
        run(orgmri, "--db", db, "ingest", "-q", os.path.join(d, "base", "events.jsonl"))
        # RELEASES=train or actual (bench/sim_truth.sh): the scenarios run
        # with the calibrated release train, the backtest with that mode
        rel = os.environ.get("RELEASES", "waits")
        args = ["--releases", "waits" if rel == "waits" else "train"]
        for name, _ in pairs:
            args += ["--scenario", name]
        out = subprocess.run([orgmri, "--db", db, "simulate", "--replications", "100",
                              "--format", "json", *args], check=True,
                             capture_output=True, text=True).stdout
        sim = {s["name"]: s for s in json.loads(out)["scenarios"]}
        # backtest: calibrate on the period before the split only and
        # simulate the period after it on its actual arrivals, no change
        out = subprocess.run([orgmri, "--db", db, "simulate", "--replications", "100",
                              "--until", base["from"], "--backtest", base["to"],
                              "--migrate", "0", "--releases", rel, "--format",
                              "json"], check=True,
                             capture_output=True, text=True).stdout
        bt = json.loads(out)
        sim["backtest"] = bt["scenarios"][0]
        b = bt["backtest"]
        if (b["changes"], b["finished"]) != (base["changes"], base["deployed"]) or \
                abs(b["actual_p50_hours"] / base["lead_time_median_h"] - 1) > 0.001:
            print("%4d  backtest measured %d changes, %d done, median %.2f h; the "
                  "generator: %d, %d, %.2f h   <- FAIL" % (
                      seed, b["changes"], b["finished"], b["actual_p50_hours"],
                      base["changes"], base["deployed"], base["lead_time_median_h"]))
            bad += 1
        for name, param in [("baseline", None), ("backtest", None)] + pairs:
            truth = base if param is None else generate(
                orgmri, os.path.join(d, name.replace("*", "x")), seed, ["--set", param])
            p50 = sim[name]["lead_time_hours"]["p50"]
            pred = p50["mean"]
            actual = truth["lead_time_median_h"]
            err = pred / actual - 1
            sim_c = sim[name]["constraint"]
            ok = abs(err) <= limit
            if param is None and sim_c != truth["constraint"]:
                ok = False
            worst = max(worst, abs(err))
            bad += not ok
            inside += p50["lo"] <= actual <= p50["hi"]
            rows += 1
            print("%4d  %-20s %10.1f   [%5.1f, %5.1f] %14.1f %+7.1f%%  %s / %s%s" % (
                seed, name, pred, p50["lo"], p50["hi"], actual, 100 * err, sim_c,
                truth["constraint"], "" if ok else "   <- FAIL"))
    print("worst error %.1f%% (limit %.0f%%), %d failures; the actual median inside "
          "the simulated 95%% range in %d of %d rows" % (100 * worst, 100 * limit, bad,
                                                       inside, rows))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
