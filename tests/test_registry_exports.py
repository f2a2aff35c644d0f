"""`hongyan export vacancies` and `hongyan export enterprises`, read back with geopandas."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from registry_county import insert_test_county
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from api.cli.main import app
from registry.credit_code import validate_credit_code
from registry.synthetic import populate


def run(db_url: str, tmp_path: Path, *args: str) -> Result:
    """Run the CLI against the test database."""
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path / "data")}
    return CliRunner().invoke(app, list(args), env=env)


def test_exports_read_back(engine: Engine, db_url: str, tmp_path: Path) -> None:
    insert_test_county(engine)
    report = populate(engine, scale="small", seed=3, secret_key="export-test-secret-key-000")
    with engine.begin() as conn:
        conn.execute(text("UPDATE vacancies SET status = 'closed' WHERE vacancy_id = 1"))

    result = run(db_url, tmp_path, "export", "vacancies", "--out", str(tmp_path / "jobs.gpkg"))
    assert result.exit_code == 0, result.output
    assert f"{report.vacancies - 1} vacancies written to" in result.output
    jobs = gpd.read_file(tmp_path / "jobs.gpkg", layer="vacancies")
    assert list(jobs.columns) == [
        "vacancy_id",
        "enterprise_id",
        "title",
        "occupation_code",
        "positions",
        "wage_min",
        "wage_max",
        "full_time",
        "geometry",
    ]
    assert len(jobs) == report.vacancies - 1 and 1 not in set(jobs.vacancy_id)
    assert jobs.crs.to_epsg() == 4326 and set(jobs.geom_type) == {"Point"}
    with engine.connect() as conn:
        x, y = conn.execute(
            text(
                "SELECT ST_X(s.geom), ST_Y(s.geom) FROM vacancies v JOIN enterprise_sites s USING (site_id)"
                " WHERE v.vacancy_id = 2"
            )
        ).one()
    row = jobs.set_index("vacancy_id").loc[2]
    assert (row.geometry.x, row.geometry.y) == (x, y)

    result = run(db_url, tmp_path, "export", "enterprises", "--out", str(tmp_path / "firms.geojson"))
    assert result.exit_code == 0, result.output
    firms = gpd.read_file(tmp_path / "firms.geojson")
    assert list(firms.columns) == [
        "enterprise_id",
        "credit_code",
        "name",
        "industry",
        "employees",
        "site_id",
        "geometry",
    ]
    assert len(firms) == report.sites and firms.enterprise_id.nunique() == report.enterprises
    assert all(validate_credit_code(c) == c for c in firms.credit_code)


def test_export_to_an_unsupported_format_fails_cleanly(db_url: str, tmp_path: Path) -> None:
    result = run(db_url, tmp_path, "export", "enterprises", "--out", str(tmp_path / "firms.shp"))
    assert result.exit_code == 2
    assert "cannot export to firms.shp: use a .gpkg or .geojson file name" in " ".join(result.output.split())
    assert not (tmp_path / "firms.shp").exists()
