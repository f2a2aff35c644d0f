"""Benchmark: vector tile latency over HTTP, p50/p95 per layer and zoom (z8–z16) on the county demo.

Run: `.venv/bin/python -m bench.tiles [--database-url URL] [--points 30] [--repeats 3]`.
Without --database-url a throwaway cluster is started and the county demo built into it (seed 20220513);
with it, the database must hold the county demo; only heat_hexagons is written (by refresh_heat), and
only if the table exists (otherwise the heat layer is left out). Tiles are requested from a
`hongyan serve` subprocess on a free 127.0.0.1 port, gzip accepted like a browser, one at a time, at the
tiles holding the county seat and random enterprise sites, each --repeats times
(the first included). Prints Markdown tables with PASS/FAIL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import text

from bench.throwaway import throwaway_cluster
from geo.core.db import create_db_engine, database_url
from geo.core.settings import Settings
from tiles.hexagons import refresh_heat
from tiles.layers import LAYERS

SEED = 20220513
GOAL_P95_MS = 50.0
ZOOMS = range(8, 17)
HOST = "127.0.0.1"

SEAT = text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE level = 'township' ORDER BY code LIMIT 1")
RANDOM_SITES = text(
    "SELECT ST_X(geom), ST_Y(geom) FROM enterprise_sites ORDER BY md5(site_id::text || :seed) LIMIT :n"
)
HEAT_EXISTS = text("SELECT to_regclass('heat_hexagons') IS NOT NULL")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a WGS84 point."""
    n = 2**z
    return int((lon + 180.0) / 360.0 * n), int(
        (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The given database, or a throwaway cluster with the county demo built into it."""
    if url:
        yield url
        return
    from demo.build import build_demo
    from geo.core.migrate import upgrade

    with throwaway_cluster("hongyan_tiles_bench") as (tmp_url, scratch):
        engine = create_db_engine(tmp_url, pool_size=2)
        started = time.perf_counter()
        upgrade(engine)
        build_demo(
            engine, Settings(database_url=tmp_url, data_dir=scratch / "data"), scale="county", seed=SEED
        )
        engine.dispose()
        print(f"county demo built in {time.perf_counter() - started:.1f} s\n")
        yield tmp_url


@contextmanager
def server(url: str) -> Iterator[str]:
    """`hongyan serve` on a free local port; terminated (by its pid) afterwards."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        port = int(s.getsockname()[1])
    scratch = Path(tempfile.mkdtemp(prefix="hongyan-tiles-bench-", dir="/tmp"))
    log = scratch / "serve.log"
    env = dict(os.environ, HONGYAN_DATABASE_URL=url, HONGYAN_DATA_DIR=str(scratch / "data"))
    hongyan = str(Path(sys.executable).with_name("hongyan"))
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [hongyan, "serve", "--host", HOST, "--port", str(port)], env=env, stdout=out, stderr=out
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"`hongyan serve` did not start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def sample_points(url: str, n: int) -> list[tuple[float, float]]:
    """The county seat and ``n`` random enterprise sites (seeded)."""
    engine = create_db_engine(url, pool_size=1)
    with engine.connect() as conn:
        points = [tuple(conn.execute(SEAT).one())]
        points += [tuple(r) for r in conn.execute(RANDOM_SITES, {"seed": str(SEED), "n": n})]
    engine.dispose()
    return [(float(lon), float(lat)) for lon, lat in points]


def main() -> None:
    """Refresh the heat hexagons, request the sampled tiles, print the tables."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="a database holding the county demo")
    parser.add_argument("--points", type=int, default=30, help="random enterprise sites besides the seat")
    parser.add_argument("--repeats", type=int, default=3, help="requests per sampled tile")
    args = parser.parse_args()
    print(f"date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with database(args.database_url) as raw_url:
        url = database_url(Settings(database_url=raw_url))
        engine = create_db_engine(url, pool_size=1)
        with engine.connect() as conn:
            has_heat = bool(conn.execute(HEAT_EXISTS).scalar_one())
        layers = [layer for layer in LAYERS if has_heat or layer.name != "heat"]
        if has_heat:
            summary = refresh_heat(engine)
            steps = ", ".join(f"{k} {v:.2f} s" for k, v in summary.seconds.items())
            print(
                f"refresh_heat: {summary.seekers:,} available people, {summary.positions:,} open positions, "
                f"hexagons {summary.hexagons}; {steps}\n"
            )
        else:
            print(
                "heat_hexagons does not exist in this database (not migrated): the heat layer is left out\n"
            )
        engine.dispose()
        points = sample_points(url, args.points)
        rows: list[str] = []
        overall: dict[str, list[float]] = {}
        with (
            server(url) as base,
            httpx.Client(base_url=base, timeout=60, headers={"Accept-Encoding": "gzip"}) as client,
        ):
            for layer in layers:
                for z in ZOOMS:
                    if layer.band_index(z) is None:
                        continue
                    tiles = sorted({tile_of(lon, lat, z) for lon, lat in points})
                    client.get(f"/tiles/{layer.name}/{z}/{tiles[0][0]}/{tiles[0][1]}.pbf")  # warm-up
                    times, sizes, empty = [], [], 0
                    for x, y in tiles * args.repeats:
                        started = time.perf_counter()
                        r = client.get(f"/tiles/{layer.name}/{z}/{x}/{y}.pbf")
                        times.append((time.perf_counter() - started) * 1000)
                        if r.status_code == 204:
                            empty += 1
                        elif r.status_code == 200:
                            sizes.append(int(r.headers.get("content-length", len(r.content))))
                        else:
                            raise SystemExit(f"{r.request.url}: HTTP {r.status_code} {r.text}")
                    overall.setdefault(layer.name, []).extend(times)
                    p50, p95 = np.percentile(times, [50, 95])
                    kb = np.mean(sizes) / 1024 if sizes else 0.0
                    rows.append(
                        f"| {layer.name} | {z} | {len(tiles)} | {empty} | {kb:,.1f} | {p50:.1f} | {p95:.1f} | "
                        f"{max(times):.1f} | {'PASS' if p95 <= GOAL_P95_MS else 'FAIL'} |"
                    )
        print(
            f"{len(points)} sample points (the county seat + random sites), each tile requested {args.repeats} "
            "times; gzip accepted; one request at a time\n"
        )
        print(
            f"| layer | z | tiles | 204s | mean gzip KB | p50 ms | p95 ms | max ms | p95 ≤ {GOAL_P95_MS:g} ms |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))
        print(f"\n| layer (all its zooms) | requests | p50 ms | p95 ms | goal p95 ≤ {GOAL_P95_MS:g} ms |")
        print("|---|---|---|---|---|")
        for name, times in overall.items():
            p50, p95 = np.percentile(times, [50, 95])
            print(
                f"| {name} | {len(times)} | {p50:.1f} | {p95:.1f} | {'PASS' if p95 <= GOAL_P95_MS else 'FAIL'} |"
            )


if __name__ == "__main__":
    main()
