#!/bin/bash
# github.sh - GitHub export ingest vs `jq -c .` over the same files.
#
#   bench/github.sh [N_PRS] [BUILD_DIR] [WORK_DIR]
#   (defaults: 100000 build-rel /tmp/orgmri-bench-github)
#
# Makes an export folder of N_PRS pull requests with their reviews and PR
# commits by resampling DevLake's recorded GitHub API responses for
# panjf2000/ants (bench/github_export.py; ../shared/data/github/
# apache-devlake/json), once, then three times in turn:
#   jq:     find DIR -name '*.json' | xargs jq -c . >/dev/null
#           (every file, every value parsed and printed compactly)
#   orgmri: orgmri --db NEW ingest DIR   (parse, normalise, write the
#           store: everything an ingest does, into a fresh store)
# and prints each run's wall time and peak memory, the medians, and the
# ratio orgmri/jq (issue 4's target: <= 2.0).  The folder is left in
# WORK_DIR for reruns (about 26 MB per 1000 PRs); delete it afterwards.
set -euo pipefail
N=${1:-100000}
BUILD=${2:-build-rel}
W=${3:-/tmp/orgmri-bench-github}
SRC=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ORGMRI_SHARED:-$SRC/../shared}
ORGMRI=$BUILD/orgmri
mkdir -p "$W"
X=$W/export-$N
if [ ! -f "$X/.done" ]; then
	rm -rf "$X"
	python3 "$SRC/bench/github_export.py" \
		"$SHARED/data/github/apache-devlake/json" "$X" "$N"
	touch "$X/.done"
fi
echo "export: $X, $(du -sh "$X" | cut -f1), $(find "$X" -name '*.json' | wc -l) files"
echo "jq: $(jq --version); orgmri: $ORGMRI"

run() { # label command...: prints "label wall_s maxrss_MB"
	local label=$1; shift
	/usr/bin/time -f "$label %e %M" -o "$W/time" "$@" >/dev/null 2>"$W/err" ||
		{ cat "$W/err" >&2; exit 1; }
	awk '{ printf "%s %.2f %d\n", $1, $2, $3 / 1024 }' "$W/time"
}

: >"$W/runs"
for i in 1 2 3; do
	run jq sh -c 'find "$1" -name "*.json" -print0 | xargs -0 jq -c .' sh "$X" |
		tee -a "$W/runs"
	rm -f "$W/store.db" "$W/store.db-wal" "$W/store.db-shm" "$W/store.db.cols"
	run orgmri "$ORGMRI" --db "$W/store.db" ingest "$X" | tee -a "$W/runs"
	grep -o "[0-9]* events read" "$W/err" | head -1
done
awk '
	{ t[$1, ++n[$1]] = $2; m[$1] = $3 > m[$1] ? $3 : m[$1] }
	function med(k,  a, b, c) {
		a = t[k, 1]; b = t[k, 2]; c = t[k, 3]
		if ((a - b) * (c - a) >= 0) return a
		if ((b - a) * (c - b) >= 0) return b
		return c
	}
	END {
		j = med("jq"); o = med("orgmri")
		printf "median: jq %.2f s, orgmri %.2f s (peak %d MB); ratio orgmri/jq %.2f (target <= 2.0)\n", j, o, m["orgmri"], o / j
	}' "$W/runs"
