"""Writing query results to GIS files (.gpkg or .geojson, WGS84) that QGIS opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
from sqlalchemy import Engine, TextClause

from geo.core.errors import InvalidInput

DRIVERS = {".gpkg": "GPKG", ".geojson": "GeoJSON"}


def driver_for(path: Path) -> str:
    """The OGR driver for an output path, or a clear error for an unsupported suffix."""
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise InvalidInput(
            f"cannot export to {path.name}: use a .gpkg or .geojson file name", source=str(path)
        )
    return driver


def export_query(
    engine: Engine,
    query: TextClause,
    path: Path,
    *,
    layer: str,
    params: dict[str, Any] | None = None,
    geom_col: str = "geom",
) -> int:
    """Run a query returning a WGS84 geometry column and write it to ``path``; returns the feature count."""
    driver = driver_for(path)
    with engine.connect() as conn:
        frame = gpd.read_postgis(query, conn, geom_col=geom_col, params=params or {}, crs="EPSG:4326")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    kwargs: dict[str, Any] = {"layer": layer} if driver == "GPKG" else {}
    frame.to_file(path, driver=driver, engine="pyogrio", **kwargs)
    return len(frame)
