#!/bin/bash
# test_git_pipeline.sh - what the git adapter's speed-ups must not change:
#  - the counts remembered by object ids (git_diff.c's memo): merges that
#    repeat their branch's changes and whole-file adds, a revert (the same
#    pair of blobs the other way round), a binary file, a folder deleted
#    and added again; every commit's additions/deletions/files must equal
#    `git log --numstat` with 1 and with 2 diff threads;
#  - the events handed to the store on the pipeline's thread: the store is
#    row for row (ids included) what ORGMRI_PIPELINE=0 stores, with and
#    without diffs, and an incremental run stores what a full one does;
#  - detection without libgit2: a bare repository, a work tree, a linked
#    worktree (.git file) are git; a folder with only a HEAD file is not.
. "$(dirname "$0")/lib.sh"

git_identity

R=$T/repo
git init -q "$R"
cd "$R"
n=0
at() { n=$((n + 1)); echo "2026-02-01T10:$(printf %02d $n):00Z"; }
commit() { # commit MESSAGE
	local d
	d=$(at)
	git add -A
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git commit -q -m "$1"
}
merge() { # merge BRANCH MESSAGE
	local d
	d=$(at)
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git merge -q --no-ff -m "$2" "$1"
}
seq 1 40 >a.txt
printf 'x\0y\n' >b.bin
mkdir deps
seq 100 130 >deps/x.c
seq 200 260 >deps/y.c
commit "Initial"
# one branch commit changing a.txt: the merge repeats the pair exactly
git checkout -q -b f1
sed -i 's/^7$/seven/; s/^30$/thirty\nmore/' a.txt
commit "Edit a"
EDIT=$(git rev-parse HEAD)
git checkout -q main
merge f1 "Merge pull request #1 from alice/f1"
# whole files added on a branch: the merge adds the same blobs again
git checkout -q -b f2
mkdir -p lib
seq 1 17 >lib/one.c
printf 'no newline at end' >lib/two.c
printf 'x\0z\n' >b.bin
commit "Add lib, change the binary"
git checkout -q main
merge f2 "Merge pull request #2 from alice/f2"
# a revert: the same blobs as "Edit a", the other way round
d=$(at)
GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git revert --no-edit "$EDIT" >/dev/null
# a folder deleted, then added again with the same content
git rm -q -r deps
commit "Drop deps"
mkdir deps
seq 100 130 >deps/x.c
seq 200 260 >deps/y.c
commit "Vendor deps again"
git tag v1.0.0
cd "$T"

numstat() { # the expected "SHA additions deletions files", sorted
	git -C "$R" log --numstat --no-renames --diff-merges=first-parent \
		--format='C %H' HEAD |
		awk '/^C /{if (sha) print sha, a, d, f; sha=$2; a=0; d=0; f=0; next}
		     NF==3{f++; if ($1 != "-") {a+=$1; d+=$2}}
		     END{print sha, a, d, f}' | sort
}
stored() { # the same from a store
	sqlite3 "$1" "select substr(o.key, instr(o.key, '@') + 1),
		json_extract(attrs, '\$.additions'), json_extract(attrs, '\$.deletions'),
		json_extract(attrs, '\$.files') from events e
		join objects o on o.id = e.object_id join activities a on a.id = e.activity_id
		where a.name = 'committed'" | tr '|' ' ' | sort
}
expected=$(numstat)
expect_eq "$(echo "$expected" | wc -l)" 8 "commits in the test repository"
for threads in 1 2; do
	printf '[git]\n\tthreads = %s\n' "$threads" >"$T/threads.conf"
	"$ORGMRI" --config "$T/threads.conf" --db "$T/t$threads.db" ingest -q "$R"
	expect_eq "$(stored "$T/t$threads.db")" "$expected" "numstat, $threads thread(s)"
done

# every table but the run log and the random generation, ids included
dump() { store_dump "$1" "key NOT IN ('generation')"; }
for args in "" "--no-diff"; do
	name=full${args:+-nodiff}
	# shellcheck disable=SC2086
	ORGMRI_PIPELINE=0 "$ORGMRI" --db "$T/$name-plain.db" ingest -q $args "$R"
	# shellcheck disable=SC2086
	"$ORGMRI" --db "$T/$name-pipe.db" ingest -q $args "$R"
	dump "$T/$name-plain.db" >"$T/$name-plain.txt"
	dump "$T/$name-pipe.db" >"$T/$name-pipe.txt"
	if [ -s "$T/$name-plain.txt" ] && cmp -s "$T/$name-plain.txt" "$T/$name-pipe.txt"
	then ok; else
		fail "$name: stores differ: $(diff "$T/$name-plain.txt" "$T/$name-pipe.txt" | head -6)"
	fi
done
expect_eq "$(sqlite3 "$T/full-nodiff-pipe.db" "select count(*) from events")" \
	"$(($(git -C "$R" rev-list --count HEAD) * 2 + 2 + 1))" \
	"--no-diff events: authored + committed per commit, 2 changes, 1 release"

# incremental: the first half, then the rest, equals one full run (events)
events() {
	sqlite3 "$1" "select o.key, a.name, e.time, e.attrs from events e
		join objects o on o.id = e.object_id join activities a on a.id = e.activity_id
		order by 1, 2, 3"
}
for args in "" "--no-diff"; do
	git clone -q "$R" "$T/inc$args"
	git -C "$T/inc$args" reset -q --hard HEAD~3
	git -C "$T/inc$args" tag -d v1.0.0 >/dev/null
	# shellcheck disable=SC2086
	"$ORGMRI" --db "$T/inc$args.db" ingest -q $args "$T/inc$args"
	git -C "$T/inc$args" pull -q --tags "$R" main
	# shellcheck disable=SC2086
	"$ORGMRI" --db "$T/inc$args.db" ingest -q $args "$T/inc$args"
	# shellcheck disable=SC2086
	"$ORGMRI" --db "$T/one$args.db" ingest -q $args "$T/inc$args"
	expect_eq "$(events "$T/inc$args.db" | md5sum)" "$(events "$T/one$args.db" | md5sum)" \
		"incremental $args = one run"
done

# detection
git init -q --bare "$T/bare.git"
expect_status 0 "$ORGMRI" --db "$T/d.db" ingest -q "$T/bare.git"
git -C "$R" worktree add -q "$T/wt" HEAD~1
expect_status 0 "$ORGMRI" --db "$T/d.db" ingest -q "$T/wt"
mkdir -p "$T/notgit/objects"
echo "ref: refs/heads/main" >"$T/notgit/HEAD"
expect_status 1 "$ORGMRI" --db "$T/d.db" ingest -q "$T/notgit"
expect_grep "$T/err" "kind"
finish
