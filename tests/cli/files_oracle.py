#!/usr/bin/env python3
"""files_oracle.py - a second, independent computation of the truck factor
(Avelino et al. 2016) and of file-level churn within 21 days, as defined in
docs/metrics.md, for tests/cli/test_files.sh and for checking orgmri on a
real repository.

Input, one of:
  --jsonl FILE    canonical events (commit `authored` / `committed` with
                  `paths`, `parents`, `merge`), as orgmri ingests them;
  --git-log FILE  the output of
                  git log --format='commit %H%x09%at%x09%P%x09%an' \
                          --name-status --no-renames
                  (merges are listed without files; their time still
                  bounds the data).
  --gen N SEED    print a random canonical history of N commits instead;
  --to-jsonl GITLOG REPO  print the git log (format with %ct and %cn:
                  'commit %H%x09%at%x09%P%x09%ct%x09%cn%x09%an') as the
                  git adapter's `paths` events, to ingest into orgmri.
Options: --head-files (git-log only): the truck factor over the files that
exist at HEAD (not deleted by their last change), the paper's file set;
--cap BYTES (git-log only): keep each commit's paths as the git adapter
does under its cap (65536: whole paths from the start of the sorted list).
Output: one JSON object.
"""
import json
import math
import random
import sys

DAY = 86400000


def read_jsonl(path):
    commits = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        e = json.loads(line)
        obj = e["object"]
        if not obj.startswith("commit:"):
            continue
        c = commits.setdefault(obj, {"sha": obj.split("@", 1)[1],
                                     "time": None, "author": None,
                                     "paths": None, "merge": False,
                                     "ptime": None, "pactor": None})
        a = e.get("attrs") or {}
        t = e["time"]
        if e["activity"] == "authored" and c["time"] is None:
            c["time"], c["author"] = t, e.get("actor", "")
        if "paths" in a and c["paths"] is None:
            c["paths"] = [p for p in a["paths"].split("\n") if p]
            c["ptime"], c["pactor"] = t, e.get("actor", "")
        if int(a.get("parents", 1)) >= 2 or str(a.get("merge", "")) in ("true", "1"):
            c["merge"] = True
    out = []
    for c in commits.values():
        if c["paths"] is None:
            continue
        out.append({"sha": c["sha"],
                    "time": c["time"] if c["time"] is not None else c["ptime"],
                    "author": c["author"] if c["author"] is not None else c["pactor"],
                    "merge": c["merge"], "paths": sorted(set(c["paths"])),
                    "status": {}})
    return out


def read_git_log(path):
    out, cur = [], None
    for line in open(path, encoding="utf-8", errors="surrogateescape"):
        line = line.rstrip("\n")
        if line.startswith("commit "):
            f = line[7:].split("\t", 5)
            if len(f) == 6:
                sha, at, parents, ct, cn, an = f
            else:
                sha, at, parents, an = line[7:].split("\t", 3)
                ct, cn = at, an
            cur = {"sha": sha, "time": int(at) * 1000, "author": an,
                   "ctime": int(ct) * 1000, "committer": cn,
                   "nparents": len(parents.split()),
                   "merge": len(parents.split()) >= 2, "paths": [],
                   "status": {}}
            out.append(cur)
        elif line and cur is not None:
            st, p = line.split("\t", 1)
            cur["paths"].append(p)
            cur["status"][p] = st[0]
    for c in out:
        c["paths"] = cap_paths(sorted(set(c["paths"]), key=lambda p: p.encode(
            "utf-8", "surrogateescape")))
    return out


CAP = None   # --cap BYTES: the git adapter's cap on the joined `paths`


def cap_paths(paths):
    """Whole paths from the start of the sorted list while the text joined
    with newlines stays within CAP bytes (docs/git.md)."""
    if CAP is None:
        return paths
    kept, size = [], 0
    for p in paths:
        n = len(p.encode("utf-8", "surrogateescape")) + (1 if kept else 0)
        if size + n > CAP:
            break
        kept.append(p)
        size += n
    return kept


def touches(commits):
    """(time, sha, path, author) of non-merge commits, in time order."""
    t = [(c["time"], c["sha"], p, c["author"])
         for c in commits if not c["merge"] for p in c["paths"]]
    t.sort()
    return t


def truck_factor(commits, keep=None):
    by_file = {}
    for time, sha, path, author in touches(commits):
        if keep is None or path in keep:
            by_file.setdefault(path, []).append(author)
    authors_of = {}
    for path, seq in by_file.items():
        dl = {}
        for a in seq:
            dl[a] = dl.get(a, 0) + 1
        doa = {a: 3.293 + 1.098 * (a == seq[0]) + 0.164 * n
               - 0.321 * math.log(1 + len(seq) - n) for a, n in dl.items()}
        best = max(doa.values())
        authors_of[path] = {a for a, v in doa.items()
                            if v / best > 0.75 and v >= 3.293}
    files = len(by_file)
    owned = {}
    for path, aa in authors_of.items():
        for a in aa:
            owned.setdefault(a, set()).add(path)
    gone, tf = set(), 0
    while files:
        covered = sum(1 for aa in authors_of.values() if aa - gone)
        if covered * 2 < files:
            break
        live = [(len(owned[a]), a) for a in owned if a not in gone]
        if not live:
            break
        top = min(live, key=lambda x: (-x[0], x[1].encode("utf-8", "surrogateescape")))
        gone.add(top[1])
        tf += 1
    return tf, files


def churn(commits, since=None, until=None):
    last = max(c["time"] for c in commits) if commits else 0
    t = touches(commits)
    by_file = {}
    for time, sha, path, author in t:
        by_file.setdefault(path, []).append((time, author))
    counted = rechanged = same = censored = 0
    for seq in by_file.values():
        for i, (time, author) in enumerate(seq):
            if (since is not None and time < since) or \
               (until is not None and time >= until):
                continue
            if time > last - 21 * DAY:
                censored += 1
                continue
            counted += 1
            later = [x for x in seq[i + 1:] if x[0] > time]
            if later and later[0][0] <= time + 21 * DAY:
                rechanged += 1
                same += later[0][1] == author
    return {"churn_file_changes": counted, "churn_rechanged": rechanged,
            "churn_rechanged_same_author": same, "churn_censored": censored}


def head_files(commits):
    alive = {}
    for c in sorted(commits, key=lambda c: (c["time"], c["sha"])):
        if c["merge"]:
            continue
        for p, st in c["status"].items():
            alive[p] = st != "D"
    return {p for p, a in alive.items() if a}


def gen(n, seed):
    rnd = random.Random(seed)
    people = ["ann", "bob", "cy", "dana", "eve", "fay", "gus", "hal"]
    weights = [30, 20, 12, 8, 5, 3, 2, 1]
    files = ["src/m%03d.c" % i for i in range(200)]
    t = 1767225600000
    made = []
    for i in range(n):
        t += rnd.randint(1, 3 * DAY // 2)
        who = rnd.choices(people, weights)[0]
        sha = "%040x" % rnd.getrandbits(160)
        merge = rnd.random() < 0.1
        k = rnd.randint(1, 4)
        paths = "\n".join(sorted(set(rnd.choice(files[:10 + i % 190])
                                     for _ in range(k))))
        key = "commit:acme/api@" + sha
        print(json.dumps({"time": t, "object": key, "activity": "authored",
                          "actor": who}))
        attrs = {"repo": "acme/api", "parents": 2 if merge else 1,
                 "paths": paths}
        if merge:
            attrs["title"] = rnd.choice([
                "Merge branch 'main' into topic",
                "Merge remote-tracking branch 'origin/develop'",
                "Merge branch 'feature'", "Merge branch 'master'"])
        print(json.dumps({"time": t + rnd.randint(0, 5 * DAY),
                          "object": key, "activity": "committed",
                          "actor": "ci", "attrs": attrs}))
        made.append((t, sha, merge))
    # changes over runs of consecutive commits (their own random stream,
    # so the commits above do not depend on them)
    rc = random.Random(seed + 1000)
    i, num = 0, 1
    while i < len(made):
        k = rc.randint(1, 4)
        run = made[i:i + k]
        i += k
        key = "change:acme/api#%d" % num
        num += 1
        attrs = {"base": "develop"} if rc.random() < 0.3 else {}
        first = run[0][0]
        print(json.dumps({"time": first + rc.randint(0, 2 * DAY), "object": key,
                          "activity": "opened", "actor": "ann", "attrs": attrs}))
        for t0, sha, merge in run:
            print(json.dumps({"time": t0 + 1000, "object": key,
                              "activity": "pushed", "actor": "ann",
                              "related": ["commit:acme/api@" + sha]}))
        if rc.random() < 0.85:
            m = {}
            own = [sha for _, sha, merge in run if merge]
            if own and rc.random() < 0.5:
                m["merge_commit"] = own[-1]
            print(json.dumps({"time": run[-1][0] + rc.randint(0, DAY),
                              "object": key, "activity": "merged",
                              "actor": "bob", "attrs": m}))


def to_jsonl(commits, repo):
    """The git adapter's `paths` contract as canonical events."""
    for c in commits:
        key = "commit:%s@%s" % (repo, c["sha"])
        print(json.dumps({"time": c["time"], "object": key,
                          "activity": "authored", "actor": c["author"],
                          "attrs": {"repo": repo}}))
        attrs = {"repo": repo, "parents": c["nparents"],
                 "paths": "\n".join(c["paths"])}
        if c["merge"]:
            attrs["merge"] = True
        print(json.dumps({"time": c["ctime"], "object": key,
                          "activity": "committed", "actor": c["committer"],
                          "attrs": attrs}))


def main(argv):
    global CAP
    if "--cap" in argv:
        i = argv.index("--cap")
        CAP = int(argv[i + 1])
        del argv[i:i + 2]
    if argv[1] == "--gen":
        gen(int(argv[2]), int(argv[3]))
        return 0
    if argv[1] == "--to-jsonl":   # --to-jsonl GITLOG REPO
        to_jsonl(read_git_log(argv[2]), argv[3])
        return 0
    commits = read_jsonl(argv[2]) if argv[1] == "--jsonl" else read_git_log(argv[2])
    keep = head_files(commits) if "--head-files" in argv else None
    tf, files = truck_factor(commits, keep)
    res = {"truck_factor": tf, "truck_factor_files": files,
           "commits": len(commits),
           "non_merge_commits": sum(1 for c in commits if not c["merge"])}
    res.update(churn(commits))
    print(json.dumps(res, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
