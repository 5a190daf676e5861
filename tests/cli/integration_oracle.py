#!/usr/bin/env python3
"""integration_oracle.py - a second computation of the two integration-pain
figures and CODEOWNERS-free file counts of docs/metrics.md section 10,
straight from an orgmri store (SQLite) with Python's sqlite3 module and a
pairwise comparison, for checking `orgmri scan` on real data.

usage: integration_oracle.py STORE FROM_MS TO_MS
  FROM_MS/TO_MS: the scan's after period (changes whose first event falls
  in it are counted; still-open changes end at TO_MS).
Prints one JSON object: with_files, overlapping, with_parents, base_merged,
base_merges.  Covers git-style data (merged / closed); not `resolved`.
"""
import json
import re
import sqlite3
import sys

DEFAULT_BASES = ("main", "master", "develop", "development", "trunk")


def main(argv):
    db, lo, hi = argv[1], int(argv[2]), int(argv[3])
    con = sqlite3.connect(db)
    acts = dict(con.execute("select id, name from activities"))
    objs = {i: (t, k) for i, t, k in con.execute("select id, type, key from objects")}
    ev = {}
    for oid, time, aid, attrs in con.execute(
            "select object_id, time, activity_id, attrs from events order by object_id, time"):
        ev.setdefault(oid, []).append((time, acts[aid], json.loads(attrs) if attrs else {}))
    commits_of = {}
    for src, dst, rel in con.execute("select src_id, dst_id, relation from links"):
        if rel == "contains" and objs[src][0] == "change" and objs[dst][0] == "commit":
            commits_of.setdefault(src, set()).add(dst)
        if rel == "belongs_to" and objs[src][0] == "commit" and objs[dst][0] == "change":
            commits_of.setdefault(dst, set()).add(src)

    def commit_facts(c):
        es = ev.get(c, [])
        authored = min((t for t, a, _ in es if a == "authored"), default=None)
        paths = next((x["paths"] for _, _, x in es if "paths" in x), None)
        known = any("parents" in x or "merge" in x for _, _, x in es)
        merge = any(int(x.get("parents", 1)) >= 2 or x.get("merge") in (True, "true")
                    for _, _, x in es)
        title = next((x["title"] for _, _, x in es if "title" in x), "")
        files = set(p for p in paths.split("\n") if p) if paths is not None else None
        return authored, files, known, merge, title

    facts = {c: commit_facts(c) for c in objs if objs[c][0] == "commit"}
    changes = []
    for o, (typ, key) in objs.items():
        if typ != "change":
            continue
        es = ev.get(o, [])
        created = es[0][0]
        opened = min((t for t, a, _ in es if a == "opened"), default=None)
        merged = min((t for t, a, _ in es if a == "merged"), default=None)
        closed = max((t for t, a, _ in es if a == "closed"), default=None)
        cs = commits_of.get(o, set())
        start = opened
        if start is None:
            ts = [facts[c][0] for c in cs if facts[c][0] is not None]
            start = min(ts) if ts else created
        done = merged if merged is not None else closed
        end = done if done is not None else hi
        end = max(end, start)
        files = set()
        for want_merge in (False, True):
            for c in cs:
                f = facts[c]
                if f[1] is not None and f[3] == want_merge:
                    files |= f[1]
            if files:
                break
        base = next((x.get("base") or x.get("target_branch") for _, _, x in es
                     if x.get("base") or x.get("target_branch")), None)
        own = next((x["merge_commit"] for _, a, x in es
                    if a == "merged" and "merge_commit" in x), None)
        bases = (base,) if base else DEFAULT_BASES
        pat = re.compile(r"^Merge (?:remote-tracking )?branch '(?:[^']*/)?(?:%s)'"
                         % "|".join(re.escape(b) for b in bases))
        known = any(facts[c][2] for c in cs)
        bm = sum(1 for c in cs if facts[c][3] and objs[c][1].split("@", 1)[1] != own
                 and pat.match(facts[c][4]))
        changes.append({"pick": lo <= created < hi, "start": start, "end": end,
                        "files": files, "known": known, "bm": bm})
    by_file = {}
    for i, ch in enumerate(changes):
        for f in ch["files"]:
            by_file.setdefault(f, []).append(i)
    hit = set()
    for ids in by_file.values():
        for x in range(len(ids)):
            a = changes[ids[x]]
            for y in range(x + 1, len(ids)):
                b = changes[ids[y]]
                if a["start"] <= b["end"] and b["start"] <= a["end"]:
                    hit.add(ids[x])
                    hit.add(ids[y])
    picked = [i for i, ch in enumerate(changes) if ch["pick"]]
    print(json.dumps({
        "with_files": sum(1 for i in picked if changes[i]["files"]),
        "overlapping": sum(1 for i in picked if changes[i]["files"] and i in hit),
        "with_parents": sum(1 for i in picked if changes[i]["known"]),
        "base_merged": sum(1 for i in picked if changes[i]["known"] and changes[i]["bm"]),
        "base_merges": sum(changes[i]["bm"] for i in picked if changes[i]["known"]),
    }, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
