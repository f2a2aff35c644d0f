"""The townships and villages already in admin_areas, as numpy/shapely arrays for the generators."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy import Connection

from geo.core.errors import Conflict
from registry.queries import POPULATION_AREAS

COUNTY_SEAT_TOWNSHIP = "341522100000"  # 城关镇


@dataclass(frozen=True)
class AreaSet:
    """Codes, names, seats (lon, lat) and WGS84 polygons of one level of areas, in code order."""

    codes: np.ndarray
    names: np.ndarray
    kinds: np.ndarray
    parents: np.ndarray
    seats: np.ndarray  # (n, 2) lon/lat; a point on the surface where no seat is recorded
    geoms: np.ndarray  # shapely polygons, prepared

    def __len__(self) -> int:
        return len(self.codes)

    def index_of(self, code: str) -> int | None:
        """Position of a code, or None."""
        hits = np.flatnonzero(self.codes == code)
        return int(hits[0]) if len(hits) else None


@dataclass(frozen=True)
class CountyAreas:
    """Townships (including the development zone) and villages of the county."""

    townships: AreaSet
    villages: AreaSet
    village_township: np.ndarray  # index into townships for each village (-1: none)

    @property
    def seat_township(self) -> int:
        """Index of the county seat's township (城关镇), or of the first township if it is absent."""
        found = self.townships.index_of(COUNTY_SEAT_TOWNSHIP)
        return 0 if found is None else found

    @property
    def park_townships(self) -> np.ndarray:
        """Indices of development zones (kind 'park')."""
        return np.flatnonzero(self.townships.kinds == "park")


def _area_set(rows: list[dict[str, object]]) -> AreaSet:
    """Arrays for a list of admin_areas rows."""
    blobs: list[bytes] = [bytes(r["wkb"]) for r in rows]  # type: ignore[call-overload]
    geoms = np.asarray(shapely.from_wkb(blobs), dtype=object).reshape(-1)
    if len(geoms):
        surface = shapely.get_coordinates(shapely.point_on_surface(geoms))
    else:
        surface = np.empty((0, 2))
    seats = np.array(
        [
            (r["seat_x"], r["seat_y"]) if r["seat_x"] is not None else tuple(surface[i])
            for i, r in enumerate(rows)
        ],
        dtype=float,
    ).reshape(-1, 2)
    shapely.prepare(geoms)
    return AreaSet(
        codes=np.array([r["code"] for r in rows], dtype=object),
        names=np.array([r["name"] for r in rows], dtype=object),
        kinds=np.array([r["kind"] or "" for r in rows], dtype=object),
        parents=np.array([r["parent_code"] for r in rows], dtype=object),
        seats=seats,
        geoms=geoms,
    )


def load_areas(conn: Connection) -> CountyAreas:
    """Read townships and villages; Conflict if there are none to populate."""
    rows = [dict(r._mapping) for r in conn.execute(POPULATION_AREAS)]
    townships = _area_set([r for r in rows if r["level"] == "township"])
    villages = _area_set([r for r in rows if r["level"] == "village"])
    if len(villages) == 0 or len(townships) == 0:
        raise Conflict(
            "there are no townships or villages in the database to place people and enterprises in: "
            "import the county's boundaries or build the demo county first"
        )
    lookup = {code: i for i, code in enumerate(townships.codes)}
    village_township = np.array([lookup.get(p, -1) for p in villages.parents], dtype=np.int64)
    return CountyAreas(townships, villages, village_township)
