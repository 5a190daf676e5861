#!/bin/bash
# bench/git_compare.sh - the git adapter against the git program on a real
# repository: commits, merges, release tags, reverts, first-parent merges
# (changes), and lines added/deleted/files and the `paths` of EVERY commit
# (merges against their first parent), over the same refs (HEAD and the
# release tags).  Exits 1 when anything differs.  Pull request refs are
# not read here (git.pull-refs = false: they add commits beyond those
# refs); bench/git_pulls_compare.py checks them.
#
# usage: bench/git_compare.sh REPO [ORGMRI]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
R=${1:?usage: git_compare.sh REPO [ORGMRI]}
O=${2:-$here/build-rel/orgmri}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB=$T/cmp.db
printf '[git]\n\tpull-refs = false\n' >"$T/cfg"
"$O" ingest -q --db "$DB" --config "$T/cfg" "$R"
q() { sqlite3 "$DB" "$1"; }
tags=$(git -C "$R" tag | grep -E '^[vV]?[0-9]+(\.[0-9]+)+$' || true)
refs=(HEAD $tags)
row() { printf '%-28s git %8s   orgmri %8s  %s\n' "$1" "$2" "$3" \
	"$([[ "$2" == "$3" ]] && echo same || echo DIFFERENT)"; }
row commits "$(git -C "$R" rev-list --count "${refs[@]}")" \
	"$(q "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'committed'")"
row merges "$(git -C "$R" rev-list --merges --count "${refs[@]}")" \
	"$(q "select count(*) from events where attrs like '%\"merge\":true%'")"
row "release tags" "$(grep -c . <<<"$tags" || true)" \
	"$(q "select count(*) from objects where type = 'deployment'")"
row reverts "$(git -C "$R" log --format=%B "${refs[@]}" | grep -cE 'This reverts commit [0-9a-fA-F]{40}' || true)" \
	"$(q "select count(*) from links where relation = 'reverts'")"
row "first-parent merges" "$(git -C "$R" rev-list --first-parent --merges --count HEAD)" \
	"$(q "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'merged' and attrs not like '%\"style\":\"squash\"%'")"
git -C "$R" log --numstat --no-renames --diff-merges=first-parent --format='C %H' "${refs[@]}" |
	awk '/^C /{if(h)print h, a, d, f; h=$2; a=0; d=0; f=0; next}
	     NF>=3{if($1!="-")a+=$1; if($2!="-")d+=$2; f++} END{if(h)print h, a, d, f}' |
	sort >"$T/git.txt"
q "select substr(o.key, instr(o.key, '@') + 1), json_extract(attrs, '\$.additions'), json_extract(attrs, '\$.deletions'), json_extract(attrs, '\$.files') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'committed'" |
	tr '|' ' ' | sort >"$T/ours.txt"
join "$T/git.txt" "$T/ours.txt" |
	awk '{n++; if ($2 != $5 || $3 != $6 || $4 != $7) { bad++; if (bad <= 5) print "  differs:", $0 } }
	     END {printf "lines per commit: %d commits compared with git log --numstat, %d differ\n", n, bad; exit bad > 0}' ||
	status=1
# Paths per commit: `git log --name-only` (first parent for merges; the
# root against the empty tree), NUL-separated so no path is quoted; the
# same rules as docs/git.md (valid UTF-8 only, sorted bytewise, whole
# paths within 65,536 bytes).
git -C "$R" log -z --name-only --no-renames --diff-merges=first-parent \
	--format=%x01%H "${refs[@]}" >"$T/names.bin"
python3 - "$T/names.bin" "$DB" <<'PY' || status=1
import sqlite3, sys
CAP = 65536
want = {}
cur = None
for tok in open(sys.argv[1], "rb").read().split(b"\0"):
    if tok.startswith(b"\x01"):
        cur = tok[1:].decode()
        want[cur] = []
    elif tok and cur:
        want[cur].append(tok.lstrip(b"\n"))
db = sqlite3.connect(sys.argv[2])
rows = db.execute("""select substr(o.key, instr(o.key, '@') + 1),
    json_extract(e.attrs, '$.paths'), json_extract(e.attrs, '$.paths_truncated')
    from events e join objects o on o.id = e.object_id
    join activities a on a.id = e.activity_id where a.name = 'committed'""")
n = bad = truncated = 0
for sha, paths, trunc in rows:
    if sha not in want:
        continue
    n += 1
    valid = []
    for p in want[sha]:
        try:
            p.decode("utf-8")
            valid.append(p)
        except UnicodeDecodeError:
            pass
    valid.sort()
    keep, total, cut = [], 0, False
    for p in valid:
        add = len(p) + (1 if keep else 0)
        if total + add > CAP:
            cut = True
            break
        keep.append(p)
        total += add
    expect = b"\n".join(keep)
    got = (paths or "").encode()
    truncated += cut
    if paths is None or got != expect or bool(trunc) != cut:
        bad += 1
        if bad <= 5:
            print("  paths differ:", sha, repr(got[:200]), "git", repr(expect[:200]))
print("paths per commit: %d commits compared with git log --name-only, "
      "%d differ (%d truncated at 64 KiB)" % (n, bad, truncated))
sys.exit(1 if bad or n != len(want) else 0)
PY
exit "${status:-0}"
