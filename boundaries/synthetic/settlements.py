"""Where people live: township seats, village seats and the hamlets (自然村) of each village."""

from __future__ import annotations

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from boundaries.reference import TownshipRef, VillageRef
from boundaries.synthetic.outline import COUNTY_SEAT_LONLAT, SEATS_LONLAT, metric_xy

URBAN_RADIUS_M = {"341522100": 2600.0}  # communities of 城关镇 fill the county town
TOWN_CORE_RADIUS_M = 900.0


def random_points(geom: BaseGeometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """Up to n uniform random points inside a metric geometry (rejection sampling from its bounds)."""
    if geom.is_empty or n <= 0:
        return np.empty((0, 2))
    minx, miny, maxx, maxy = geom.bounds
    box_area = max((maxx - minx) * (maxy - miny), 1.0)
    share = max(geom.area / box_area, 0.02)
    out: list[np.ndarray] = []
    have = 0
    for _ in range(20):
        m = int(n / share * 1.3) + 8
        cand = np.column_stack([rng.uniform(minx, maxx, m), rng.uniform(miny, maxy, m)])
        cand = cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]
        out.append(cand)
        have += len(cand)
        if have >= n:
            break
    return np.vstack(out)[:n]


def spread_points(
    geom: BaseGeometry,
    n: int,
    rng: np.random.Generator,
    *,
    fixed: np.ndarray | None = None,
    min_dist: float = 0.0,
    pool: int = 30,
) -> np.ndarray:
    """n well-spread points in geom (best-candidate sampling), away from `fixed` points; may return fewer."""
    cand = random_points(geom, max(n * pool, 64), rng)
    chosen: list[np.ndarray] = []
    taken = np.empty((0, 2)) if fixed is None else np.asarray(fixed, dtype=float).reshape(-1, 2)
    if len(cand) == 0:
        return np.empty((0, 2))
    nearest = np.full(len(cand), np.inf)
    if len(taken):
        nearest, _ = cKDTree(taken).query(cand)
    for _ in range(n):
        # Among a random handful of candidates take the one farthest from everything chosen so far.
        picks = rng.choice(len(cand), size=min(pool, len(cand)), replace=False)
        best = picks[np.argmax(nearest[picks])]
        if nearest[best] < min_dist:
            best = int(np.argmax(nearest))
            if nearest[best] < min_dist:
                break
        point = cand[best]
        chosen.append(point)
        nearest = np.minimum(nearest, np.hypot(*(cand - point).T))
    return np.array(chosen).reshape(-1, 2)


def township_seats(
    refs: tuple[TownshipRef, ...], county: BaseGeometry, water: BaseGeometry, rng: np.random.Generator
) -> np.ndarray:
    """Metric seat of each township: its place in the layout, nudged a little by the seed."""
    base = metric_xy(np.array([SEATS_LONLAT[t.code9] for t in refs]))
    keep_out = shapely.union_all([water.buffer(600.0), county.boundary.buffer(1500.0)])
    seats = base.copy()
    for i, t in enumerate(refs):
        sigma = 120.0 if SEATS_LONLAT[t.code9] == COUNTY_SEAT_LONLAT else 450.0
        for _ in range(50):
            trial = base[i] + rng.normal(0.0, sigma, 2)
            if not keep_out.contains(shapely.Point(trial)):
                seats[i] = trial
                break
    return seats


def seat_village(township: TownshipRef, villages: tuple[VillageRef, ...]) -> int:
    """Index of the village or community where the township government sits."""
    for i, v in enumerate(villages):
        if v.kind == "community":
            return i
    for i, v in enumerate(villages):
        if township.short_name and township.short_name in v.name:
            return i
    return 0


def village_seats(
    township: TownshipRef,
    villages: tuple[VillageRef, ...],
    seat: np.ndarray,
    area: BaseGeometry,
    water: BaseGeometry,
    rng: np.random.Generator,
) -> np.ndarray:
    """Metric seat of each village of a township; the seat village sits at the township seat."""
    land = shapely.difference(area.buffer(-350.0), water.buffer(400.0))
    if land.area < 1e5:
        land = shapely.difference(area, water.buffer(250.0))
    at = seat_village(township, villages)
    out = np.zeros((len(villages), 2))
    out[at] = seat
    urban_r = URBAN_RADIUS_M.get(township.code9, TOWN_CORE_RADIUS_M)
    core = shapely.Point(seat).buffer(urban_r)
    communities = [i for i, v in enumerate(villages) if v.kind == "community" and i != at]
    rural = [i for i, v in enumerate(villages) if v.kind != "community" and i != at]
    placed = seat.reshape(1, 2)
    for group, zone in (
        (communities, shapely.intersection(land, core)),
        (rural, shapely.difference(land, core)),
    ):
        if not group:
            continue
        if zone.area < 1e5:
            zone = land
        pts = spread_points(zone, len(group), rng, fixed=placed)
        if len(pts) < len(group):
            raise RuntimeError(f"no room for the villages of {township.name}")
        out[group] = pts
        placed = np.vstack([placed, pts])
    return out


def village_speeds(
    township: TownshipRef, villages: tuple[VillageRef, ...], rng: np.random.Generator
) -> np.ndarray:
    """Growth speed of each village's area: communities stay compact, villages vary a little."""
    urban = township.code9 in URBAN_RADIUS_M
    speeds = np.exp(rng.normal(0.0, 0.15, len(villages)))
    for i, v in enumerate(villages):
        if v.kind == "community":
            speeds[i] *= 0.45 if urban else 0.6
    return speeds


def hamlets(
    village: VillageRef,
    seat: np.ndarray,
    area: BaseGeometry,
    water: BaseGeometry,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Hamlet points of one village (the seat first) and their relative population weights."""
    land = shapely.difference(area.buffer(-150.0), water.buffer(300.0))
    km2 = area.area / 1e6
    if village.kind == "community":
        n = 3
    else:
        n = int(np.clip(round(km2 * 0.9 + rng.uniform(0.0, 2.0)), 2, 12))
    pts = spread_points(land, n - 1, rng, fixed=seat.reshape(1, 2), min_dist=350.0) if land.area > 0 else None
    points = seat.reshape(1, 2) if pts is None else np.vstack([seat.reshape(1, 2), pts])
    weights = np.exp(rng.normal(0.0, 0.5, len(points)))
    weights[0] *= 2.5
    if village.kind == "community":
        weights *= 3.0
    return points, np.round(weights, 3)
