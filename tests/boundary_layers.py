"""Small synthetic boundary layers for the boundary tests: a 2×2 grid of townships, each split into 2×2 villages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod
from sqlalchemy import Engine, text

from boundaries.io import BoundaryImportReport, import_boundary_file
from boundaries.store import store_areas

X0, Y0, CELL = 116.22, 32.30, 0.05  # townships of 0.05° (≈ 4.7 × 5.5 km) near 32.35 N 116.27 E
TOWNSHIPS = [
    ("341522100000", "城关镇"),
    ("341522101000", "河口镇"),
    ("341522102000", "周集镇"),
    ("341522103000", "临水镇"),
]
COUNTY = "341522000000"
GEOD = Geod(ellps="WGS84")


def township_cell(k: int) -> shapely.Polygon:
    """The k-th township square (row-major, south-west first)."""
    col, row = k % 2, k // 2
    return shapely.box(X0 + col * CELL, Y0 + row * CELL, X0 + (col + 1) * CELL, Y0 + (row + 1) * CELL)


def townships() -> gpd.GeoDataFrame:
    """Four townships with 12-digit codes, names and kinds (WGS84)."""
    return gpd.GeoDataFrame(
        {"code": [c for c, _ in TOWNSHIPS], "name": [n for _, n in TOWNSHIPS], "kind": ["town"] * 4},
        geometry=[township_cell(k) for k in range(4)],
        crs=4326,
    )


def villages(township_codes: list[str] | None = None) -> gpd.GeoDataFrame:
    """Each township split into four villages 001–004 (no parent_code column: it is derived)."""
    codes, names, geoms = [], [], []
    for k, (tcode, tname) in enumerate(TOWNSHIPS):
        if township_codes is not None and tcode not in township_codes:
            continue
        xmin, ymin, _, _ = township_cell(k).bounds
        half = CELL / 2
        for v in range(4):
            col, row = v % 2, v // 2
            codes.append(f"{tcode[:9]}{v + 1:03d}")
            names.append(f"{tname[:2]}{v + 1}村")
            geoms.append(
                shapely.box(
                    xmin + col * half, ymin + row * half, xmin + (col + 1) * half, ymin + (row + 1) * half
                )
            )
    return gpd.GeoDataFrame({"code": codes, "name": names}, geometry=geoms, crs=4326)


def write(frame: gpd.GeoDataFrame, path: Path, **kwargs: Any) -> Path:
    """Write a frame with pyogrio (driver from the suffix) and return the path."""
    frame.to_file(path, engine="pyogrio", **kwargs)
    return path


def load_townships(engine: Engine, tmp_path: Path) -> BoundaryImportReport:
    """Import the four townships (creating the county)."""
    return import_boundary_file(engine, write(townships(), tmp_path / "townships.geojson"), level="township")


def load_county_and_townships(engine: Engine) -> None:
    """An independently drawn county outline (0.1 m wider than the grid) and the four townships under it."""
    county = gpd.GeoDataFrame(
        {"code": [COUNTY], "name": ["霍邱县"]},
        geometry=[shapely.box(X0, Y0, X0 + 2 * CELL, Y0 + 2 * CELL).buffer(1e-6, join_style="mitre")],
        crs=4326,
    )
    frame = townships()
    frame["parent_code"] = COUNTY
    with engine.begin() as conn:
        store_areas(conn, county, level="county")
        store_areas(conn, frame, level="township")


def area_count(engine: Engine, level: str | None = None) -> int:
    """How many areas (of one level) are stored."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM admin_areas WHERE CAST(:l AS text) IS NULL OR level = :l"),
                {"l": level},
            ).scalar_one()
        )


def stored(engine: Engine, level: str) -> gpd.GeoDataFrame:
    """Stored areas of one level, by code."""
    with engine.connect() as conn:
        return gpd.read_postgis(
            text(
                "SELECT code, name, kind, parent_code, geom FROM admin_areas WHERE level = :l ORDER BY code"
            ),
            conn,
            geom_col="geom",
            params={"l": level},
            crs=4326,
        )


def max_vertex_error_m(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Largest distance in metres from a vertex of ``b`` to the nearest vertex of ``a`` (and vice versa)."""
    ca, cb = shapely.get_coordinates(a), shapely.get_coordinates(b)
    worst = 0.0
    for p, q in ((ca, cb), (cb, ca)):
        nearest = q[np.argmin(((p[:, None, :] - q[None, :, :]) ** 2).sum(axis=2), axis=1)]
        _, _, dist = GEOD.inv(p[:, 0], p[:, 1], nearest[:, 0], nearest[:, 1])
        worst = max(worst, float(np.max(dist)))
    return worst


def add_road_nodes(engine: Engine, *, spacing: float = 0.005, inset: float = 0.001) -> int:
    """A grid of road nodes covering the true (WGS84) county extent, just inside its edges."""
    xs = np.arange(X0 + inset, X0 + 2 * CELL - inset + 1e-9, spacing)
    ys = np.arange(Y0 + inset, Y0 + 2 * CELL - inset + 1e-9, spacing)
    rows = [
        {"id": i, "x": float(x), "y": float(y)} for i, (x, y) in enumerate((x, y) for x in xs for y in ys)
    ]
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO road_nodes (node_id, geom) VALUES (:id, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            ),
            rows,
        )
    return len(rows)
