#!/bin/bash
# test_git_pulls.sh - squash merges and the platform's pull request refs.
# A squash commit replaces a pull request's commits and is authored at the
# merge, so the first-parent line alone shows no coding.  When the
# repository holds refs/pull/N/head (GitHub) or refs/merge-requests/N/head
# (GitLab), the change also takes the commits its head reaches and the
# merge's parent does not (docs/git.md, "Pull request refs").  Checked on
# a repository built here:
#  - #8: two commits on its head, then squash-merged: the change contains
#    them and the squash commit; first_authored is the first of them;
#  - #9: a commit pushed to its head after the merge is not taken;
#  - #10: stacked on #8's branch: takes only its own commit (#8 took the
#    others in the same run);
#  - #11: a squash merge without a ref: as before (its own commit only);
#  - #12: its head merged main in: the merge commit is taken (marked as a
#    merge, not counted), main's commits are not;
#  - GitLab !5, squashed on its branch and merged: takes its MR's commit;
#  - a damaged pull request: a clear error naming its ref, the store
#    as it was; git.pull-refs = false reads the rest;
#  - the expected commit sets come from `git rev-list`, not from orgmri;
#  - git.pull-refs = false gives what a repository without the refs gives;
#  - an incremental run (up to #9, then all: #10 in the second run,
#    #8 in the first) stores row for row what one
#    full run stores; ingesting again adds nothing;
#  - with --all and #8's branch kept, its commits are read by pass 1 and
#    stored once;
#  - `orgmri simulate --calibration` sees coding for every squash change
#    that has a ref.
. "$(dirname "$0")/lib.sh"

git_identity

R=$T/repo
git init -q "$R"
cd "$R"
# commit MESSAGE DATE [AUTHOR]
commit() {
	echo "$1 $2" >>"f-${3:-Alice}.txt"
	git add -A
	GIT_AUTHOR_NAME=${3:-Alice} GIT_AUTHOR_DATE=$2 GIT_COMMITTER_DATE=$2 \
		git commit -q -m "$1"
}
# squash BRANCH "TITLE (#N)" DATE: GitHub's squash merge onto main
squash() {
	git checkout -q main
	git merge -q --squash "$1" >/dev/null 2>&1
	GIT_AUTHOR_DATE=$3 GIT_COMMITTER_DATE=$3 git commit -q -m "$2"
}
epoch_ms() { echo $(($(date -u -d "$1" +%s) * 1000)); }

commit "Initial" 2026-03-01T09:00:00Z
git checkout -q -b pr8
commit "Work A1" 2026-03-02T09:00:00Z Bob
commit "Work A2" 2026-03-02T15:00:00Z Bob
git update-ref refs/pull/8/head pr8
git checkout -q -b pr10
commit "Work B1" 2026-03-03T09:00:00Z Carol
git update-ref refs/pull/10/head pr10
squash pr8 "Add A (#8)" 2026-03-04T10:00:00Z
S8=$(git rev-parse HEAD)
git checkout -q -b pr9
commit "Work C1" 2026-03-05T09:00:00Z Dave
squash pr9 "Add C (#9)" 2026-03-05T12:00:00Z
S9=$(git rev-parse HEAD)
git checkout -q pr9
commit "Late C2" 2026-03-06T09:00:00Z Dave
git update-ref refs/pull/9/head pr9
LATE=$(git rev-parse pr9)
HALF=$S9
squash pr10 "Add B (#10)" 2026-03-07T10:00:00Z
S10=$(git rev-parse HEAD)
commit "Direct (#11)" 2026-03-08T10:00:00Z
S11=$(git rev-parse HEAD)
git checkout -q -b pr12 "$S10"
commit "Work D1" 2026-03-08T12:00:00Z Erin
GIT_AUTHOR_DATE=2026-03-09T08:00:00Z GIT_COMMITTER_DATE=2026-03-09T08:00:00Z \
	git merge -q --no-ff -m "Merge main into pr12" main
git update-ref refs/pull/12/head pr12
squash pr12 "Add D (#12)" 2026-03-09T10:00:00Z
S12=$(git rev-parse HEAD)
# GitLab with "squash commits": the MR's commits squashed into one on the
# source branch, which a merge commit brings in; the MR's own commits
# stay under refs/merge-requests/5/head.
git checkout -q -b mr5
commit "Work E1" 2026-03-10T09:00:00Z Frank
git update-ref refs/merge-requests/5/head mr5
git checkout -q -b mr5-squashed main
git merge -q --squash mr5 >/dev/null 2>&1
GIT_AUTHOR_DATE=2026-03-11T10:00:00Z GIT_COMMITTER_DATE=2026-03-11T10:00:00Z \
	git commit -q -m "Add E"
git checkout -q main
GIT_AUTHOR_DATE=2026-03-11T10:00:00Z GIT_COMMITTER_DATE=2026-03-11T10:00:00Z \
	git merge -q --no-ff -m "Merge branch 'mr5' into 'main'

See merge request grp/proj!5" mr5-squashed
E1=$(git rev-parse mr5)
git branch -q -D pr8 pr9 pr10 pr12 mr5 mr5-squashed

# What each change should take, from git: the commits its head reaches
# and the squash's parent does not, committed at or before the squash,
# not taken by an earlier change; the squash commit itself.
declare -A want squash=([8]=$S8 [9]=$S9 [10]=$S10 [12]=$S12)
taken=" "
for n in 8 9 10 12; do
	s=${squash[$n]}
	st=$(git show -s --format=%ct "$s")
	list="$s"
	for c in $(git rev-list --reverse "refs/pull/$n/head" "^$s~1"); do
		[[ $(git show -s --format=%ct "$c") -le $st ]] || continue
		[[ $taken != *" $c "* ]] || continue
		taken="$taken$c "
		list="$list $c"
	done
	want[$n]=$(tr ' ' '\n' <<<"$list" | sort | tr '\n' ' ')
done
want[11]="$S11 "
extra=$(wc -w <<<"$taken")

contains() { # contains DB N: the commits change #N contains, sorted
	sqlite3 "$1" "select substr(d.key, length('commit:repo@') + 1)
	  from links l join objects s on s.id = l.src_id
	  join objects d on d.id = l.dst_id
	  where s.key = 'change:repo#$2' and l.relation = 'contains'
	  order by 1" | tr '\n' ' '
}
attr() { # attr DB N FIELD: a field of change #N's merged event
	sqlite3 "$1" "select json_extract(e.attrs, '\$.$3') from events e
	  join objects o on o.id = e.object_id where o.key = 'change:repo#$2'"
}

DB=$T/full.db
expect_status 0 "$ORGMRI" ingest -q --db "$DB" "$R"
for n in 8 9 10 11 12; do
	expect_eq "$(contains "$DB" $n)" "${want[$n]}" "change #$n contains"
done
expect_eq "$(attr "$DB" 8 first_authored)|$(attr "$DB" 8 commits)" \
	"2026-03-02T09:00:00Z|3" "#8 first_authored|commits"
expect_eq "$(attr "$DB" 9 first_authored)|$(attr "$DB" 9 commits)" \
	"2026-03-05T09:00:00Z|2" "#9 (late commit left out)"
expect_eq "$(attr "$DB" 10 first_authored)|$(attr "$DB" 10 commits)" \
	"2026-03-03T09:00:00Z|2" "#10 (stacked on #8)"
expect_eq "$(attr "$DB" 11 first_authored)|$(attr "$DB" 11 commits)" \
	"2026-03-08T10:00:00Z|1" "#11 (no ref)"
# #12: D1 and the squash counted; the merge of main only linked.
expect_eq "$(attr "$DB" 12 first_authored)|$(attr "$DB" 12 commits)" \
	"2026-03-08T12:00:00Z|2" "#12 (merged main in)"
expect_eq "$(sqlite3 "$DB" "select count(*) from links l join objects s on s.id = l.src_id
	  join objects d on d.id = l.dst_id where s.key = 'change:grp/proj!5'
	  and l.relation = 'contains' and d.key = 'commit:repo@$E1'")" 1 "GitLab !5 contains E1"
expect_eq "$(sqlite3 "$DB" "select json_extract(e.attrs, '\$.first_authored') from events e
	  join objects o on o.id = e.object_id where o.key = 'change:grp/proj!5'")" \
	2026-03-10T09:00:00Z "GitLab !5 first_authored"
expect_eq "$(sqlite3 "$DB" "select count(*) from objects where type = 'commit'")" \
	"$(($(git rev-list --count HEAD) + extra + 1))" "commit objects"
expect_eq "$(sqlite3 "$DB" "select count(*) from objects where key = 'commit:repo@$LATE'")" \
	0 "the commit pushed after the merge"
# Each commit once: one authored and one committed event.
expect_eq "$(sqlite3 "$DB" "select count(*) from (select e.object_id from events e
	  join activities a on a.id = e.activity_id where a.name = 'authored'
	  group by e.object_id having count(*) > 1)")" 0 "authored once"
# The pull request's commits carry no line counts (the squash commit does).
expect_eq "$(sqlite3 "$DB" "select count(*) from events e join objects o on o.id = e.object_id
	  join activities a on a.id = e.activity_id where a.name = 'committed'
	  and json_extract(e.attrs, '\$.additions') is not null")" \
	"$(git rev-list --count HEAD)" "line counts on first-parent history only"
expect_eq "$(sqlite3 "$DB" "select json_extract(e.attrs, '\$.merge') from events e
	  join objects o on o.id = e.object_id join activities a on a.id = e.activity_id
	  where a.name = 'committed' and o.key = 'commit:repo@$(git rev-parse refs/pull/12/head)'")" \
	1 "#12's merge of main is a merge"

# Ingesting again adds nothing.
expect_status 0 "$ORGMRI" ingest --db "$DB" "$R"
expect_grep "$T/err" " 0 new"

# Turned off: as a repository without the refs.
printf '[repo]\n\tname = repo\n' >"$T/name.cfg"
printf '[repo]\n\tname = repo\n[git]\n\tpull-refs = false\n' >"$T/off.cfg"
NOREF=$T/noref
git clone -q --bare --no-local "$R" "$NOREF"
expect_eq "$(git -C "$NOREF" for-each-ref refs/pull | wc -l)" 0 "a clone has no pull refs"
expect_status 0 "$ORGMRI" ingest -q --db "$T/off.db" --config "$T/off.cfg" "$R"
expect_status 0 "$ORGMRI" ingest -q --db "$T/noref.db" --config "$T/name.cfg" "$NOREF"
expect_eq "$(store_dump "$T/off.db" | md5sum)" "$(store_dump "$T/noref.db" | md5sum)" \
	"git.pull-refs = false"
expect_eq "$(contains "$T/off.db" 8)" "$S8 " "#8 without refs"

# Incremental: the history up to #9, then all of it.  The second run
# reads #10, stacked on #8, which the first run read: it must still
# leave #8's commits to #8.
HALFR=$T/half
git clone -q --mirror --no-local "$R" "$HALFR"
git -C "$HALFR" update-ref refs/heads/main "$HALF"
expect_status 0 "$ORGMRI" ingest -q --db "$T/inc.db" --config "$T/name.cfg" "$HALFR"
git -C "$HALFR" fetch -q "$R" "+refs/heads/main:refs/heads/main"
expect_status 0 "$ORGMRI" ingest -q --db "$T/inc.db" --config "$T/name.cfg" "$HALFR"
expect_eq "$("$ORGMRI" export --db "$T/inc.db" | md5sum)" \
	"$("$ORGMRI" export --db "$DB" | md5sum)" "incremental = full"
expect_eq "$("$ORGMRI" export --db "$T/inc.db" | wc -l)" \
	"$("$ORGMRI" export --db "$DB" | wc -l)" "incremental: events"

# --all with #8's branch kept: pass 1 reads its commits (with line
# counts); #8 still contains them, each stored once.
git branch -q keep8 refs/pull/8/head
expect_status 0 "$ORGMRI" ingest -q --all --db "$T/all.db" "$R"
expect_eq "$(contains "$T/all.db" 8)" "${want[8]}" "--all: #8 contains"
expect_eq "$(sqlite3 "$T/all.db" "select count(*) from (select e.object_id from events e
	  join activities a on a.id = e.activity_id where a.name = 'authored'
	  group by e.object_id having count(*) > 1)")" 0 "--all: authored once"
git branch -q -D keep8

# A damaged pull request: a commit its ref reaches is gone.  The ingest
# fails naming the ref, and what the store held stays (as for any damaged
# object: docs/git.md, "Errors").
BROKEN=$T/broken.git
cp -r "$R/.git" "$BROKEN"   # loose objects, as the commits wrote them
A1=$(git rev-parse refs/pull/8/head~1)
rm -f "$BROKEN/objects/${A1:0:2}/${A1:2}"
git -C "$BROKEN" cat-file -e "$A1" 2>/dev/null && fail "the object is still there"
kept="select o.key, e.time, e.activity_id, e.attrs from events e
  join objects o on o.id = e.object_id where o.key not like '%broken%'
  order by 1, 2, 3, 4"
before=$(sqlite3 "$T/off.db" "$kept" | md5sum)
printf '[repo]\n\tname = broken\n' >"$T/broken.cfg"
expect_status 1 "$ORGMRI" ingest -q --db "$T/off.db" --config "$T/broken.cfg" "$BROKEN"
expect_grep "$T/err" "cannot read the commits of refs/pull/8/head"
expect_eq "$(sqlite3 "$T/off.db" "$kept" | md5sum)" "$before" "a failed ingest keeps what was stored"
printf '[repo]\n\tname = broken\n[git]\n\tpull-refs = false\n' >"$T/broken-off.cfg"
expect_status 0 "$ORGMRI" ingest -q --db "$T/off.db" --config "$T/broken-off.cfg" "$BROKEN"

# The simulation's calibration: every squash change with a ref shows
# coding; #11 (no ref) is the one unobserved.
expect_status 0 "$ORGMRI" simulate --db "$DB" --calibration
expect_grep "$T/out" '^coding  *1 of 6 visits unobserved'
finish
