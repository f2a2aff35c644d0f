"""`hongyan registry policies load|search` end to end on a real database."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, text
from typer.testing import CliRunner

from api.cli.main import app
from registry.policies.load import seed_path

runner = CliRunner()


def test_load_then_search_in_chinese(db_url: str, engine: Engine, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    loaded = runner.invoke(app, ["registry", "policies", "load", str(seed_path())], env=env)
    assert loaded.exit_code == 0, loaded.output
    assert "21 new, 0 replaced" in loaded.output
    again = runner.invoke(app, ["registry", "policies", "load", str(seed_path())], env=env)
    assert "0 new, 21 replaced" in again.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM policies")).scalar_one() == 21
    found = runner.invoke(app, ["registry", "policies", "search", "创业"], env=env)
    assert found.exit_code == 0, found.output
    assert "返乡创业人员创业担保贷款及贴息" in found.output and "失业保险稳岗返还" not in found.output
    social = runner.invoke(app, ["registry", "policies", "search", "社保", "--category", "社保补贴"], env=env)
    assert "灵活就业人员社保补贴" in social.output and "· 3" in social.output


def test_bad_files_and_categories_are_reported(db_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"title": "x", "category": "贷款"}], ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(app, ["registry", "policies", "load", str(bad)], env=env)
    assert result.exit_code == 2
    assert "未知政策类别 unknown category '贷款'" in result.output and f"file {bad}, row 1" in result.output
    csv = tmp_path / "p.csv"
    csv.write_text("title\n", encoding="utf-8")
    result = runner.invoke(app, ["registry", "policies", "load", str(csv)], env=env)
    assert result.exit_code == 2 and "policies come as .json or .xlsx, not .csv" in result.output
    result = runner.invoke(app, ["registry", "policies", "search", "创业", "--category", "x"], env=env)
    assert result.exit_code == 2 and "未知政策类别 unknown category 'x'" in result.output
