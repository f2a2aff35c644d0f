"""`hongyan outreach flows|list` and `hongyan parks list` against the demo copy."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli.main import app
from geo.core.db import create_db_engine

runner = CliRunner()


def test_outreach_and_parks_commands(demo_db_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": demo_db_url, "HONGYAN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    engine = create_db_engine(demo_db_url, pool_size=1)
    with engine.connect() as conn:
        away = conn.execute(
            text(
                "SELECT work_city, occupation_code, wish_to_return FROM residents WHERE status = 'working_away'"
            )
        ).all()
        parks = conn.execute(text("SELECT name FROM parks")).scalars().all()
    engine.dispose()
    by_city = Counter(str(c) for c, _, _ in away)

    flows = runner.invoke(app, ["outreach", "flows"], env=env)
    assert flows.exit_code == 0, flows.output
    assert f"total {len(away)}" in flows.output
    shanghai = next(line for line in flows.output.splitlines() if "上海" in line)
    assert f" {by_city['上海']} " in shanghai

    wanted = [(c, o) for c, o, w in away if c == "苏州" and w and o and o.startswith("6-")]
    out = tmp_path / "list.xlsx"
    listed = runner.invoke(
        app,
        ["outreach", "list", "--city", "苏州", "--trade", "6", "--wish-to-return", "--out", str(out)],
        env=env,
    )
    assert listed.exit_code == 0, listed.output
    assert f"苏州 6: {len(wanted)} 人" in listed.output
    sheet = load_workbook(out)["外出人员"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(wanted) and all(r[8] == "苏州" and r[9] == "是" for r in rows)
    assert all(r[10] is None or "****" in r[10] for r in rows)

    bad = runner.invoke(app, ["outreach", "list", "--city", "火星"], env=env)
    assert bad.exit_code == 2 and "unknown city '火星'" in bad.output
    wrong_file = runner.invoke(
        app, ["outreach", "list", "--city", "苏州", "--out", str(tmp_path / "x.csv")], env=env
    )
    assert wrong_file.exit_code == 2 and "give a .xlsx file, not x.csv" in wrong_file.output

    listed_parks = runner.invoke(app, ["parks", "list"], env=env)
    assert listed_parks.exit_code == 0, listed_parks.output
    assert parks and all(name in listed_parks.output for name in parks)
