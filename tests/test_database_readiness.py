"""A database that is not ready: one sentence naming what to run, exit code 2, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from geo.core.migrate import downgrade
from geo.core.readiness import connection_problem
from tests.conftest import cloned_database
from web_map.cli import app

runner = CliRunner()


@pytest.fixture
def empty_db_url(server_url: str) -> Iterator[str]:
    """A database with nothing in it (never migrated)."""
    yield from cloned_database(server_url, "template0", prefix="hongyan_empty_")


def _refused(url: str, *args: str) -> str:
    result = runner.invoke(app, list(args), env={"HONGYAN_DATABASE_URL": url})
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return " ".join(result.output.split())


def test_unmigrated_database_says_run_db_upgrade(empty_db_url: str, tmp_path: Path) -> None:
    osm = tmp_path / "roads.osm"
    osm.write_text("<osm version='0.6'/>", encoding="utf-8")
    out = _refused(empty_db_url, "import", "roads", "--osm-file", str(osm))
    assert "尚未迁移" in out and "hongyan db upgrade" in out
    assert "hongyan db upgrade" in _refused(empty_db_url, "serve")


def test_database_behind_the_newest_migration_says_run_db_upgrade(db_url: str) -> None:
    engine = create_engine(db_url)
    downgrade(engine, "-1")
    engine.dispose()
    assert "hongyan db upgrade" in _refused(db_url, "tiles", "refresh-heat")
    upgraded = runner.invoke(app, ["db", "upgrade"], env={"HONGYAN_DATABASE_URL": db_url})
    assert upgraded.exit_code == 0, upgraded.output


def test_unknown_role_and_unknown_database_are_named(server_url: str) -> None:
    url = make_url(server_url)
    no_role = url.set(username="nobody_here").render_as_string(hide_password=False)
    assert "数据库用户不存在" in _refused(no_role, "db", "status")
    no_db = url.set(database="no_such_db").render_as_string(hide_password=False)
    assert "数据库不存在" in _refused(no_db, "db", "status")


def test_wrong_password_names_the_setting() -> None:
    # the test servers trust their socket, so the server's own words are classified here
    said = connection_problem('password authentication failed for user "hongyan"', "postgresql://h@db/x")
    assert said.startswith("数据库拒绝了登录密码") and "HONGYAN_DATABASE_URL" in said
