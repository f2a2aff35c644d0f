"""`hongyan import roads` and `hongyan export roads` through the real CLI against the test database."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import osmnx as ox
import pytest
import shapely
from roads_osm import HELSINKI
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from api.cli.main import app

runner = CliRunner()


def run(db_url: str, tmp_path: Path, *args: str) -> tuple[int, str]:
    """Invoke `hongyan ...` on the test database; exit code and output with whitespace normalised."""
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path / "data")}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, " ".join(result.output.split())


def test_import_then_export_gpkg_and_geojson(db_url: str, engine: Engine, tmp_path: Path) -> None:
    """Import the real extract, export it, and read both files back with geopandas."""
    code, out = run(db_url, tmp_path, "import", "roads", "--osm-file", str(HELSINKI))
    assert code == 0, out
    assert "Road network v1 from Helsinki.osm.pbf" in out
    assert "3,219" in out and "4,275" in out and "44 (kept, flagged)" in out
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT edge_id, source, target, length_m, highway, oneway, name, ST_AsBinary(geom) AS wkb "
                "FROM road_edges ORDER BY edge_id"
            )
        ).all()
    for name in ("roads.gpkg", "roads.geojson"):
        target = tmp_path / "out" / name
        code, out = run(db_url, tmp_path, "export", "roads", "--out", str(target))
        assert code == 0, out
        assert f"wrote 4,275 road edges to {target}" in out
        frame = gpd.read_file(target)
        assert frame.crs is not None and frame.crs.to_epsg() == 4326
        for column in ("edge_id", "u", "v", "length_m", "highway", "oneway", "name", "cost_walk", "cost_car"):
            assert column in frame.columns
        frame = frame.sort_values("edge_id").reset_index(drop=True)
        assert frame["edge_id"].tolist() == [r.edge_id for r in stored]
        assert frame["u"].tolist() == [r.source for r in stored]
        assert frame["v"].tolist() == [r.target for r in stored]
        assert frame["length_m"].tolist() == pytest.approx([r.length_m for r in stored], rel=1e-12)
        assert frame["highway"].tolist() == [r.highway for r in stored]
        assert [bool(x) for x in frame["oneway"]] == [r.oneway for r in stored]
        geoms = shapely.from_wkb([r.wkb for r in stored])
        assert shapely.equals_exact(frame.geometry.values, geoms, tolerance=1e-7).all()


def test_import_needs_a_source(db_url: str, tmp_path: Path) -> None:
    """Neither --osm-file nor --place."""
    code, out = run(db_url, tmp_path, "import", "roads")
    assert code == 2
    assert (
        "give exactly one of --osm-file PATH (an OpenStreetMap extract) or --place NAME (downloaded with osmnx)"
        in out
    )


def test_import_takes_only_one_source(db_url: str, tmp_path: Path) -> None:
    """Both --osm-file and --place."""
    code, out = run(db_url, tmp_path, "import", "roads", "--osm-file", str(HELSINKI), "--place", "霍邱县")
    assert code == 2
    assert "give exactly one of --osm-file PATH" in out


def test_import_missing_file_from_cli(db_url: str, tmp_path: Path) -> None:
    """A missing file is reported by the CLI without a traceback."""
    code, out = run(db_url, tmp_path, "import", "roads", "--osm-file", str(tmp_path / "gone.osm"))
    assert code == 2
    assert "OSM file not found: check the path" in out and "Traceback" not in out


def test_import_unsupported_file_from_cli(db_url: str, tmp_path: Path) -> None:
    """A shapefile is not an OSM extract."""
    path = tmp_path / "roads.shp"
    path.write_bytes(b"\0" * 100)
    code, out = run(db_url, tmp_path, "import", "roads", "--osm-file", str(path))
    assert code == 2
    assert "unsupported road file type 'roads.shp'" in out


def test_place_without_internet_suggests_osm_file(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With OpenStreetMap unreachable, --place says so and points to --osm-file."""
    monkeypatch.setattr(ox.settings, "nominatim_url", "http://127.0.0.1:9/")  # nothing listens on port 9
    code, out = run(db_url, tmp_path, "import", "roads", "--place", "霍邱县, 六安市, 安徽省")
    assert code == 2
    assert "cannot download the roads of '霍邱县, 六安市, 安徽省': no connection to OpenStreetMap" in out
    assert "hongyan import roads --osm-file PATH" in out


def test_export_before_import(db_url: str, tmp_path: Path) -> None:
    """Exporting with no network imported says what to do."""
    code, out = run(db_url, tmp_path, "export", "roads", "--out", str(tmp_path / "r.gpkg"))
    assert code == 2
    assert "no road network yet: run `hongyan import roads --osm-file PATH` first" in out


def test_export_unsupported_suffix(db_url: str, tmp_path: Path) -> None:
    """Only .gpkg and .geojson."""
    code, out = run(db_url, tmp_path, "export", "roads", "--out", str(tmp_path / "r.shp"))
    assert code == 2
    assert "cannot export to r.shp: use a .gpkg or .geojson file name" in out
