"""Benchmark: the labour rebalancing plan (用工余缺调剂) on the county demo, against the greedy plan.

Run: `.venv/bin/python -m bench.rebalance [--database-url URL] [--repeats 3]`. Without --database-url the
configured database is used (`hongyan db url`); it must hold the county demo and is only read. The road network
is loaded first (not timed). Per level and mode, "cold" is the first plan (its centre-to-centre searches
included), "warm" the median of the repeats (travel times cached, residents and positions re-read). Prints a
Markdown table with PASS/FAIL against the goals and the cost ratio of the optimal to the greedy plan.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from geo.db import create_db_engine, database_url
from geo.settings import Settings
from matching.circles import CircleService
from matching.rebalance import plan_rebalance

GOALS = {"township": 0.2, "village": 3.0}


def main() -> None:
    """Time the plan per level and mode and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    settings = Settings() if args.database_url is None else Settings(database_url=args.database_url)
    engine = create_db_engine(database_url(settings), pool_size=2)
    service = CircleService(settings)
    with engine.connect() as conn:
        started = time.perf_counter()
        service.network(conn)
        print(f"road network loaded in {time.perf_counter() - started:.2f} s; load average {os.getloadavg()}")
        plan_rebalance(service, conn, level="township", mode="ebike", group="6-18")  # JIT warm-up
        print(
            "| level | mode | areas moved | cold s | warm s | goal s | cold | warm | moved | greedy moved "
            "| cost (worker-min) | greedy cost | cost ratio | objective ratio |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for level in ("township", "village"):
            for mode in ("car", "ebike"):
                t0 = time.perf_counter()
                plan = plan_rebalance(service, conn, level=level, mode=mode)
                cold = time.perf_counter() - t0
                warm_times = []
                for _ in range(args.repeats):
                    t0 = time.perf_counter()
                    plan = plan_rebalance(service, conn, level=level, mode=mode)
                    warm_times.append(time.perf_counter() - t0)
                warm = statistics.median(warm_times)
                t = plan.totals()
                goal = GOALS[level]
                cost_ratio = t["cost"] / t["greedy_cost"] if t["greedy_cost"] else 1.0
                obj_ratio = t["objective"] / t["greedy_objective"] if t["greedy_objective"] else 1.0
                print(
                    f"| {level} | {mode} | {len(plan.flows)} flows | {cold:.2f} | {warm:.2f} | {goal} "
                    f"| {'PASS' if cold <= goal else 'FAIL'} | {'PASS' if warm <= goal else 'FAIL'} "
                    f"| {t['moved']} | {t['greedy_moved']} | {t['cost']:.0f} | {t['greedy_cost']:.0f} "
                    f"| {cost_ratio:.3f} | {obj_ratio:.4f} |"
                )
    engine.dispose()


if __name__ == "__main__":
    main()
