"""A tiny county for the registry tests: two townships with three villages each, and a development zone."""

from __future__ import annotations

import shapely
from sqlalchemy import Connection, Engine, text

TOWNSHIPS = {  # code: (name, kind, (west, south, east, north))
    "341522100000": ("城关镇", "", (116.20, 32.32, 116.26, 32.38)),
    "341522101000": ("河口镇", "", (116.26, 32.32, 116.32, 32.38)),
    "341522400000": ("安徽霍邱经济开发区", "park", (116.23, 32.38, 116.29, 32.41)),
}
VILLAGES = {  # code: (name, township)
    "341522100001": ("师部社区", "341522100000"),
    "341522100002": ("西湖社区", "341522100000"),
    "341522100003": ("文庙社区", "341522100000"),
    "341522101001": ("河口村", "341522101000"),
    "341522101002": ("新湖村", "341522101000"),
    "341522101003": ("三元村", "341522101000"),
}
INSERT_AREA = text(
    """
    INSERT INTO admin_areas (code, name, level, kind, parent_code, seat, geom)
    VALUES (:code, :name, :level, :kind, :parent,
            ST_SetSRID(ST_MakePoint(:sx, :sy), 4326), ST_Multi(ST_GeomFromText(:wkt, 4326)))
    """
)


def _insert(
    conn: Connection, code: str, name: str, level: str, kind: str, parent: str | None, box: shapely.Polygon
) -> None:
    """Insert one area with its box as geometry and the box centre as seat."""
    seat = box.centroid
    conn.execute(
        INSERT_AREA,
        {
            "code": code,
            "name": name,
            "level": level,
            "kind": kind,
            "parent": parent,
            "sx": seat.x,
            "sy": seat.y,
            "wkt": box.wkt,
        },
    )


def insert_test_county(engine: Engine) -> None:
    """Insert the county, its townships and the villages (strips of each township's box)."""
    with engine.begin() as conn:
        _insert(conn, "341522000000", "霍邱县", "county", "", None, shapely.box(116.2, 32.32, 116.32, 32.41))
        for code, (name, kind, bounds) in TOWNSHIPS.items():
            _insert(conn, code, name, "township", kind, "341522000000", shapely.box(*bounds))
        for i, (code, (name, township)) in enumerate(VILLAGES.items()):
            west, south, _, north = TOWNSHIPS[township][2]
            left = west + (i % 3) * 0.02
            _insert(conn, code, name, "village", "", township, shapely.box(left, south, left + 0.02, north))
