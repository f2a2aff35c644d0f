"""Between areas: overlapping siblings, gaps inside loaded parents, GCJ-02 data declared as WGS84."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from boundary_layers import (
    add_road_nodes,
    area_count,
    load_county_and_townships,
    load_townships,
    stored,
    townships,
    villages,
    write,
)
from sqlalchemy import Engine, text

from boundaries.io import import_boundary_file
from geo.core.crs import transform_geometry
from geo.core.errors import InvalidInput


def as_gcj02(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame with its WGS84 outlines moved to GCJ-02 (as AMap would show them)."""
    return frame.set_geometry(transform_geometry(frame.geometry.to_numpy(), "wgs84", "gcj02"), crs=4326)


def failure(engine: Engine, path: Path, *, level: str) -> str:
    """The message of an import that must fail without writing anything."""
    before = area_count(engine)
    with pytest.raises(InvalidInput) as err:
        import_boundary_file(engine, path, level=level)
    assert area_count(engine) == before
    return str(err.value)


def test_overlapping_villages_are_named_with_the_area(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    # village 1 (SW) pushed 0.002° (≈ 190 m) east into village 2 (SE)
    frame.loc[0, "geometry"] = shapely.box(116.22, 32.30, 116.247, 32.325)
    msg = failure(engine, write(frame, tmp_path / "v.geojson"), level="village")
    found = re.search(
        r"areas 341522100001 and 341522100002 \(both under 341522100000\) overlap by ([\d,]+) m²", msg
    )
    assert found, msg
    # 0.002° × 0.025° ≈ 188 m × 2 780 m
    assert 500_000 < int(found.group(1).replace(",", "")) < 550_000
    assert "near 116.24" in msg


def test_touching_neighbours_and_tiny_overlaps_pass(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame.loc[0, "geometry"] = shapely.box(116.22, 32.30, 116.245 + 2e-9, 32.325)  # 0.2 mm × 2.8 km ≈ 0.5 m²
    assert import_boundary_file(engine, write(frame, tmp_path / "v.geojson"), level="village").inserted == 4


def test_overlap_with_a_village_loaded_earlier(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    import_boundary_file(engine, write(villages(["341522100000"]), tmp_path / "a.geojson"), level="village")
    rest = villages(["341522100000"]).iloc[2:].copy()  # villages 3 and 4 again; 1 and 2 stay as loaded
    rest.loc[2, "geometry"] = shapely.box(116.22, 32.32, 116.245, 32.35)  # reaches 0.005° into village 1
    msg = failure(engine, write(rest, tmp_path / "b.geojson"), level="village")
    assert "areas 341522100003 and 341522100001 (both under 341522100000) overlap by" in msg


def test_gap_inside_a_township(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame.loc[3, "geometry"] = shapely.box(116.245, 32.325, 116.268, 32.35)  # stops 0.002° short of the edge
    msg = failure(engine, write(frame, tmp_path / "v.geojson"), level="village")
    found = re.search(
        r"township 341522100000: its villages leave a gap of ([\d,]+) m² \(([\d.]+) % of it\)", msg
    )
    assert found, msg
    assert 450_000 < int(found.group(1).replace(",", "")) < 550_000
    assert "uncovered, e.g. near 116.26" in msg


def test_missing_village_leaves_a_gap(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"]).iloc[:3]
    msg = failure(engine, write(frame, tmp_path / "v.geojson"), level="village")
    assert "township 341522100000: its villages leave a gap of" in msg and "(25.00 % of it)" in msg


def test_sliver_gap_below_tolerance_passes(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame.loc[3, "geometry"] = shapely.box(116.245, 32.325, 116.27 - 1e-7, 32.35)  # ≈ 26 m² uncovered
    assert import_boundary_file(engine, write(frame, tmp_path / "v.geojson"), level="village").inserted == 4


def test_townships_leaving_a_gap_in_the_loaded_county(engine: Engine, tmp_path: Path) -> None:
    load_county_and_townships(engine)
    frame = townships()
    frame.loc[3, "geometry"] = shapely.box(116.27, 32.35, 116.31, 32.40)
    msg = failure(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "county 341522000000: its townships leave a gap of" in msg


def test_gcj02_villages_declared_as_wgs84_fail_with_a_datum_hint(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    msg = failure(engine, write(as_gcj02(villages()), tmp_path / "amap.geojson"), level="village")
    assert "township 341522100000: its villages leave a gap of" in msg
    found = re.search(
        r"note: the village outlines look like GCJ-02 \(AMap/Tencent\) coordinates declared as WGS84: the file "
        r"sits ≈ (\d+) m off the loaded townships; undoing the WGS84→GCJ-02 offset \(≈ (\d+) m here\) fits the "
        r"loaded townships (\d+) % better",
        msg,
    )
    assert found, msg
    assert 500 < int(found.group(1)) < 600 and 500 < int(found.group(2)) < 600 and int(found.group(3)) >= 90
    assert "rerun with --datum gcj02" in msg


def test_gcj02_townships_against_the_county_outline(engine: Engine, tmp_path: Path) -> None:
    load_county_and_townships(engine)
    msg = failure(engine, write(as_gcj02(townships()), tmp_path / "amap.geojson"), level="township")
    assert "county 341522000000: its townships leave a gap of" in msg
    assert "note: the township outlines look like GCJ-02" in msg and "off the loaded county outline" in msg


def test_townships_are_not_checked_against_a_county_made_from_them(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = townships()
    frame.loc[3, "geometry"] = shapely.box(116.27, 32.35, 116.31, 32.40)  # shrunk: the county follows
    report = import_boundary_file(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert report.county_refreshed and not report.county_created
    with engine.connect() as conn:
        county_area = conn.execute(
            text("SELECT ST_Area(geom) FROM admin_areas WHERE level = 'county'")
        ).scalar_one()
    assert county_area == pytest.approx(0.1 * 0.1 - 0.01 * 0.05, rel=1e-9)


def test_an_independent_county_outline_is_kept(engine: Engine, tmp_path: Path) -> None:
    load_county_and_townships(engine)
    report = import_boundary_file(engine, write(townships(), tmp_path / "t.geojson"), level="township")
    assert (report.updated, report.county_created, report.county_refreshed) == (4, False, False)
    with engine.connect() as conn:
        county_area = conn.execute(
            text("SELECT ST_Area(geom) FROM admin_areas WHERE level = 'county'")
        ).scalar_one()
    assert county_area > 0.1 * 0.1


def test_gcj02_townships_against_the_road_network_warn_but_import(engine: Engine, tmp_path: Path) -> None:
    add_road_nodes(engine)
    report = import_boundary_file(
        engine, write(as_gcj02(townships()), tmp_path / "amap.geojson"), level="township"
    )
    assert report.inserted == 4
    assert len(report.warnings) == 1
    warning = report.warnings[0]
    assert warning.startswith(
        "the township outlines look like GCJ-02 (AMap/Tencent) coordinates declared as WGS84"
    )
    assert "fits the road network" in warning and "rerun with --datum gcj02" in warning


def test_correct_wgs84_townships_raise_no_datum_warning(engine: Engine, tmp_path: Path) -> None:
    add_road_nodes(engine)
    report = load_townships(engine, tmp_path)
    assert report.warnings == []


def test_declared_gcj02_is_converted_and_fits(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    path = write(as_gcj02(villages()), tmp_path / "amap.geojson")
    report = import_boundary_file(engine, path, level="village", datum="gcj02")
    assert (report.inserted, report.warnings) == (16, [])
    assert len(stored(engine, "village")) == 16
