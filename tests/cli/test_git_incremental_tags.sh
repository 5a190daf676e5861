#!/bin/bash
# test_git_incremental_tags.sh - an incremental git ingest whose new
# first-parent line brings in commits that a release tag already brought
# in on the last run.  The changes must get them as a full run gives
# them (orgmri export equal, but for the CODEOWNERS event, absent here):
#  - a release branch tagged before it is merged (git-flow): the merge
#    read on the second run must contain the branch's commits;
#  - a release tag ahead of the default branch (the branch was behind the
#    tags when the first run read it): the merges between the old head
#    and the tag must become changes on the second run.
. "$(dirname "$0")/lib.sh"

git_identity

R=$T/repo
git init -q "$R"
cd "$R"
n=0
at() { # the next minute; sets d
	n=$((n + 1))
	d="2026-04-01T$(printf %02d $((n / 60))):$(printf %02d $((n % 60))):00Z"
}
commit() { # commit MESSAGE [AUTHOR]
	local d
	at
	echo "$1" >>"f$n.txt"
	git add -A
	GIT_AUTHOR_NAME=${2:-Alice} GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d \
		git commit -q -m "$1"
}
merge() { # merge BRANCH NUMBER
	local d
	at
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git merge -q --no-ff \
		-m "Merge pull request #$2 from acme/$1" "$1"
}
export_of() { "$ORGMRI" export --db "$1" | grep -v '"object":"repo:'; }
contains() { # contains DB N: how many commits change #N contains
	sqlite3 "$1" "select count(*) from links l join objects s on s.id = l.src_id
	  where s.key = 'change:repo#$2' and l.relation = 'contains'"
}
printf '[repo]\n\tname = repo\n' >"$T/name.cfg"

commit "Initial"
git checkout -q -b feat1
commit "Feature one" Bob
git checkout -q main
merge feat1 1
git tag v1.0
# git-flow: a release branch with two commits, tagged, not yet merged
git checkout -q -b release
commit "Release fix A" Carol
commit "Release fix B" Carol
git tag v1.1
git checkout -q main
commit "Main work"
OLD=$(git rev-parse HEAD)
# later: the release branch is merged back, and more work lands
merge release 2
git checkout -q -b feat3
commit "Feature three" Dave
git checkout -q main
merge feat3 3
git tag v1.2
git checkout -q -b feat4
commit "Feature four" Erin
git checkout -q main
merge feat4 4

# Full run.
expect_status 0 "$ORGMRI" ingest -q --db "$T/full.db" --config "$T/name.cfg" "$R"
expect_eq "$(contains "$T/full.db" 2)" 3 "full: #2 contains its merge and the two release commits"

# Case 1: the first run sees main at OLD with v1.0 and v1.1 (the release
# branch tagged, not merged); the second run all of it.
A=$T/a
git clone -q --mirror --no-local "$R" "$A"
git -C "$A" update-ref refs/heads/main "$OLD"
git -C "$A" tag -d v1.2 >/dev/null
expect_status 0 "$ORGMRI" ingest -q --db "$T/a.db" --config "$T/name.cfg" "$A"
git -C "$A" fetch -q "$R" "+refs/heads/main:refs/heads/main" "+refs/tags/*:refs/tags/*"
expect_status 0 "$ORGMRI" ingest -q --db "$T/a.db" --config "$T/name.cfg" "$A"
expect_eq "$(contains "$T/a.db" 2)" 3 "git-flow: #2 contains the release commits"
expect_eq "$(export_of "$T/a.db" | md5sum)" "$(export_of "$T/full.db" | md5sum)" \
	"git-flow: incremental = full"

# Case 2: the first run sees main at OLD but every tag, v1.2 included
# (ahead of main); the second run all of it.
B=$T/b
git clone -q --mirror --no-local "$R" "$B"
git -C "$B" update-ref refs/heads/main "$OLD"
expect_status 0 "$ORGMRI" ingest -q --db "$T/b.db" --config "$T/name.cfg" "$B"
git -C "$B" fetch -q "$R" "+refs/heads/main:refs/heads/main"
expect_status 0 "$ORGMRI" ingest -q --db "$T/b.db" --config "$T/name.cfg" "$B"
expect_eq "$(sqlite3 "$T/b.db" "select count(*) from objects where type = 'change'")" \
	4 "tag ahead: every change"
expect_eq "$(contains "$T/b.db" 3)" 2 "tag ahead: #3 contains its commits"
# The commits v1.2 brought in are stored as the first run saw them (an
# event already stored is kept: no churn_lines, which only first-parent
# commits of HEAD get); everything else is what a full run stores.
expect_eq "$(export_of "$T/b.db" | grep -v '"activity":"committed"' | md5sum)" \
	"$(export_of "$T/full.db" | grep -v '"activity":"committed"' | md5sum)" \
	"tag ahead: incremental = full but the committed events"
expect_eq "$(export_of "$T/b.db" | wc -l)" "$(export_of "$T/full.db" | wc -l)" \
	"tag ahead: as many events"
finish
