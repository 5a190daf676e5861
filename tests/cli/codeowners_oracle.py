#!/usr/bin/env python3
"""codeowners_oracle.py - CODEOWNERS coverage computed with git's own
gitignore matcher (`git check-ignore --no-index`), one rule at a time,
the last matching rule deciding, for tests/cli/test_files.sh.

usage: codeowners_oracle.py RULES_FILE PATHS_FILE
  RULES_FILE  a CODEOWNERS text without GitHub's `x/*` deviation (there
              GitHub matches direct files only, gitignore also below)
  PATHS_FILE  one path a line
Prints: OWNED TOTAL
"""
import os
import subprocess
import sys
import tempfile


def main(argv):
    rules = open(argv[1], encoding="utf-8").read().split("\n")
    paths = [p for p in open(argv[2], encoding="utf-8").read().split("\n") if p]
    owner = {}
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["git", "init", "-q", d], check=True)
        for line in rules:
            toks = line.split()
            if not toks or toks[0].startswith("#"):
                continue
            with open(os.path.join(d, ".gitignore"), "w", encoding="utf-8") as f:
                f.write(toks[0] + "\n")
            owned = len(toks) > 1 and not toks[1].startswith("#")
            out = subprocess.run(["git", "-C", d, "check-ignore", "--no-index",
                                  "--stdin"], input="\n".join(paths) + "\n",
                                 capture_output=True, text=True).stdout
            for p in out.split("\n"):
                if p:
                    owner[p] = owned
    print(sum(1 for p in paths if owner.get(p)), len(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
