"""Benchmark: a fresh `hongyan serve`, cold and warm — seconds until /healthz answers, then its first circles.

Run: `.venv/bin/python -m bench.first_request --database-url URL [--circles 20]` on a database holding the
county demo (nothing is written). The server is started twice, with HONGYAN_WARM_START=false and =true; each
time the script waits for /healthz, then asks for walking circles (3 km, with the reach polygon) at the same
sample homes one after another. Prints a Markdown table: start-up seconds, the first circle's latency, the
median of the rest, and the first's ratio to that median (the goal of a warm start: close to 1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench._circle_http import circle_params, running_server
from bench._circle_query import sample_homes
from geo.core.db import create_db_engine

SEED = 20220513


def one_start(url: str, *, warm: bool, points: list[tuple[float, float]]) -> tuple[float, list[float]]:
    """Seconds from process start to a healthy /healthz, and each circle's seconds in order."""
    scratch = Path(tempfile.mkdtemp(prefix="hongyan-bench-", dir="/tmp"))
    os.environ["HONGYAN_WARM_START"] = "true" if warm else "false"
    started = time.perf_counter()
    try:
        with running_server(url, scratch) as server:
            healthy = time.perf_counter() - started
            times: list[float] = []
            with httpx.Client(base_url=server.base, timeout=120.0) as client:
                for lon, lat in points:
                    t0 = time.perf_counter()
                    client.get(
                        "/api/v1/circle", params=circle_params(lon, lat, "walk", 3000.0)
                    ).raise_for_status()
                    times.append(time.perf_counter() - t0)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return healthy, times


def main() -> None:
    """Measure both starts and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True, help="a database holding the county demo")
    parser.add_argument("--circles", type=int, default=20, help="circles asked for after each start")
    args = parser.parse_args()
    engine = create_db_engine(args.database_url, pool_size=1)
    with engine.connect() as conn:
        homes = sample_homes(conn, args.circles, seed=SEED)
    engine.dispose()
    points = list(zip(homes.lon.tolist(), homes.lat.tolist(), strict=True))
    print("| start | until /healthz (s) | first circle (ms) | median of the rest (ms) | first ÷ median |")
    print("|---|---|---|---|---|")
    for warm in (False, True):
        healthy, times = one_start(args.database_url, warm=warm, points=points)
        rest = statistics.median(times[1:])
        label = "warm (HONGYAN_WARM_START=true)" if warm else "cold (HONGYAN_WARM_START=false)"
        print(
            f"| {label} | {healthy:.1f} | {times[0] * 1000:.0f} | {rest * 1000:.1f} | {times[0] / rest:.1f} |"
        )


if __name__ == "__main__":
    main()
