#!/bin/bash
# git_churn_compare.sh REPO ORGMRI [SAMPLE] - the git adapter's
# `churn_lines` on a real history against `git blame --first-parent`
# (tests/cli/git_churn_check.py), on SAMPLE first-parent commits spread
# over the line (default 300; blame makes it slow: about 0.2 s a commit).
# Prints every commit that differs and a summary line.
set -euo pipefail
R=${1:?repository} O=${2:?orgmri binary} N=${3:-300}
S=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$O" --db "$T/c.db" ingest -q "$R"
python3 "$S/tests/cli/git_churn_check.py" expect "$R" "$N" | sort >"$T/exp"
sqlite3 "$T/c.db" "select substr(o.key, instr(o.key, '@') + 1),
  json_extract(e.attrs, '\$.churn_lines') from events e
  join objects o on o.id = e.object_id
  join activities a on a.id = e.activity_id
  where a.name = 'committed'
    and json_extract(e.attrs, '\$.churn_lines') is not null" |
	tr '|' ' ' | sort >"$T/got"
join "$T/exp" "$T/got" | awk -v repo="$R" '
	{ n++; e += $2; g += $3; if ($2 != $3) { bad++; print "differs:", $0 } }
	END { printf "%s: %d first-parent commits compared, %d differ; lines rewritten within 21 days: git blame %d, orgmri %d\n", repo, n, bad, e, g }'
