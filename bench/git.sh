#!/bin/bash
# bench/git.sh - the git adapter against the git program on one large
# repository, measured in the same run:
#   full ingest (diffs)  vs  git log --numstat --no-renames
#                         (and with --diff-merges=first-parent, which does
#                          the same work: git log skips merge diffs)
#   --no-diff ingest      vs  git log --format='%H %an %at %s'
# over the same refs (HEAD and the release tags orgmri also reads).
# Each line gives wall time and CPU time (user + system); on a machine
# shared with other work the CPU-time ratios are the steadier figure
# (orgmri's diffs run on two threads, git log on one).
#
# usage: bench/git.sh [REPO] [ORGMRI]
#   REPO    default: /work/.mirror/libgit2+libgit2/repo if present, else a
#           synthetic 12,000-commit repository made with git fast-import
#   ORGMRI  default: build-rel/orgmri (build with -DCMAKE_BUILD_TYPE=RelWithDebInfo)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
REPO=${1:-/work/.mirror/libgit2+libgit2/repo}
ORGMRI=${2:-$here/build-rel/orgmri}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

if [[ ! -d "$REPO" ]]; then
	# Synthetic history: 12,000 commits over 200 files, a merge every 10.
	echo "bench: $REPO not found; generating a synthetic repository" >&2
	REPO=$T/synthetic.git
	git init -q --bare "$REPO"
	python3 - <<'PY' | git -C "$REPO" fast-import --quiet
import random
random.seed(7)
files = {f"src/f{i}.c": [f"line {j}" for j in range(40)] for i in range(200)}
mark = 0
t = 1700000000
def commit(branch, parent_marks, msg):
    global mark, t
    mark += 1; t += 600
    changed = random.sample(sorted(files), 3)
    print(f"commit refs/heads/{branch}\nmark :{mark}")
    print(f"author Dev{mark % 17} <d{mark % 17}@example.com> {t} +0000")
    print(f"committer Dev{mark % 17} <d{mark % 17}@example.com> {t} +0000")
    data = msg.encode()
    print(f"data {len(data)}"); print(msg)
    if parent_marks:
        print(f"from :{parent_marks[0]}")
        for p in parent_marks[1:]:
            print(f"merge :{p}")
    for f in changed:
        lines = files[f]
        k = random.randrange(len(lines))
        lines[k:k + 1] = [f"edit {mark} a", f"edit {mark} b"]
        body = ("\n".join(lines) + "\n").encode()
        print(f"M 100644 inline {f}\ndata {len(body)}")
        print(body.decode())
    return mark
main = commit("main", [], "Initial")
for i in range(1, 1200):
    side = commit("topic", [main], f"Work {i}")
    for j in range(8):
        side = commit("topic", [side], f"More work {i}.{j}")
    main = commit("main", [main, side], f"Merge pull request #{i} from dev/topic")
    if i % 50 == 0:
        print(f"reset refs/tags/v1.{i // 50}.0\nfrom :{main}\n")
PY
	git -C "$REPO" symbolic-ref HEAD refs/heads/main
fi

refs=(HEAD $(git -C "$REPO" tag | grep -E '^[vV]?[0-9]+(\.[0-9]+)+$' || true))
commits=$(git -C "$REPO" rev-list --count "${refs[@]}")
echo "repository: $REPO"
echo "commits (HEAD + release tags): $commits; merges: $(git -C "$REPO" rev-list --merges --count "${refs[@]}")"
echo "cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

measure() { # measure NAME COMMAND... -> wall and CPU seconds, peak KB
	/usr/bin/time -f "%e %U %S %M" -o "$T/time" "${@:2}" >/dev/null 2>"$T/err" ||
		{ cat "$T/err" >&2; exit 1; }
	read -r secs user sys kb <"$T/time"
	cpu_last=$(echo "$user + $sys" | bc -l)
	printf '%-44s %8.2f s (cpu %6.2f s) %9d KB peak  %9.0f commits/s\n' "$1" \
		"$secs" "$cpu_last" "$kb" "$(echo "$commits / ($secs + 0.0001)" | bc -l)"
	last=$secs
}

measure "git log --numstat --no-renames" \
	git -C "$REPO" log --numstat --no-renames --format=%H "${refs[@]}"
g_numstat=$last
c_numstat=$cpu_last
measure "git log --numstat (merges vs 1st parent)" \
	git -C "$REPO" log --numstat --no-renames --diff-merges=first-parent \
	--format=%H "${refs[@]}"
g_numstat_m=$last
c_numstat_m=$cpu_last
measure "orgmri ingest (diffs, store writes)" \
	"$ORGMRI" ingest -q --db "$T/full.db" "$REPO"
o_full=$last
c_full=$cpu_last
measure "git log --format='%H %an %at %s'" \
	git -C "$REPO" log "--format=%H %an %at %s" "${refs[@]}"
g_log=$last
c_log=$cpu_last
measure "orgmri ingest --no-diff (store writes)" \
	"$ORGMRI" ingest -q --no-diff --db "$T/nodiff.db" "$REPO"
o_nodiff=$last
c_nodiff=$cpu_last
measure "orgmri ingest again (nothing new)" \
	"$ORGMRI" ingest -q --db "$T/full.db" "$REPO"

ratio() { echo "scale=2; $1 / ($2 + 0.0001)" | bc -l; }
echo "ratio full ingest / git log --numstat:                   $(ratio "$o_full" "$g_numstat")  (cpu $(ratio "$c_full" "$c_numstat"))"
echo "ratio full ingest / git log --numstat (merge diffs too): $(ratio "$o_full" "$g_numstat_m")  (cpu $(ratio "$c_full" "$c_numstat_m"))"
echo "ratio --no-diff / git log --format:                      $(ratio "$o_nodiff" "$g_log")  (cpu $(ratio "$c_nodiff" "$c_log"))"
echo "stored: $(sqlite3 "$T/full.db" 'select count(*) from events') events, $(sqlite3 "$T/full.db" 'select count(*) from links') links"
