"""The demo's programme and the dashboard: numbers equal to direct counts, forecasts, Excel and HTML reports."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import Engine, text

from geo.core.db import create_db_engine
from programme.calendar import generate_calendar
from programme.dashboard import dashboard
from programme.demo import HOLIDAYS_2026
from programme.forecast import forecast_year
from programme.report_data import gather
from programme.report_html import programme_report, supervision_report
from programme.report_xlsx import programme_workbook, supervision_workbook
from programme.tasks import list_tasks

ON = date(2026, 11, 27)


def _count(engine: Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_demo_programme_has_a_calendar_venues_booths_and_outcomes(small_demo_url: str) -> None:
    engine = create_db_engine(small_demo_url, pool_size=1)
    try:
        assert (
            _count(engine, "SELECT count(*) FROM fair_venues") == 3
        )  # 城关镇 ×2 and 经开区 in the small demo
        assert (
            _count(engine, "SELECT count(*) FROM fairs WHERE extract(year FROM fair_date) = 2026")
            == len(generate_calendar(2026, skip=HOLIDAYS_2026))
            == 103
        )
        assert _count(engine, "SELECT count(*) FROM fairs WHERE status = 'cancelled'") == 1
        assert _count(engine, "SELECT count(*) FROM programme_tasks") == 11
        assert _count(engine, "SELECT count(*) FROM fair_outcomes WHERE kind = 'hire'") > 100
        assert (
            _count(
                engine,
                "SELECT count(*) FROM fairs f WHERE kind = 'workers' AND extract(isodow FROM fair_date) <> 3",
            )
            == 0
        )
    finally:
        engine.dispose()


def test_dashboard_equals_direct_counts_and_forecasts_by_the_stated_method(small_demo_url: str) -> None:
    engine = create_db_engine(small_demo_url, pool_size=1)
    try:
        with engine.connect() as conn:
            board = dashboard(conn, 2026, on=ON)
        fairs = _count(
            engine,
            "SELECT count(*) FROM fairs WHERE status <> 'cancelled' AND fair_date BETWEEN '2026-01-01' AND :on",
            on=ON,
        )
        intentions = _count(
            engine,
            "SELECT count(*) FROM fair_outcomes o JOIN fairs f USING (fair_id) WHERE o.kind = 'intention' AND f.status <> 'cancelled' AND f.fair_date BETWEEN '2026-01-01' AND :on",
            on=ON,
        )
        hires = _count(
            engine,
            "SELECT count(*) FROM fair_outcomes o JOIN fairs f USING (fair_id) WHERE o.kind = 'hire' AND f.fair_date BETWEEN '2026-01-01' AND :on",
            on=ON,
        )
        reported = _count(
            engine,
            "SELECT sum(new_jobs) FROM programme_job_reports WHERE month BETWEEN '2026-01-01' AND :on",
            on=ON,
        )
        scheduled = _count(
            engine,
            "SELECT count(*) FROM fairs WHERE status = 'planned' AND fair_date > :on AND fair_date <= '2026-12-31'",
            on=ON,
        )
        m = board["metrics"]
        assert board["targets"] == {
            "year": 2026,
            "new_jobs": 5100,
            "fairs": 76,
            "intentions": 1260,
            "area_code": "341522000000",
        }
        assert m["fairs"]["actual"] == fairs and m["fairs"]["forecast"] == fairs + scheduled
        assert m["intentions"]["actual"] == intentions > 0
        assert m["new_jobs"]["actual"] == hires + reported
        assert m["new_jobs"]["progress"] == round((hires + reported) / 5100, 4)
        # 2025 has reported jobs: new jobs are forecast seasonally; intentions (no 2025 fairs) by run-rate
        assert m["new_jobs"]["method"] == "seasonal" and m["intentions"]["method"] == "run_rate"
        expected = forecast_year(m["new_jobs"]["monthly"], ON, last_year=m["new_jobs"]["last_year"])
        assert m["new_jobs"]["forecast"] == round(expected.total) > m["new_jobs"]["actual"]
        assert sum(t["new_jobs"] for t in board["townships"]) == hires + reported
    finally:
        engine.dispose()


def test_reports_read_back(small_demo_url: str) -> None:
    engine = create_db_engine(small_demo_url, pool_size=1)
    try:
        with engine.connect() as conn:
            data = gather(conn, 2026, on=ON)
            tasks = list_tasks(conn, on=ON)
    finally:
        engine.dispose()
    wb = load_workbook(BytesIO(programme_workbook(data)))
    assert wb.sheetnames == ["目标完成", "月度进度", "乡镇进度", "任务清单", "招聘会日程"]
    rows = list(wb["目标完成"].iter_rows(values_only=True))
    assert rows[0][:5] == ("指标", "年度目标", "累计完成", "完成率", "预计全年")
    by_label = {r[0]: r for r in rows[1:4]}
    assert by_label["新增就业（人）"][1:3] == (5100, data.board["metrics"]["new_jobs"]["actual"])
    assert by_label["招聘会（场）"][2] == data.board["metrics"]["fairs"]["actual"]
    task_rows = list(wb["任务清单"].iter_rows(values_only=True))
    assert task_rows[0][:4] == ("序号", "任务", "主要内容", "牵头单位")
    # overdue first: task 2 (信息采集, due 2022-05-31) and task 5 (interim deadline 2026-09-30)
    assert [r[0] for r in task_rows[1:3]] == [2, 5] and task_rows[1][8] == "逾期"
    assert len(list(wb["招聘会日程"].iter_rows())) == 1 + len(data.fairs)
    page = programme_report(data)
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert "@media print" in page and page.count("<svg") == 3
    assert f"<b>{data.board['metrics']['new_jobs']['actual']:,}</b> / 目标 5,100" in page
    sup = supervision_report(tasks, on=ON)
    assert "共 11 项任务，已完成 2 项，逾期未完成 <span class='flag'>2</span> 项。" in sup
    assert sup.index("开展信息采集") < sup.index("建立信息平台")
    sheet = load_workbook(BytesIO(supervision_workbook(tasks, on=ON)))["督查通报"]
    assert [c.value for c in sheet["A"][1:4]] == [2, 5, 1]
