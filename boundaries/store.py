"""Writing areas and water bodies: COPY into a staging table, then one upsert, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from sqlalchemy import Connection

from boundaries.queries import (
    COUNTY_FROM_STAGING,
    DERIVED_COUNTIES_OF_STAGING,
    MISSING_PARENTS,
    REFRESH_COUNTY,
    STAGING_COPY,
    STAGING_CREATE,
    STAGING_TRUNCATE,
    UPSERT_FROM_STAGING,
    WATER_COPY,
    WATER_DELETE,
)
from geo.core.db import copy_rows
from geo.core.errors import InvalidInput

AREA_LEVELS = ("county", "township", "village")
WATER_KINDS = ("lake", "river", "reservoir", "pond")
COUNTY_NAME = "霍邱县"
POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


@dataclass(frozen=True)
class StoredAreas:
    """What one upsert did."""

    inserted: int
    updated: int
    county_created: bool
    county_refreshed: bool = False  # a county made from its townships was remade from them

    @property
    def stored(self) -> int:
        """Rows written, new or replaced."""
        return self.inserted + self.updated


def store_areas(conn: Connection, areas: gpd.GeoDataFrame, *, level: str) -> int:
    """Upsert areas of one level (columns code, name, kind, parent_code, optional seat, geometry; WGS84).

    For townships the county row is created as their union if it does not exist yet, and remade from them if
    it was their union before (a county outline loaded on its own is kept). Returns the rows written.
    """
    return upsert_areas(conn, areas, level=level).stored


def upsert_areas(
    conn: Connection, areas: gpd.GeoDataFrame, *, level: str, county_name: str = COUNTY_NAME
) -> StoredAreas:
    """store_areas, also telling how many rows were new and whether the county was created."""
    if level not in AREA_LEVELS:
        raise InvalidInput(f"unknown area level {level!r}: use one of {', '.join(AREA_LEVELS)}")
    frame = _in_wgs84(areas)
    _require_columns(frame, ("code", "name", "geometry"), what="areas")
    geoms = multipolygons(frame.geometry.to_numpy(), codes=frame["code"].astype(str).tolist())
    seats = _seat_column(frame)
    kinds = _text_column(frame, "kind", default="")
    parents = _text_column(frame, "parent_code", default=None)
    if level == "county":
        parents = [None] * len(frame)
    elif any(p is None for p in parents):
        raise InvalidInput(f"every {level} needs a parent_code")
    conn.execute(STAGING_CREATE)
    conn.execute(STAGING_TRUNCATE)
    rows = zip(
        frame["code"].astype(str),
        frame["name"].astype(str),
        kinds,
        parents,
        seats,
        _ewkb_hex(geoms),
        strict=True,
    )
    copy_rows(conn, STAGING_COPY, rows)
    county_created, derived = False, []
    if level == "township":
        derived = list(conn.execute(DERIVED_COUNTIES_OF_STAGING).scalars())
        county_created = bool(conn.execute(COUNTY_FROM_STAGING, {"county_name": county_name}).all())
    missing = list(conn.execute(MISSING_PARENTS).scalars())
    if missing:
        raise InvalidInput(
            f"parent areas {', '.join(missing)} are not loaded: load the level above first "
            "(townships before villages)"
        )
    inserted, updated = conn.execute(UPSERT_FROM_STAGING, {"level": level}).one()
    if derived:
        conn.execute(REFRESH_COUNTY, {"codes": derived})
    return StoredAreas(
        inserted=int(inserted),
        updated=int(updated),
        county_created=county_created,
        county_refreshed=bool(derived),
    )


def store_water(conn: Connection, water: gpd.GeoDataFrame) -> int:
    """Replace all water bodies (columns name, kind, geometry; WGS84); returns how many were stored."""
    frame = _in_wgs84(water)
    _require_columns(frame, ("name", "kind", "geometry"), what="water areas")
    kinds = frame["kind"].astype(str)
    bad = [f"row {i + 1} ({k!r})" for i, k in enumerate(kinds) if k not in WATER_KINDS]
    if bad:
        raise InvalidInput(
            f"unknown water kind in {', '.join(bad[:10])}: use one of {', '.join(WATER_KINDS)}", field="kind"
        )
    names = [f"row {i + 1}" for i in range(len(frame))]
    geoms = multipolygons(frame.geometry.to_numpy(), codes=names)
    conn.execute(WATER_DELETE)
    copy_rows(conn, WATER_COPY, zip(frame["name"].astype(str), kinds, _ewkb_hex(geoms), strict=True))
    return len(frame)


def multipolygons(geoms: NDArray[np.object_], *, codes: Sequence[str]) -> NDArray[np.object_]:
    """Polygons as 2-D MultiPolygons; InvalidInput naming the codes of anything else."""
    types = shapely.get_type_id(geoms)
    bad = [codes[int(i)] for i in np.flatnonzero(~np.isin(types, POLYGONAL) | shapely.is_empty(geoms))]
    if bad:
        raise InvalidInput(f"not a polygon: {', '.join(bad[:10])}{' …' if len(bad) > 10 else ''}")
    flat = shapely.force_2d(geoms)
    single = shapely.get_type_id(flat) == shapely.GeometryType.POLYGON
    out = flat.copy()
    out[single] = [shapely.MultiPolygon([g]) for g in flat[single]]
    return out


def _in_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326 (a frame without a CRS is taken to be WGS84 already)."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        return frame.to_crs(4326)
    return frame


def _require_columns(frame: gpd.GeoDataFrame, columns: Iterable[str], *, what: str) -> None:
    """InvalidInput naming the columns a frame lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidInput(
            f"{what} need the columns {', '.join(missing)} (have {', '.join(map(str, frame.columns))})"
        )


def _text_column(frame: gpd.GeoDataFrame, column: str, *, default: str | None) -> list[str | None]:
    """A column as Python strings, missing values as ``default``."""
    if column not in frame.columns:
        return [default] * len(frame)
    return [default if pd.isna(v) or str(v) == "" else str(v) for v in frame[column]]


def _seat_column(frame: gpd.GeoDataFrame) -> list[str | None]:
    """The optional seat points as hex EWKB (None where absent)."""
    if "seat" not in frame.columns:
        return [None] * len(frame)
    seats = np.asarray(frame["seat"].to_numpy(), dtype=object)
    present = np.array([isinstance(s, shapely.Point) and not s.is_empty for s in seats], dtype=bool)
    out: list[str | None] = [None] * len(frame)
    for i, text in zip(np.flatnonzero(present), _ewkb_hex(seats[present]), strict=True):
        out[i] = text
    return out


def _ewkb_hex(geoms: NDArray[np.object_]) -> list[str]:
    """Hex EWKB with SRID 4326, the text form PostGIS accepts in COPY."""
    with_srid = shapely.set_srid(geoms, 4326)
    return [str(h) for h in shapely.to_wkb(with_srid, hex=True, include_srid=True)]
