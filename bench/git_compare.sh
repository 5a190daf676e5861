#!/bin/bash
# bench/git_compare.sh - the git adapter against the git program on a real
# repository: commits, merges, release tags, reverts, first-parent merges
# (changes), and lines added/deleted/files of EVERY commit (merges against
# their first parent), over the same refs (HEAD and the release tags).
#
# usage: bench/git_compare.sh REPO [ORGMRI]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
R=${1:?usage: git_compare.sh REPO [ORGMRI]}
O=${2:-$here/build-rel/orgmri}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
DB=$T/cmp.db
"$O" ingest -q --db "$DB" "$R"
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
	     END {printf "lines per commit: %d commits compared with git log --numstat, %d differ\n", n, bad}'
