"""`hongyan programme …` against a private copy of the demo: calendar, targets, tasks, reports read back."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli.main import app
from geo.core.db import create_db_engine

runner = CliRunner()


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {"HONGYAN_DATABASE_URL": url, "HONGYAN_DATA_DIR": str(tmp_path / "data")}


def test_generate_a_year_set_targets_list_tasks_and_write_reports(demo_db_url: str, tmp_path: Path) -> None:
    env = _env(demo_db_url, tmp_path)
    skip = ["--skip", "2027-02-10", "--skip", "2027-02-13"]  # a Wednesday and a Saturday of 春节 2027
    args = [
        "programme",
        "fairs",
        "generate",
        "--year",
        "2027",
        "--venue",
        "霍邱县人力资源市场",
        "--special-venue",
        "经开区人力资源服务站",
        *skip,
    ]
    made = runner.invoke(app, args, env=env)
    assert made.exit_code == 0, made.output
    assert "2027: 110 fairs scheduled, 0 already there, 0 days past" in made.output
    again = runner.invoke(app, args, env=env)
    assert "2027: 0 fairs scheduled, 110 already there" in again.output
    engine = create_db_engine(demo_db_url, pool_size=1)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT kind, count(*) FROM fairs WHERE fair_date >= '2027-01-01' GROUP BY 1")
            ).all()
            assert dict(rows) == {"workers": 51, "talents": 51, "special": 8}
            specials = (
                conn.execute(
                    text(
                        "SELECT DISTINCT v.name FROM fairs f JOIN fair_venues v USING (venue_id) "
                        "WHERE f.kind = 'special' AND f.fair_date >= '2027-01-01'"
                    )
                )
                .scalars()
                .all()
            )
            assert specials == ["经开区人力资源服务站"]
    finally:
        engine.dispose()
    negative = runner.invoke(
        app,
        [
            "programme",
            "targets",
            "set",
            "--year",
            "2027",
            "--new-jobs",
            "-5",
            "--fairs",
            "76",
            "--intentions",
            "1260",
        ],
        env=env,
    )
    assert negative.exit_code == 2
    assert "目标不能为负数：新增就业（人） = -5 (a target cannot be below zero)" in negative.output
    ok = runner.invoke(
        app,
        [
            "programme",
            "targets",
            "set",
            "--year",
            "2027",
            "--new-jobs",
            "5100",
            "--fairs",
            "76",
            "--intentions",
            "1260",
        ],
        env=env,
    )
    assert ok.exit_code == 0, ok.output
    overdue = runner.invoke(app, ["programme", "tasks", "list", "--overdue", "--on", "2026-11-27"], env=env)
    assert overdue.exit_code == 0, overdue.output
    lines = overdue.output.strip().splitlines()
    assert lines[0] == "2. 开展信息采集  牵头 县人社局  时限 2022-05-31  推进中  逾期 1641 天 OVERDUE"
    assert lines[1].strip().startswith("5. 打造承载平台") and lines[-1] == "2 tasks, 2 overdue on 2026-11-27"
    bad_day = runner.invoke(app, ["programme", "tasks", "list", "--on", "27/11/2026"], env=env)
    assert bad_day.exit_code == 2 and "日期格式应为 YYYY-MM-DD" in bad_day.output
    xlsx = tmp_path / "report.xlsx"
    wrote = runner.invoke(
        app, ["programme", "report", "--year", "2026", "--on", "2026-11-27", "--out", str(xlsx)], env=env
    )
    assert wrote.exit_code == 0, wrote.output
    sheet = load_workbook(BytesIO(xlsx.read_bytes()))["目标完成"]
    assert [c.value for c in sheet[2]][:2] == ["新增就业（人）", 5100]
    html = tmp_path / "report.html"
    runner.invoke(app, ["programme", "report", "--year", "2026", "--out", str(html)], env=env)
    assert "2026 年度进展报告" in html.read_text(encoding="utf-8")
    sup = tmp_path / "duchatongbao.xlsx"
    done = runner.invoke(
        app, ["programme", "tasks", "report", "--on", "2026-11-27", "--out", str(sup)], env=env
    )
    assert done.exit_code == 0 and load_workbook(sup)["督查通报"]["A2"].value == 2
    wrong = runner.invoke(
        app, ["programme", "report", "--year", "2026", "--out", str(tmp_path / "r.pdf")], env=env
    )
    assert wrong.exit_code == 2 and "输出文件应为 .html 或 .xlsx" in wrong.output
