"""Benchmark: synthetic respondents for the Quanzhou questionnaire (target: 1,000,000 in under 2 s).

Run::

    .venv/bin/python benchmarks/synthetic_respondents.py

Prints the time to build 1,000,000 synthetic respondents (half township,
half village cadres) under independence and under a latent association,
the best of a few runs each, after one warm-up run, and checks that the
margins still reproduce every published share.
"""

from __future__ import annotations

import argparse
import time

from govlib.data import load_register
from govlib.survey.respondents import synthesize, synthetic_margins, usable_n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--total", type=int, default=1_000_000, help="respondents in all (split evenly)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per setting")
    args = ap.parse_args()
    reg = load_register()
    half = args.total // 2
    sizes = {g: usable_n(g, half, "half_up", register=reg)[0] for g in ("township", "village")}
    total = sum(sizes.values())
    synthesize({"township": 1000, "village": 1000}, seed=0, register=reg)  # warm-up: imports, caches
    print(f"synthetic respondents: township {sizes['township']:,} + village {sizes['village']:,} = {total:,}")
    for label, rho in (("independent (rho=0)", 0.0), ("latent association (rho=0.5)", 0.5)):
        times = []
        for seed in range(args.repeat):
            t0 = time.perf_counter()
            df = synthesize(sizes, seed=seed, rho=rho, register=reg)
            times.append(time.perf_counter() - t0)
        margins = synthetic_margins(df, register=reg)
        ok = bool(margins["reproduces"].all())
        best = min(times)
        print(f"  {label:30s} best {best:.3f} s, runs {', '.join(f'{t:.3f}' for t in times)} s; "
              f"{len(df):,} rows; margins reproduce all {len(margins)} published figures: {ok}; "
              f"{'PASS' if best < 2 else 'SLOW'} (target < 2 s)")


if __name__ == "__main__":
    main()
