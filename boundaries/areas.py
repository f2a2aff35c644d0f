"""Reading administrative areas back out as GeoJSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from boundaries.queries import AREAS_GEOJSON

LEVELS = ("county", "township", "village")


def areas_feature_collection(conn: Connection, level: str, *, parent: str | None = None) -> dict[str, Any]:
    """All areas of one level (optionally of one parent) as a GeoJSON FeatureCollection in WGS84."""
    result: dict[str, Any] = conn.execute(AREAS_GEOJSON, {"level": level, "parent": parent}).scalar_one()
    return result
