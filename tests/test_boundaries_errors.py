"""Bad boundary files: each problem is reported with its file, rows and codes, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from boundary_layers import area_count, load_townships, townships, villages, write
from sqlalchemy import Engine

from boundaries.io import import_boundary_file
from geo.core.errors import InvalidInput


def rejected(engine: Engine, path: Path, *, level: str, **kwargs: object) -> str:
    """Import a file that must fail; return the message after checking nothing more was written."""
    before = area_count(engine)
    with pytest.raises(InvalidInput) as err:
        import_boundary_file(engine, path, level=level, **kwargs)  # type: ignore[arg-type]
    assert area_count(engine) == before, "a rejected import wrote something"
    message = str(err.value)
    assert f"file {path}" in message
    return message


def test_missing_file(engine: Engine, tmp_path: Path) -> None:
    msg = rejected(engine, tmp_path / "nope.geojson", level="township")
    assert "boundary file" in msg and "nope.geojson does not exist" in msg


def test_unreadable_file(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "garbage.geojson"
    path.write_text("this is not GeoJSON", encoding="utf-8")
    msg = rejected(engine, path, level="township")
    assert "cannot read garbage.geojson as GeoJSON, Shapefile or GeoPackage" in msg


def test_file_without_features(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert "empty.geojson has no features" in rejected(engine, path, level="township")


def test_missing_code_attribute(engine: Engine, tmp_path: Path) -> None:
    path = write(townships().rename(columns={"code": "bianma"}), tmp_path / "t.geojson")
    msg = rejected(engine, path, level="township")
    assert "t.geojson has no 'code' attribute (found: bianma, name, kind)" in msg


def test_unknown_layer(engine: Engine, tmp_path: Path) -> None:
    path = write(townships(), tmp_path / "t.gpkg", layer="xiangzhen")
    msg = rejected(engine, path, level="township", layer="cun")
    assert "t.gpkg has no layer 'cun'; its layers are xiangzhen" in msg


def test_shapefile_without_prj_needs_crs(engine: Engine, tmp_path: Path) -> None:
    path = write(townships().to_crs(4548), tmp_path / "noprj.shp", encoding="UTF-8")
    path.with_suffix(".prj").unlink()
    msg = rejected(engine, path, level="township")
    assert (
        "noprj.shp has no coordinate reference system (e.g. a Shapefile without its .prj): give it with --crs"
        in msg
    )


def test_unknown_crs(engine: Engine, tmp_path: Path) -> None:
    path = write(townships(), tmp_path / "t.geojson")
    msg = rejected(engine, path, level="township", crs="EPSG:99999999")
    assert "--crs 'EPSG:99999999' is not a coordinate reference system pyproj knows" in msg


def test_unknown_level_and_datum(engine: Engine, tmp_path: Path) -> None:
    path = write(townships(), tmp_path / "t.geojson")
    assert "unknown level 'county': use township or village" in rejected(engine, path, level="county")
    msg = rejected(engine, path, level="township", datum="wgs-84")
    assert "unknown datum 'wgs-84': use one of wgs84, gcj02, bd09" in msg


def test_missing_code(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[1, "code"] = None
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 2: code is empty: every area needs its 12-digit official code" in msg


def test_malformed_code(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[2, "code"] = "3415221020"
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 3: code '3415221020' is not a 12-digit (or 9-digit township) official code" in msg


def test_nine_digit_code_is_not_a_village_code(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame.loc[0, "code"] = "341522100"
    msg = rejected(engine, write(frame, tmp_path / "v.geojson"), level="village")
    assert "row 1: code '341522100' is not a 12-digit official code" in msg


def test_code_of_another_county(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[0, "code"] = "341521100000"
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 1: code 341521100000 is not in this county: its codes start with 341522" in msg


def test_county_code_in_a_township_file(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[0, "code"] = "341522000000"
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 1: code 341522000000 is the county itself, not a township" in msg


def test_village_code_in_a_township_file(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[0, "code"] = "341522100001"
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert (
        "row 1: code 341522100001 is a village code (it does not end in 000): import it with --level village"
        in msg
    )


def test_township_code_in_a_village_file(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame.loc[3, "code"] = "341522100000"
    msg = rejected(engine, write(frame, tmp_path / "v.geojson"), level="village")
    assert (
        "row 4: code 341522100000 is a township code (it ends in 000): import it with --level township" in msg
    )


def test_duplicate_codes(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[3, "code"] = "341522100000"
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "code 341522100000 appears 2 times: rows 1, 4; codes must be unique" in msg


def test_empty_name(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[1, "name"] = "  "
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 2 (341522101000): name is empty" in msg


def test_line_instead_of_polygon(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[2, "geometry"] = frame.geometry[2].exterior
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 3 (341522102000): geometry is a LinearRing, not a polygon" in msg or (
        "row 3 (341522102000): geometry is a LineString, not a polygon" in msg
    )


def test_point_and_missing_geometry(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[0, "geometry"] = shapely.Point(116.25, 32.32)
    frame.loc[1, "geometry"] = None
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 1 (341522100000): geometry is a Point, not a polygon" in msg
    assert "row 2 (341522101000): has no geometry" in msg


def test_self_intersecting_polygon_without_fix(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    x0, y0, x1, y1 = frame.geometry[3].bounds
    frame.loc[3, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "row 4 (341522103000): invalid polygon (Self-intersection[" in msg
    assert "rerun with --fix to repair it with make_valid" in msg


def test_village_that_does_not_belong_to_its_parent(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame["parent_code"] = "341522100000"
    frame.loc[2, "parent_code"] = "341522101000"
    msg = rejected(engine, write(frame, tmp_path / "v.geojson"), level="village")
    assert (
        "row 3 (341522100003): does not belong to its parent 341522101000: a village code starts with "
        "its township's 9 digits (341522101)"
    ) in msg


def test_village_parent_that_is_not_a_township_code(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame["parent_code"] = "341522100000"
    frame.loc[0, "parent_code"] = "341522100001"
    msg = rejected(engine, write(frame, tmp_path / "v.geojson"), level="village")
    assert (
        "row 1 (341522100001): parent_code 341522100001 is not a township code (12 digits ending in 000)"
        in msg
    )


def test_township_parent_must_be_the_county(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame["parent_code"] = "341522000000"
    frame.loc[1, "parent_code"] = "341521000000"
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert (
        "row 2 (341522101000): parent_code 341521000000 is not the county 341522000000, a township's parent"
        in msg
    )


def test_villages_before_their_townships(engine: Engine, tmp_path: Path) -> None:
    msg = rejected(engine, write(villages(["341522100000"]), tmp_path / "v.geojson"), level="village")
    assert (
        "villages 341522100001, 341522100002, 341522100003, 341522100004 (rows 1, 2, 3, 4): township "
        "341522100000 is not loaded: import townships first (hongyan import boundaries FILE --level township)"
    ) in msg


def test_village_whose_township_is_missing_from_the_database(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame.loc[1, "code"] = "341522110002"
    msg = rejected(engine, write(frame, tmp_path / "v.geojson"), level="village")
    assert "village 341522110002 (row 2): township 341522110000 is not loaded: import townships first" in msg


def test_swapped_longitude_and_latitude(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[1, "geometry"] = shapely.transform(frame.geometry[1], lambda c: c[:, ::-1])
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert (
        "area 341522101000 (row 2): looks like longitude and latitude are swapped (x ≈ 32.3250, y ≈ 116.2950)"
        in msg
    )


def test_far_outside_the_county_box_when_no_county_is_loaded(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[0, "geometry"] = shapely.affinity.translate(frame.geometry[0], xoff=1.5)  # ~140 km east
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert (
        "area 341522100000 (row 1): some points lie outside 115.5–117.0 E, 31.6–32.9 N around the county "
        "(no county outline loaded)"
    ) in msg


def test_far_from_the_loaded_county_outline(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = townships()
    frame.loc[2, "geometry"] = shapely.affinity.translate(frame.geometry[2], yoff=0.6)  # ~65 km north
    frame.loc[3, "geometry"] = shapely.affinity.translate(frame.geometry[3], xoff=0.3)  # ~28 km: tolerated
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert "area 341522102000 (row 3): some points lie more than 50 km from the county outline" in msg
    assert "341522103000 (row 4)" not in msg


def test_projected_coordinates_declared_as_lonlat(engine: Engine, tmp_path: Path) -> None:
    path = write(townships().to_crs(4548), tmp_path / "t.shp", encoding="UTF-8")
    path.with_suffix(".prj").unlink()
    msg = rejected(engine, path, level="township", crs="EPSG:4326")
    assert (
        "areas 341522100000, 341522101000, 341522102000, 341522103000 (rows 1, 2, 3, 4): some points lie outside"
        in msg
    )
    assert "check the coordinates and the CRS (a projected file needs its .prj or --crs)" in msg


def test_all_problems_are_reported_together(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame.loc[0, "name"] = ""
    frame.loc[1, "code"] = "12345"
    frame.loc[2, "geometry"] = shapely.Point(116.3, 32.4)
    msg = rejected(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert msg.startswith("3 problem(s) in the township layer, nothing was imported:")
    assert "row 1 (341522100000): name is empty" in msg
    assert "row 2: code '12345' is not a 12-digit (or 9-digit township) official code" in msg
    assert "row 3 (341522102000): geometry is a Point, not a polygon" in msg


def test_integer_codes_in_geojson_are_accepted_as_text(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame["code"] = frame["code"].astype("int64")
    report = import_boundary_file(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert report.inserted == 4


def test_empty_geometry(engine: Engine, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"code": ["341522100000"], "name": ["城关镇"]}, geometry=[shapely.Polygon()], crs=4326
    )
    msg = rejected(engine, write(frame, tmp_path / "t.gpkg"), level="township")
    assert "row 1 (341522100000): " in msg and ("geometry is empty" in msg or "has no geometry" in msg)
