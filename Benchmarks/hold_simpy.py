"""The hold model in SimPy, the peer for Benchmarks/Sources/kernel-bench.

With n events pending, each step pops the earliest and schedules one at now + Exp(1).
Two SimPy idioms are measured: generator processes (how SimPy models are written) and bare
timeout events with callbacks (SimPy's fastest path). Prints the same CSV as kernel-bench; seconds
are the thread's CPU time, as in kernel-bench, so other load on the machine counts against neither side.

Usage: python hold_simpy.py OPERATIONS PENDING...
"""

import random
import sys
import time

import simpy


def hold_processes(pending, operations):
    env = simpy.Environment()
    rng = random.Random(1)

    def holder(env):
        while True:
            yield env.timeout(rng.expovariate(1.0))

    for _ in range(pending):
        env.process(holder(env))
    step = env.step
    for _ in range(pending):  # each process's start-up event
        step()
    start = time.thread_time()
    for _ in range(operations):
        step()
    return time.thread_time() - start


def hold_callbacks(pending, operations):
    env = simpy.Environment()
    rng = random.Random(1)

    def reschedule(event):
        env.timeout(rng.expovariate(1.0)).callbacks.append(reschedule)

    for _ in range(pending):
        env.timeout(rng.expovariate(1.0)).callbacks.append(reschedule)
    step = env.step
    start = time.thread_time()
    for _ in range(operations):
        step()
    return time.thread_time() - start


def main():
    operations = int(sys.argv[1])
    sizes = [int(a) for a in sys.argv[2:]]
    print("implementation,pending,events,seconds,events_per_s")
    for pending in sizes:
        for name, body in (("SimPy processes", hold_processes), ("SimPy callbacks", hold_callbacks)):
            seconds = body(pending, operations)
            print(f"{name},{pending},{operations},{seconds},{operations / seconds}", flush=True)


if __name__ == "__main__":
    main()
