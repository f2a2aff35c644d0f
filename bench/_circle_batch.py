"""Whole-county analytics, ours against pandana, each in its own process so its peak RSS is its own.

The parent runs `python -m bench._circle_batch {ours|pandana} MODE RADIUS` (the URL in HONGYAN_DATABASE_URL)
under bench._peak_rss; the child prints one line ``BENCH_RESULT {json}``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench._peak_rss import command, read_mib

MARKER = "BENCH_RESULT "


@dataclass(frozen=True)
class ChildRun:
    """What one child process measured, and its peak resident memory."""

    result: dict[str, Any]
    peak_rss_mib: float
    wall_s: float


def run_child(kind: str, url: str, mode: str, radius: float) -> ChildRun:
    """Run one side in a fresh interpreter and read its own peak RSS."""
    env = dict(os.environ, HONGYAN_DATABASE_URL=url)  # not on the command line: it may hold a password
    with tempfile.TemporaryDirectory(prefix="hongyan-bench-rss-") as tmp:
        rss_file = Path(tmp) / "rss"
        cmd = command(rss_file, [sys.executable, "-m", "bench._circle_batch", kind, mode, repr(radius)])
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - started
        peak = read_mib(rss_file)
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        # the other measurements still run; the table shows this side as failed, with the reason
        print(f"{kind} analytics failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}", file=sys.stderr)
        last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else f"exit {proc.returncode}"
        return ChildRun({"error": last}, peak, wall)
    return ChildRun(json.loads(lines[-1][len(MARKER) :]), peak, wall)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def ours(url: str, mode: str, radius: float) -> dict[str, Any]:
    """`analyze_circles` timed as a whole and, through its progress messages, by phase."""
    from geo.core.db import create_db_engine
    from geo.core.settings import Settings
    from matching.analytics.store import analyze_circles
    from matching.circle.service import CircleService

    settings = Settings(database_url=url)
    engine = create_db_engine(url, pool_size=2)
    service = CircleService(settings)
    marks: dict[str, float] = {}

    def mark(msg: str) -> None:
        marks.setdefault(msg, time.perf_counter())  # the first time each phase is announced

    base_rss = _rss_mib()
    started = time.perf_counter()
    summary = analyze_circles(
        engine,
        service,
        mode=mode,
        metric="length",
        limit=radius,
        progress=lambda msg, _f: mark(msg),
    )
    total = time.perf_counter() - started
    engine.dispose()

    def span(a: str | None, b: str) -> float | None:
        start = started if a is None else marks.get(a)
        stop = marks.get(b)
        return None if start is None or stop is None else stop - start

    return {
        "total_s": total,
        "network_s": span(None, "reading residents and sites"),
        "inputs_s": span("reading residents and sites", "searching circles"),
        "compute_s": span("searching circles", "storing results"),
        "store_s": span("storing results", "done"),
        "base_rss_mib": base_rss,
        "residents": summary.residents,
        "sites": summary.sites,
        "positions": summary.positions,
        "mean_positions_in_reach": summary.mean_positions_in_reach,
    }


def pandana_side(url: str, mode: str, radius: float) -> dict[str, Any]:
    """pandana on the same road_nodes/road_edges (metric CRS): build + node ids + two flat aggregates."""
    import pandana
    from sqlalchemy import create_engine

    from bench._circle_sql import RESIDENTS_XY, ROAD_EDGES_DIRECTED, ROAD_NODES_XY, SITE_POSITIONS_XY
    from geo.core.settings import Settings

    srid = Settings(database_url=url).metric_srid
    engine = create_engine(url, hide_parameters=True)
    base_rss = _rss_mib()
    started = time.perf_counter()
    with engine.connect() as conn:
        nodes = pd.DataFrame(conn.execute(ROAD_NODES_XY, {"srid": srid}).all()).set_index("node_id")
        edges = pd.DataFrame(conn.execute(ROAD_EDGES_DIRECTED, {"mode": mode}).all())
        sites = pd.DataFrame(conn.execute(SITE_POSITIONS_XY, {"srid": srid}).all())
        people = pd.DataFrame(conn.execute(RESIDENTS_XY, {"srid": srid}).all())
    engine.dispose()
    loaded = time.perf_counter()
    # one-way edges stay one-way: each allowed direction is its own directed edge
    fwd, bwd = edges[edges["fwd"]], edges[edges["bwd"]]
    src = np.concatenate([fwd["source"].to_numpy(), bwd["target"].to_numpy()])
    dst = np.concatenate([fwd["target"].to_numpy(), bwd["source"].to_numpy()])
    weight = np.concatenate([fwd["length_m"].to_numpy(), bwd["length_m"].to_numpy()])
    t0 = time.perf_counter()
    net = pandana.Network(
        nodes["x"],
        nodes["y"],
        pd.Series(src),
        pd.Series(dst),
        pd.DataFrame({"length_m": weight}),
        twoway=False,
    )
    t1 = time.perf_counter()
    site_nodes = net.get_node_ids(sites["x"], sites["y"])
    net.set(site_nodes, variable=sites["positions"].astype(float), name="positions")
    people_nodes = net.get_node_ids(people["x"], people["y"])
    net.set(people_nodes, name="people")
    t2 = time.perf_counter()
    positions = net.aggregate(radius, type="sum", decay="flat", name="positions")
    t3 = time.perf_counter()
    residents = net.aggregate(radius, type="count", decay="flat", name="people")
    t4 = time.perf_counter()
    return {
        "total_s": t4 - t0,
        "load_s": loaded - started,
        "build_s": t1 - t0,
        "node_ids_s": t2 - t1,
        "aggregate_positions_s": t3 - t2,
        "aggregate_residents_s": t4 - t3,
        "base_rss_mib": base_rss,
        "nodes": len(nodes),
        "directed_edges": len(src),
        "mean_positions_per_node": float(positions.mean()),
        "mean_residents_per_node": float(residents.mean()),
    }


def main() -> None:
    """Child entry point: run one side and print its result line."""
    kind, mode, radius = sys.argv[1], sys.argv[2], float(sys.argv[3])
    url = os.environ["HONGYAN_DATABASE_URL"]
    result = ours(url, mode, radius) if kind == "ours" else pandana_side(url, mode, radius)
    print(MARKER + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
