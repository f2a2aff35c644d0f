"""`hongyan db …` on a real embedded cluster and `hongyan demo build` end to end (small scale)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from api.cli.main import app

runner = CliRunner()


@pytest.mark.db
def test_embedded_cluster_lifecycle() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="hongyan-cli-", dir="/tmp"))
    os.chmod(data_dir, 0o755)
    env = {"HONGYAN_DATA_DIR": str(data_dir), "HONGYAN_DATABASE_URL": ""}
    try:
        started = runner.invoke(app, ["db", "start"], env=env)
        assert started.exit_code == 0, started.output
        assert "database ready" in started.output
        again = runner.invoke(app, ["db", "start"], env=env)  # reused, not re-initialised
        assert again.exit_code == 0, again.output
        status = runner.invoke(app, ["db", "status"], env=env)
        assert status.exit_code == 0 and "running: True" in status.output
        url = runner.invoke(app, ["db", "url"], env=env)
        assert url.output.strip() == f"postgresql+psycopg://{_role()}@/hongyan?host={data_dir}/run"
        assert (data_dir / "run" / ".s.PGSQL.5432").exists()  # a socket in our own directory, no TCP port
        stopped = runner.invoke(app, ["db", "stop"], env=env)
        assert stopped.exit_code == 0
        status = runner.invoke(app, ["db", "status"], env=env)
        assert status.exit_code == 3 and "running: False" in status.output
        restarted = runner.invoke(app, ["db", "start"], env=env)  # the same cluster comes back
        assert restarted.exit_code == 0, restarted.output
    finally:
        runner.invoke(app, ["db", "stop"], env=env)
        shutil.rmtree(data_dir, ignore_errors=True)


def _role() -> str:
    import pwd

    return "hongyan" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name


def test_unreachable_database_url_is_named() -> None:
    env = {"HONGYAN_DATABASE_URL": "postgresql://someone:pw@/nowhere?host=/no/such/dir"}
    result = runner.invoke(app, ["db", "status"], env=env)
    assert result.exit_code == 2
    assert "cannot reach the database at postgresql+psycopg://someone:***@/nowhere" in result.output
    assert "hongyan db start" in result.output


def test_demo_build_is_idempotent(db_url: str, tmp_path: Path, engine: Engine) -> None:
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    first = runner.invoke(app, ["demo", "build", "--scale", "small", "--seed", "3"], env=env)
    assert first.exit_code == 0, first.output
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM residents), (SELECT count(*) FROM road_edges), (SELECT version FROM road_network_info)"
            )
        ).one()
    assert counts[0] > 1000 and counts[1] > 1000
    second = runner.invoke(app, ["demo", "build", "--scale", "small", "--seed", "3"], env=env)
    assert second.exit_code == 0
    assert "already built" in second.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM road_network_info")).scalar_one() == counts[2]
    assert (tmp_path / "demo" / "huoqiu-small-3.osm").exists()


def test_demo_build_refuses_to_overwrite_other_data(db_url: str, tmp_path: Path, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO admin_areas (code, name, level, geom) VALUES ('341522000000', '霍邱县', 'county',"
                " ST_Multi(ST_MakeEnvelope(116, 32, 116.5, 32.5, 4326)))"
            )
        )
    env = {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    result = runner.invoke(app, ["demo", "build", "--scale", "small"], env=env)
    assert result.exit_code == 2
    assert "not the demo's" in result.output and "--force" in result.output
