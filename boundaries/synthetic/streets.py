"""Built-up areas and their streets: the county town, the development zone and each township seat."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from boundaries.synthetic.frame import Frame, Place
from boundaries.synthetic.lines import chinese_number, grid_lines
from boundaries.synthetic.roadset import RoadSet, Tags

COUNTY_TOWN = "341522100"
CITY_RADIUS_M, PARK_RADIUS_M = 2700.0, 2300.0
CITY_BLOCK_M, PARK_BLOCK_M, TOWN_BLOCK_M = 175.0, 320.0, 150.0
SHORE_M = 80.0

CITY_NS = (
    "人民路",
    "解放路",
    "建设路",
    "光明路",
    "文化路",
    "和平路",
    "团结路",
    "胜利路",
    "新华路",
    "中山路",
    "淮河路",
    "蓼都路",
    "玉泉路",
    "文昌路",
    "迎宾大道",
    "府前路",
    "东湖路",
    "西湖路",
    "长安路",
    "兴业路",
    "振兴路",
    "育才路",
)
CITY_EW = (
    "红星街",
    "北关街",
    "南关街",
    "东关街",
    "西关街",
    "师部街",
    "文庙街",
    "松滋街",
    "东坛街",
    "西坛街",
    "幸福街",
    "五岳街",
    "花园街",
    "新民街",
    "永安街",
    "健康街",
    "民主街",
    "复兴街",
    "富民街",
    "安居街",
    "紫薇街",
    "桂花街",
)


@dataclass(frozen=True)
class Zone:
    """A built-up area with a street grid: the county town ("city"), the development zone ("park") or a town."""

    kind: str
    place: Place
    area: Polygon


def _blob(centre: np.ndarray, radius: float, rng: np.random.Generator) -> Polygon:
    """A roundish built-up outline with a randomly wavy edge."""
    t = np.linspace(0.0, 2.0 * np.pi, 73)[:-1]
    r = radius * (
        1.0 + 0.12 * np.sin(2 * t + rng.uniform(0, 6.3)) + 0.07 * np.sin(3 * t + rng.uniform(0, 6.3))
    )
    return Polygon(np.column_stack([centre[0] + r * np.cos(t), centre[1] + r * np.sin(t)]))


def built_zones(f: Frame, rng: np.random.Generator) -> list[Zone]:
    """The built-up zone of every township seat (none for the fisheries unit)."""
    zones = []
    shore = f.water.buffer(SHORE_M) if not f.water.is_empty else f.water
    for t in f.townships:
        if t.kind == "special":
            continue
        if t.code.startswith(COUNTY_TOWN):
            kind, radius = "city", CITY_RADIUS_M
        elif t.kind == "park":
            kind, radius = "park", PARK_RADIUS_M
        else:
            kind, radius = "town", 500.0 + 22.0 * len(f.villages_of(t.code))
        area = shapely.difference(shapely.intersection(_blob(t.seat, radius, rng), t.area), shore)
        parts = [p for p in shapely.get_parts(area) if p.geom_type == "Polygon"]
        if not parts:
            continue
        seat = shapely.Point(t.seat)
        main = min(parts, key=lambda p: (p.distance(seat), -p.area))
        zones.append(Zone(kind, t, main))
    return zones


def streets(zones: list[Zone], rs: RoadSet, rng: np.random.Generator) -> None:
    """Street grids of every zone, a ring road round the county town, service roads into plots."""
    for zone in zones:
        if zone.kind == "city":
            _city(zone, rs, rng)
        elif zone.kind == "park":
            _park(zone, rs, rng)
        else:
            _town(zone, rs, rng)


def _city(zone: Zone, rs: RoadSet, rng: np.random.Generator) -> None:
    """The county town: named streets, avenues every fourth street, some one-way streets, a ring road."""
    lines, axis, rank = grid_lines(zone.area, CITY_BLOCK_M, 8.0 + rng.normal(0.0, 2.0), rng, jitter=0.1)
    geoms: list[LineString] = []
    tags: list[Tags] = []
    for line, ax, r in zip(lines, axis, rank, strict=True):
        names = CITY_NS if ax == 0 else CITY_EW
        t: Tags = {"name": names[(int(r) + len(names) // 2) % len(names)]}
        if r == 0:
            t["highway"] = "secondary"
        elif r % 4 == 0:
            t["highway"] = "tertiary"
        else:
            t["highway"] = "residential"
            if r % 3 == 1:
                t["oneway"] = "yes"
                if r % 2:  # neighbouring one-way streets run in opposite directions
                    line = line.reverse()
        geoms.append(line)
        tags.append(t)
    rs.add(geoms, tags)
    rs.add([zone.area.exterior], {"highway": "secondary", "name": "环城路"})


def _park(zone: Zone, rs: RoadSet, rng: np.random.Generator) -> None:
    """The development zone: a wide grid of 经N路 (north-south) and 纬N路 (east-west), with plot entrances."""
    lines, axis, rank = grid_lines(zone.area, PARK_BLOCK_M, rng.normal(0.0, 3.0), rng, jitter=0.05)
    tags: list[Tags] = []
    for ax, r in zip(axis, rank, strict=True):
        first = rank[axis == ax].min()
        name = ("经" if ax == 0 else "纬") + chinese_number(int(r - first) + 1) + "路"
        tags.append({"highway": "tertiary" if r == 0 else "residential", "name": name})
    rs.add(lines, tags)
    rs.add(_stubs(lines, zone.area, rng, every=150.0, length=110.0), {"highway": "service"})


def _town(zone: Zone, rs: RoadSet, rng: np.random.Generator) -> None:
    """A township seat: a small grid with 大街, 中街, 新街 and 老街, and a few service roads."""
    spacing = TOWN_BLOCK_M * rng.uniform(0.85, 1.15)
    lines, axis, rank = grid_lines(zone.area, spacing, rng.uniform(-30.0, 30.0), rng)
    short = zone.place.short_name
    named = {(0, 0): "大街", (1, 0): "中街", (0, 1): "新街", (0, -1): "老街", (1, 1): "南街", (1, -1): "北街"}
    tags: list[Tags] = []
    for ax, r in zip(axis, rank, strict=True):
        suffix = named.get((int(ax), int(r)))
        t: Tags = {"highway": "tertiary" if r == 0 else "residential"}
        if suffix:
            t["name"] = short + suffix
        tags.append(t)
    rs.add(lines, tags)
    rs.add(_stubs(lines, zone.area, rng, every=400.0, length=90.0), {"highway": "service"})


def _stubs(
    lines: np.ndarray, area: BaseGeometry, rng: np.random.Generator, *, every: float, length: float
) -> list[LineString]:
    """Short dead-end service roads leaving streets at right angles, alternating sides, inside the area."""
    out = []
    for line in lines:
        a, b = np.asarray(line.coords)[[0, -1]]
        d = (b - a) / max(line.length, 1e-9)
        normal = np.array([-d[1], d[0]])
        for k, at in enumerate(np.arange(every / 2 + rng.uniform(0, every / 2), line.length - 20.0, every)):
            start = np.asarray(line.interpolate(at).coords[0])
            end = start + normal * length * (1 if k % 2 else -1) * rng.uniform(0.7, 1.2)
            stub = LineString([start, end])
            if area.contains(stub):
                out.append(stub)
    return out


def zones_union(zones: list[Zone], kinds: tuple[str, ...] = ("city", "park", "town")) -> BaseGeometry:
    """The built-up zones of the given kinds as one geometry."""
    chosen = [z.area for z in zones if z.kind in kinds]
    return shapely.union_all(chosen) if chosen else Polygon()
