"""Labour surplus and shortage per area and occupation group, and each area's population-weighted centre.

- Available (could take a job): residents seeking work or farming, and those working away who wish to return
  (the same people the circle analytics count as demand), with an occupation code. Their medium occupation
  group (the first two parts of the code, e.g. "6-18") is what they can do.
- Surplus of an area and group: its available residents of that group. Shortage: the open, unexpired
  positions of that group at enterprise sites in the area. Net = surplus − shortage; local people fill local
  positions first, so only the net is rebalanced between areas.
- Area of a site or resident: its village at village level, the village's township at township level; a site
  recorded against a township-level unit directly stays with that unit at both levels.
- Centre: the mean of the homes of all the area's residents (lon/lat averaged, then projected: the difference
  to averaging projected coordinates is centimetres at township size); an area without residents uses its
  seat, or a point inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from geo.engine.projector import Projector, shared_projector
from matching.rebalance.queries import AREA_PEOPLE, AREA_POSITIONS, AREAS, MEDIUM_GROUPS

Level = Literal["township", "village"]
LEVELS: tuple[Level, ...] = ("township", "village")
I8 = npt.NDArray[np.int64]
F8 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class AreaBalances:
    """Areas of one level (code order) × occupation groups: available workers and open positions."""

    level: str
    codes: npt.NDArray[np.object_]
    names: npt.NDArray[np.object_]
    lon: F8
    lat: F8
    x: F8
    y: F8
    residents: I8
    groups: tuple[str, ...]
    surplus: I8  # areas × groups: available residents
    shortage: I8  # areas × groups: open positions

    @property
    def net(self) -> I8:
        """Surplus minus shortage (> 0: workers to spare, < 0: positions nobody local fills)."""
        return self.surplus - self.shortage


def medium_groups(conn: Connection) -> dict[str, str]:
    """Every medium occupation group with its name."""
    return {str(code): str(name) for code, name in conn.execute(MEDIUM_GROUPS).all()}


@lru_cache(maxsize=4)
def _projector(srid: int) -> Projector:
    """WGS84 → the metric CRS, built once per process (building a PROJ transformer takes ~40 ms)."""
    return shared_projector(4326, srid)


def load_balances(
    conn: Connection, *, level: Level, srid: int, projector: Projector | None = None
) -> AreaBalances:
    """Read residents and open positions aggregated to the areas of ``level`` (WGS84 → ``srid`` centres)."""
    params = {"level": level}
    known = {str(r.code): r for r in conn.execute(AREAS).all()}
    p_area, p_grp, p_count, p_lon, p_lat = _columns(conn.execute(AREA_PEOPLE, params).all(), 5)
    j_area, j_grp, j_count = _columns(conn.execute(AREA_POSITIONS, params).all(), 3)
    at_level = (c for c, r in known.items() if r.level == level)
    codes = sorted(set(p_area) | set(j_area) | set(at_level))
    row_of = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    p_row = np.fromiter((row_of[a] for a in p_area), np.int64, len(p_area))
    count = np.bincount(p_row, weights=np.asarray(p_count, float), minlength=n).astype(np.int64)
    sum_lon = np.bincount(p_row, weights=np.asarray(p_lon, float), minlength=n)
    sum_lat = np.bincount(p_row, weights=np.asarray(p_lat, float), minlength=n)
    groups = tuple(sorted({g for g in p_grp if g is not None} | set(j_grp)))
    col_of = {g: k for k, g in enumerate(groups)}
    surplus = np.zeros((n, len(groups)), np.int64)
    avail = np.fromiter((g is not None for g in p_grp), np.bool_, len(p_grp))
    p_col = np.fromiter((col_of.get(g, 0) for g in p_grp), np.int64, len(p_grp))
    np.add.at(surplus, (p_row[avail], p_col[avail]), np.asarray(p_count, np.int64)[avail])
    shortage = np.zeros((n, len(groups)), np.int64)
    j_row = np.fromiter((row_of[a] for a in j_area), np.int64, len(j_area))
    j_col = np.fromiter((col_of[g] for g in j_grp), np.int64, len(j_grp))
    np.add.at(shortage, (j_row, j_col), np.asarray(j_count, np.int64))
    seat = [known.get(c) for c in codes]
    seat_lon = np.array([np.nan if a is None or a.lon is None else float(a.lon) for a in seat])
    seat_lat = np.array([np.nan if a is None or a.lat is None else float(a.lat) for a in seat])
    has_people = count > 0
    denom = np.where(has_people, count, 1).astype(float)
    lon = np.where(has_people, sum_lon / denom, seat_lon)
    lat = np.where(has_people, sum_lat / denom, seat_lat)
    x, y = (projector or _projector(srid)).transform(lon, lat)
    return AreaBalances(
        level=level,
        codes=np.asarray(codes, dtype=object),
        names=np.asarray(["" if a is None or a.name is None else str(a.name) for a in seat], dtype=object),
        lon=np.asarray(lon, float),
        lat=np.asarray(lat, float),
        x=np.asarray(x, float),
        y=np.asarray(y, float),
        residents=count,
        groups=groups,
        surplus=surplus,
        shortage=shortage,
    )


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[tuple[Any, ...]]:
    """Rows as ``width`` column tuples (empty tuples for no rows)."""
    if not rows:
        return [()] * width
    return [tuple(col) for col in zip(*rows, strict=True)]
