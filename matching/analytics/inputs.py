"""The inputs of a county-wide circle analysis: residents (one binary COPY of arrays) and site positions.

Area codes are 12 digits (admin_areas checks it), so they travel as integers: grouping a million residents
by integer codes is cheap, and ``f"{code:012d}"`` gives the code back. Homes are read in WGS84 and projected
here (as the circle endpoint projects a clicked point), which spares PostGIS a million transforms.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from psycopg import sql
from pyproj import Transformer
from sqlalchemy import Connection

from geo.core.copy_binary import copy_packed_rows
from geo.core.db import driver_connection
from geo.engine.network import F8, I8
from matching.analytics.queries import (
    AREA_PARENT_CODES,
    EXPORT_SNAPSHOT,
    IMPORT_SNAPSHOT,
    OCCUPATION_CODES,
    RESIDENT_PAGES,
    RESIDENT_ROW_KINDS,
    RESIDENT_ROWS,
    SITE_POSITIONS,
)

NO_AREA = -1


@dataclass(frozen=True)
class CircleInputs:
    """Residents and sites as arrays (metric coordinates; area codes as integers, NO_AREA for none)."""

    resident_ids: I8
    rx: F8
    ry: F8
    available: npt.NDArray[np.bool_]
    resident_group: npt.NDArray[np.int32]
    village: I8
    township: I8
    site_ids: I8
    sx: F8
    sy: F8
    site_area: I8
    site_township: I8
    groups: tuple[str, ...]
    site_positions: npt.NDArray[np.int64]
    site_group_positions: npt.NDArray[np.int64]  # sites × occupation groups


def occupation_group(code: str | None) -> str:
    """The medium group of an occupation code ('6-18-02-04' → '6-18'), as matching's SQL computes it."""
    if code is None:
        return ""
    parts = code.split("-")
    return f"{parts[0]}-{parts[1] if len(parts) > 1 else ''}"


def area_code(code: int) -> str:
    """An integer area code back as its 12-digit text."""
    return f"{code:012d}"


def read_residents(conn: Connection, second: Connection | None = None) -> list[npt.NDArray[Any]]:
    """Residents' id, lon, lat, available, village code and occupation index (0: none) as arrays.

    With a ``second`` connection (both in REPEATABLE READ, neither used yet) each reads half of the table's
    pages under one exported snapshot, so PostgreSQL works on two cores and both halves see the same data.
    """
    if second is None:
        return copy_packed_rows(conn, _page_range(0, None), RESIDENT_ROW_KINDS)
    snapshot = str(conn.execute(EXPORT_SNAPSHOT).scalar_one())
    with driver_connection(second).cursor() as cur:
        cur.execute(IMPORT_SNAPSHOT.format(sql.Literal(snapshot)))
    half = int(conn.execute(RESIDENT_PAGES).scalar_one()) // 2 + 1
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(copy_packed_rows, second, _page_range(half, None), RESIDENT_ROW_KINDS)
        first = copy_packed_rows(conn, _page_range(0, half), RESIDENT_ROW_KINDS)
        rest = later.result()
    return [np.concatenate([a, b]) for a, b in zip(first, rest, strict=True)]


def _page_range(first: int, stop: int | None) -> sql.Composed:
    """The residents query over heap pages [first, stop) (None: to the end)."""
    end = f"({stop},0)" if stop is not None else "(4294967294,0)"
    return RESIDENT_ROWS.format(first=sql.Literal(f"({first},0)"), stop=sql.Literal(end))


def load_inputs(conn: Connection, *, srid: int, second: Connection | None = None) -> CircleInputs:
    """Read residents and site positions (grouped by occupation medium group)."""
    ids, lon, lat, available, village, occ = read_residents(conn, second)
    occ_codes = [str(c) for c in conn.execute(OCCUPATION_CODES).scalars()]
    to_metric = Transformer.from_crs(4326, srid, always_xy=True)
    rx, ry = to_metric.transform(np.asarray(lon, np.float64), np.asarray(lat, np.float64))
    parents: dict[str, str | None] = {str(c): p for c, p in conn.execute(AREA_PARENT_CODES).all()}
    village = np.asarray(village, np.int64)
    township = _parents_of(village, parents)
    # occupation index 0 = no occupation; 1.. = the sorted occupation codes
    occ_group = [""] + [occupation_group(c) for c in occ_codes]
    res_groups = {occ_group[i] for i in np.flatnonzero(np.bincount(np.asarray(occ, np.int64)))}
    sites = pd.DataFrame(conn.execute(SITE_POSITIONS, {"srid": srid, "site_id": None}).all())
    if sites.empty:
        sites = pd.DataFrame(
            columns=["site_id", "x", "y", "area_code", "township_code", "occupation_group", "positions"]
        )
    groups = pd.Index(sorted(res_groups | set(sites["occupation_group"]) | {""}))
    lookup = groups.get_indexer(pd.Index(occ_group)).astype(np.int32)
    site_table = sites.pivot_table(
        index=["site_id", "x", "y", "area_code", "township_code"],
        columns="occupation_group",
        values="positions",
        aggfunc="sum",
        fill_value=0,
    ).reindex(columns=groups, fill_value=0)
    site_index = site_table.index.to_frame(index=False)
    group_positions = site_table.to_numpy(dtype=np.int64)
    return CircleInputs(
        resident_ids=np.asarray(ids, np.int64),
        rx=np.ascontiguousarray(rx, dtype=np.float64),
        ry=np.ascontiguousarray(ry, dtype=np.float64),
        available=np.asarray(available, bool),
        resident_group=lookup[np.asarray(occ, np.int64)],
        village=village,
        township=township,
        site_ids=site_index["site_id"].to_numpy(np.int64),
        sx=site_index["x"].to_numpy(np.float64),
        sy=site_index["y"].to_numpy(np.float64),
        site_area=_codes(site_index["area_code"]),
        site_township=_codes(site_index["township_code"]),
        groups=tuple(str(g) for g in groups),
        site_positions=group_positions.sum(axis=1),
        site_group_positions=group_positions,
    )


def _codes(column: pd.Series) -> I8:  # type: ignore[type-arg]
    return np.asarray([int(c) if c is not None else NO_AREA for c in column], dtype=np.int64)


def _parents_of(codes: I8, parents: dict[str, str | None]) -> I8:
    """Each code's parent code (NO_AREA where there is none)."""
    items = sorted((int(c), NO_AREA if p is None else int(p)) for c, p in parents.items())
    keys = np.asarray([c for c, _ in items], dtype=np.int64)
    values = np.asarray([p for _, p in items], dtype=np.int64)
    if len(codes) == 0 or len(keys) == 0:
        return np.full(len(codes), NO_AREA, np.int64)
    at = np.clip(np.searchsorted(keys, codes), 0, len(keys) - 1)
    return np.where(keys[at] == codes, values[at], NO_AREA)
