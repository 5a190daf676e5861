#!/bin/bash
# test_git_churn.sh - the git adapter's `churn_lines` (docs/git.md,
# "Churn"): lines a first-parent commit rewrote that were under 21 days
# old.  Checked three ways, none of them by orgmri itself:
#   1. a small history written out here with the answer worked by hand;
#   2. generated histories (edits, deletions, renames, --no-ff merges,
#      blank and repeated lines) against git_churn_check.py, which asks
#      `git diff -M` and `git blame --first-parent` for every commit;
#   3. the same after an incremental ingest (the replay starts a few
#      weeks before the first new commit instead of at the root).
set -euo pipefail
: "${ORGMRI:?path to the orgmri binary}"
: "${ORGMRI_SOURCE_DIR:?the source tree}"
CHECK=$ORGMRI_SOURCE_DIR/tests/cli/git_churn_check.py
T=$(mktemp -d)
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$T"' EXIT
fails=0
export GIT_CONFIG_NOSYSTEM=1 HOME=$T GIT_TERMINAL_PROMPT=0
git config --global user.name Dev
git config --global user.email dev@example.com
git config --global init.defaultBranch main

# got DB: "SHA CHURN" of every commit carrying churn_lines, sorted
got() {
	sqlite3 "$1" "select substr(o.key, instr(o.key, '@') + 1),
	  json_extract(e.attrs, '\$.churn_lines') from events e
	  join objects o on o.id = e.object_id
	  join activities a on a.id = e.activity_id
	  where a.name = 'committed'
	    and json_extract(e.attrs, '\$.churn_lines') is not null" |
		tr '|' ' ' | sort
}
same() { # same NAME EXPECTED-FILE GOT-FILE
	if ! diff -u "$2" "$3" >"$T/diff"; then
		echo "FAIL: $1:" >&2
		head -20 "$T/diff" >&2
		fails=$((fails + 1))
	else
		echo "ok: $1 ($(wc -l <"$2") commits)"
	fi
}

# 1. By hand.  Day 1: ten lines.  Day 6: lines 2-3 replaced (2 young
#    lines rewritten).  Day 30: line 1 (day 1, 29 days old) and line 2
#    (day 6, 24 days old) replaced: 0.  Day 40: line 2 (day 30, 10 days
#    old) deleted and the file renamed: 1.  Day 51: the renamed file
#    deleted whole: line 1 is from day 30, 21 days old to the second,
#    which is no longer young; the rest is older: 0.
R=$T/hand
git init -q "$R"
c() { # c DAY MESSAGE
	local d
	d=$(date -u -d "2026-03-01 12:00:00Z $1 days" +%Y-%m-%dT%H:%M:%SZ)
	git -C "$R" add -A
	GIT_AUTHOR_DATE=$d GIT_COMMITTER_DATE=$d git -C "$R" commit -q -m "$2"
	git -C "$R" rev-parse HEAD
}
seq 1 10 >"$R/a.txt"
h1=$(c 1 "ten lines")
printf '1\nB\nC\n4\n5\n6\n7\n8\n9\n10\n' >"$R/a.txt"
h2=$(c 6 "two young lines rewritten")
printf 'A\nBB\nC\n4\n5\n6\n7\n8\n9\n10\n' >"$R/a.txt"
h3=$(c 30 "two old lines rewritten")
printf 'A\nC\n4\n5\n6\n7\n8\n9\n10\n' >"$R/b.txt"
rm "$R/a.txt"
h4=$(c 40 "one young line deleted, file renamed")
git -C "$R" rm -q b.txt
h5=$(c 51 "renamed file deleted")
printf '%s\n' "$h1 0" "$h2 2" "$h3 0" "$h4 1" "$h5 0" | sort >"$T/hand.exp"
"$ORGMRI" --db "$T/hand.db" ingest -q "$R"
got "$T/hand.db" >"$T/hand.got"
same "by hand" "$T/hand.exp" "$T/hand.got"

# 2. Generated histories against git blame.
for seed in 1 2; do
	G=$T/gen$seed
	python3 "$CHECK" make "$G" $seed 250
	python3 "$CHECK" expect "$G" | sort >"$T/gen$seed.exp"
	"$ORGMRI" --db "$T/gen$seed.db" ingest -q "$G"
	got "$T/gen$seed.db" >"$T/gen$seed.got"
	same "generated history $seed against git blame" "$T/gen$seed.exp" \
		"$T/gen$seed.got"
done

# 3. Incremental: ingest up to an older first-parent commit, then the rest.
git clone -q "$T/gen1" "$T/inc"
mid=$(git -C "$T/inc" rev-list --first-parent HEAD | sed -n 90p)
git -C "$T/inc" reset -q --hard "$mid"
"$ORGMRI" --db "$T/inc.db" ingest -q "$T/inc"
git -C "$T/inc" reset -q --hard origin/main
"$ORGMRI" --db "$T/inc.db" ingest -q "$T/inc"
got "$T/inc.db" >"$T/inc.got"
same "incremental ingest" "$T/gen1.exp" "$T/inc.got"

# 4. `orgmri rework`: lines rewritten (the blame sums above) per line
#    added on the first-parent line (git log --numstat), all of history.
"$ORGMRI" --db "$T/gen1.db" rework --format json --since 2000-01-01 >"$T/rw.json"
want_rw=$(awk '{s += $2} END {print s}' "$T/gen1.exp")
want_add=$(git -C "$T/gen1" log --first-parent --diff-merges=first-parent --no-renames \
	--numstat --format= HEAD | awk '$1 != "-" {s += $1} END {print s}')
got_rw=$(jq '.cohorts[0].lines_rewritten_21d' "$T/rw.json")
got_add=$(jq '.cohorts[0].lines_added' "$T/rw.json")
got_rate=$(jq '.cohorts[0].line_churn_21d * 1e6 | round' "$T/rw.json")
want_rate=$(python3 -c "print(round($want_rw / $want_add * 1e6))")
if [[ "$got_rw $got_add $got_rate" != "$want_rw $want_add $want_rate" ]]; then
	echo "FAIL: rework line churn: expected [$want_rw $want_add $want_rate], got [$got_rw $got_add $got_rate]" >&2
	fails=$((fails + 1))
else
	echo "ok: rework line churn ($want_rw lines rewritten per $want_add added)"
fi
"$ORGMRI" --db "$T/nodiff.db" ingest -q --no-diff "$T/gen2"
if [[ $(jq '.cohorts[0].line_churn_21d' <("$ORGMRI" --db "$T/nodiff.db" rework --format json)) != null ]]; then
	echo "FAIL: line churn not null without churn_lines" >&2
	fails=$((fails + 1))
fi

# --no-diff: no churn (nothing was diffed).
n=$(got "$T/nodiff.db" | wc -l)
if [[ $n != 0 ]]; then
	echo "FAIL: --no-diff stored churn_lines on $n commits" >&2
	fails=$((fails + 1))
fi

# git.churn = false: none either.
printf '[git]\n\tchurn = false\n' >"$T/nochurn.conf"
"$ORGMRI" --config "$T/nochurn.conf" --db "$T/off.db" ingest -q "$T/gen2"
n=$(got "$T/off.db" | wc -l)
if [[ $n != 0 ]]; then
	echo "FAIL: git.churn = false stored churn_lines on $n commits" >&2
	fails=$((fails + 1))
fi

if ((fails)); then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all churn checks passed"
