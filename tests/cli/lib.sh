# lib.sh - helpers for the CLI end-to-end tests (sourced, not run).
# Each test runs the real binary ($ORGMRI) in a fresh temporary folder.
set -eu
: "${ORGMRI:?set ORGMRI to the orgmri binary}"
ORGMRI_SOURCE_DIR=${ORGMRI_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ORGMRI_SHARED=${ORGMRI_SHARED:-$ORGMRI_SOURCE_DIR/../shared}
T=$(mktemp -d "${TMPDIR:-/tmp}/orgmri-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
export ORGMRI_DB="$T/store.db"
unset ORGMRI_CONFIG NO_COLOR || true
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { CHECKS=$((CHECKS + 1)); }

# expect_status N CMD... : run CMD, check its exit status
expect_status() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		fail "'$*' exited $got, expected $want; stderr: $(head -c 600 "$T/err")"
	else
		ok
	fi
}

# expect_grep FILE PATTERN : FILE contains a line matching PATTERN
expect_grep() {
	if grep -q -- "$2" "$1"; then ok; else
		fail "$1 lacks '$2': $(head -c 600 "$1")"; fi
}

expect_eq() {
	if [ "$1" = "$2" ]; then ok; else fail "$3: got '$1', expected '$2'"; fi
}

# stat_field NAME : a number from `orgmri stats --format json`
stat_field() {
	"$ORGMRI" stats --format json | sed -n "s/^  \"$1\": \([0-9]*\),*$/\1/p"
}

finish() {
	echo "$CHECKS checks, $FAILS failures"
	[ "$FAILS" = 0 ]
}

# git_identity: git run by the test sees only its own settings in $T: no
# system or user configuration, a fixed author, branch "main".
git_identity() {
	export GIT_CONFIG_NOSYSTEM=1 HOME=$T GIT_TERMINAL_PROMPT=0
	git config --global user.name Alice
	git config --global user.email alice@example.com
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
}

# store_dump DB [META-WHERE]: every table of a store but the run log, in
# a fixed order, ids included, for comparing two stores row for row; the
# meta rows kept are those matching META-WHERE (default: the event-id
# counter only).
store_dump() {
	sqlite3 "$1" "
	SELECT 'o', id, type, key FROM objects ORDER BY id;
	SELECT 'k', key, id FROM object_keys ORDER BY key;
	SELECT 'a', id, name FROM activities ORDER BY id;
	SELECT 'p', id, name, bot FROM people ORDER BY id;
	SELECT 'e', id, object_id, time, activity_id, actor_id, disc, attrs
	  FROM events ORDER BY id;
	SELECT 'l', id, event_id, src_id, dst_id, relation FROM links ORDER BY id;
	SELECT 'm', key, value FROM meta WHERE ${2:-key = 'next_event_id'} ORDER BY key;"
}
