#!/usr/bin/env bash
# test_files.sh - the truck factor and file-level churn of `orgmri people`
# and `orgmri rework` must equal a second, independent computation
# (tests/cli/files_oracle.py) over the same canonical events, on random
# histories with merges and author dates before commit dates; the scan's
# two integration-pain figures must equal a pairwise recomputation from
# the store (tests/cli/integration_oracle.py); and the scan's health rows
# must show the file figures, or name what is missing.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 0; }
command -v jq >/dev/null || { echo "jq missing: skipped"; exit 0; }
oracle="$ORGMRI_SOURCE_DIR/tests/cli/files_oracle.py"

for seed in 1 2; do
	python3 "$oracle" --gen 300 "$seed" > "ev$seed.jsonl"
	"$ORGMRI" --db "s$seed.db" -q ingest "ev$seed.jsonl" >/dev/null
	python3 "$oracle" --jsonl "ev$seed.jsonl" > "want$seed.json"
	"$ORGMRI" --db "s$seed.db" people --format json > "p$seed.json"
	"$ORGMRI" --db "s$seed.db" rework --format json > "r$seed.json"
	for k in truck_factor truck_factor_files; do
		expect_eq "$(jq ".cohorts[0].$k" "p$seed.json")" \
			"$(jq ".$k" "want$seed.json")" "seed $seed $k"
	done
	for k in churn_file_changes churn_rechanged churn_rechanged_same_author \
		churn_censored; do
		expect_eq "$(jq ".cohorts[0].$k" "r$seed.json")" \
			"$(jq ".$k" "want$seed.json")" "seed $seed $k"
	done
done
# the figures are not trivial
expect_eq "$(jq '.churn_rechanged > 0 and .truck_factor >= 1' want1.json)" true "non-trivial"

# integration pain of the scan = a pairwise recomputation from the store
for seed in 1 2; do
	"$ORGMRI" --db "s$seed.db" scan --format json > "scan$seed.json"
	# the after period in epoch ms
	read -r from to < <(python3 -c 'import json, sys, datetime as d
p = json.load(open(sys.argv[1]))["periods"]["after"]
ms = lambda s: round(d.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)
print(ms(p["from"]), ms(p["to"]))' "scan$seed.json")
	python3 "$ORGMRI_SOURCE_DIR/tests/cli/integration_oracle.py" "s$seed.db" \
		"$from" "$to" > "int$seed.json"
	for pair in "integration: same files|.overlapping / .with_files" \
		"integration: base merges|.base_merged / .with_parents"; do
		name=${pair%%|*} expr=${pair#*|}
		got=$(jq --arg n "$name" '.health[] | select(.name == $n) | .value * 1e5 | round' "scan$seed.json")
		want=$(jq "$expr * 1e5 | round" "int$seed.json")
		expect_eq "$got" "$want" "seed $seed $name"
	done
	expect_eq "$(jq '.overlapping > 0 and .base_merged > 0 and .with_files > .overlapping' "int$seed.json")" true "seed $seed non-trivial"
done

# CODEOWNERS coverage = git's own gitignore matcher, rule by rule
if command -v git >/dev/null; then
	cat > rules <<'RULES'
# owners
*.md @docs
/src/ @core
/src/util/ @util
src/net/transports/ @net
tests/ @qa
/tests/resources/
/deps/
/deps/zlib/ @vendor
**/CMakeLists.txt @build
*.h @api
/include/sys/
fuzzers/ @fuzz
/script/**/*.sh @ci
?akefile @build
examples/*.c @examples
RULES
	python3 - rules > co.jsonl <<'PY'
import json, random, sys
rnd = random.Random(7)
dirs = ["", "src/", "src/util/", "src/net/transports/", "src/net/", "tests/",
        "tests/resources/", "tests/resources/a/", "deps/", "deps/zlib/",
        "deps/pcre/", "include/", "include/sys/", "fuzzers/corpus/",
        "script/", "script/ci/", "examples/", "examples/net/", "docs/",
        "x/src/", "x/tests/"]
names = ["a.c", "b.h", "README.md", "CMakeLists.txt", "Makefile", "run.sh",
         "makefile", "x.txt"]
paths = sorted({rnd.choice(dirs) + rnd.choice(names) for _ in range(300)})
open("co_paths", "w").write("\n".join(paths) + "\n")
t = 1767225600000
for i in range(0, len(paths), 7):
    key = "commit:acme/api@%040x" % i
    print(json.dumps({"time": t + i * 3600000, "object": key, "activity": "committed",
                      "actor": "ann", "attrs": {"repo": "acme/api", "parents": 1,
                                                 "paths": "\n".join(paths[i:i + 7])}}))
print(json.dumps({"time": t, "object": "repo:acme/api", "activity": "codeowners",
                  "attrs": {"path": "CODEOWNERS", "rules": open(sys.argv[1]).read()}}))
PY
	"$ORGMRI" --db co.db -q ingest co.jsonl >/dev/null
	# the whole window: every file counts
	"$ORGMRI" --db co.db scan --format json --since 2025-01-01 --split 2025-06-01 > co_scan.json
	read -r owned total < <(python3 "$ORGMRI_SOURCE_DIR/tests/cli/codeowners_oracle.py" rules co_paths)
	expect_eq "$(jq -r '.health[] | select(.name == "CODEOWNERS coverage") | .detail' co_scan.json | cut -d' ' -f1,3)" \
		"$owned $total" "CODEOWNERS coverage vs git check-ignore"
fi

# without paths: null in JSON, named in text and in the scan's health rows
printf '%s\n' '{"time":"2026-03-02T09:00:00Z","object":"change:r#1","activity":"opened","actor":"a"}' \
	'{"time":"2026-03-03T09:00:00Z","object":"change:r#1","activity":"merged","actor":"a"}' > none.jsonl
"$ORGMRI" --db none.db -q ingest none.jsonl >/dev/null
expect_eq "$("$ORGMRI" --db none.db rework --format json | jq '.cohorts[0].churn_21d')" null "churn null"
expect_eq "$("$ORGMRI" --db none.db people --format json | jq '.cohorts[0].truck_factor')" null "tf null"
expect_status 0 "$ORGMRI" --db none.db rework
expect_grep "$T/out" 'churn within 21 days: unavailable'
expect_status 0 "$ORGMRI" --db none.db scan --format json
expect_eq "$(jq -r '[.health[] | select(.name == "CODEOWNERS coverage" or .name == "truck factor" or (.name | startswith("integration"))) | (.value == null and (.detail | startswith("not available")))] | length' "$T/out")" 4 "n/a rows"
expect_eq "$(jq -r '[.health[] | select(.name == "CODEOWNERS coverage" or .name == "truck factor" or (.name | startswith("integration"))) | (.value == null and (.detail | startswith("not available")))] | all' "$T/out")" true "n/a named"

# with paths: the scan shows the truck factor the people command shows
expect_status 0 "$ORGMRI" --db s1.db scan --format json
expect_eq "$(jq '.health[] | select(.name == "truck factor") | .value' "$T/out")" \
	"$(jq '.truck_factor' want1.json)" "scan truck factor"
expect_status 0 "$ORGMRI" --db s1.db scan
expect_grep "$T/out" 'truck factor'

echo "test_files: $CHECKS checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
