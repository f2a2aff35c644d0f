"""The `heat` layer's data: H3 hexagons counting available people and open positions (res 6, 7, 8)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from h3.api import numpy_int as h3i
from sqlalchemy import Connection, Engine

from geo.core.db import copy_rows
from geo.core.errors import Conflict
from tiles.layers import HEAT_RESOLUTIONS
from tiles.sql import (
    ANALYZE_HEAT,
    AVAILABLE_RESIDENTS,
    CLEAR_HEAT,
    COPY_HEAT,
    HEAT_TABLE_EXISTS,
    OPEN_POSITIONS_AT_SITES,
)

Cells = npt.NDArray[np.uint64]


@dataclass
class HeatSummary:
    """What a refresh stored: hexagons per resolution, the totals, and how long each step took."""

    hexagons: dict[int, int] = field(default_factory=dict)
    seekers: int = 0
    positions: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def finest_cells(lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], resolution: int) -> Cells:
    """The H3 cell of every point at ``resolution`` (h3 v4 has no array call; this loop is ~0.5 µs a point)."""
    to_cell = h3i.latlng_to_cell
    return np.fromiter(
        (to_cell(a, b, resolution) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)),
        dtype=np.uint64,
        count=len(lat),
    )


def sums_by_resolution(
    cells: Cells, weights: npt.NDArray[np.int64], resolutions: tuple[int, ...]
) -> dict[int, dict[int, int]]:
    """Sum ``weights`` per cell at the finest resolution, then per parent cell at each coarser one."""
    finest = max(resolutions)
    unique, inverse = np.unique(cells, return_inverse=True)
    totals = np.bincount(inverse, weights=weights, minlength=len(unique)).astype(np.int64)
    out: dict[int, dict[int, int]] = {}
    for res in resolutions:
        keys = unique if res == finest else np.array([h3i.cell_to_parent(c, res) for c in unique.tolist()])
        parents, inv = np.unique(keys.astype(np.uint64), return_inverse=True)
        sums = np.bincount(inv, weights=totals, minlength=len(parents)).astype(np.int64)
        out[res] = dict(zip(parents.tolist(), sums.tolist(), strict=True))
    return out


def hexagon_wkb(cells: list[int]) -> list[str]:
    """Hex EWKB polygons (SRID 4326) of H3 cells, closed rings in lon/lat order."""
    rings = []
    for cell in cells:
        boundary = h3i.cell_to_boundary(cell)  # ((lat, lng), ...)
        ring = [(lng, lat) for lat, lng in boundary]
        rings.append([*ring, ring[0]])
    polygons = shapely.set_srid(shapely.polygons([shapely.linearrings(r) for r in rings]), 4326)
    return list(shapely.to_wkb(polygons, hex=True, include_srid=True))


def _read_inputs(conn: Connection) -> tuple[npt.NDArray[np.float64], ...]:
    """Available people's homes and open positions per site, as numpy arrays."""
    lat, lon = conn.execute(AVAILABLE_RESIDENTS).one()
    rows = conn.execute(OPEN_POSITIONS_AT_SITES).all()
    site = np.array([(r.lat, r.lon, r.positions) for r in rows], dtype=np.float64).reshape(-1, 3)
    return (
        np.asarray(lat, dtype=np.float64),
        np.asarray(lon, dtype=np.float64),
        site[:, 0],
        site[:, 1],
        site[:, 2],
    )


def refresh_heat(engine: Engine) -> HeatSummary:
    """Rebuild heat_hexagons from residents and open vacancies, in one transaction (COPY to load)."""
    summary = HeatSummary()
    began = time.perf_counter()
    with engine.begin() as conn:
        if not conn.execute(HEAT_TABLE_EXISTS).scalar_one():
            raise Conflict(
                "the heat_hexagons table does not exist: run `hongyan db upgrade` to apply migration "
                "0004_heat_hexagons, then refresh again"
            )
        lat, lon, site_lat, site_lon, site_positions = _read_inputs(conn)
        summary.seconds["read"] = time.perf_counter() - began

        step = time.perf_counter()
        finest = max(HEAT_RESOLUTIONS)
        people = sums_by_resolution(
            finest_cells(lat, lon, finest), np.ones(len(lat), dtype=np.int64), HEAT_RESOLUTIONS
        )
        jobs = sums_by_resolution(
            finest_cells(site_lat, site_lon, finest), site_positions.astype(np.int64), HEAT_RESOLUTIONS
        )
        rows: list[tuple[str, int, int, int]] = []
        all_cells: list[int] = []
        for res in HEAT_RESOLUTIONS:
            cells = sorted(people[res].keys() | jobs[res].keys())
            rows += [(h3i.int_to_str(c), res, people[res].get(c, 0), jobs[res].get(c, 0)) for c in cells]
            all_cells += cells
            summary.hexagons[res] = len(cells)
        geoms = hexagon_wkb(all_cells)
        summary.seconds["h3"] = time.perf_counter() - step

        step = time.perf_counter()
        conn.execute(CLEAR_HEAT)
        copy_rows(conn, COPY_HEAT, ((*row, geom) for row, geom in zip(rows, geoms, strict=True)))
        conn.execute(ANALYZE_HEAT)
        summary.seconds["store"] = time.perf_counter() - step
    summary.seekers = len(lat)
    summary.positions = int(site_positions.sum())
    summary.seconds["total"] = time.perf_counter() - began
    return summary
