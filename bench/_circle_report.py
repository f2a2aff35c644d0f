"""Markdown tables and PASS/FAIL goals of the circle benchmark."""

from __future__ import annotations

import math
import os
import platform
from dataclasses import dataclass
from pathlib import Path

from bench._circle_batch import ChildRun
from bench._circle_http import LiveUpdate, Throughput
from bench._circle_query import InProcess, PgRouting, percentile_ms


@dataclass(frozen=True)
class Goal:
    """One goal: what was measured against which target, and whether it is met."""

    name: str
    measured: str
    target: str
    ok: bool
    ratio: float | None = None  # measured / target


def machine() -> str:
    """nproc, RAM, CPU model, Python and the load average now (other work on the machine skews numbers)."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kib = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kib / 1024**2:.1f} GiB RAM, Python {platform.python_version()}, "
        f"load average {load_average()}"
    )


def load_average() -> str:
    """The 1, 5 and 15 minute load averages."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def fmt(value: float | None, digits: int = 2) -> str:
    """A number for the tables ('—' when not measured)."""
    return "—" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def median_count(values: list[int]) -> str:
    """The median of counts, formatted."""
    return f"{sorted(values)[len(values) // 2]:,}" if values else "—"


def analytics_rows(ours: ChildRun, theirs: ChildRun) -> tuple[list[str], float | None]:
    """Rows of the whole-county comparison and the goal ratio (None if a side failed)."""
    o, p = ours.result, theirs.result
    ratio = o["total_s"] / p["total_s"] if "total_s" in o and "total_s" in p else None
    like = o["compute_s"] / p["total_s"] if o.get("compute_s") is not None and "total_s" in p else None
    mem = ours.peak_rss_mib / theirs.peak_rss_mib if theirs.peak_rss_mib else None
    rows = [
        "| whole county | ours: analyze_circles | pandana 0.8 | ours / pandana |",
        "|---|---|---|---|",
        f"| **timed total, s** (ours: the whole call; pandana: build + node ids + 2 aggregates) | "
        f"{fmt(o.get('total_s'))} | {fmt(p.get('total_s'))} | **{fmt(ratio)}** |",
        f"| read from PostGIS, s (ours: the network, from its disk cache, while the residents arrive) | "
        f"network {fmt(o.get('network_s'))} + inputs {fmt(o.get('inputs_s'))} | "
        f"{fmt(p.get('load_s'))} (not in its total) | |",
        f"| compute, s (ours: snap residents and sites + one threaded pass of site searches) | "
        f"{fmt(o.get('compute_s'))} | "
        f"build {fmt(p.get('build_s'))} + node ids {fmt(p.get('node_ids_s'))} + aggregates "
        f"{fmt(p.get('aggregate_positions_s'))} + {fmt(p.get('aggregate_residents_s'))} | {fmt(like)} |",
        f"| store (COPY), s | {fmt(o.get('store_s'))} | — | |",
        f"| peak RSS of the process, MiB (after imports) | {fmt(ours.peak_rss_mib, 0)} "
        f"({fmt(o.get('base_rss_mib'), 0)}) | {fmt(theirs.peak_rss_mib, 0)} ({fmt(p.get('base_rss_mib'), 0)}) | "
        f"{fmt(mem)} |",
    ]
    for side, run in (("ours", ours), ("pandana", theirs)):
        if "error" in run.result:
            rows.append(f"| {side} FAILED | {run.result['error']} | | |")
    return rows, ratio


def query_rows(inproc: InProcess, pg: PgRouting) -> list[str]:
    """Rows of the in-process per-query measurements, pgRouting alongside."""
    rows = ["| one circle, in process | p50 ms | p95 ms | max ms |", "|---|---|---|---|"]
    for name, values in (
        ("CircleService.reach() (snap + search + sites)", inproc.reach),
        ("CircleService.reach_polygon()", inproc.polygon),
        ("circle() (validation + check query + reach + vacancy board + polygon)", inproc.positions),
        ("pgr_withPointsDD via psycopg (box-clipped edges)", pg.seconds),
    ):
        rows.append(
            f"| {name} | {fmt(percentile_ms(values, 50))} | {fmt(percentile_ms(values, 95))} | "
            f"{fmt(percentile_ms(values, 100))} |"
        )
    return rows


def http_rows(with_polygon: list[float], without: list[float], pg: PgRouting) -> list[str]:
    """Rows of the sequential HTTP latencies against pgRouting."""
    pg_p50 = percentile_ms(pg.seconds, 50)
    rows = ["| one circle | p50 ms | p95 ms | ours / pgRouting (p50) |", "|---|---|---|---|"]
    for name, values in (
        ("GET /api/v1/circle (default: with the reach polygon)", with_polygon),
        ("GET /api/v1/circle?reach=false", without),
    ):
        p50 = percentile_ms(values, 50)
        rows.append(f"| {name} | {fmt(p50)} | {fmt(percentile_ms(values, 95))} | {fmt(p50 / pg_p50)} |")
    rows.append(
        f"| pgr_withPointsDD (in-database, via psycopg) | {fmt(pg_p50)} | "
        f"{fmt(percentile_ms(pg.seconds, 95))} | 1.00 |"
    )
    return rows


def throughput_rows(runs: list[Throughput]) -> list[str]:
    """Rows of the concurrent runs."""
    rows = [
        "| throughput | load generator | clients | requests | errors | seconds | req/s | p50 ms | p99 ms | "
        "max ms | client CPU s | load average after |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for t in runs:
        name = "GET /api/v1/circle" + ("" if t.reach else "?reach=false")
        rows.append(
            f"| {name} | {t.generator} | {t.clients} | {t.requests:,} | {t.errors} | {t.seconds:.1f} | "
            f"{t.rps:,.1f} | {fmt(t.latency_ms(50))} | {fmt(t.latency_ms(99))} | {fmt(t.latency_ms(100))} | "
            f"{t.client_cpu_s:.1f} | "
            f"{t.load_after} |"
        )
    return rows


def live_rows(live: LiveUpdate) -> list[str]:
    """Rows of the live-update measurement."""
    return [
        "| live update | posts | listed by the first query after commit | INSERT+commit p50 ms | "
        "INSERT+commit+query p50 ms | max ms |",
        "|---|---|---|---|---|---|",
        f"| vacancy → circle | {live.tries} | {live.first_query_saw_it}/{live.tries} | "
        f"{fmt(percentile_ms(live.insert_s, 50))} | {fmt(percentile_ms(live.visible_s, 50))} | "
        f"{fmt(percentile_ms(live.visible_s, 100))} |",
    ]


def goal_rows(goals: list[Goal]) -> list[str]:
    """The goals with PASS/FAIL."""
    rows = ["| goal | measured | target | measured / target | result |", "|---|---|---|---|---|"]
    rows += [
        f"| {g.name} | {g.measured} | {g.target} | {fmt(g.ratio)} | {'PASS' if g.ok else 'FAIL'} |"
        for g in goals
    ]
    return rows
