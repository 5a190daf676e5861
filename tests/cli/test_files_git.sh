#!/usr/bin/env bash
# test_files_git.sh - the file-based figures end to end through the git
# adapter: a repository built here with the git program (CODEOWNERS,
# branches open at the same time on the same files, the base branch merged
# into a feature branch, a plain `git pull` merge), ingested with
# `orgmri ingest`, must give the truck factor, churn, CODEOWNERS coverage
# and integration pain that the independent scripts compute from `git log`
# (files_oracle.py, codeowners_oracle.py) and from the store
# (integration_oracle.py).  Skipped when the git adapter records no
# `paths` (a branch without the adapter's paths contract).
. "$(dirname "$0")/lib.sh"
for c in git python3 jq sqlite3; do
	command -v "$c" >/dev/null || { echo "$c missing: skipped"; exit 0; }
done
S=$ORGMRI_SOURCE_DIR/tests/cli
git_identity
R=$T/repo
git init -q "$R"
cd "$R"
commit() { # commit WHO DATE MESSAGE FILE... (FILE@N: rewrite line N)
	local who=$1 date=$2 msg=$3
	shift 3
	for f in "$@"; do
		if [[ $f == *@* ]]; then
			sed -i "${f#*@}s/.*/$msg/" "${f%@*}"
			f=${f%@*}
		else
			mkdir -p "$(dirname "$f")"
			echo "$msg" >>"$f"
		fi
		git add "$f"
	done
	GIT_AUTHOR_NAME=$who GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
		git commit -q -m "$msg"
}
merge() { # merge BRANCH MESSAGE DATE
	GIT_AUTHOR_DATE=$3 GIT_COMMITTER_DATE=$3 git merge -q --no-ff -m "$2" "$1"
}
mkdir -p .github
printf '%s\n' '* @all' '/src/ @core' 'src/b.c' 'docs/*.md @docs' > .github/CODEOWNERS
seq 1 9 > src.a.c.tmp
mkdir -p src && mv src.a.c.tmp src/a.c
git add .github/CODEOWNERS
commit ann 2026-01-01T10:00:00Z "start" README.md src/a.c src/b.c docs/x.md
git checkout -q -b feature
commit bob 2026-01-02T10:00:00Z "feature a" src/a.c@1 src/util/u.c
git checkout -q main
git checkout -q -b other
commit cy 2026-01-03T10:00:00Z "other a" src/a.c@9
git checkout -q main
commit ann 2026-01-04T10:00:00Z "main b" src/b.c docs/y.md
git checkout -q feature
merge main "Merge branch 'main' into feature" 2026-01-05T10:00:00Z
commit bob 2026-01-06T10:00:00Z "feature more" src/util/u.c lib/z.c
git checkout -q main
merge feature "Merge pull request #1 from bob/feature" 2026-01-07T10:00:00Z
merge other "Merge pull request #2 from cy/other" 2026-01-08T10:00:00Z
commit dana 2026-01-20T10:00:00Z "late" src/a.c README.md
commit ann 2026-03-01T10:00:00Z "much later" docs/x.md
cd "$T"

"$ORGMRI" --db g.db -q ingest "$R" >/dev/null
if [ "$(sqlite3 g.db "select count(*) from events where attrs like '%\"paths\"%'")" = 0 ]; then
	echo "the git adapter records no paths here: skipped"
	exit 0
fi
git -C "$R" -c core.quotePath=false log \
	--format='commit %H%x09%at%x09%P%x09%ct%x09%cn%x09%an' \
	--name-status --no-renames --diff-merges=first-parent HEAD > log.txt
python3 "$S/files_oracle.py" --git-log log.txt --cap 65536 > want.json
"$ORGMRI" --db g.db people --format json > p.json
"$ORGMRI" --db g.db rework --format json > r.json
for k in truck_factor truck_factor_files; do
	expect_eq "$(jq ".cohorts[0].$k" p.json)" "$(jq ".$k" want.json)" "$k"
done
for k in churn_file_changes churn_rechanged churn_rechanged_same_author churn_censored; do
	expect_eq "$(jq ".cohorts[0].$k" r.json)" "$(jq ".$k" want.json)" "$k"
done
expect_eq "$(jq '.churn_rechanged > 0' want.json)" true "churn non-trivial"

# scan over one after period holding everything
"$ORGMRI" --db g.db scan --format json --since 2025-01-01 --split 2025-06-01 > s.json
git -C "$R" show HEAD:.github/CODEOWNERS > rules
git -C "$R" -c core.quotePath=false log --no-merges --name-only --format= HEAD |
	sed '/^$/d' | sort -u > changed
read -r owned total < <(python3 "$S/codeowners_oracle.py" rules changed)
expect_eq "$(jq -r '.health[] | select(.name == "CODEOWNERS coverage") | .detail' s.json | cut -d' ' -f1,3)" \
	"$owned $total" "CODEOWNERS coverage"
read -r from to < <(python3 -c 'import json, sys, datetime as d
p = json.load(open(sys.argv[1]))["periods"]["after"]
ms = lambda s: round(d.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)
print(ms(p["from"]), ms(p["to"]))' s.json)
python3 "$S/integration_oracle.py" g.db "$from" "$to" > int.json
for pair in "integration: same files|.overlapping / .with_files" \
	"integration: base merges|.base_merged / .with_parents"; do
	name=${pair%%|*} expr=${pair#*|}
	expect_eq "$(jq --arg n "$name" '.health[] | select(.name == $n) | .value * 1e5 | round' s.json)" \
		"$(jq "$expr * 1e5 | round" int.json)" "$name"
done
# by hand: #1 (feature) and #2 (other) were open together on src/a.c; #1
# merged main in; the later plain commits are no changes
expect_eq "$(jq -c '[.with_files, .overlapping, .base_merged]' int.json)" "[2,2,1]" "integration by hand"

echo "test_files_git: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
