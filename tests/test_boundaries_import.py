"""Good boundary imports: GeoJSON, Shapefile, GeoPackage, projected CRS, GCJ-02/BD-09 datums, upserts."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from boundary_layers import (
    COUNTY,
    area_count,
    load_townships,
    max_vertex_error_m,
    stored,
    townships,
    villages,
    write,
)
from sqlalchemy import Engine, text

from boundaries.io import import_boundary_file
from boundaries.store import store_areas, store_water
from geo.core.crs import transform_geometry
from geo.core.errors import InvalidInput


def test_townships_from_geojson_create_the_county(engine: Engine, tmp_path: Path) -> None:
    report = load_townships(engine, tmp_path)
    assert (report.features, report.inserted, report.updated, report.county_created) == (4, 4, 0, True)
    assert report.warnings == []
    got = stored(engine, "township")
    assert list(got["code"]) == ["341522100000", "341522101000", "341522102000", "341522103000"]
    assert set(got["parent_code"]) == {COUNTY} and set(got["kind"]) == {"town"}
    assert list(got["name"]) == ["城关镇", "河口镇", "周集镇", "临水镇"]
    with engine.connect() as conn:
        types = set(
            conn.execute(
                text("SELECT DISTINCT GeometryType(geom) || ST_SRID(geom) FROM admin_areas")
            ).scalars()
        )
        county = conn.execute(
            text("SELECT name, level, parent_code, ST_Area(geom) FROM admin_areas WHERE code = :c"),
            {"c": COUNTY},
        ).one()
    assert types == {"MULTIPOLYGON4326"}
    assert county[:3] == ("霍邱县", "county", None)
    assert county[3] == pytest.approx(0.1 * 0.1, rel=1e-9)
    for k, geom in enumerate(got.geometry):
        assert max_vertex_error_m(geom, townships().geometry[k]) < 0.001


def test_villages_from_shapefile_with_derived_parents(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages()
    frame["code"] = frame["code"].astype("int64")  # Shapefile numeric field: codes as integers
    path = write(frame, tmp_path / "villages.shp", encoding="UTF-8")
    report = import_boundary_file(engine, path, level="village")
    assert (report.inserted, report.updated, report.county_created) == (16, 0, False)
    got = stored(engine, "village")
    assert len(got) == 16
    assert all(p == c[:9] + "000" for c, p in zip(got["code"], got["parent_code"], strict=True))
    assert got.loc[got["code"] == "341522100001", "name"].item() == "城关1村"


def test_shapefile_truncated_parent_code_column(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = villages(["341522100000"])
    frame["parent_cod"] = "341522100"  # 9-digit parent, 10-character Shapefile field name
    report = import_boundary_file(engine, write(frame, tmp_path / "v.shp", encoding="UTF-8"), level="village")
    assert report.inserted == 4
    assert set(stored(engine, "village")["parent_code"]) == {"341522100000"}


def test_nine_digit_township_codes_get_000(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    frame["code"] = [c[:9] for c in frame["code"]]
    import_boundary_file(engine, write(frame, tmp_path / "t.geojson"), level="township")
    assert list(stored(engine, "township")["code"]) == list(townships()["code"])


def test_geopackage_layer_is_chosen_with_layer(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "huoqiu.gpkg"
    write(townships(), path, layer="xiangzhen")
    write(villages(), path, layer="cun", append=True)
    with pytest.raises(InvalidInput, match=r"has 2 layers \(xiangzhen, cun\): choose one with --layer"):
        import_boundary_file(engine, path, level="township")
    assert import_boundary_file(engine, path, level="township", layer="xiangzhen").inserted == 4
    assert import_boundary_file(engine, path, level="village", layer="cun").inserted == 16


def test_projected_file_is_reprojected_to_wgs84(engine: Engine, tmp_path: Path) -> None:
    path = write(townships().to_crs(4548), tmp_path / "t4548.gpkg")
    import_boundary_file(engine, path, level="township")
    for got, truth in zip(stored(engine, "township").geometry, townships().geometry, strict=True):
        assert max_vertex_error_m(got, truth) < 0.01


def test_shapefile_without_prj_imports_with_crs(engine: Engine, tmp_path: Path) -> None:
    path = write(townships().to_crs(4548), tmp_path / "noprj.shp", encoding="UTF-8")
    path.with_suffix(".prj").unlink()
    report = import_boundary_file(engine, path, level="township", crs="EPSG:4548")
    assert report.inserted == 4
    got = stored(engine, "township").geometry[0]
    assert max_vertex_error_m(got, townships().geometry[0]) < 0.01


def test_crs_overriding_the_files_own_is_a_warning(engine: Engine, tmp_path: Path) -> None:
    path = write(townships().set_crs(4490, allow_override=True), tmp_path / "cgcs.gpkg")
    report = import_boundary_file(engine, path, level="township", crs="EPSG:4326")
    assert report.warnings == ["cgcs.gpkg says its CRS is EPSG:4490; using --crs EPSG:4326 as told"]


@pytest.mark.parametrize("datum", ["gcj02", "bd09"])
def test_offset_datum_lands_within_half_a_metre_of_the_truth(
    engine: Engine, tmp_path: Path, datum: str
) -> None:
    load_townships(engine, tmp_path)
    truth = villages()
    offset = truth.set_geometry(transform_geometry(truth.geometry.to_numpy(), "wgs84", datum), crs=4326)
    report = import_boundary_file(
        engine, write(offset, tmp_path / f"{datum}.geojson"), level="village", datum=datum
    )
    assert report.inserted == 16 and report.warnings == []
    got = stored(engine, "village")
    for geom, true in zip(got.geometry, truth.geometry, strict=True):
        assert max_vertex_error_m(geom, true) < 0.5


def test_reimport_updates_in_place(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    frame = townships()
    frame.loc[0, "name"] = "城关镇（新）"
    report = import_boundary_file(engine, write(frame, tmp_path / "again.geojson"), level="township")
    assert (report.inserted, report.updated, report.county_created) == (0, 4, False)
    assert stored(engine, "township")["name"][0] == "城关镇（新）"
    assert area_count(engine) == 5


def test_villages_of_other_townships_loaded_earlier_count_as_siblings(engine: Engine, tmp_path: Path) -> None:
    load_townships(engine, tmp_path)
    first = import_boundary_file(
        engine, write(villages(["341522100000", "341522101000"]), tmp_path / "a.geojson"), level="village"
    )
    second = import_boundary_file(
        engine, write(villages(["341522102000", "341522103000"]), tmp_path / "b.geojson"), level="village"
    )
    assert (first.inserted, second.inserted) == (8, 8)
    assert area_count(engine, "village") == 16


def test_fix_repairs_a_bow_tie(engine: Engine, tmp_path: Path) -> None:
    frame = townships()
    x0, y0, x1, y1 = frame.geometry[3].bounds
    # the NE township drawn as a bow tie: corners visited in the wrong order
    frame.loc[3, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    report = import_boundary_file(engine, write(frame, tmp_path / "bow.geojson"), level="township", fix=True)
    assert report.repaired == 1 and report.inserted == 4
    assert report.warnings == ["repaired invalid polygons with --fix: 341522103000"]
    with engine.connect() as conn:
        valid, kind = conn.execute(
            text("SELECT ST_IsValid(geom), GeometryType(geom) FROM admin_areas WHERE code = '341522103000'")
        ).one()
    assert valid and kind == "MULTIPOLYGON"


def test_store_areas_with_seats_and_county_level(engine: Engine) -> None:
    county = gpd.GeoDataFrame(
        {"code": [COUNTY], "name": ["霍邱县"], "kind": ["county"]},
        geometry=[shapely.box(116.22, 32.30, 116.32, 32.40)],
        crs=4326,
    )
    frame = townships()
    frame["parent_code"] = COUNTY
    frame["seat"] = [shapely.centroid(g) for g in frame.geometry]
    frame.loc[1, "seat"] = None
    with engine.begin() as conn:
        assert store_areas(conn, county, level="county") == 1
        assert store_areas(conn, frame, level="township") == 4
    with engine.connect() as conn:
        seats = conn.execute(
            text(
                "SELECT code, ST_X(seat), ST_Y(seat) FROM admin_areas WHERE level = 'township' ORDER BY code"
            )
        ).all()
        kind = conn.execute(text("SELECT kind FROM admin_areas WHERE code = :c"), {"c": COUNTY}).scalar_one()
    assert seats[0][1:] == pytest.approx((116.245, 32.325), abs=1e-12) and seats[1][1:] == (None, None)
    assert kind == "county"


def test_store_areas_rejects_missing_parents(engine: Engine) -> None:
    frame = villages(["341522100000"])
    frame["parent_code"] = "341522100000"
    with (
        pytest.raises(InvalidInput, match="parent areas 341522100000 are not loaded"),
        engine.begin() as conn,
    ):
        store_areas(conn, frame, level="village")
    assert area_count(engine) == 0


def test_store_water_replaces_all_water(engine: Engine) -> None:
    lake = gpd.GeoDataFrame(
        {"name": ["城西湖", "城东湖"], "kind": ["lake", "lake"]},
        geometry=[shapely.box(116.1, 32.3, 116.2, 32.4), shapely.box(116.4, 32.3, 116.45, 32.35)],
        crs=4326,
    )
    river = gpd.GeoDataFrame(
        {"name": ["淮河"], "kind": ["river"]}, geometry=[shapely.box(116, 32.5, 116.6, 32.52)]
    )
    with engine.begin() as conn:
        assert store_water(conn, lake) == 2
        assert store_water(conn, river) == 1
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, kind, GeometryType(geom) FROM water_areas")).all()
    assert rows == [("淮河", "river", "MULTIPOLYGON")]


def test_store_water_rejects_unknown_kind(engine: Engine) -> None:
    water = gpd.GeoDataFrame(
        {"name": ["沟"], "kind": ["ditch"]}, geometry=[shapely.box(116, 32, 116.1, 32.1)]
    )
    with pytest.raises(
        InvalidInput, match=r"unknown water kind in row 1 \('ditch'\): use one of lake, river"
    ):
        with engine.begin() as conn:
            store_water(conn, water)
