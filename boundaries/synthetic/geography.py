"""The synthetic demo county's geography: county, townships, villages, water and hamlets."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from boundaries.reference import COUNTY_CODE, COUNTY_NAME, TownshipRef, townships, villages_of
from boundaries.synthetic import outline
from boundaries.synthetic.partition import as_multipolygon, grow_partition
from boundaries.synthetic.settlements import hamlets, township_seats, village_seats, village_speeds
from geo.core.errors import InvalidInput

Scale = Literal["small", "county"]
COUNTY_TOWN_CODE9 = "341522100"
SMALL_TOWNSHIPS = ("341522100000", "341522400000", "341522500000")  # 城关镇, the development zone, fishermen
TOWNSHIP_SPACING_M = 650.0
VILLAGE_SPACING_M = 230.0

# Relative target areas (km²): villages count, the county town and special units are smaller.
_TARGET_AREA = {"341522100": 75.0, "341522400": 45.0, "341522500": 9.0}


@dataclass(frozen=True)
class DemoGeography:
    """The demo county at one scale, every layer a GeoDataFrame in EPSG:4326."""

    scale: str
    seed: int
    county: gpd.GeoDataFrame
    townships: gpd.GeoDataFrame
    villages: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    hamlets: gpd.GeoDataFrame


def stage_rng(seed: int, *parts: str | int) -> np.random.Generator:
    """A random generator for one stage and place, so a small build is a slice of the county build."""
    key = [seed & 0xFFFFFFFF, *(zlib.crc32(str(p).encode()) for p in parts)]
    return np.random.default_rng(key)


def _county_town(refs: tuple[TownshipRef, ...]) -> TownshipRef:
    """城关镇, whose seat is the county seat."""
    return next(t for t in refs if t.code9 == COUNTY_TOWN_CODE9)


def _township_speeds(refs: tuple[TownshipRef, ...]) -> np.ndarray:
    """Growth speed of each township, from a target area that grows with its number of villages."""
    target = [_TARGET_AREA.get(t.code9, 45.0 + 6.0 * len(villages_of(t.code))) for t in refs]
    return np.sqrt(np.array(target))


def _points(xy: np.ndarray) -> np.ndarray:
    """Metric x/y rows as WGS84 shapely Points."""
    return np.asarray(shapely.points(outline.lonlat_xy(xy.reshape(-1, 2))), dtype=object)


def _frame(rows: dict[str, list[object]], geoms: Sequence[BaseGeometry]) -> gpd.GeoDataFrame:
    """A WGS84 GeoDataFrame from metric geometries and attribute columns."""
    wgs = outline.wgs84_all(geoms)
    return gpd.GeoDataFrame(rows, geometry=list(wgs), crs=4326)


def build_geography(scale: Scale, *, seed: int) -> DemoGeography:
    """The demo county's areas, water and hamlets; the same scale and seed always give the same result."""
    if scale not in ("small", "county"):
        raise InvalidInput(f"scale must be 'small' or 'county', not {scale!r}", field="scale")
    county = outline.county_outline()
    water = outline.water_union()
    refs = townships()
    seats = township_seats(refs, county, water, stage_rng(seed, "township-seats"))
    parts = grow_partition(
        county,
        seats,
        speeds=_township_speeds(refs),
        spacing=TOWNSHIP_SPACING_M,
        rng=stage_rng(seed, "townships"),
    )
    chosen = [i for i, t in enumerate(refs) if scale == "county" or t.code in SMALL_TOWNSHIPS]

    t_rows: dict[str, list[object]] = {k: [] for k in ("code", "name", "kind", "parent_code", "seat")}
    v_rows: dict[str, list[object]] = {k: [] for k in ("code", "name", "kind", "parent_code", "seat")}
    h_rows: dict[str, list[object]] = {"village_code": [], "weight": []}
    t_geoms: list[BaseGeometry] = []
    v_geoms: list[BaseGeometry] = []
    h_xy: list[np.ndarray] = []
    for i in chosen:
        t, area = refs[i], parts[i]
        vills = villages_of(t.code)
        v_seats = village_seats(t, vills, seats[i], area, water, stage_rng(seed, "village-seats", t.code))
        speeds = village_speeds(t, vills, stage_rng(seed, "village-speeds", t.code))
        v_parts = grow_partition(
            area, v_seats, speeds=speeds, spacing=VILLAGE_SPACING_M, rng=stage_rng(seed, "villages", t.code)
        )
        for v, v_seat, v_area in zip(vills, v_seats, v_parts, strict=True):
            for key, value in zip(v_rows, (v.code, v.name, v.kind, t.code, v_seat), strict=True):
                v_rows[key].append(value)
            v_geoms.append(v_area)
            pts, weights = hamlets(v, v_seat, v_area, water, stage_rng(seed, "hamlets", v.code))
            h_rows["village_code"] += [v.code] * len(pts)
            h_rows["weight"] += [float(w) for w in weights]
            h_xy.append(pts)
        for key, value in zip(t_rows, (t.code, t.name, t.kind, COUNTY_CODE, seats[i]), strict=True):
            t_rows[key].append(value)
        t_geoms.append(area)

    county_geom = county if scale == "county" else shapely.coverage_union_all(t_geoms)
    t_rows["seat"] = list(_points(np.array(t_rows["seat"])))
    v_rows["seat"] = list(_points(np.array(v_rows["seat"])))
    town_frame = _frame(t_rows, t_geoms)
    town_frame["seat"] = gpd.GeoSeries(t_rows["seat"], crs=4326)
    village_frame = _frame(v_rows, v_geoms)
    village_frame["seat"] = gpd.GeoSeries(v_rows["seat"], crs=4326)
    county_frame = _frame(
        {"code": [COUNTY_CODE], "name": [COUNTY_NAME], "kind": ["county"]}, [as_multipolygon(county_geom)]
    )
    county_frame["seat"] = gpd.GeoSeries(list(_points(seats[refs.index(_county_town(refs))])), crs=4326)
    hamlet_frame = gpd.GeoDataFrame(h_rows, geometry=list(_points(np.vstack(h_xy))), crs=4326)
    return DemoGeography(
        scale=scale,
        seed=seed,
        county=county_frame,
        townships=town_frame,
        villages=village_frame,
        water=_water_frame(county_geom),
        hamlets=hamlet_frame,
    )


def _water_frame(county: BaseGeometry) -> gpd.GeoDataFrame:
    """The lakes and the Huai River, clipped to the (possibly small) county."""
    rows: dict[str, list[object]] = {"name": [], "kind": []}
    geoms = []
    for name, kind, poly in (
        *((n, "lake", p) for n, p in outline.lakes()),
        ("淮河", "river", outline.huai_river()),
    ):
        piece = as_multipolygon(shapely.intersection(poly, county))
        if piece.area > 1.0:
            rows["name"].append(name)
            rows["kind"].append(kind)
            geoms.append(piece)
    return _frame(rows, geoms)
