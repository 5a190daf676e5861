"""mmc_simpy.py - the M/M/c queue of bench/sim_bench.c in SimPy (Debian's
python3-simpy, the SimPy 2 API), for bench/sim.sh's speed comparison.

usage: /usr/bin/python3 bench/mmc_simpy.py CUSTOMERS
Prints customers, wall and CPU seconds, customers per CPU second and the
mean queue wait.
"""
import random
import sys
import time

from SimPy.Simulation import (Monitor, Process, Resource, activate, hold,
                              initialize, now, release, request, simulate)

LAMBDA, MU, C = 240.0, 100.0, 3


class Customer(Process):
    def visit(self, server, waits):
        arrived = now()
        yield request, self, server
        waits.observe(now() - arrived)
        yield hold, self, random.expovariate(MU)
        yield release, self, server


class Source(Process):
    def generate(self, n, server, waits):
        for _ in range(n):
            c = Customer()
            activate(c, c.visit(server, waits))
            yield hold, self, random.expovariate(LAMBDA)


def main():
    n = int(sys.argv[1])
    random.seed(1)
    t0, c0 = time.perf_counter(), time.process_time()
    initialize()
    server = Resource(capacity=C)
    waits = Monitor()
    src = Source()
    activate(src, src.generate(n, server, waits))
    simulate(until=1e12)
    dt, dc = time.perf_counter() - t0, time.process_time() - c0
    print("simpy customers=%d seconds=%.3f cpu_seconds=%.3f "
          "customers_per_cpu_s=%.0f wq_sim=%.4f"
          % (n, dt, dc, n / dc, waits.mean()))


main()
