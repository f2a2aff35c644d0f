"""`hongyan import boundaries`, `hongyan export areas` and GET /api/v1/areas after an import."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from boundary_layers import COUNTY, add_road_nodes, area_count, townships, villages, write
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from api.app import create_app
from api.cli.main import app
from geo.core.crs import transform_geometry
from geo.core.settings import Settings


def run(db_url: str, tmp_path: Path, *args: str) -> Result:
    """Run the CLI against the test database."""
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path / "data")}
    return CliRunner().invoke(app, list(args), env=env)


def flat(text: str) -> str:
    """Output with rich's line wrapping undone."""
    return " ".join(text.split())


def test_cli_imports_townships_then_villages(engine: Engine, db_url: str, tmp_path: Path) -> None:
    tpath = write(townships(), tmp_path / "townships.geojson")
    result = run(db_url, tmp_path, "import", "boundaries", str(tpath), "--level", "township")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "imported 4 townships from townships.geojson: 4 new, 0 updated" in out
    assert "county outline created from the townships" in out
    vpath = write(villages(), tmp_path / "villages.gpkg", layer="cun")
    result = run(db_url, tmp_path, "import", "boundaries", str(vpath), "--level", "village", "--layer", "cun")
    assert result.exit_code == 0, result.output
    assert "imported 16 villages from villages.gpkg: 16 new, 0 updated" in flat(result.output)
    assert area_count(engine) == 21


def test_cli_reports_problems_with_exit_code_2(engine: Engine, db_url: str, tmp_path: Path) -> None:
    path = write(villages(["341522100000"]), tmp_path / "villages.geojson")
    result = run(db_url, tmp_path, "import", "boundaries", str(path), "--level", "village")
    assert result.exit_code == 2
    out = flat(result.output)
    assert "错误 error: 1 problem(s) in the village layer, nothing was imported" in out
    assert "(rows 1, 2, 3, 4): township 341522100000 is not loaded: import townships first" in out
    assert area_count(engine) == 0


def test_cli_prints_the_gcj02_warning(engine: Engine, db_url: str, tmp_path: Path) -> None:
    add_road_nodes(engine)
    frame = townships()
    frame = frame.set_geometry(transform_geometry(frame.geometry.to_numpy(), "wgs84", "gcj02"), crs=4326)
    path = write(frame, tmp_path / "amap.geojson")
    result = run(db_url, tmp_path, "import", "boundaries", str(path), "--level", "township")
    assert result.exit_code == 0, result.output
    out = flat(result.output)
    assert "警告 warning: the township outlines look like GCJ-02" in out and "rerun with --datum gcj02" in out
    result = run(
        db_url, tmp_path, "import", "boundaries", str(path), "--level", "township", "--datum", "gcj02"
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    assert "0 new, 4 updated; county outline remade from the townships" in flat(result.output)


def test_cli_crs_and_fix_options(engine: Engine, db_url: str, tmp_path: Path) -> None:
    frame = townships().to_crs(4548)
    c = list(frame.geometry[3].exterior.coords)[:4]
    frame.loc[3, "geometry"] = shapely.Polygon([c[0], c[2], c[1], c[3]])  # corners out of order: a bow tie
    path = write(frame, tmp_path / "t.shp", encoding="UTF-8")
    path.with_suffix(".prj").unlink()
    result = run(
        db_url, tmp_path, "import", "boundaries", str(path), "--level", "township", "--crs", "EPSG:4548"
    )
    assert result.exit_code == 2 and "rerun with --fix" in flat(result.output)
    result = run(
        db_url,
        tmp_path,
        "import",
        "boundaries",
        str(path),
        "--level",
        "township",
        "--crs",
        "EPSG:4548",
        "--fix",
    )
    assert result.exit_code == 0, result.output
    assert "4 new, 0 updated, 1 repaired" in flat(result.output)


def test_cli_exports_areas(engine: Engine, db_url: str, tmp_path: Path) -> None:
    run(
        db_url,
        tmp_path,
        "import",
        "boundaries",
        str(write(townships(), tmp_path / "t.geojson")),
        "--level",
        "township",
    )
    run(
        db_url,
        tmp_path,
        "import",
        "boundaries",
        str(write(villages(), tmp_path / "v.geojson")),
        "--level",
        "village",
    )
    out = tmp_path / "out" / "areas.gpkg"
    result = run(db_url, tmp_path, "export", "areas", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"exported 21 areas to {out}" in flat(result.output)
    frame = gpd.read_file(out, engine="pyogrio")
    assert frame.crs.to_epsg() == 4326
    assert {"code", "name", "level", "kind", "parent_code"} <= set(frame.columns)
    assert sorted(frame["level"].value_counts().items()) == [("county", 1), ("township", 4), ("village", 16)]
    assert [str(n) for _, n in pyogrio.list_layers(out)] == ["MultiPolygon"]
    geojson = tmp_path / "villages.geojson"
    result = run(db_url, tmp_path, "export", "areas", "--out", str(geojson), "--level", "village")
    assert result.exit_code == 0, result.output
    villages_out = gpd.read_file(geojson, engine="pyogrio")
    assert len(villages_out) == 16 and set(villages_out["level"]) == {"village"}


def test_cli_export_rejects_other_formats(db_url: str, tmp_path: Path) -> None:
    result = run(db_url, tmp_path, "export", "areas", "--out", str(tmp_path / "areas.shp"))
    assert result.exit_code == 2
    assert "cannot export to areas.shp: use a .gpkg or .geojson file name" in flat(result.output)


def test_api_areas_after_an_import(engine: Engine, settings: Settings, db_url: str, tmp_path: Path) -> None:
    run(
        db_url,
        tmp_path,
        "import",
        "boundaries",
        str(write(townships(), tmp_path / "t.geojson")),
        "--level",
        "township",
    )
    run(
        db_url,
        tmp_path,
        "import",
        "boundaries",
        str(write(villages(), tmp_path / "v.geojson")),
        "--level",
        "village",
    )
    with TestClient(create_app(settings)) as client:
        towns = client.get("/api/v1/areas", params={"level": "township"})
        vills = client.get("/api/v1/areas", params={"level": "village", "parent": "341522101000"})
    assert towns.status_code == 200 and vills.status_code == 200
    body = towns.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 4
    first = body["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert {k: first["properties"][k] for k in ("code", "name", "level", "parent_code")} == {
        "code": "341522100000",
        "name": "城关镇",
        "level": "township",
        "parent_code": COUNTY,
    }
    props = [f["properties"] for f in vills.json()["features"]]
    assert [p["code"] for p in props] == [f"341522101{i:03d}" for i in range(1, 5)]
    assert {p["parent_code"] for p in props} == {"341522101000"} and {p["level"] for p in props} == {
        "village"
    }
    assert all(p["name"] for p in props)
