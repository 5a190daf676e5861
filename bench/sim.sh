#!/bin/sh
# sim.sh - speed of orgmri's simulation engine, and the same M/M/c queue in
# SimPy (Debian's python3-simpy, installed here; not a default dependency).
#
#   bench/sim.sh            build (RelWithDebInfo, in build-bench/) and run
#
# Figures: events per second on one core (M/M/c, 6 million customers in 20
# replications); 1,000 replications of a year of a 200-person organisation
# on 2 threads (see bench/sim_bench.c for the organisation); SimPy on the
# same M/M/c model (300,000 customers), compared in customers per CPU
# second (CPU time, so that other load on this shared machine matters less).
# Targets (issue 9): >= 10 M events/s per core, < 5 s, >= 100x SimPy.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${ORGMRI_BENCH_BUILD:-$ROOT/build-bench}
PY=/usr/bin/python3   # Debian's python, where python3-simpy installs

ORGMRI_EXTRA_PKGS="python3-simpy" sh "$ROOT/scripts/install-deps.sh"

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DORGMRI_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 --target orgmri >/dev/null
# shellcheck disable=SC2046
cc -O2 -std=c11 -D_GNU_SOURCE -I"$ROOT/include" "$ROOT/bench/sim_bench.c" \
	"$BUILD/liborgmri.a" $(pkg-config --libs sqlite3 jansson libgit2 zlib expat) \
	-lpthread -lm -o "$BUILD/sim_bench"

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
mmc=$("$BUILD/sim_bench" mmc 6000000 20)
echo "$mmc"
org=$("$BUILD/sim_bench" org 1000 2)
echo "$org"
simpy=$("$PY" "$ROOT/bench/mmc_simpy.py" 300000)
echo "$simpy"

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
awk -v ev="$(field "$mmc" events_per_cpu_s)" \
    -v oc="$(field "$mmc" customers_per_cpu_s)" \
    -v sc="$(field "$simpy" customers_per_cpu_s)" \
    -v secs="$(field "$org" seconds)" -v cpus="$(field "$org" cpu_seconds)" \
    -v oev="$(field "$org" events_per_cpu_s)" 'BEGIN {
	r = oc / sc
	printf "events per CPU second: M/M/c %.1f M, organisation %.1f M " \
	       "(target >= 10 M per core): %s\n", ev / 1e6, oev / 1e6,
	       (ev >= 1e7 && oev >= 1e7 ? "ok" : "MISSED")
	printf "1000 x 1 year x 200 people: %.2f s wall, %.2f s CPU on 2 " \
	       "threads (target < 5 s wall): %s\n", secs, cpus,
	       (secs < 5 ? "ok" : "MISSED (machine busy? compare CPU/2)")
	printf "M/M/c vs SimPy: %.0fx faster per customer in CPU time " \
	       "(target >= 100x): %s\n", r, (r >= 100 ? "ok" : "MISSED")
}'
