#!/usr/bin/env python3
"""git_pulls_compare.py - the squash-merged changes' pull request commits
(docs/git.md, "Pull request refs") checked against the git program.

    bench/git_pulls_compare.py REPO [ORGMRI]

Ingests REPO (--no-diff) into a temporary store with ORGMRI (default
build/orgmri), then computes with `git` alone, for every squash merge on
the first-parent line of HEAD whose refs/pull/N/head exists, oldest first:
the commits `git rev-list refs/pull/N/head ^SQUASH^` lists, committed at
or before the squash commit and not taken by an older change; and
compares, change by change, the commits the store links to it
(`contains`) and its `commits` and `first_authored` attributes.  Prints
the counts and the first differences; exits 1 when anything differs.
"""
import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
import tempfile


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo] + list(args),
                          capture_output=True, text=True,
                          check=True).stdout


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__.split("\n\n")[1])
    repo = argv[1]
    if os.path.isdir(os.path.join(repo, ".git")):
        repo = os.path.join(repo, ".git")
    orgmri = argv[2] if len(argv) > 2 else "build/orgmri"
    refs = set(git(repo, "for-each-ref", "--format=%(refname)",
                   "refs/pull").split())
    squash = re.compile(r"\(#(\d{1,9})\)\s*$")
    line = git(repo, "log", "--first-parent", "--reverse",
               "--format=%H %P%x09%ct %at%x09%s", "HEAD").splitlines()
    want, taken = {}, set()
    for row in line:
        head, times, subject = row.split("\t", 2)
        sha, *parents = head.split()
        ct, at = (int(x) for x in times.split())
        m = squash.search(subject)
        if len(parents) != 1 or not m:
            continue
        ref = "refs/pull/%s/head" % m.group(1)
        if ref not in refs:
            continue
        shas, first, count = {sha}, at, 1
        out = git(repo, "log", "--format=%H %ct %at %P", ref,
                  "^" + parents[0])
        for c in out.splitlines():
            f = c.split()
            if f[0] in taken or int(f[1]) > ct:
                continue
            taken.add(f[0])
            shas.add(f[0])
            if len(f) <= 4:          # not a merge: counted
                count += 1
                first = min(first, int(f[2]))
        want[m.group(1)] = (shas, count, dt.datetime.fromtimestamp(
            first, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "s.db")
        cfg = os.path.join(tmp, "cfg")
        with open(cfg, "w") as f:
            f.write("[repo]\n\tname = r\n")
        subprocess.run([orgmri, "ingest", "-q", "--no-diff", "--config", cfg,
                        "--db", db, argv[1]], check=True)
        con = sqlite3.connect(db)
        got = {}
        for key, sha in con.execute(
                "select s.key, substr(d.key, 10) from links l "
                "join objects s on s.id = l.src_id "
                "join objects d on d.id = l.dst_id "
                "where l.relation = 'contains' and s.key like 'change:r#%'"):
            got.setdefault(key[len("change:r#"):], set()).add(sha)
        attrs = {k[len("change:r#"):]: (c, fa) for k, c, fa in con.execute(
            "select o.key, json_extract(e.attrs, '$.commits'), "
            "json_extract(e.attrs, '$.first_authored') from events e "
            "join objects o on o.id = e.object_id "
            "where o.key like 'change:r#%'")}
    bad = 0
    for n, (shas, count, first) in want.items():
        if got.get(n) != shas or attrs.get(n) != (count, first):
            bad += 1
            if bad <= 5:
                print("#%s: git %d commits (%d counted), first %s; orgmri "
                      "%d, %s" % (n, len(shas), count, first,
                                  len(got.get(n, ())), attrs.get(n)))
    print("%d squash merges with a pull request ref: %d as git says, %d "
          "differ" % (len(want), len(want) - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
