#!/bin/bash
# test_git_paths.sh - the git adapter's per-commit `paths` attribute and
# the `codeowners` event, on repositories built here at test time with the
# git program and fixed dates.  Expected values are written out by hand
# below (and, for every commit, also taken from `git diff --name-only -z
# --no-renames` against the first parent), never from orgmri itself.
set -euo pipefail
: "${ORGMRI:?path to the orgmri binary}"
T=$(mktemp -d)
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$T"' EXIT
fails=0
check() { # check NAME EXPECTED ACTUAL
	if [[ "$2" != "$3" ]]; then
		echo "FAIL: $1: expected [$2], got [$3]" >&2
		fails=$((fails + 1))
	fi
}
q() { sqlite3 "$1" "$2"; }
# attr DB SHA NAME: one attribute of a commit's `committed` event.
attr() {
	q "$1" "select json_extract(e.attrs, '\$.$3') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'committed' and o.key like 'commit:%@$2'"
}
nl=$'\n'

export GIT_CONFIG_NOSYSTEM=1 HOME=$T GIT_TERMINAL_PROMPT=0
git config --global user.name Alice
git config --global user.email alice@example.com
git config --global init.defaultBranch main
git config --global core.quotePath false
n=0
commit() { # commit MESSAGE (everything staged, a fixed date per commit)
	n=$((n + 1))
	local d
	d=$(printf '2026-02-%02dT10:00:00Z' "$n")
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git commit -q --allow-empty -m "$1"
	git rev-parse HEAD
}

R=$T/repo
git init -q "$R"
cd "$R"

# 1. root commit: additions, in a sub-folder too.
mkdir -p src/deep
printf '1\n2\n' >a.txt
printf 'b\n' >src/b.c
printf 'c\n' >src/deep/c.h
printf 'q\n' >'sp ace "q".txt'
git add -A
C1=$(commit "root")
# 2. modify, delete, add beside a folder ('-' sorts before '/'), mode
#    change only.
printf '1\n3\n' >a.txt
git rm -q src/b.c
printf 'x\n' >src-x.txt
chmod +x src/deep/c.h
git add -A
C2=$(commit "edit")
# 3. a binary file added, then changed.
printf 'a\0b' >bin.dat
git add -A
C3=$(commit "binary")
printf 'a\0c' >bin.dat
git add -A
C4=$(commit "binary again")
# 4. a file replaced by a folder of the same name.
printf 't\n' >t
git add -A
commit "t file" >/dev/null
git rm -q t
mkdir t
printf 'x\n' >t/x
git add -A
C5=$(commit "t folder")
# 5. a path that is not valid UTF-8: counted in files, left out of paths.
printf 'g\n' >good.txt
printf 'b\n' >"$(printf 'bad\xff.txt')"
git add -A
C6=$(commit "latin-1 name")
# 6. a merge: paths against the first parent only.
git checkout -q -b side
printf 's\n' >side.txt
git add -A
commit "side" >/dev/null
git checkout -q main
printf '1\n3\n4\n' >a.txt
git add -A
commit "main" >/dev/null
n=$((n + 1))
d=$(printf '2026-02-%02dT10:00:00Z' "$n")
GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git merge -q --no-ff -m "Merge branch 'side'" side
C7=$(git rev-parse HEAD)
# 6b. line edits whose counts orgmri settles without xdiff, and some it
#     does not (git_diff.c forced_counts): checked against git below.
printf 'a\nb\nc' >e1.txt
printf 'x\nx\nx\n' >e2.txt
printf 'a\nb\n' >e3.txt
printf 'p\nq\nr\ns\n' >e4.txt
printf '1\n2\n3\n4\n5\n' >e5.txt
: >e6.txt
printf 'gone\n' >e7.txt
git add -A
commit "edits base" >/dev/null
printf 'a\nb\nc\n' >e1.txt          # final newline added
printf 'x\nx\n' >e2.txt              # one of equal lines gone
printf 'b\na\n' >e3.txt              # swapped
printf 'p\nQ\nR\ns\n' >e4.txt      # two replaced, nothing in common
printf '1\n3\n2\n4\n9\n5\n' >e5.txt  # moved and inserted
printf 'z\n' >e6.txt                  # from empty
: >e7.txt                             # to empty
git add -A
commit "edits" >/dev/null
# 7. an empty commit: files 0, paths "".
C8=$(commit "nothing")
# 8. the cap: 700 paths of 99 bytes (700 * 100 - 1 > 65,536).
mkdir cap
for i in $(seq 0 699); do
	printf 'x\n' >"cap/$(printf '%04d' "$i")_$(printf 'x%.0s' $(seq 90))"
done
git add -A
C9=$(commit "many files")

DB=$T/paths.db
"$ORGMRI" ingest -q --db "$DB" "$R"

check c1_paths "a.txt${nl}sp ace \"q\".txt${nl}src/b.c${nl}src/deep/c.h" "$(attr "$DB" "$C1" paths)"
check c1_files 4 "$(attr "$DB" "$C1" files)"
check c2_paths "a.txt${nl}src-x.txt${nl}src/b.c${nl}src/deep/c.h" "$(attr "$DB" "$C2" paths)"
check c2_files 4 "$(attr "$DB" "$C2" files)"
check c3_paths "bin.dat" "$(attr "$DB" "$C3" paths)"
check c4_paths "bin.dat|1|0|0" "$(attr "$DB" "$C4" paths)|$(attr "$DB" "$C4" files)|$(attr "$DB" "$C4" additions)|$(attr "$DB" "$C4" deletions)"
check c5_paths "t${nl}t/x" "$(attr "$DB" "$C5" paths)"
check c6_paths "good.txt|2" "$(attr "$DB" "$C6" paths)|$(attr "$DB" "$C6" files)"
check c7_merge_paths "side.txt" "$(attr "$DB" "$C7" paths)"
check c8_empty "|0|text" "$(attr "$DB" "$C8" paths)|$(attr "$DB" "$C8" files)|$(q "$DB" "select json_type(e.attrs, '\$.paths') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'committed' and o.key like 'commit:%@$C8'")"
check no_truncation_flag "" "$(attr "$DB" "$C2" paths_truncated)"

# The cap: whole paths, sorted, while the joined text is <= 65,536 bytes.
expected_cap=$(git diff --name-only -z --no-renames "$C9~1" "$C9" | tr '\0' '\n' | LC_ALL=C sort |
	awk '!full { add = length($0) + (NR > 1); if (total + add > 65536) full = 1; else { total += add; print } }')
actual_cap=$(attr "$DB" "$C9" paths)
check cap_paths "$expected_cap" "$actual_cap"
check cap_lines 655 "$(printf '%s\n' "$actual_cap" | wc -l)"
check cap_bytes 65499 "$(q "$DB" "select length(cast(json_extract(e.attrs, '\$.paths') as blob)) from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'committed' and o.key like 'commit:%@$C9'")"
check cap_flag "1|700" "$(attr "$DB" "$C9" paths_truncated)|$(attr "$DB" "$C9" files)"

# Every commit against the git program (first parent; the empty tree for
# the root), non-UTF-8 paths dropped; the capped commit left out.
empty=$(git hash-object -t tree /dev/null)
bad=0
for c in $(git rev-list HEAD); do
	[[ $c == "$C9" ]] && continue
	p=$(git rev-parse -q --verify "$c^1" || echo "$empty")
	want=$(git diff --name-only -z --no-renames "$p" "$c" | tr '\0' '\n' |
		LC_ALL=C grep -axv '.*[^[:print:][:space:]].*' | LC_ALL=C sort || true)
	got=$(attr "$DB" "$c" paths)
	if [[ "$want" != "$got" ]]; then
		bad=$((bad + 1))
		echo "  $c: git [$want] orgmri [$got]" >&2
	fi
	# and the line counts, as numstat gives them
	want=$(git diff --numstat --no-renames "$p" "$c" |
		awk '{if ($1 != "-") a += $1; if ($2 != "-") d += $2} END {print a + 0, d + 0}')
	got="$(attr "$DB" "$c" additions) $(attr "$DB" "$c" deletions)"
	if [[ "$want" != "$got" ]]; then
		bad=$((bad + 1))
		echo "  $c: numstat git [$want] orgmri [$got]" >&2
	fi
done
check paths_and_lines_vs_git 0 "$bad"

# --no-diff: no paths.
ND=$T/nodiff.db
"$ORGMRI" ingest -q --no-diff --db "$ND" "$R"
check nodiff_paths 0 "$(q "$ND" "select count(*) from events where json_extract(attrs, '\$.paths') is not null")"

# ---- CODEOWNERS ------------------------------------------------------
owners_of() { # owners_of DB -> "path|rules|time|actor" of codeowners events
	q "$1" "select json_extract(e.attrs, '\$.path') || '|' || json_extract(e.attrs, '\$.rules') || '|' || e.time || '|' || coalesce(p.name, '') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id left join people p on p.id = e.actor_id where a.name = 'codeowners' and o.key = 'repo:' || json_extract(e.attrs, '\$.repo')"
}
check no_codeowners 0 "$(q "$DB" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"

O=$T/owners
git init -q "$O"
cd "$O"
mkdir -p docs .github
printf '* @docs-team\n' >docs/CODEOWNERS
git add -A
commit "docs owners" >/dev/null
OD=$T/o1.db
"$ORGMRI" ingest -q --db "$OD" "$O"
t_head=$(($(git log -1 --format=%ct) * 1000))
check owners_docs "docs/CODEOWNERS|* @docs-team${nl}|$t_head|" "$(owners_of "$OD")"

printf '# root\n*.c @c-team\n' >CODEOWNERS
git add -A
commit "root owners" >/dev/null
OD=$T/o2.db
"$ORGMRI" ingest -q --db "$OD" "$O"
t_head=$(($(git log -1 --format=%ct) * 1000))
check owners_root "CODEOWNERS|# root${nl}*.c @c-team${nl}|$t_head|" "$(owners_of "$OD")"

printf '/src/ @gh-team\n' >.github/CODEOWNERS
git add -A
commit "github owners" >/dev/null
OD=$T/o3.db
"$ORGMRI" ingest -q --db "$OD" "$O"
t_head=$(($(git log -1 --format=%ct) * 1000))
check owners_github ".github/CODEOWNERS|/src/ @gh-team${nl}|$t_head|" "$(owners_of "$OD")"
check owners_object "repo:owners" "$(q "$OD" "select o.key from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'codeowners'")"
out=$("$ORGMRI" ingest --db "$OD" "$O" 2>&1)
check owners_rerun "0 new" "$(grep -o '[0-9]* new' <<<"$out")"
# --since after HEAD's date: no event, and a later run still emits it.
OS=$T/o-since.db
"$ORGMRI" ingest -q --since 2027-01-01 --db "$OS" "$O"
check owners_since 0 "$(q "$OS" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"
"$ORGMRI" ingest -q --db "$OS" "$O"
check owners_after_since 1 "$(q "$OS" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"

# A new HEAD with the same file: no new codeowners event; a changed file:
# one more.
printf 'more\n' >other.txt
git add -A
commit "unrelated" >/dev/null
"$ORGMRI" ingest -q --db "$OD" "$O"
check owners_unchanged 1 "$(q "$OD" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"
printf '/src/ @gh-team\n/docs/ @writers\n' >.github/CODEOWNERS
git add -A
commit "owners again" >/dev/null
"$ORGMRI" ingest -q --db "$OD" "$O"
check owners_changed 2 "$(q "$OD" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"

# The cap: 700 lines of 100 bytes and a line with a byte that is not
# UTF-8 near the start of a second file: cut at a line boundary.
for i in $(seq 1 700); do printf '/d%04d/ %091d\n' "$i" 0; done >.github/CODEOWNERS
git add -A
commit "big owners" >/dev/null
OD=$T/o4.db
"$ORGMRI" ingest -q --db "$OD" "$O"
expected=$(head -c 65536 .github/CODEOWNERS | sed '$d')
check rules_cap_text "$expected" "$(q "$OD" "select json_extract(e.attrs, '\$.rules') from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"
check rules_cap_bytes "65500|1" "$(q "$OD" "select length(cast(json_extract(e.attrs, '\$.rules') as blob)) || '|' || json_extract(e.attrs, '\$.rules_truncated') from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'")"
printf '* @a\n* @b\xe9c\n* @d\n' >.github/CODEOWNERS
git add -A
commit "latin-1 owners" >/dev/null
OD=$T/o5.db
"$ORGMRI" ingest -q --db "$OD" "$O"
check rules_utf8 "* @a|65536" "$(q "$OD" "select json_extract(e.attrs, '\$.rules') || '|' || (json_extract(e.attrs, '\$.rules_truncated') * 65536) from events e join activities a on a.id = e.activity_id where a.name = 'codeowners'" | tr -d '\n')"

if ((fails)); then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "test_git_paths: all checks passed"
