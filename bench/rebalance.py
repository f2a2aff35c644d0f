"""Benchmark: the labour rebalancing plan (用工余缺调剂) on the county demo — first-ever, disk-cached, warm.

Run: `.venv/bin/python -m bench.rebalance [--database-url URL] [--repeats 3]`. Without --database-url a
throwaway embedded cluster gets the county demo (built here, not timed; it is deleted afterwards); with it, the
database must hold the county demo and is only read. Every measurement runs in its own process, which loads
the road network and compiles nothing (numba's on-disk cache) before the clock starts:

- first-ever: an empty cache directory, nothing in memory: residents aggregated, centre-to-centre searches;
- disk-cached: a new process on the cache directory the first-ever run left (area balances and travel times
  from disk, after one query confirms that nothing has changed);
- warm: the same process again (nothing changed, so inputs and travel times come from memory).

Per level and mode the medians over the repeats are printed as a Markdown table with the goals (township
≤ 0.2 s, village ≤ 3 s), each time's ratio to its goal, and the cost ratio of the optimal plan to the greedy
nearest-first plan.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from geo.core.db import create_db_engine
from geo.core.settings import Settings
from geo.engine.circle import PointSet
from matching.circle.service import CircleService
from matching.rebalance.flow import greedy_transport, min_cost_transport
from matching.rebalance.plan import plan_rebalance
from matching.rebalance.travel_matrix import travel_rows

GOALS = {"township": 0.2, "village": 3.0}
CASES = (("township", "car"), ("township", "ebike"), ("village", "car"), ("village", "ebike"))


def child(url: str, data_dir: Path, level: str, mode: str, warm: int) -> dict[str, Any]:
    """One process's measurements: the first plan, then ``warm`` more (network loading and JIT not timed)."""
    settings = Settings(database_url=url, data_dir=data_dir)
    engine = create_db_engine(url, pool_size=1)
    service = CircleService(settings)
    with engine.connect() as conn:
        net = service.network(conn)
        x, y = net.edge_geoms[0].coords[0]
        _load_kernels(
            net.graph(mode, "time"), net.index(mode).snap(np.array([x]), np.array([y]), max_snap_m=1e4)
        )
        conn.rollback()
        t0 = time.perf_counter()
        plan = plan_rebalance(service, conn, level=level, mode=mode)
        first = time.perf_counter() - t0
        conn.rollback()
        warm_s = []
        for _ in range(warm):
            t0 = time.perf_counter()
            plan = plan_rebalance(service, conn, level=level, mode=mode)
            warm_s.append(time.perf_counter() - t0)
            conn.rollback()
    engine.dispose()
    return {"first": first, "warm": warm_s, "totals": plan.totals(), "flows": len(plan.flows)}


def _load_kernels(graph: Any, snapped: Any) -> None:
    """Run each compiled kernel once on a tiny input (loads numba's cache) without touching any plan cache."""
    targets = PointSet.build(snapped, graph)
    travel_rows(graph, snapped.edge, snapped.offset_m, targets, 1.0)
    one = np.array([1], dtype=np.int64)
    min_cost_transport(one, one, np.zeros((1, 1), np.int64), np.ones((1, 1), bool), penalty=10)
    greedy_transport(one, one, np.zeros((1, 1), np.int64), np.ones((1, 1), bool))


def _spawn(url: str, data_dir: Path, level: str, mode: str, warm: int) -> dict[str, Any]:
    cmd = [
        sys.executable,
        "-m",
        "bench.rebalance",
        "--child",
        "--database-url",
        url,
        "--data-dir",
        str(data_dir),
        "--level",
        level,
        "--mode",
        mode,
        "--warm",
        str(warm),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def measure(url: str, repeats: int, warm: int) -> None:
    """Run every case ``repeats`` times (fresh cache directory each time) and print the table."""
    print(f"load average before the runs {os.getloadavg()}; {os.cpu_count()} cores", flush=True)
    runs: dict[tuple[str, str], list[tuple[float, float, float]]] = {case: [] for case in CASES}
    last: dict[tuple[str, str], dict[str, Any]] = {}
    for r in range(repeats):
        for level, mode in CASES:
            with tempfile.TemporaryDirectory(prefix="hongyan-rebalance-") as tmp:
                cold = _spawn(url, Path(tmp), level, mode, 0)
                disk = _spawn(url, Path(tmp), level, mode, warm)
            runs[(level, mode)].append((cold["first"], disk["first"], statistics.median(disk["warm"])))
            last[(level, mode)] = disk
            print(
                f"repeat {r + 1} {level}/{mode}: first-ever {cold['first']:.2f} s, disk-cached "
                f"{disk['first']:.2f} s, warm {statistics.median(disk['warm']):.3f} s",
                flush=True,
            )
    print(
        f"\nload average after the runs {os.getloadavg()}; medians of {repeats} repeats, warm = median of {warm}\n"
    )
    print(
        "| level | mode | first-ever s | disk-cached s | warm s | goal s | first-ever/goal | disk/goal | warm/goal "
        "| moved | greedy moved | cost (worker-min) | greedy cost | cost ratio | objective ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for level, mode in CASES:
        cold_s, disk_s, warm_s = (statistics.median(x) for x in zip(*runs[(level, mode)], strict=True))
        t = last[(level, mode)]["totals"]
        goal = GOALS[level]
        cost_ratio = t["cost"] / t["greedy_cost"] if t["greedy_cost"] else 1.0
        obj_ratio = t["objective"] / t["greedy_objective"] if t["greedy_objective"] else 1.0
        verdict = [f"{s / goal:.2f} {'PASS' if s <= goal else 'FAIL'}" for s in (cold_s, disk_s, warm_s)]
        print(
            f"| {level} | {mode} | {cold_s:.2f} | {disk_s:.2f} | {warm_s:.3f} | {goal} | {' | '.join(verdict)} "
            f"| {t['moved']:,} | {t['greedy_moved']:,} | {t['cost']:,.0f} | {t['greedy_cost']:,.0f} "
            f"| {cost_ratio:.3f} | {obj_ratio:.4f} |"
        )


def main() -> None:
    """Parse options; measure on the given database or on a throwaway county demo."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20220513)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--level", default="township", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="car", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.database_url, Path(args.data_dir), args.level, args.mode, args.warm)))
        return
    if args.database_url is not None:
        measure(args.database_url, args.repeats, args.warm)
        return
    from bench.throwaway import throwaway_cluster
    from demo.build import build_demo
    from geo.core.migrate import upgrade

    with throwaway_cluster("hongyan_bench_rebalance") as (url, scratch):
        started = time.perf_counter()
        engine = create_db_engine(url, pool_size=2)
        upgrade(engine)
        build_demo(
            engine, Settings(database_url=url, data_dir=scratch / "data"), scale="county", seed=args.seed
        )
        engine.dispose()
        print(f"county demo built in {time.perf_counter() - started:.0f} s (not timed below)", flush=True)
        measure(url, args.repeats, args.warm)


if __name__ == "__main__":
    main()
