"""Benchmark: simulating the Xiamen resident poll, 10,000 quarters for 10 units.

Times :meth:`govlib.evaluation.Example.simulate` (all polls of all units
drawn at once, households sampled without replacement) on the lesson's
default example and reports the best and median of several runs, plus the
time of a single cold run.  The target is under one second.

Usage::

    .venv/bin/python benchmarks/poll_simulation.py [--quarters 10000] [--units 10] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quarters", type=int, default=10_000, help="simulated quarters (default 10000)")
    parser.add_argument("--units", type=int, default=10, help="partner units (default 10)")
    parser.add_argument("--households", type=int, default=2400, help="households of the community (default 2400)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the first (default 5)")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)

    from govlib import evaluation as ev

    example = ev.lesson_quarter(n_units=args.units, households=args.households, seed=args.seed)
    t0 = time.perf_counter()
    sim = example.simulate(n_sims=args.quarters, seed=args.seed)
    first = time.perf_counter() - t0
    times = []
    for k in range(args.repeat):
        t0 = time.perf_counter()
        example.simulate(n_sims=args.quarters, seed=args.seed + k + 1)
        times.append(time.perf_counter() - t0)
    print(f"poll simulation: {args.quarters} quarters x {args.units} units, "
          f"poll of {sim.poll_size} of {args.households} households")
    print(f"  first run  {first:.3f} s")
    if times:
        print(f"  best       {min(times):.3f} s   median {statistics.median(times):.3f} s   ({args.repeat} runs)")
    ok = first < 1.0
    print("  target < 1 s:", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
