"""One circle at a time, in this process: our engine's reach, its polygon and positions_in_circle; pgRouting."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine

from bench._circle_sql import RESIDENT_HOMES, RESIDENT_IDS, WITH_POINTS_DD
from matching.circle.jobs import JobFilters, positions_in_circle
from matching.circle.service import CircleHit, CircleService

PG_MARGIN_M = 250.0  # the clip box is radius + this around the point (a road path cannot leave radius)
AGREEMENT_SAMPLE = 50
F8 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Homes:
    """Sampled resident homes (WGS84) used by every per-query measurement."""

    ids: npt.NDArray[np.int64]
    lon: F8
    lat: F8

    def __len__(self) -> int:
        return len(self.ids)


def sample_homes(conn: Connection, n: int, *, seed: int) -> Homes:
    """``n`` distinct random residents' homes, the same for the same seed and data."""
    all_ids = np.asarray(conn.execute(RESIDENT_IDS).scalars().all(), dtype=np.int64)
    if len(all_ids) == 0:
        raise SystemExit("the database holds no residents: build the county demo first")
    pick = np.random.default_rng(seed).choice(all_ids, size=min(n, len(all_ids)), replace=False)
    rows = conn.execute(RESIDENT_HOMES, {"ids": pick.tolist()}).all()
    order = np.random.default_rng(seed + 1).permutation(len(rows))  # not in id (village) order
    rows = [rows[i] for i in order]
    return Homes(
        np.asarray([r[0] for r in rows], np.int64),
        np.asarray([r[1] for r in rows], np.float64),
        np.asarray([r[2] for r in rows], np.float64),
    )


def percentile_ms(seconds: list[float], q: float) -> float:
    """The q-th percentile of durations, in milliseconds (nan when there are none)."""
    return float(np.percentile(np.asarray(seconds) * 1000.0, q)) if seconds else math.nan


@dataclass
class InProcess:
    """Per-call durations (s) of the in-process measurements, and what the queries found."""

    reach: list[float] = field(default_factory=list)
    polygon: list[float] = field(default_factory=list)
    positions: list[float] = field(default_factory=list)
    on_network: int = 0
    sites_reached: list[int] = field(default_factory=list)
    vacancies: list[int] = field(default_factory=list)
    hits: dict[int, CircleHit] = field(default_factory=dict)
    network_load_s: float = 0.0


def measure_in_process(
    engine: Engine, service: CircleService, homes: Homes, *, mode: str, radius: float
) -> InProcess:
    """reach(), reach_polygon() and positions_in_circle() per home; the first call (JIT) is left out."""
    out = InProcess()
    with engine.connect() as conn:
        started = time.perf_counter()
        net = service.network(conn)
        sites = service.sites(conn, net, mode)
        out.network_load_s = time.perf_counter() - started
        queries = [
            service.query(conn, lon=float(lo), lat=float(la), mode=mode, radius_m=radius, minutes=None)
            for lo, la in zip(homes.lon, homes.lat, strict=True)
        ]
        for warm in queries[:1]:  # numba compiles (or loads its cache) on the first search
            hit = service.reach(net, warm, sites)
            service.reach_polygon(net, warm, hit)
            positions_in_circle(service, conn, warm, JobFilters())
        clock = time.perf_counter
        for i, q in enumerate(queries):
            t0 = clock()
            hit = service.reach(net, q, sites)
            t1 = clock()
            service.reach_polygon(net, q, hit)
            t2 = clock()
            out.reach.append(t1 - t0)
            out.polygon.append(t2 - t1)
            out.on_network += int(hit.on_network)
            out.sites_reached.append(len(hit.ids))
            out.hits[i] = hit
        for q in queries:
            t0 = clock()
            result = positions_in_circle(service, conn, q, JobFilters())
            out.positions.append(clock() - t0)
            out.vacancies.append(int(result["vacancy_count"]))
    return out


@dataclass
class PgRouting:
    """Durations of pgr_withPointsDD per home and how its reached nodes compare with ours."""

    seconds: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    compared: int = 0
    same_nodes: int = 0
    max_cost_diff_m: float = 0.0


def clip_box_deg(lat: float, radius: float) -> tuple[float, float]:
    """Half-width and half-height in degrees of a box reaching radius + margin metres around a point."""
    metres = radius + PG_MARGIN_M
    dy = metres / 110_574.0
    dx = metres / (111_320.0 * math.cos(math.radians(lat)))
    return dx * 1.01, dy * 1.01  # 1 % slack for the ellipsoid's local scale


def measure_pgrouting(
    engine: Engine,
    homes: Homes,
    ours: InProcess,
    node_ids: npt.NDArray[np.int64],
    *,
    mode: str,
    radius: float,
    srid: int,
) -> PgRouting:
    """pgr_withPointsDD per home through psycopg (fetching the rows); node sets checked on a sample."""
    out = PgRouting()
    with engine.connect() as conn:
        for i, (lon, lat) in enumerate(zip(homes.lon.tolist(), homes.lat.tolist(), strict=True)):
            dx, dy = clip_box_deg(lat, radius)
            params = {
                "mode": mode,
                "lon": lon,
                "lat": lat,
                "dx": dx,
                "dy": dy,
                "radius": radius,
                "srid": srid,
            }
            started = time.perf_counter()
            rows = conn.execute(WITH_POINTS_DD, params).all()
            elapsed = time.perf_counter() - started
            if i > 0:  # the first call plans and warms the cache, like our first (JIT) call
                out.seconds.append(elapsed)
                out.rows.append(len(rows))
            hit = ours.hits.get(i)
            if i < AGREEMENT_SAMPLE and hit is not None and hit.on_network:
                theirs = {int(n): float(c) for n, c in rows if n >= 0}
                mine = dict(
                    zip(node_ids[hit.reach.nodes].tolist(), hit.reach.node_cost.tolist(), strict=True)
                )
                out.compared += 1
                out.same_nodes += int(set(theirs) == set(mine))
                common = set(theirs) & set(mine)
                if common:
                    diff = max(abs(theirs[n] - mine[n]) for n in common)
                    out.max_cost_diff_m = max(out.max_cost_diff_m, diff)
    return out
