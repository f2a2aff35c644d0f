"""Benchmark: the 三公里就业圈 circle engine against pandana and pgRouting, in process and over HTTP.

Run: `.venv/bin/python -m bench.circles [--database-url URL] [--mode walk] [--radius 3000] [--queries 500]`.
Without --database-url a throwaway cluster is started and the county demo built into it (seed 20220513);
with it, the database must already hold the county demo (only the circle_* tables are written, by
analyze_circles, and the vacancies the live-update step posts are deleted again). Prints Markdown tables
with times, ratios and every goal as PASS/FAIL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from bench._circle_batch import run_child
from bench._circle_http import Throughput, live_update, running_server, sequential, throughput
from bench._circle_query import Homes, measure_in_process, measure_pgrouting, percentile_ms, sample_homes
from bench._circle_report import (
    Goal,
    analytics_rows,
    fmt,
    goal_rows,
    http_rows,
    live_rows,
    load_average,
    machine,
    median_count,
    query_rows,
    throughput_rows,
)
from bench._circle_serving import CANDIDATES, Load, compare
from bench._circle_sql import DEMO_META
from bench._circle_wrk import wrk_command, wrk_throughput
from bench.throwaway import throwaway_cluster
from geo.core.db import create_db_engine, database_url
from geo.core.settings import Settings
from matching.circle.service import CircleService

SEED = 20220513
GOAL_ANALYTICS_RATIO = 0.5
GOAL_PEAK_MIB = 4096.0
GOAL_REACH_P50_MS = 2.0
GOAL_HTTP_RATIO = 1.0
GOAL_RPS = 300.0
GOAL_P99_MS = 100.0


@contextmanager
def database(url: str | None) -> Iterator[tuple[str, Path]]:
    """The given database, or a throwaway cluster with the county demo built into it; and a scratch dir."""
    if url:
        scratch = Path(tempfile.mkdtemp(prefix="hongyan-bench-", dir="/tmp"))
        try:
            yield database_url(Settings(database_url=url)), scratch
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return
    from demo.build import build_demo
    from geo.core.migrate import upgrade

    with throwaway_cluster() as (tmp_url, scratch):
        settings = Settings(database_url=tmp_url, data_dir=scratch / "data")
        engine = create_db_engine(tmp_url, pool_size=2)
        started = time.perf_counter()
        upgrade(engine)
        build_demo(engine, settings, scale="county", seed=SEED, progress=lambda m: print(f"  demo: {m}"))
        engine.dispose()
        print(f"county demo built in {time.perf_counter() - started:.1f} s\n")
        yield tmp_url, scratch


def describe_demo(engine: Engine) -> str:
    """What the database holds, from the demo build's record (refuses a database without one)."""
    with engine.connect() as conn:
        value = conn.execute(DEMO_META).scalar_one_or_none()
    if not value:
        raise SystemExit("the database holds no demo build: run `hongyan demo build --scale county` first")
    if value.get("scale") != "county":
        print(f"warning: the database holds the {value.get('scale')} demo, not the county one")
    counts = value.get("counts", {})
    return (
        f"demo scale {value.get('scale')} seed {value.get('seed')}: {counts.get('road_nodes', 0):,} road nodes, "
        f"{counts.get('road_edges', 0):,} edges, {counts.get('residents', 0):,} residents, "
        f"{counts.get('sites', 0):,} sites, {counts.get('vacancies', 0):,} vacancies"
    )


def whole_county(url: str, mode: str, radius: float) -> list[Goal]:
    """Step 1: analyze_circles against pandana, each in its own process."""
    # ours reads the road network from its disk cache, as any run after the first does; prime it here (same
    # data dir as the child) and report the cold load apart
    started = time.perf_counter()
    engine = create_db_engine(url, pool_size=1)
    with engine.connect() as conn:
        CircleService(Settings(database_url=url)).network(conn)
    engine.dispose()
    print(
        f"road network cache primed in {time.perf_counter() - started:.2f} s (a cold load reads road_edges; "
        "nothing to do if the cache already held this network)",
        flush=True,
    )
    print("whole county: ours …", flush=True)
    ours = run_child("ours", url, mode, radius)
    print("whole county: pandana …", flush=True)
    theirs = run_child("pandana", url, mode, radius)
    rows, ratio = analytics_rows(ours, theirs)
    print("\n" + "\n".join(rows) + "\n")
    peak_ok = "error" not in ours.result and ours.peak_rss_mib <= GOAL_PEAK_MIB
    return [
        Goal(
            "whole county: ours / pandana time",
            fmt(ratio),
            f"≤ {GOAL_ANALYTICS_RATIO}",
            ratio is not None and ratio <= GOAL_ANALYTICS_RATIO,
        ),
        Goal("whole county: peak RSS, MiB", fmt(ours.peak_rss_mib, 0), f"≤ {GOAL_PEAK_MIB:,.0f}", peak_ok),
    ]


def run(args: argparse.Namespace, url: str, scratch: Path, engine: Engine) -> list[Goal]:
    """Every measurement in order; returns the goals."""
    mode, radius = args.mode, args.radius
    goals = [] if args.skip_analytics else whole_county(url, mode, radius)

    settings = Settings(database_url=url)
    service = CircleService(settings)
    with engine.connect() as conn:
        homes: Homes = sample_homes(conn, args.queries, seed=SEED)
    print("one circle in process …", flush=True)
    inproc = measure_in_process(engine, service, homes, mode=mode, radius=radius)
    print("pgr_withPointsDD …", flush=True)
    with engine.connect() as conn:
        node_ids = service.network(conn).node_ids
    pg = measure_pgrouting(
        engine, homes, inproc, node_ids, mode=mode, radius=radius, srid=settings.metric_srid
    )
    print(
        f"\n{len(homes)} homes ({inproc.on_network} on the network), median {median_count(inproc.sites_reached)} "
        f"sites and {median_count(inproc.vacancies)} open vacancies within reach; in-process network load + "
        f"site snapping {inproc.network_load_s:.1f} s\n"
    )
    print("\n".join(query_rows(inproc, pg)))
    print(
        f"\npgRouting agreement: same reached node set in {pg.same_nodes}/{pg.compared} sampled circles, "
        f"max |Δ cost| {pg.max_cost_diff_m:.2g} m; median {median_count(pg.rows)} rows per call\n"
    )
    reach_p50 = percentile_ms(inproc.reach, 50)
    goals.append(
        Goal(
            "reach() p50, ms",
            fmt(reach_p50),
            f"≤ {GOAL_REACH_P50_MS}",
            reach_p50 <= GOAL_REACH_P50_MS,
            reach_p50 / GOAL_REACH_P50_MS,
        )
    )

    print(
        f"HTTP: hongyan serve --workers {args.workers}"
        f"{f' under taskset -c {args.server_cpus}' if args.server_cpus else ''} …",
        flush=True,
    )
    runs: list[Throughput] = []
    with running_server(url, scratch, workers=args.workers, cpus=args.server_cpus) as server:
        warm_all = 0.0
        if args.workers > 1:  # every worker loads its own network on its first request
            warm_all = throughput(
                server,
                homes,
                mode=mode,
                radius=radius,
                clients=2 * args.workers,
                total=8 * args.workers,
                cap_s=120.0,
            ).seconds
        http, warm = sequential(server, homes, mode=mode, radius=radius)
        warm = max(warm, warm_all)
        bare, _ = sequential(server, homes, mode=mode, radius=radius, reach=False)
        for with_polygon in (True, False):
            print(
                f"throughput ({'with' if with_polygon else 'without'} the polygon, {args.load_generator}) …",
                flush=True,
            )
            if args.load_generator == "wrk":
                run_ = wrk_throughput(
                    server,
                    homes,
                    scratch,
                    mode=mode,
                    radius=radius,
                    clients=args.clients,
                    seconds=args.duration,
                    reach=with_polygon,
                    threads=args.wrk_threads,
                    cpus=args.client_cpus,
                )
            else:
                run_ = throughput(
                    server,
                    homes,
                    mode=mode,
                    radius=radius,
                    clients=args.clients,
                    total=args.requests,
                    cap_s=args.cap,
                    reach=with_polygon,
                )
            run_.load_after = f"{os.getloadavg()[0]:.2f}"
            runs.append(run_)
        site_of_home = {i: int(h.ids[0]) for i, h in inproc.hits.items() if len(h.ids)}
        live = live_update(server, engine, homes, site_of_home, mode=mode, radius=radius)
    print(
        f"\nserver warm-up: first request(s) (each worker loads the network, snaps the sites) {warm:.1f} s; "
        f"peak RSS of the server (its largest process) {server.peak_rss_mib:,.0f} MiB\n"
    )
    print("\n".join(http_rows(http, bare, pg)) + "\n")
    http_ratio = percentile_ms(http, 50) / percentile_ms(pg.seconds, 50)
    goals.append(
        Goal(
            "HTTP p50 / pgRouting p50",
            fmt(http_ratio),
            f"≤ {GOAL_HTTP_RATIO}",
            http_ratio <= GOAL_HTTP_RATIO,
            http_ratio / GOAL_HTTP_RATIO,
        )
    )

    print("\n".join(throughput_rows(runs)) + "\n")
    print(
        f"({len(homes)} homes cycled over; every request does the real work: no response cache. "
        f"{args.clients} closed-loop clients: by Little's law mean latency ≈ {args.clients} / req/s.)\n"
    )
    for t in runs:
        if t.errors:
            print(f"first error ({'with' if t.reach else 'without'} the polygon): {t.first_error}\n")
    main_run = runs[0]
    p99 = main_run.latency_ms(99)
    goals += [
        Goal(
            "throughput, req/s",
            fmt(main_run.rps, 1),
            f"≥ {GOAL_RPS:.0f}",
            main_run.rps >= GOAL_RPS,
            main_run.rps / GOAL_RPS,
        ),
        Goal("throughput errors", str(main_run.errors), "0", main_run.errors == 0),
        Goal("throughput p99, ms", fmt(p99), f"≤ {GOAL_P99_MS:.0f}", p99 <= GOAL_P99_MS, p99 / GOAL_P99_MS),
    ]

    if args.servers:
        names = [n.strip() for n in args.servers.split(",") if n.strip()]
        load = Load(mode, radius, args.workers, args.clients, args.duration, args.rounds)
        table, verdicts = compare(names, url, scratch, homes, inproc.positions, load)
        print("\n".join(table) + "\n")
        goals += [
            Goal(f"serving: {name}, every goal in every run", "yes" if ok else "no", "yes", ok)
            for name, ok in verdicts.items()
        ]

    print("\n".join(live_rows(live)) + "\n")
    seen = live.tries > 0 and live.first_query_saw_it == live.tries
    goals.append(
        Goal(
            "posted vacancy listed by the next query", f"{live.first_query_saw_it}/{live.tries}", "all", seen
        )
    )
    return goals


def main() -> None:
    """Parse the options, run every measurement, print the tables and the goals."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="a database holding the county demo")
    parser.add_argument("--mode", default="walk", choices=["walk", "ebike", "car"])
    parser.add_argument("--radius", type=float, default=3000.0, help="metres by road")
    parser.add_argument(
        "--queries", type=int, default=500, help="random resident homes per query measurement"
    )
    parser.add_argument("--clients", type=int, default=32, help="throughput: concurrent clients")
    parser.add_argument(
        "--load-generator",
        choices=["wrk", "httpx"],
        default="wrk",
        help="throughput: wrk (C, a Lua script cycling over the homes; `apt-get install wrk`) or the older "
        "httpx AsyncClient in this process (~2.7 ms of CPU per request taken from the server's cores)",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="throughput with wrk: seconds per run")
    parser.add_argument("--wrk-threads", type=int, default=1, help="throughput with wrk: its threads")
    parser.add_argument("--requests", type=int, default=3000, help="throughput with httpx: requests per run")
    parser.add_argument("--cap", type=float, default=60.0, help="throughput with httpx: time cap per run, s")
    parser.add_argument("--workers", type=int, default=2, help="`hongyan serve --workers` (2: one per core)")
    parser.add_argument("--server-cpus", default=None, help="run the server under `taskset -c LIST`")
    parser.add_argument("--client-cpus", default=None, help="run wrk under `taskset -c LIST`")
    parser.add_argument(
        "--servers",
        default=",".join(CANDIDATES),
        help="serving arrangements compared side by side ('' leaves the comparison out): "
        + ", ".join(CANDIDATES),
    )
    parser.add_argument("--rounds", type=int, default=3, help="steady wrk runs per serving candidate")
    parser.add_argument("--skip-analytics", action="store_true", help="leave out the whole-county runs")
    args = parser.parse_args()
    if args.load_generator == "wrk":
        wrk_command()  # say what to install before the long steps, not after them
    began = time.perf_counter()
    print(f"date: {dt.datetime.now().astimezone().isoformat(timespec='seconds')}")
    print(f"machine: {machine()}")
    with database(args.database_url) as (url, scratch):
        engine = create_db_engine(url, pool_size=4)
        try:
            print(
                f"data: {describe_demo(engine)}; mode {args.mode}, radius {args.radius:g} m, "
                f"{args.queries} queries, server workers {args.workers}; CPUs: server "
                f"{args.server_cpus or 'any'}, load generator {args.client_cpus or 'any'} of "
                f"{sorted(os.sched_getaffinity(0))}\n"
            )
            goals = run(args, url, scratch, engine)
        finally:
            engine.dispose()
    print("\n".join(goal_rows(goals)))
    print(f"\nbenchmark wall time {time.perf_counter() - began:.0f} s; load average now {load_average()}")


if __name__ == "__main__":
    main()
