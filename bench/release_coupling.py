#!/usr/bin/env python3
"""release_coupling.py - are a history's merges timed to its releases?

    bench/release_coupling.py STORE FROM TO [FROM TO ...]

Reads an orgmri store made by the git adapter (python's sqlite3; nothing of
orgmri's code) as it was known at TO: the changes merged in [FROM, TO) and
released before TO, and the releases in [FROM, TO) that shipped a change
(what `orgmri simulate --since FROM --until TO` calibrates on).  For them:

  own         median lead time (first commit -> first release at or
              after the merge), each change with its own coding time;
  shuffled    the same with the coding times dealt to the changes at
              random (mean of the medians of 100 deals, seed 1): merges
              at times unrelated to the releases;
  index       shuffled / own;
  wait, resid the mean merge -> release wait, and the mean wait a merge at
              a random time would have, E[I^2] / 2 E[I] over the gaps
              between the releases.

An index near 1 says the releases keep their own calendar; well above 1,
that merges and releases are timed to each other (merge sessions before a
release, or releases cut after merges), so a merge moved in time would
not wait for the same release dates.  `orgmri simulate --backtest` has a
trace-driven variant for each case (`--releases actual`, the dates;
`--releases actual-waits`, the waits); docs/simulation.md, section 7,
item 6 reports the figures.
"""
import bisect
import datetime as dt
import random
import sqlite3
import statistics
import sys

H = 3600000.0

QUERY = """
with ch as (
  select o.id cid, e.time merged from objects o
  join events e on e.object_id = o.id
  join activities a on a.id = e.activity_id
  where o.type = 'change' and a.name = 'merged'),
cm as (
  select ch.cid, l.dst_id commit_id from ch
  join events e on e.object_id = ch.cid
  join links l on l.event_id = e.id where l.relation = 'contains'),
first as (
  select cm.cid, min(e.time) t from cm
  join events e on e.object_id = cm.commit_id
  join activities a on a.id = e.activity_id
  where a.name = 'authored' group by cm.cid),
rel as (
  select cm.cid, min(e.time) t from cm
  join links l on l.dst_id = cm.commit_id and l.relation = 'deploys'
  join events e on e.id = l.event_id group by cm.cid)
select first.t, ch.merged, rel.t from ch
join first on first.cid = ch.cid left join rel on rel.cid = ch.cid
"""


def ms(day):
    d = dt.datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=dt.timezone.utc)
    return int(d.timestamp() * 1000)


def first_release_median(changes, coding, releases):
    """Median of first commit -> first release at or after first commit +
    coding, over the changes such a release exists for."""
    out = []
    for (first, _, _), c in zip(changes, coding):
        k = bisect.bisect_left(releases, first + c)
        if k < len(releases):
            out.append((releases[k] - first) / H)
    return statistics.median(out) if out else float("nan")


def main(argv):
    if len(argv) < 4 or len(argv) % 2:
        sys.exit(__doc__.split("\n\n")[1])
    db = sqlite3.connect("file:%s?mode=ro" % argv[1], uri=True)
    rows = db.execute(QUERY).fetchall()
    all_releases = sorted({r[2] for r in rows if r[2] is not None})
    print("%-10s %-10s %5s %4s %7s %9s %6s %7s %7s" % (
        "from", "to", "n", "rel", "own h", "shuffled", "index", "wait h",
        "resid h"))
    for a, b in zip(argv[2::2], argv[3::2]):
        lo, hi = ms(a), ms(b)
        known = [r for r in rows
                 if lo <= r[1] < hi and r[2] is not None and r[2] < hi]
        releases = [t for t in all_releases if lo <= t < hi]
        if not known or not releases:
            print("%-10s %-10s %5d %4d" % (a, b, len(known), len(releases)))
            continue
        coding = [r[1] - r[0] for r in known]
        own = first_release_median(known, coding, releases)
        rng = random.Random(1)
        deals = []
        for _ in range(100):
            dealt = coding[:]
            rng.shuffle(dealt)
            deals.append(first_release_median(known, dealt, releases))
        shuffled = statistics.mean(deals)
        wait = statistics.mean((r[2] - r[1]) / H for r in known)
        gaps = [(y - x) / H for x, y in zip(releases, releases[1:])]
        resid = (sum(g * g for g in gaps) / (2 * sum(gaps))
                 if gaps else float("nan"))
        print("%-10s %-10s %5d %4d %7.0f %9.0f %6.2f %7.0f %7.0f" % (
            a, b, len(known), len(releases), own, shuffled, shuffled / own,
            wait, resid))


if __name__ == "__main__":
    main(sys.argv)
