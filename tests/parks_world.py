"""Test helpers for the parks API: a park request inside an area, one value from the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, text


def area_seat(engine: Engine, code: str) -> tuple[float, float]:
    """A point inside the area (WGS84 lon, lat)."""
    with engine.connect() as conn:
        lon, lat = conn.execute(
            text(
                "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM admin_areas WHERE code = :c"
            ),
            {"c": code},
        ).one()
    return float(lon), float(lat)


def park_body(engine: Engine, code: str, **over: Any) -> dict[str, Any]:
    """A valid new-park request in the area, with fields replaced by `over`."""
    lon, lat = area_seat(engine, code)
    return {
        "name": "测试返乡创业园",
        "kind": "returnee_park",
        "area_code": code,
        "lon": lon,
        "lat": lat,
        "capacity": 3,
        "operator": "测试运营公司",
        "contact_name": "王主任",
        "contact_phone": "13912345678",
    } | over


def scalar(engine: Engine, sql: str, **params: object) -> Any:
    """The one value a query returns."""
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()
