#!/bin/bash
# html_report.sh - size and render time of the HTML report in headless
# Chromium, for the test sample and for one whose scatterplot holds
# 25000 items, past ORGMRI_CHART_SCATTER_MAX (20000), the most a chart
# draws.
#
#   bench/html_report.sh [BUILD_DIR]     (default: build)
#
# Needs what tests/cli/test_html.sh needs (chromium, node, playwright-core
# in ~/.cache/orgmri-browser: run that test once first).  The report must
# stay under 2 MB and its load event come within 1 s (html_check.js fails
# otherwise).
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$src/build}"
cache="${ORGMRI_BROWSER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/orgmri-browser}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for items in 300 25000; do
	mkdir -p "$out/$items"
	f="$out/$items/report.html"
	ORGMRI_REPORT_ITEMS=$items ORGMRI_REPORT_SAMPLE="$f" "$build/tests/test_report"
	charts=$(grep -o '<svg class="chart"' "$f" | wc -l)
	echo "== $items items: $(stat -c %s "$f") bytes"
	for run in 1 2 3; do
		NODE_PATH="$cache/node_modules" node "$src/tests/cli/html_check.js" \
			"$f" "$out/$items" "$charts" | grep '^render\|^FAIL'
	done
done
