#!/usr/bin/env python3
"""git_churn_check.py - an independent check of the git adapter's
`churn_lines` attribute (docs/git.md, "Churn"), computed with the git
program only: for every commit C on the first-parent line of HEAD, the
lines `git diff -U0 --no-renames P C` deletes or replaces (P = C's first
parent) are looked up with `git blame --first-parent` in P, and those whose
blamed commit was committed less than 21 days before C count.

  git_churn_check.py make REPO SEED COMMITS
      build a repository with fixed dates: files edited at random, young
      and old lines rewritten, files added and deleted, feature branches
      merged with --no-ff, duplicate and blank lines.
  git_churn_check.py expect REPO [LIMIT]
      print "SHA CHURN" for the first-parent commits (newest first; at most
      LIMIT of them, spread over the line, when given).
"""
import os
import random
import re
import subprocess
import sys

WINDOW = 21 * 86400


def git(repo, *args, env=None, text=True):
    return subprocess.run(["git", "-C", repo, *args], check=True,
                          capture_output=True, text=text, env=env).stdout


def make(repo, seed, ncommits):
    rnd = random.Random(seed)
    os.makedirs(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Dev")
    git(repo, "config", "user.email", "dev@example.com")
    t = 1767225600  # 2026-01-01
    files = {}
    counter = [0]

    def line():
        counter[0] += 1
        r = rnd.random()
        if r < 0.08:
            return ""               # blank lines repeat
        if r < 0.12:
            return "}"              # so do braces
        return "line %d %x" % (counter[0], rnd.getrandbits(24))

    def edit():
        r = rnd.random()
        if not files or r < 0.12:
            name = "d%d/f%d.txt" % (rnd.randrange(3), rnd.randrange(40))
            files[name] = [line() for _ in range(rnd.randrange(1, 30))]
        elif r < 0.17 and len(files) > 2:
            name = rnd.choice(sorted(files))
            del files[name]
            os.remove(os.path.join(repo, name))
            return
        elif r < 0.22:
            # a rename, as is or with a line changed (git -M pairs both)
            old = rnd.choice(sorted(files))
            name = "d%d/r%d.txt" % (rnd.randrange(3), rnd.randrange(1000))
            if name in files:
                return
            files[name] = files.pop(old)
            os.remove(os.path.join(repo, old))
            if rnd.random() < 0.5 and len(files[name]) > 4:
                files[name][rnd.randrange(len(files[name]))] = line()
        else:
            name = rnd.choice(sorted(files))
            v = files[name]
            for _ in range(rnd.randrange(1, 4)):
                at = rnd.randrange(len(v) + 1)
                cut = rnd.randrange(0, 4)
                v[at:at + cut] = [line() for _ in range(rnd.randrange(0, 5))]
            if not v:
                v.append(line())
        path = os.path.join(repo, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("".join(x + "\n" for x in files[name]))

    def commit(msg):
        nonlocal t
        t += rnd.choice([600, 3600, 4 * 3600, 86400, 3 * 86400, 9 * 86400])
        env = dict(os.environ, GIT_AUTHOR_DATE="@%d +0000" % t,
                   GIT_COMMITTER_DATE="@%d +0000" % t)
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", msg, env=env)

    def snapshot():
        return {k: list(v) for k, v in files.items()}

    i = 0
    while i < ncommits:
        if rnd.random() < 0.15 and i > 3:
            # a feature branch of 1-4 commits, merged with --no-ff; the
            # main line may move on meanwhile (a real merge)
            base = snapshot()
            branch = "topic%d" % i
            git(repo, "checkout", "-q", "-b", branch)
            for _ in range(rnd.randrange(1, 5)):
                edit()
                commit("topic %d" % i)
                i += 1
            topic = snapshot()
            git(repo, "checkout", "-q", "main")
            files.clear()
            files.update(base)
            # only files the branch left alone may change on main, so
            # the merge has no conflicts
            touched = {k for k in set(base) | set(topic)
                       if base.get(k) != topic.get(k)}
            if rnd.random() < 0.5:
                free = sorted(k for k in files if k not in touched)
                if free:
                    name = rnd.choice(free)
                    files[name].insert(0, line())
                    with open(os.path.join(repo, name), "w") as f:
                        f.write("".join(x + "\n" for x in files[name]))
                    commit("main moves on")
                    i += 1
            t += 3600
            env = dict(os.environ, GIT_AUTHOR_DATE="@%d +0000" % t,
                       GIT_COMMITTER_DATE="@%d +0000" % t)
            git(repo, "merge", "-q", "--no-ff", "-m", "merge " + branch,
                branch, env=env)
            for k in list(files):
                if os.path.exists(os.path.join(repo, k)):
                    with open(os.path.join(repo, k)) as f:
                        files[k] = f.read().split("\n")[:-1]
                else:
                    del files[k]
            for k, v in topic.items():
                if k not in files and os.path.exists(os.path.join(repo, k)):
                    files[k] = list(v)
            i += 1
        else:
            edit()
            commit("work %d" % i)
            i += 1


HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


def expect(repo, limit=None):
    line = git(repo, "rev-list", "--first-parent",
               "--format=%H %P %ct", "HEAD").split("\n")
    commits = [x.split() for x in line if x and not x.startswith("commit ")]
    ctime = {}
    for c in commits:
        ctime[c[0]] = int(c[-1])
    pick = commits
    if limit and len(commits) > limit:
        step = len(commits) / limit
        pick = [commits[int(k * step)] for k in range(limit)]
    for c in pick:
        sha, now = c[0], int(c[-1])
        parents = c[1:-1]
        if not parents:
            print(sha, 0)
            continue
        p = parents[0]
        diff = git(repo, "-c", "diff.indentHeuristic=false", "diff", "-U0",
                   "-M", "--no-ext-diff", "--no-color", p, sha,
                   text=False).decode("utf-8", "replace")
        churn = 0
        path = None
        ranges = {}  # path in P -> the -L ranges it lost, in order
        for d in diff.split("\n"):
            if d.startswith("--- "):
                path = d[6:] if d.startswith("--- a/") else None
            m = HUNK.match(d)
            if not m or path is None:
                continue
            start, count = int(m.group(1)), m.group(2)
            count = 1 if count is None else int(count)
            if count:
                ranges.setdefault(path, []).append("%d,+%d" % (start, count))
        for path, lines in ranges.items():
            args = []
            for r in lines:
                args += ["-L", r]
            blame = git(repo, "-c", "diff.indentHeuristic=false", "blame",
                        "--first-parent", "--porcelain", *args, p, "--",
                        path, text=False).decode("utf-8", "replace")
            for b in blame.split("\n"):
                f = b.split(" ")
                if len(f) >= 3 and re.fullmatch(r"[0-9a-f]{40}", f[0]):
                    who = f[0]
                    if who not in ctime:
                        ctime[who] = int(git(repo, "log", "-1",
                                             "--format=%ct", who))
                    if now - ctime[who] < WINDOW:
                        churn += 1
        print(sha, churn)


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "make":
        make(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "expect":
        expect(sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else None)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == "__main__":
    main()
