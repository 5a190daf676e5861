#!/usr/bin/env bash
# The process map drawn as SVG (`orgmri map --format svg`, `--html`):
# well-formed XML; with nothing filtered, every directly-follows edge of
# the running example appears with pm4py's count (running-example.dfg);
# boxes do not overlap and stay inside the drawing; the note under the
# drawing states exactly what was left out (checked against the JSON
# map); hostile activity names are text; bad options are usage errors.
. "$(dirname "$0")/lib.sh"
D="$ORGMRI_SHARED/data/eventlogs"

"$ORGMRI" ingest -q --db "$T/re.db" "$D/running-example.xes"
expect_status 0 "$ORGMRI" map --db "$T/re.db" --format svg --coverage 100 \
	--max-activities 60 -o "$T/re.svg"
expect_status 0 "$ORGMRI" map --db "$T/re.db" --format json -o "$T/re.json"

# check.py SVG JSON DFG|- FULL: prints problems, one per line
cat >"$T/check.py" <<'EOF'
import json, re, sys
import xml.etree.ElementTree as ET
NS = "{http://www.w3.org/2000/svg}"
svg, mapjson, dfgfile, full = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
root = ET.parse(svg).getroot()
W = float(root.get("width")); H = float(root.get("height"))
problems = []
# drawn edges: "<from> → <to>: <count>[ · <wait>] (...)" in each path's title
drawn = {}
for p in root.iter(NS + "path"):
    t = p.find(NS + "title")
    if t is None:
        continue
    m = re.match(r"^(.*) \u2192 (.*): ([0-9]+)", t.text)
    if not m:
        problems.append("edge title not understood: %r" % t.text)
        continue
    drawn[(m.group(1), m.group(2))] = int(m.group(3))
mp = json.load(open(mapjson))
names = [a["name"] for a in mp["activities"]]
truth = {}
for e in mp["edges"]:
    truth[(e["from"], e["to"])] = e["count"]
for a in mp["activities"]:
    if a["starts"]:
        truth[("start", a["name"])] = a["starts"]
    if a["ends"]:
        truth[(a["name"], "end")] = a["ends"]
for k, v in drawn.items():
    if truth.get(k) != v:
        problems.append("drawn edge %s has %d, the map says %s" % (k, v, truth.get(k)))
if full and set(drawn) != set(truth):
    problems.append("unfiltered drawing lacks %s" % sorted(set(truth) - set(drawn)))
if dfgfile != "-":
    # pm4py's file: N, N names, then start (count, i x n), end, edges i>j x n
    lines = open(dfgfile).read().split("\n")
    n = int(lines[0]); act = lines[1:1 + n]; i = 1 + n
    def block(i):
        k = int(lines[i]); return lines[i + 1:i + 1 + k], i + 1 + k
    starts, i = block(i); ends, i = block(i)
    pm = {}
    for s in starts:
        a, c = s.split("x"); pm[("start", act[int(a)])] = int(c)
    for s in ends:
        a, c = s.split("x"); pm[(act[int(a)], "end")] = int(c)
    for s in lines[i:]:
        if ">" in s:
            ab, c = s.split("x"); a, b = ab.split(">")
            pm[(act[int(a)], act[int(b)])] = int(c)
    if pm != drawn:
        problems.append("drawing differs from pm4py's DFG: %s" %
                        sorted(set(pm.items()) ^ set(drawn.items())))
# boxes: inside the drawing, no two overlap
boxes = []
for r in root.iter(NS + "rect"):
    if r.get("width") == "100%":
        continue
    x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
    if x < 0 or y < 0 or x + w > W or y + h > H:
        problems.append("box outside the drawing at %s,%s" % (x, y))
    for (a, b, c, d) in boxes:
        if x < a + c and a < x + w and y < b + d and b < y + h:
            problems.append("boxes overlap at %s,%s and %s,%s" % (x, y, a, b))
    boxes.append((x, y, w, h))
# the note: "drawn: A of B activities, E of F kinds of transition (P% ...)"
note = [t.text for t in root.iter(NS + "text") if t.text and t.text.startswith("drawn:")]
m = re.match(r"drawn: (\d+) of (\d+) activities, (\d+) of (\d+) kinds of "
             r"transition \((\d+)% of all transitions\)", note[0] if note else "")
if not m:
    problems.append("no note: %s" % note)
else:
    shown_acts = {a for k in drawn for a in k} - {"start", "end"}
    total = sum(truth.values())
    want = (len(shown_acts), len(names), len(drawn), len(truth),
            round(100 * sum(drawn.values()) / total))
    got = tuple(int(g) for g in m.groups())
    if got != want:
        problems.append("note says %s, the drawing has %s" % (got, want))
print("\n".join(problems))
print("edges=%d" % len(drawn), file=sys.stderr)
EOF

out=$(python3 "$T/check.py" "$T/re.svg" "$T/re.json" "$D/running-example.dfg" 1 2>"$T/edges")
expect_eq "$out" "" "running example, unfiltered"
expect_eq "$(cat "$T/edges")" "edges=19" "running example: 16 edges, 1 start and 2 end kinds (running-example.dfg)"

# A real log with the default filter: what is drawn is right, the note
# says what was left out.
"$ORGMRI" ingest -q --db "$T/rp.db" "$D/03_repairExample.xes.gz"
"$ORGMRI" map --db "$T/rp.db" --format svg --max-activities 5 -o "$T/rp.svg"
"$ORGMRI" map --db "$T/rp.db" --format json -o "$T/rp.json"
out=$(python3 "$T/check.py" "$T/rp.svg" "$T/rp.json" - 0 2>/dev/null)
expect_eq "$out" "" "repair example, filtered"
expect_grep "$T/rp.svg" "drawn: 5 of 8 activities"

# Hostile names are text, the drawing stays well-formed.
cat >"$T/h.jsonl" <<'EOF'
{"time":"2026-01-01T00:00:00Z","object":"case:1","activity":"<script>alert(1)</script>","actor":"a"}
{"time":"2026-01-01T01:00:00Z","object":"case:1","activity":"\"&' <b>x</b>","actor":"a"}
{"time":"2026-01-01T02:00:00Z","object":"case:1","activity":"<script>alert(1)</script>","actor":"a"}
EOF
"$ORGMRI" ingest -q --db "$T/h.db" "$T/h.jsonl"
"$ORGMRI" map --db "$T/h.db" --format svg -o "$T/h.svg"
"$ORGMRI" map --db "$T/h.db" --format json -o "$T/h.json"
out=$(python3 "$T/check.py" "$T/h.svg" "$T/h.json" - 1 2>/dev/null)
expect_eq "$out" "" "hostile names"
if grep -q "<script\|<b>" "$T/h.svg"; then fail "markup from a name got into the SVG"; else ok; fi
expect_grep "$T/h.svg" "&lt;script&gt;alert(1)&lt;/script&gt;"

# The same store gives the same bytes.
"$ORGMRI" map --db "$T/rp.db" --format svg --max-activities 5 -o "$T/rp2.svg"
if cmp -s "$T/rp.svg" "$T/rp2.svg"; then ok; else fail "two drawings differ"; fi

# --html: a page with the drawing, well-formed XML
expect_status 0 "$ORGMRI" map --db "$T/re.db" --html "$T/re.html" -q
python3 - "$T/re.html" <<'EOF' || fail "map --html is not well-formed or lacks the map"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
svgs = [e for e in root.iter() if e.tag.endswith("svg") and "chart" in (e.get("class") or "")]
assert len(svgs) == 1, svgs
txt = "".join(root.itertext())
assert "Process map" in txt and "Variants (6 of 6" in txt, txt[:300]
EOF
ok

# Bad options
expect_status 2 "$ORGMRI" map --db "$T/re.db" --format svg --coverage 0
expect_status 2 "$ORGMRI" map --db "$T/re.db" --format svg --max-activities 61
expect_status 2 "$ORGMRI" map --db "$T/re.db" --format png

finish
