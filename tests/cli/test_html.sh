#!/bin/bash
# test_html.sh - the HTML report in a real browser.
#
# Writes the sample report (every chart kind, hostile titles and names)
# with the unit-test program, checks its size, then opens it in headless
# Chromium through playwright-core (tests/cli/html_check.js): no console
# errors, no request outside the file, every chart drawn at a non-zero
# size, no label clipped or drawn over another, no hostile string run,
# the load event under a second.  Screenshots and a PDF print land in
# $ORGMRI_BUILD_DIR/html-check/.
#
# Chromium (Debian's package) and playwright-core (npm) are installed when
# missing and this runs as root; otherwise the test is skipped (exit 77)
# with a message saying why.
set -euo pipefail

: "${ORGMRI_BUILD_DIR:?set by CTest}" "${ORGMRI_SOURCE_DIR:?set by CTest}"
PLAYWRIGHT_VERSION=1.65.1
MAX_BYTES=$((2 * 1024 * 1024))

skip() { echo "SKIP: $*"; exit 77; }

out="$ORGMRI_BUILD_DIR/html-check"
rm -rf "$out"
mkdir -p "$out"
report="$out/report.html"

ORGMRI_REPORT_SAMPLE="$report" "$ORGMRI_BUILD_DIR/tests/test_report"
bytes=$(stat -c %s "$report")
echo "report: $bytes bytes"
if [ "$bytes" -ge "$MAX_BYTES" ]; then
	echo "FAIL: report is $bytes bytes (limit $MAX_BYTES)"
	exit 1
fi
charts=$(grep -o '<svg class="chart"' "$report" | wc -l)

if ! command -v chromium >/dev/null 2>&1; then
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 ||
		skip "chromium is not installed (apt-get install chromium) and we are not root"
	echo "installing chromium (Debian package)"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } \
		>"$out/apt.log" 2>&1 || skip "apt-get install chromium failed: $(tail -1 "$out/apt.log")"
fi
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
	skip "node and npm are needed to drive Chromium"

cache="${ORGMRI_BROWSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/orgmri-browser}"
if [ ! -f "$cache/node_modules/playwright-core/package.json" ]; then
	echo "installing playwright-core@$PLAYWRIGHT_VERSION into $cache"
	mkdir -p "$cache"
	npm install --prefix "$cache" --no-save --no-audit --no-fund --silent \
		"playwright-core@$PLAYWRIGHT_VERSION" >"$out/npm.log" 2>&1 ||
		skip "npm install playwright-core failed: $(tail -1 "$out/npm.log")"
fi

NODE_PATH="$cache/node_modules" node "$ORGMRI_SOURCE_DIR/tests/cli/html_check.js" \
	"$report" "$out" "$charts"

# The diagnosis report of the sample organisation (what `orgmri demo`
# writes) passes the same checks, and stays under the size limit.
: "${ORGMRI:?set by CTest}"
mkdir -p "$out/demo"
(cd "$out/demo" && "$ORGMRI" demo -q >/dev/null)
demo_bytes=$(stat -c %s "$out/demo/demo-report.html")
echo "demo report: $demo_bytes bytes"
[ "$demo_bytes" -lt "$MAX_BYTES" ] || { echo "FAIL: demo report too big"; exit 1; }
NODE_PATH="$cache/node_modules" node "$ORGMRI_SOURCE_DIR/tests/cli/html_check.js" \
	"$out/demo/demo-report.html" "$out/demo" 5 plain
