"""Every workbook the service writes holds text as text: no formula from stored data, no 500 on control characters.

Values are seeded as the role would (a collector's resident, township staff's project, the county's task and
fair), then each export is read back with openpyxl and every cell of every sheet is checked.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from tests.accounts_world import World, id_number, login, world_env
from tests.intake_files import HEADERS, person
from tests.records_world import new_person

Env = tuple[TestClient, World, Engine]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HYPERLINK = '=HYPERLINK("http://x","点我")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = (HYPERLINK, DDE, "+1", "-2+3", "@SUM(A1)")


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


def _cells(content: bytes) -> list[tuple[str, str, Any]]:
    """(sheet, data type, value) of every cell of every sheet."""
    wb = load_workbook(io.BytesIO(content))
    return [(ws.title, c.data_type, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def _assert_text_only(content: bytes, *expected: str) -> list[tuple[str, str, Any]]:
    """No formula cell anywhere; each expected payload present as text with its leading apostrophe."""
    cells = _cells(content)
    assert [c for c in cells if c[1] == "f"] == []
    texts = {v for _, t, v in cells if t == "s"}
    for payload in expected:
        assert "'" + payload in texts, payload
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for _, _, v in cells)
    return cells


def test_resident_names_are_text_in_the_residents_export(env: Env) -> None:
    client, world, _ = env
    collector = login(client, "collector_a1")
    for n, payload in enumerate(PAYLOADS, start=1):
        body = new_person(800 + n, world.village_a1, name=payload, work_city=payload)
        created = client.post("/api/v1/residents", headers=collector, json=body)
        assert created.status_code == 201, created.text
    for who in ("collector_a1", "staff_a", "admin", "reviewer"):
        response = client.get(
            "/api/v1/residents/export.xlsx", headers=login(client, who), params={"village": world.village_a1}
        )
        assert response.status_code == 200, (who, response.text)
        # names are masked for roles that do not see them ("=*…" must be text too); the work city never is
        _assert_text_only(response.content, *PAYLOADS)


def test_a_stored_control_character_does_not_break_the_export(env: Env) -> None:
    client, world, engine = env
    created = client.post(
        "/api/v1/residents", headers=login(client, "collector_a1"), json=new_person(901, world.village_a1)
    )
    assert created.status_code == 201, created.text
    with engine.begin() as conn:  # stored before input was cleaned
        conn.execute(
            text("UPDATE residents SET name = :n, work_city = :c WHERE resident_id = :r"),
            {"n": "控\u0007制", "c": "\u0001=1+1", "r": created.json()["resident_id"]},
        )
    for who in ("collector_a1", "staff_a", "admin"):
        response = client.get(
            "/api/v1/residents/export.xlsx", headers=login(client, who), params={"village": world.village_a1}
        )
        assert response.status_code == 200, (who, response.text)
        values = [v for _, _, v in _assert_text_only(response.content, "=1+1") if isinstance(v, str)]
        assert any(v.startswith("控") for v in values) and not any(
            "\u0007" in v or "\u0001" in v for v in values
        )


def test_project_industry_and_trade_are_text_in_the_outreach_list(env: Env) -> None:
    client, world, engine = env
    talent = {
        "kind": "returnee_entrepreneur",
        "name": "王晓9",
        "id_number": id_number(509, born="19900101"),
        "village_code": world.village_a1,
        "phone": "13712340009",
        "returned_on": "2024-03-01",
        "returned_from": "苏州",
        "industry": DDE,
        "skills": ["直播带货"],
        "projects": [
            {
                "name": "@SUM(A1)",
                "stage": "operating",
                "industry": DDE,
                "investment_wan": 30,
                "jobs_created": 6,
                "needs": ["用工"],
            }
        ],
    }
    created = client.post("/api/v1/talents", json=talent, headers=login(client, "staff_a"))
    assert created.status_code == 201, created.text
    with engine.connect() as conn:
        city = conn.execute(
            text(
                "SELECT work_city FROM residents WHERE work_city IS NOT NULL "
                "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    response = client.get("/api/v1/outreach/list.xlsx", headers=login(client, "admin"), params={"city": city})
    assert response.status_code == 200, response.text
    cells = _assert_text_only(response.content, DDE, "@SUM(A1)")
    assert ("创业项目用工", "s", "'" + DDE) in cells


def test_tasks_and_fairs_are_text_in_the_programme_reports(env: Env) -> None:
    client, world, engine = env
    admin = login(client, "admin")
    day = date.today() + timedelta(days=30)
    task = {
        "title": HYPERLINK,
        "lead_unit": "+1",
        "deadline": day.isoformat(),
        "content": "-2+3",
        "partner_units": ["@SUM(A1)"],
        "deadline_text": DDE,
    }
    created = client.post("/api/v1/programme/tasks", json=task, headers=admin)
    assert created.status_code == 201, created.text
    noted = client.patch(
        f"/api/v1/programme/tasks/{created.json()['task_id']}", json={"note": "=1+1"}, headers=admin
    )
    assert noted.status_code == 200, noted.text
    with engine.connect() as conn:
        venue = conn.execute(
            text("SELECT min(venue_id) FROM fair_venues WHERE area_code LIKE :p"),
            {"p": world.township_a[:9] + "%"},
        ).scalar_one()
    fair = {
        "fair_date": date.today().isoformat(),
        "kind": "special",
        "theme": "other",
        "title": "@SUM(A1)",
        "venue_id": venue,
    }
    made = client.post("/api/v1/programme/fairs", json=fair, headers=login(client, "staff_a"))
    assert made.status_code == 201, made.text
    report = client.get("/api/v1/programme/report.xlsx", headers=admin)
    assert report.status_code == 200, report.text
    _assert_text_only(report.content, HYPERLINK, "+1", "-2+3", DDE, "=1+1", "@SUM(A1)")
    tasks = client.get("/api/v1/programme/tasks/report.xlsx", headers=admin)
    assert tasks.status_code == 200, tasks.text
    _assert_text_only(tasks.content, HYPERLINK, "+1", "-2+3", DDE, "=1+1")


def test_the_error_workbook_and_the_template_hold_no_formula(env: Env) -> None:
    client, world, _ = env
    staff = login(client, "staff_a")
    rows = [person(1, world.village_a1, 务工城市="-2+3"), person(2, "@SUM(A1)", 学历="+1")]
    csv_text = (
        ",".join(HEADERS) + "\n" + "\n".join(",".join("" if v is None else str(v) for v in r) for r in rows)
    )
    response = client.post(
        "/api/v1/registry/import/residents",
        headers=staff,
        files={"file": ("居民.csv", csv_text.encode(), "text/csv")},
    )
    assert response.status_code == 422, response.text
    book = base64.b64decode(response.json()["error_workbook"]["content_base64"])
    _assert_text_only(book, "-2+3", "@SUM(A1)", "+1")
    template = client.get("/api/v1/registry/templates/residents.xlsx", headers=staff)
    assert template.status_code == 200
    _assert_text_only(template.content)


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x","点我")', "+1", "-2+3", "@SUM(A1)", "'引号开头", "普通"]
)
def test_an_exported_cell_reads_back_as_typed_when_imported_again(typed: str) -> None:
    """The ' an export puts before formula-like text is dropped when the workbook comes back as an import."""
    from registry.intake.fields import cell_text
    from registry.spreadsheet import safe_text

    assert cell_text(safe_text(typed), as_text=True) == typed
