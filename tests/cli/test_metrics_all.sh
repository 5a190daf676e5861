#!/bin/bash
# test_metrics_all.sh - `orgmri metrics` prints exactly what the five
# family commands print, from one load: the text is their texts joined by
# blank lines, and each member of the JSON object is the family command's
# JSON document; options reach every family; CSV is refused.
set -euo pipefail
: "${ORGMRI:?path to the orgmri binary}"
T=$(mktemp -d)
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$T"' EXIT
fails=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1" >&2; fails=$((fails + 1)); }

"$ORGMRI" generate -q -o "$T/gen" --seed 7 --events 20000
"$ORGMRI" --db "$T/s.db" ingest -q "$T/gen/events.jsonl"
db=(--db "$T/s.db")
for opts in "" "--cohort ai" "--since 2026-03-01 --weekly" "--lead-unit commit --statistic mean"; do
	# shellcheck disable=SC2086
	{
		first=1
		for f in dora stages flow people rework; do
			((first)) || echo
			first=0
			"$ORGMRI" "${db[@]}" $f $opts
		done
	} >"$T/want.txt"
	# shellcheck disable=SC2086
	"$ORGMRI" "${db[@]}" metrics $opts >"$T/got.txt"
	if cmp -s "$T/want.txt" "$T/got.txt"; then
		ok "text [$opts] ($(wc -l <"$T/got.txt") lines)"
	else
		bad "text [$opts] differs from the five commands:"
		diff "$T/want.txt" "$T/got.txt" | head -10 >&2
	fi
	# shellcheck disable=SC2086
	"$ORGMRI" "${db[@]}" metrics $opts --format json >"$T/all.json"
	for f in dora stages flow people rework; do
		# shellcheck disable=SC2086
		"$ORGMRI" "${db[@]}" $f $opts --format json | jq -S . >"$T/want.json"
		jq -S ".$f" "$T/all.json" >"$T/got.json"
		if cmp -s "$T/want.json" "$T/got.json"; then
			ok "json .$f [$opts]"
		else
			bad "json .$f [$opts] differs from orgmri $f --format json"
		fi
	done
done
if [[ $(jq -r .schema "$T/all.json") != orgmri.metrics/1 ]]; then
	bad "schema"
fi
set +e
"$ORGMRI" "${db[@]}" metrics --format csv >/dev/null 2>"$T/err"
rc=$?
set -e
if [[ $rc != 2 ]] || ! grep -q "format" "$T/err"; then
	bad "--format csv: exit $rc, $(cat "$T/err")"
else
	ok "--format csv refused"
fi
# --help: the usage, exit 0, and nothing computed (for every family
# command too: they share the option parsing).
for c in metrics dora stages flow people rework; do
	set +e
	"$ORGMRI" "${db[@]}" $c --help >"$T/help" 2>"$T/err"
	rc=$?
	set -e
	if [[ $rc != 0 ]] || [[ $(head -1 "$T/help") != "usage: orgmri $c [OPTIONS]" ]] ||
		[[ $(wc -l <"$T/help") -gt 40 ]] || [[ -s "$T/err" ]]; then
		bad "$c --help: exit $rc, $(head -1 "$T/help"), $(wc -l <"$T/help") lines"
	else
		ok "$c --help"
	fi
done

if ((fails)); then
	echo "$fails check(s) failed" >&2
	exit 1
fi
echo "all metrics checks passed"
