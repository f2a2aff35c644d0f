"""The county's road hierarchy: trunk roads, roads between township seats, village roads, lake and river roads."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.synthetic.frame import Frame, Place
from boundaries.synthetic.lines import delaunay_edges, gabriel, spanning_tree, water_length, wiggly
from boundaries.synthetic.outline import SEATS_LONLAT, metric_xy
from boundaries.synthetic.roadset import RoadSet

# National roads: waypoints are township seats (9-digit codes) or fixed points beyond the county edge.
TRUNKS: tuple[tuple[str, tuple[str | tuple[float, float], ...]], ...] = (
    ("G105", ((116.285, 32.56), "341522100", "341522400", "341522110", "341522124", (116.32, 31.99))),
    (
        "G328",
        (
            (115.84, 32.40),
            "341522101",
            "341522104",
            "341522109",
            "341522204",
            "341522100",
            "341522127",
            "341522126",
            (116.58, 32.33),
        ),
    ),
)
# Provincial roads that leave the county from a township seat (the first two bridge the Huai River).
EXITS: tuple[tuple[str, str, tuple[float, float]], ...] = (
    ("S310", "341522128", (116.075, 32.575)),
    ("S241", "341522102", (115.985, 32.650)),
    ("S332", "341522103", (116.540, 32.470)),
    ("S203", "341522106", (115.860, 32.060)),
)
PRIMARY_NAMES = (
    "S317",
    "S244",
    "S352",
    "S231",
    "S208",
    "S313",
    "S246",
    "S350",
    "S318",
    "S245",
    "S353",
    "S232",
)
TRUNK_BRIDGE_M = 3500.0
ROAD_BRIDGE_M = 1500.0
LINK_MAX_M = 3500.0
BORDER_KEEP_M = 400.0
LAKE_RING_M = 220.0
DIKE_OFFSET_M = 260.0


def _seat_xy(f: Frame, point: str | tuple[float, float]) -> np.ndarray:
    """A waypoint in metric coordinates: a township's seat if the township is built, else its layout spot."""
    if isinstance(point, tuple):
        return metric_xy(np.array([point]))[0]
    for t in f.townships:
        if t.code.startswith(point):
            return t.seat
    return metric_xy(np.array([SEATS_LONLAT[point]]))[0]


def trunk_roads(f: Frame, rs: RoadSet, rng: np.random.Generator) -> set[frozenset[str]]:
    """National roads from edge to edge through the county seat; returns the seat pairs they join."""
    joined: set[frozenset[str]] = set()
    for ref, waypoints in TRUNKS:
        pts = [_seat_xy(f, w) for w in waypoints]
        legs = [wiggly(a, b, rng, amp=0.015) for a, b in zip(pts[:-1], pts[1:], strict=True)]
        coords = np.vstack([np.asarray(leg.coords)[(1 if i else 0) :] for i, leg in enumerate(legs)])
        rs.add(
            [shapely.LineString(coords)],
            {"highway": "trunk", "ref": ref, "name": ref},
            bridge_max_m=TRUNK_BRIDGE_M,
        )
        codes = [w for w in waypoints if isinstance(w, str)]
        joined |= {frozenset((a, b)) for a, b in zip(codes[:-1], codes[1:], strict=True)}
    return joined


def exit_roads(f: Frame, rs: RoadSet, rng: np.random.Generator) -> None:
    """Provincial roads from a township seat out across the county border (bridging the Huai on the way)."""
    built = {t.code[:9] for t in f.townships}
    for ref, code, beyond in EXITS:
        if code in built:
            line = wiggly(_seat_xy(f, code), _seat_xy(f, beyond), rng, amp=0.015)
            rs.add([line], {"highway": "primary", "ref": ref, "name": ref}, bridge_max_m=ROAD_BRIDGE_M)


def township_roads(f: Frame, rs: RoadSet, rng: np.random.Generator, trunk_pairs: set[frozenset[str]]) -> None:
    """Provincial (primary) roads on a spanning tree of township seats, county (secondary) roads on the rest."""
    towns = [t for t in f.townships if t.kind != "special"]
    if len(towns) < 2:
        return
    pts = np.array([t.seat for t in towns])
    edges = gabriel(pts, delaunay_edges(pts))
    wet = water_length(pts[edges[:, 0]], pts[edges[:, 1]], f.water)
    segs = shapely.linestrings(np.stack([pts[edges[:, 0]], pts[edges[:, 1]]], axis=1))
    inland = shapely.within(segs, f.county.buffer(-BORDER_KEEP_M))  # no road out and back across the border
    edges = edges[(wet <= ROAD_BRIDGE_M) & inland]
    tree = {tuple(e) for e in spanning_tree(pts, f.water)}
    primary, secondary = 0, 0
    for i, j in edges:
        a, b = towns[i], towns[j]
        if frozenset((a.code[:9], b.code[:9])) in trunk_pairs:
            continue
        line = wiggly(a.seat, b.seat, rng, amp=0.025)
        if (i, j) in tree or (j, i) in tree:
            name = PRIMARY_NAMES[primary] if primary < len(PRIMARY_NAMES) else f"S{400 + primary}"
            tags = {"highway": "primary", "ref": name, "name": name}
            primary += 1
        else:
            secondary += 1
            name = f"X{secondary:03d}"
            tags = {"highway": "secondary", "ref": name, "name": name}
        rs.add([line], tags, bridge_max_m=ROAD_BRIDGE_M)


def _inside(zones: BaseGeometry, xy: np.ndarray) -> np.ndarray:
    """Which points lie in the built-up zones (where streets, not village roads, serve them)."""
    if zones.is_empty:
        return np.zeros(len(xy), dtype=bool)
    return shapely.contains_xy(zones, xy[:, 0], xy[:, 1])


def village_roads(
    f: Frame, rs: RoadSet, rng: np.random.Generator, zones: BaseGeometry, *, city: BaseGeometry
) -> None:
    """Township roads (tertiary) and village roads (unclassified) joining every village seat and hamlet.

    They stop at the county town's ring road (`city`), whose own streets take over inside.
    """
    counter = iter(range(1, 10_000))
    for t in f.townships:
        vills = f.villages_of(t.code)
        pts = np.vstack([t.seat, *[v.seat for v in vills if np.hypot(*(v.seat - t.seat)) > 1.0]])
        owners: list[Place] = [t] + [v for v in vills if np.hypot(*(v.seat - t.seat)) > 1.0]
        urban = _inside(zones, pts)
        for i, j in spanning_tree(pts, f.water):
            if urban[i] and urban[j]:
                continue
            line = wiggly(pts[i], pts[j], rng, amp=0.03, step=80.0)
            if i == 0 or j == 0:
                tags = {"highway": "tertiary", "ref": f"Y{next(counter):03d}", "name": f"{t.short_name}乡道"}
            else:
                far = owners[j] if np.hypot(*(pts[j] - t.seat)) > np.hypot(*(pts[i] - t.seat)) else owners[i]
                tags = {"highway": "unclassified", "name": f"{far.short_name}村道"}
            rs.add([line], tags, avoid=city)
    _cross_township_links(f, rs, rng, counter, city)
    _hamlet_links(f, rs, rng, zones, city)


def _cross_township_links(
    f: Frame, rs: RoadSet, rng: np.random.Generator, counter: Iterator[int], city: BaseGeometry
) -> None:
    """Some tertiary roads between neighbouring villages of different townships, so the net has loops."""
    if len(f.villages) < 3:
        return
    pts = np.array([v.seat for v in f.villages])
    parents = np.array([v.parent_code for v in f.villages])
    e = delaunay_edges(pts)
    length = np.hypot(*(pts[e[:, 0]] - pts[e[:, 1]]).T)
    ok = (parents[e[:, 0]] != parents[e[:, 1]]) & (length < LINK_MAX_M)
    e = e[ok]
    e = e[water_length(pts[e[:, 0]], pts[e[:, 1]], f.water) == 0.0]
    e = e[rng.random(len(e)) < 0.5]
    lines = [wiggly(pts[i], pts[j], rng, amp=0.03, step=80.0) for i, j in e]
    tags = [{"highway": "tertiary", "ref": f"Y{next(counter):03d}"} for _ in e]
    rs.add(lines, tags, avoid=city)


def _hamlet_links(
    f: Frame, rs: RoadSet, rng: np.random.Generator, zones: BaseGeometry, city: BaseGeometry
) -> None:
    """Village roads from each village seat out to its hamlets (a spanning tree per village)."""
    order = np.argsort(f.hamlet_village, kind="stable")
    codes, starts = np.unique(f.hamlet_village[order], return_index=True)
    bounds = list(starts) + [len(order)]
    by_code = {v.code: v for v in f.villages}
    lines, tags = [], []
    for k, code in enumerate(codes):
        idx = order[bounds[k] : bounds[k + 1]]
        pts = f.hamlet_xy[idx]
        if len(pts) < 2:
            continue
        urban = _inside(zones, pts)
        named = {"highway": "unclassified", "name": f"{by_code[code].short_name}村道"}
        plain = {"highway": "unclassified"}
        for i, j in spanning_tree(pts, f.water):
            if urban[i] and urban[j]:
                continue
            lines.append(wiggly(pts[i], pts[j], rng, amp=0.04, step=60.0))
            tags.append(named if 0 in (i, j) else plain)
    rs.add(lines, tags, avoid=city)


def water_roads(f: Frame, rs: RoadSet) -> None:
    """Roads round each lake and along the Huai River dike, just off the water."""
    for name, geom in f.water_named:
        if name == "淮河":
            ring = shapely.intersection(geom.buffer(DIKE_OFFSET_M).boundary, f.county.buffer(-40.0))
            rs.add(shapely.get_parts(ring), {"highway": "tertiary", "name": "淮河大堤"})
        else:
            for part in shapely.get_parts(geom):
                ring = part.buffer(LAKE_RING_M).exterior
                rs.add([ring], {"highway": "tertiary", "name": f"{name}环湖路"})
