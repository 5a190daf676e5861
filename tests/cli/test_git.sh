#!/bin/bash
# test_git.sh - the git adapter end to end on repositories built here, at
# test time, with the git program and fixed dates: each merge style,
# trailers, a revert, annotated and lightweight tags, time zones, an
# incremental re-run, an empty repository, a shallow clone and a damaged
# object.  Expected values come from the git program (rev-list, log
# --numstat) or from the dates written below, never from orgmri itself.
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
# Events of one activity, or the events of one object.
count_act() { q "$1" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = '$2'"; }
epoch_ms() { echo $(($(date -u -d "$1" +%s) * 1000)); }

export GIT_CONFIG_NOSYSTEM=1 HOME=$T GIT_TERMINAL_PROMPT=0
git config --global user.name Alice
git config --global user.email alice@example.com
git config --global init.defaultBranch main
git config --global advice.detachedHead false

R=$T/repo
git init -q "$R"
cd "$R"
# commit MESSAGE AUTHOR-DATE [FILE LINES...]
commit() {
	local msg=$1 date=$2 file=$3
	shift 3
	printf '%s\n' "$@" >>"$file"
	git add "$file"
	GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git commit -q -m "$msg"
}
merge() { # merge BRANCH MESSAGE DATE
	GIT_AUTHOR_DATE=$3 GIT_COMMITTER_DATE=$3 git merge -q --no-ff -m "$2" "$1"
}

commit "Initial" "2026-01-01T10:00:00+02:00" a.txt one two three
git tag v1.0
git checkout -q -b feature
GIT_AUTHOR_NAME=Bob commit "Add b

Co-authored-by: Claude <noreply@anthropic.com>" "2026-01-02T09:00:00-05:00" b.txt b1 b2
GIT_AUTHOR_NAME=Bob commit "More b" "2026-01-02T16:00:00Z" b.txt b3
git checkout -q main
merge feature "Merge pull request #7 from bob/feature

Add the b file" "2026-01-03T10:00:00Z"
commit "Fix typo (#8)" "2026-01-04T10:00:00Z" a.txt four
SQUASH=$(git rev-parse HEAD)
git checkout -q -b gl
commit "GitLab work" "2026-01-05T09:00:00Z" c.txt c1
git checkout -q main
merge gl "Merge branch 'gl' into 'main'

See merge request grp/proj!5" "2026-01-05T10:00:00Z"
git checkout -q -b plain
commit "Plain work" "2026-01-06T09:00:00Z" d.txt d1 d2 d3
git checkout -q main
merge plain "Merge branch 'plain'" "2026-01-06T10:00:00Z"
PLAIN=$(git rev-parse HEAD)
HALF=$(git rev-parse HEAD)

GIT_COMMITTER_DATE="2026-01-07T00:00:00Z" git tag -a v1.1 -m "Release 1.1"
GIT_AUTHOR_DATE="2026-01-08T10:00:00Z" GIT_COMMITTER_DATE="2026-01-08T10:00:00Z" \
	git revert --no-edit "$SQUASH" >/dev/null
REVERT=$(git rev-parse HEAD)
commit "Tune things

Assisted-by: Cursor" "2026-01-09T10:00:00+05:30" a.txt five
git tag v1.1.1
git tag not-a-release

DB=$T/full.db
"$ORGMRI" ingest -q --db "$DB" "$R"

# Commits and merges as git counts them (HEAD and every release tag).
check commits "$(git rev-list --count HEAD)" \
	"$(q "$DB" "select count(*) from objects where type = 'commit'")"
check merges "$(git rev-list --merges --count HEAD)" \
	"$(q "$DB" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'committed' and e.attrs like '%\"merge\":true%'")"
check authored "$(git rev-list --count HEAD)" "$(count_act "$DB" authored)"

# Changes: one per style, keyed as docs/git.md says.
check changes "change:grp/proj!5 change:repo#7 change:repo#8 change:repo#merge-$PLAIN" \
	"$(q "$DB" "select group_concat(key, ' ') from (select key from objects where type = 'change' order by key)")"
check merged 4 "$(count_act "$DB" merged)"
# PR #7 contains the merge commit and both branch commits.
check contains7 3 "$(q "$DB" "select count(*) from links l join objects o on o.id = l.src_id where o.key = 'change:repo#7' and l.relation = 'contains'")"
check pr7_attrs "github|Add the b file|2|2026-01-02T14:00:00Z|2026-01-02T16:00:00Z|1" \
	"$(q "$DB" "select json_extract(attrs, '\$.style'), json_extract(attrs, '\$.title'), json_extract(attrs, '\$.commits'), json_extract(attrs, '\$.first_authored'), json_extract(attrs, '\$.last_committed'), json_extract(attrs, '\$.ai_assisted') from events e join objects o on o.id = e.object_id where o.key = 'change:repo#7'")"
check pr7_time "$(epoch_ms 2026-01-03T10:00:00Z)" \
	"$(q "$DB" "select time from events e join objects o on o.id = e.object_id where o.key = 'change:repo#7'")"

# Time zones: authored at 09:00-05:00 is 14:00Z; 10:00+05:30 is 04:30Z.
B1=$(git rev-parse feature~1)
check tz_west "$(epoch_ms 2026-01-02T14:00:00Z)|-0500" \
	"$(q "$DB" "select time, json_extract(attrs, '\$.tz') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where o.key = 'commit:repo@$B1' and a.name = 'authored'")"
check tz_east "$(epoch_ms 2026-01-09T04:30:00Z)|+0530" \
	"$(q "$DB" "select time, json_extract(attrs, '\$.tz') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where o.key = 'commit:repo@$(git rev-parse HEAD)' and a.name = 'committed'")"

# AI-assisted markers: the Co-authored-by Claude and the Assisted-by commits.
check ai_commits 2 "$(q "$DB" "select count(*) from events e join activities a on a.id = e.activity_id where a.name = 'committed' and e.attrs like '%\"ai_assisted\":true%'")"

# The revert: linked to the reverted commit ("reverts") and its change.
check reverts "commit:repo@$SQUASH" \
	"$(q "$DB" "select d.key from links l join objects s on s.id = l.src_id join objects d on d.id = l.dst_id where s.key = 'commit:repo@$REVERT' and l.relation = 'reverts'")"
check revert_change 1 "$(q "$DB" "select count(*) from links l join objects s on s.id = l.src_id join objects d on d.id = l.dst_id where s.key = 'commit:repo@$REVERT' and d.key = 'change:repo#8'")"

# Releases: three version tags; v1.1's time is its tagger date, v1.0's the
# commit's; each commit deployed once, by the first release holding it.
check deployments "deployment:repo/release/v1.0 deployment:repo/release/v1.1 deployment:repo/release/v1.1.1" \
	"$(q "$DB" "select group_concat(key, ' ') from (select key from objects where type = 'deployment' order by key)")"
check v1_0_time "$(epoch_ms 2026-01-01T08:00:00Z)" "$(q "$DB" "select time from events e join objects o on o.id = e.object_id where o.key = 'deployment:repo/release/v1.0'")"
check v1_1_time "$(epoch_ms 2026-01-07T00:00:00Z)" "$(q "$DB" "select time from events e join objects o on o.id = e.object_id where o.key = 'deployment:repo/release/v1.1'")"
check deploys_per_release "v1.0:1 v1.1:$(git rev-list --count v1.0..v1.1) v1.1.1:$(git rev-list --count v1.1..v1.1.1)" \
	"$(q "$DB" "select group_concat(t || ':' || n, ' ') from (select json_extract(e.attrs, '\$.tag') t, count(l.id) n from events e join objects o on o.id = e.object_id left join links l on l.event_id = e.id where o.type = 'deployment' group by o.key order by o.key)")"
check deployed_once "$(git rev-list --count HEAD)" "$(q "$DB" "select count(distinct dst_id) from links where relation = 'deploys'")"
check hotfix "v1.1.1" "$(q "$DB" "select json_extract(attrs, '\$.tag') from events where attrs like '%\"hotfix\":true%'")"

# Lines per commit as `git log --numstat` counts them (merges against
# their first parent).
expected=$(git log --numstat --no-renames --diff-merges=first-parent --format='C %H' HEAD |
	awk '/^C /{if(h)print h, a, d, f; h=$2; a=0; d=0; f=0; next} NF==3{a+=$1; d+=$2; f++} END{print h, a, d, f}' | sort)
actual=$(q "$DB" "select substr(o.key, 13), json_extract(attrs, '\$.additions'), json_extract(attrs, '\$.deletions'), json_extract(attrs, '\$.files') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'committed'" | tr '|' ' ' | sort)
check numstat "$expected" "$actual"

# Ingesting again changes nothing.
out=$("$ORGMRI" ingest --db "$DB" "$R" 2>&1)
check rerun_new "0 new" "$(grep -o '[0-9]* new' <<<"$out")"

# Incremental: a store that saw the history up to $HALF, then all of it,
# holds exactly what the full ingest holds.
git clone -q --no-local "$R" "$T/half"
git -C "$T/half" reset -q --hard "$HALF"
git -C "$T/half" tag -d v1.1 v1.1.1 not-a-release >/dev/null
git -C "$T/half" remote remove origin
mv "$R" "$T/repo.full"
mv "$T/half" "$R"
INC=$T/inc.db
"$ORGMRI" ingest -q --db "$INC" "$R"
rm -rf "$R"
mv "$T/repo.full" "$R"
"$ORGMRI" ingest -q --db "$INC" "$R"
check incremental "$("$ORGMRI" export --db "$DB")" "$("$ORGMRI" export --db "$INC")"

# --no-diff: no line counts, same objects.
ND=$T/nodiff.db
"$ORGMRI" ingest -q --no-diff --db "$ND" "$R"
check nodiff_objects "$(q "$DB" "select count(*) from objects")" "$(q "$ND" "select count(*) from objects")"
check nodiff_lines 0 "$(q "$ND" "select count(*) from events where attrs like '%additions%'")"

# Configuration: a tag pattern, and AI names replacing the defaults.
printf '[release]\n\ttagPattern = ^not-\n[ai]\n\tname = nobody\n\ttrailer = None-such\n' >"$T/cfg"
CF=$T/cfg.db
"$ORGMRI" ingest -q --config "$T/cfg" --db "$CF" "$R"
check cfg_tags "deployment:repo/release/not-a-release" "$(q "$CF" "select group_concat(key) from objects where type = 'deployment'")"
check cfg_ai 0 "$(q "$CF" "select count(*) from events where attrs like '%\"ai_assisted\":true%'")"

# The name from the origin remote, in a shallow clone.
git clone -q --depth 3 --no-tags "file://$R" "$T/shallow"
git -C "$T/shallow" remote set-url origin https://github.com/acme/api.git
SH=$T/shallow.db
"$ORGMRI" ingest -q --db "$SH" "$T/shallow"
check shallow_commits "$(git -C "$T/shallow" rev-list --count HEAD)" \
	"$(q "$SH" "select count(*) from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'authored' and o.key like 'commit:acme/api@%'")"
# The boundary commit's parent is absent: no line counts for it.
check shallow_boundary_nodiff "" "$(q "$SH" "select json_extract(attrs, '\$.additions') from events e join objects o on o.id = e.object_id join activities a on a.id = e.activity_id where a.name = 'committed' and o.key = 'commit:acme/api@$(head -1 "$T/shallow/.git/shallow")'")"

# An empty repository: nothing to read, not an error.
git init -q "$T/empty"
EM=$T/empty.db
"$ORGMRI" ingest -q --db "$EM" "$T/empty"
check empty 0 "$(q "$EM" "select count(*) from events")"
check detect_bare_ok 0 "$(git init -q --bare "$T/bare.git"; "$ORGMRI" ingest -q --db "$EM" "$T/bare.git"; echo $?)"

# A damaged object: a clear error naming it; what was stored stays.
cp -r "$R" "$T/broken"
OBJ=$(git -C "$T/broken" rev-parse HEAD~2)
f="$T/broken/.git/objects/${OBJ:0:2}/${OBJ:2}"
chmod u+w "$f"
printf 'garbage' >"$f"
kept="select count(*) from events e join objects o on o.id = e.object_id where o.key not like '%broken%'"
before=$(q "$DB" "$kept")
set +e
msg=$("$ORGMRI" ingest --db "$DB" "$T/broken" 2>&1)
status=$?
set -e
check broken_status 1 "$status"
check broken_names_object 1 "$(grep -c "${OBJ:0:7}\|cannot\|corrupt" <<<"$msg" | awk '{print ($1 > 0)}')"
check broken_kept "$before" "$(q "$DB" "$kept")"

if ((fails)); then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "test_git: all checks passed"
