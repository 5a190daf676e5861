#!/bin/bash
# test_eventlog.sh - orgmri ingest/map/export on real process-mining logs.
# Expected figures come from $ORGMRI_SHARED/data/eventlogs/README.md
# (computed there by an independent script).
set -euo pipefail
: "${ORGMRI:?path to the orgmri binary}" "${ORGMRI_SHARED:?}"
D="$ORGMRI_SHARED/data/eventlogs"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
eq() { [ "$1" == "$2" ] || fail "$3: got '$1', expected '$2'"; }

# --- BPI Challenge 2012: the largest log ---------------------------------
start=$(date +%s.%N)
"$ORGMRI" ingest -q --db "$T/bpic.db" "$D/bpic2012.xes.gz"
end=$(date +%s.%N)
echo "bpic2012 ingest: $(echo "$end - $start" | bc) s"
"$ORGMRI" map --db "$T/bpic.db" --format json --variants 3 > "$T/bpic.json"
eq "$(jq -r .schema "$T/bpic.json")" orgmri.map/1 "map schema"
eq "$(jq .cases "$T/bpic.json")" 13087 "bpic2012 traces"
eq "$(jq .events "$T/bpic.json")" 262200 "bpic2012 events"
eq "$(jq '.activities | length' "$T/bpic.json")" 24 "bpic2012 activities"
eq "$(jq .variants_total "$T/bpic.json")" 4366 "bpic2012 variants"
eq "$(jq '.edges | length' "$T/bpic.json")" 125 "bpic2012 DF edges"
eq "$(jq '[.edges[].count] | add' "$T/bpic.json")" 249113 "bpic2012 DF pairs"
eq "$(jq -r .first_time "$T/bpic.json")" 2011-09-30T22:38:44.546Z "bpic2012 first"
eq "$(jq -r .last_time "$T/bpic.json")" 2012-03-14T15:04:54.681Z "bpic2012 last"
eq "$(jq '.variants | length' "$T/bpic.json")" 3 "--variants 3"
# lifecycle values kept as written: COMPLETE:164506, START:71376, SCHEDULE:26318
for lc in COMPLETE:164506 START:71376 SCHEDULE:26318; do
	n=$(sqlite3 "$T/bpic.db" "SELECT count(*) FROM events WHERE attrs LIKE
	    '%\"lifecycle:transition\":\"${lc%%:*}\"%'")
	eq "$n" "${lc##*:}" "bpic2012 lifecycle ${lc%%:*}"
done

# --- running example: text, dot, export round trip -------------------------
"$ORGMRI" ingest -q --db "$T/re.db" "$D/running-example.xes"
# ingesting again adds nothing
out=$("$ORGMRI" ingest --db "$T/re.db" "$D/running-example.xes" 2>&1)
echo "$out" | grep -q "42 events read, 0 new" || fail "re-ingest: $out"
"$ORGMRI" map --db "$T/re.db" | head -1 | grep -qx \
	"cases 6, events 42, activities 8, edges 16, variants 6" || fail "map text"
"$ORGMRI" map --db "$T/re.db" --format dot > "$T/re.dot"
grep -q '^digraph process_map {' "$T/re.dot" || fail "dot header"
eq "$(grep -cE '^  a[0-9]+ -> a[0-9]+ ' "$T/re.dot")" 16 "dot edges"
eq "$(grep -c '^  start -> ' "$T/re.dot")" 1 "dot start edges"
"$ORGMRI" export --db "$T/re.db" --format xes -o "$T/re-out.xes"
"$ORGMRI" ingest -q --db "$T/re2.db" "$T/re-out.xes"
"$ORGMRI" map --db "$T/re.db" --format json > "$T/a.json"
"$ORGMRI" map --db "$T/re2.db" --format json > "$T/b.json"
cmp -s "$T/a.json" "$T/b.json" || fail "XES round trip changed the map"
# --since/--until: events of 2011-01-01 .. 2011-01-05 only, counted by jq
# from the full export
n=$("$ORGMRI" export --db "$T/re.db" | jq -s '[.[] | select(.time >= "2011-01-01"
	and .time <= "2011-01-05T23:59:59.999Z")] | length')
eq "$("$ORGMRI" map --db "$T/re.db" --since 2011-01-01 --until 2011-01-05T23:59:59.999Z \
	--format json | jq .events)" "$n" "map --since/--until"
# --type: the only type is "case"
"$ORGMRI" map --db "$T/re.db" --type case --format json | cmp -s - "$T/a.json" \
	|| fail "--type case"
if "$ORGMRI" map --db "$T/re.db" --type nope 2>"$T/err"; then fail "--type nope"; fi
grep -q 'no objects of type "nope"' "$T/err" || fail "--type nope message"

# --- OCEL 2.0: ingest, map one object type, export, re-ingest ---------------
"$ORGMRI" ingest -q --db "$T/oc.db" "$D/ocel/ocel20_example.jsonocel"
"$ORGMRI" map --db "$T/oc.db" --type Invoice --format json > "$T/inv.json"
# 3 invoices; README: 20 E2O links, 5 of them "Insert Invoice" events on invoices
eq "$(jq .cases "$T/inv.json")" 3 "OCEL Invoice cases"
"$ORGMRI" export --db "$T/oc.db" --format ocel -o "$T/oc-out.jsonocel"
eq "$(jq '.events | length' "$T/oc-out.jsonocel")" 13 "OCEL export events"
eq "$(jq '.objects | length' "$T/oc-out.jsonocel")" 9 "OCEL export objects"
eq "$(jq '[.events[].relationships | length] | add' "$T/oc-out.jsonocel")" 20 "OCEL export E2O"
eq "$(jq '[.objects[].relationships | length] | add' "$T/oc-out.jsonocel")" 7 "OCEL export O2O"
"$ORGMRI" ingest -q --db "$T/oc2.db" "$T/oc-out.jsonocel"
cmp -s <("$ORGMRI" export --db "$T/oc.db") <("$ORGMRI" export --db "$T/oc2.db") \
	|| fail "OCEL round trip changed the store"

# the SQLite form gives the same store, one hour later (naive local times)
"$ORGMRI" ingest -q --db "$T/sq.db" "$D/ocel/ocel20_example.sqlite"
cmp -s <("$ORGMRI" export --db "$T/oc.db" | jq -c 'del(.time)') \
       <("$ORGMRI" export --db "$T/sq.db" | jq -c 'del(.time)') \
	|| fail "OCEL SQLite differs from JSON"
# and so does the XML form
"$ORGMRI" ingest -q --db "$T/xo.db" "$D/ocel/ocel20_example.xmlocel"
cmp -s <("$ORGMRI" export --db "$T/oc.db" | jq -c 'del(.time)') \
       <("$ORGMRI" export --db "$T/xo.db" | jq -c 'del(.time)') \
	|| fail "OCEL XML differs from JSON"
if "$ORGMRI" ingest --db "$T/sq1.db" "$D/ocel/example_log.xmlocel" 2>"$T/err"; then
	fail "OCEL 1.0 XML accepted"; fi
grep -q "not an OCEL 2.0 XML log" "$T/err" || fail "OCEL 1.0 XML message"
if "$ORGMRI" ingest --db "$T/sq1.db" "$D/ocel/example_log.sqlite" 2>"$T/err"; then
	fail "OCEL 1.0 SQLite accepted"; fi
grep -q "not an OCEL 2.0 SQLite log" "$T/err" || fail "OCEL 1.0 message"
if "$ORGMRI" ingest --db "$T/sq1.db" "$D/ocel/example_log.jsonocel" 2>"$T/err"; then
	fail "OCEL 1.0 JSON accepted"; fi
grep -q "not an OCEL 2.0 JSON log" "$T/err" || fail "OCEL 1.0 JSON message"

# --- notes and errors -------------------------------------------------------
"$ORGMRI" ingest --db "$T/n.db" "$D/roadtraffic50traces.xes" 2>"$T/err"
grep -q "note: 201 timestamps have no UTC offset; read as UTC" "$T/err" \
	|| fail "naive-time note: $(cat "$T/err")"
grep -q "skipped" "$T/err" && fail "a note counted as skipped"
printf '<log>\n<trace>\n<event></trace>\n' > "$T/bad.xes"
if "$ORGMRI" ingest --db "$T/n.db" "$T/bad.xes" 2>"$T/err"; then fail "bad.xes accepted"; fi
grep -q "bad.xes:3:10: malformed XML: mismatched tag" "$T/err" \
	|| fail "bad.xes message: $(cat "$T/err")"
"$ORGMRI" stats --db "$T/n.db" | grep -qE '^events +201$' || fail "stored events lost"
# pm4py's 71 XES conformance snippets, in one run: each reads or fails with
# a located message (only the empty noLog.xes fails), nothing crashes
set +e
"$ORGMRI" ingest -q --db "$T/imp.db" "$D"/xes_importer_tests/*.xes 2>"$T/err"
st=$?
set -e
eq "$st" 1 "conformance snippets exit status"
eq "$(wc -l < "$T/err")" 1 "conformance snippets: one error"
grep -q "noLog.xes:1:1: malformed XML: no element found" "$T/err" \
	|| fail "noLog.xes: $(cat "$T/err")"
eq "$(sqlite3 "$T/imp.db" "SELECT count(*) FROM ingest_runs WHERE status = 'ok'")" \
	70 "conformance snippets read"
# An event with more attributes than the store keeps is a located, skipped
# record; its neighbours are stored.
{
	echo '<log xes.version="1.0"><trace><string key="concept:name" value="t1"/>'
	echo '<event><string key="concept:name" value="a"/><date key="time:timestamp" value="2026-01-01T00:00:00Z"/></event>'
	echo '<event><string key="concept:name" value="wide"/>'
	for i in $(seq 1 300); do echo "<string key=\"k$i\" value=\"v$i\"/>"; done
	echo '</event>'
	echo '<event><string key="concept:name" value="b"/><date key="time:timestamp" value="2026-01-02T00:00:00Z"/></event>'
	echo '</trace></log>'
} >"$T/wide.xes"
"$ORGMRI" ingest --db "$T/wide.db" "$T/wide.xes" 2>"$T/err" || fail "wide.xes: exit status"
grep -q "wide.xes:3:1: more than 255 attributes" "$T/err" || fail "wide.xes message: $(cat "$T/err")"
"$ORGMRI" stats --db "$T/wide.db" | grep -qE '^events +2$' || fail "wide.xes: neighbours not stored"
echo ok
