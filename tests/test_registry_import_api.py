"""Registry imports through the API: templates, scoped imports, cross-area refusals (API and SQL), 413, roles."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from registry.intake.context import load_context
from registry.intake.spec import ValidRow
from registry.intake.specs import residents
from tests.accounts_world import CIPHER, World, app_settings, login, world_env
from tests.intake_files import HEADERS, XLSX, person, upload, villages, xlsx

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


def names_in_db(engine: Engine, prefix: str = "测试") -> list[str]:
    with engine.connect() as conn:
        return sorted(
            conn.execute(text("SELECT name FROM residents WHERE name LIKE :p"), {"p": prefix + "%"}).scalars()
        )


def test_template_lists_only_the_callers_villages(env: Env) -> None:
    client, world, engine = env
    response = client.get("/api/v1/registry/templates/residents.xlsx", headers=login(client, "staff_a"))
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["居民"]
    assert [c.value for c in ws[1]] == HEADERS and ws.freeze_panes == "A2"
    listed = [str(r[0]).split()[0] for r in wb["村社区列表"].iter_rows(min_row=2, values_only=True)]
    assert listed == villages(engine, world.township_a[:9]) and wb["村社区列表"].sheet_state == "hidden"
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["E2"] == '"本地就业,外出务工,务农,求职,在校,非劳动力"'
    assert formulas["D2"] == f"='村社区列表'!$A$2:$A${len(listed) + 1}"
    assert wb["说明"]["A1"].value == "人力资源供给库 · 居民 导入模板"
    collector = client.get("/api/v1/registry/templates/residents.xlsx", headers=login(client, "collector_a1"))
    sheet = load_workbook(io.BytesIO(collector.content))["村社区列表"]
    assert [str(r[0]).split()[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == [world.village_a1]
    hr = client.get("/api/v1/registry/templates/residents.xlsx", headers=login(client, "hr_1"))
    assert hr.status_code == 403
    assert (
        hr.json()["detail"] == "只有县、乡镇工作人员和村级采集员可以导入或下载模板；您的角色是 enterprise_hr"
    )
    unknown = client.get("/api/v1/registry/templates/talent.xlsx", headers=login(client, "staff_a"))
    assert unknown.status_code == 404
    assert (
        unknown.json()["detail"]
        == "没有名为 'talent' 的导入库，可用：enterprises、policies、residents、talents、vacancies"
    )


def test_collector_imports_own_village_and_is_refused_a_sibling(env: Env) -> None:
    client, world, engine = env
    status, body = upload(
        client, "collector_a1", xlsx(HEADERS, [person(1, world.village_a1), person(2, world.village_a1)])
    )
    assert status == 200 and (body["written"], body["errors"], body["error_workbook"]) == (2, [], None)
    assert body["detail"] == "共 2 行，全部导入"
    status, body = upload(
        client, "collector_a1", xlsx(HEADERS, [person(3, world.village_a1), person(4, world.village_a2)])
    )
    assert status == 422 and body["written"] == 0
    assert [e["text"] for e in body["errors"]] == [  # type: ignore[union-attr]
        f"第 3 行「村/社区代码」：村/社区 {world.village_a2}（{_name(engine, world.village_a2)}）"
        f"不在您的管辖范围（{world.village_a1}）内"
    ]
    assert names_in_db(engine) == ["测试1", "测试2"]
    with engine.connect() as conn:
        action = (
            conn.execute(
                text("SELECT target FROM audit_log WHERE action = 'registry.import' ORDER BY audit_id")
            )
            .scalars()
            .all()
        )
    assert action == ["residents:2/2", "residents:0/2"]


def _name(engine: Engine, code: str) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(text("SELECT name FROM admin_areas WHERE code = :c"), {"c": code}).scalar_one()
        )


def test_township_officer_cannot_import_into_another_township(env: Env) -> None:
    client, world, engine = env
    rows = [person(1, world.village_a1), person(2, world.village_b1)]
    for mode in ("all_or_nothing", "commit_valid"):
        status, body = upload(client, "staff_a", xlsx(HEADERS, rows), mode=mode)
        assert (
            [e["text"] for e in body["errors"]]
            == [  # type: ignore[union-attr]
                f"第 3 行「村/社区代码」：村/社区 {world.village_b1}（{_name(engine, world.village_b1)}）"
                f"不在您的管辖范围（{world.township_a[:9]}）内"
            ]
        )
        assert status == (422 if mode == "all_or_nothing" else 200)
    assert names_in_db(engine) == ["测试1"]  # only commit_valid wrote, and only township A's row
    with engine.connect() as conn:
        in_b = conn.execute(
            text("SELECT count(*) FROM residents WHERE name LIKE '测试%' AND area_code LIKE :p"),
            {"p": world.township_b[:9] + "%"},
        ).scalar_one()
    assert in_b == 0


def test_row_level_security_refuses_the_writer_outside_scope(
    env: Env, demo_db_url: str, tmp_path: Path
) -> None:
    _, world, engine = env
    app_engine = create_engine(app_database_url(app_settings(demo_db_url, tmp_path)))
    try:
        with app_engine.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=world.account_ids["staff_a"]))
            ctx = load_context(conn, scope=world.township_a[:9], cipher=CIPHER)
            values = {
                "name": "越权",
                "id_number": person(9, world.village_b1)[1],
                "phone": None,
                "village_code": world.village_b1,
                "status": "seeking",
                "education": None,
                "occupation_code": None,
                "work_city": None,
                "wish_to_return": None,
                "income_band": None,
            }
            assert residents.check(values, ctx) == []
            with pytest.raises(ProgrammingError, match="row-level security"):
                residents.write(conn, [ValidRow(2, values)], ctx)
        with app_engine.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=world.account_ids["staff_a"]))
            visible = conn.execute(
                text("SELECT count(*) FROM residents WHERE area_code LIKE :p"),
                {"p": world.township_b[:9] + "%"},
            ).scalar_one()
            assert visible == 0
    finally:
        app_engine.dispose()
    assert names_in_db(engine, "越权") == []


def test_person_registered_in_another_area_is_reported_and_all_or_nothing_undone(env: Env) -> None:
    client, world, engine = env
    with engine.connect() as conn:
        cipher_b = conn.execute(
            text("SELECT id_cipher FROM residents WHERE resident_id = :r"), {"r": world.resident_b1}
        ).scalar_one()
    rows = [
        person(1, world.village_a1),
        person(2, world.village_a1, 身份证号=CIPHER.decrypt(bytes(cipher_b))),
    ]
    status, body = upload(client, "staff_a", xlsx(HEADERS, rows))
    assert status == 422 and body["written"] == 0
    assert [e["text"] for e in body["errors"]] == [  # type: ignore[union-attr]
        "第 3 行「身份证号」：此身份证号已在其他地区登记，不能重复导入"
    ]
    assert names_in_db(engine) == []
    status, body = upload(client, "staff_a", xlsx(HEADERS, rows), mode="commit_valid")
    assert status == 200 and body["written"] == 1 and names_in_db(engine) == ["测试1"]
    book = body["error_workbook"]
    assert isinstance(book, dict) and book["filename"] == "居民.错误.xlsx"
    ws = load_workbook(io.BytesIO(base64.b64decode(book["content_base64"]))).worksheets[0]
    assert ws.cell(3, len(HEADERS) + 1).value == "身份证号：此身份证号已在其他地区登记，不能重复导入"
    assert ws.cell(2, len(HEADERS) + 1).value is None and ws.cell(3, 1).value == "测试2"


def test_upload_over_the_limit_is_refused_before_parsing(env: Env) -> None:
    client, _, engine = env
    status, body = upload(client, "staff_a", b"0" * (200 * 1024 * 1024 + 1), name="大文件.csv")
    assert status == 413
    assert body["detail"] == (
        "文件 200.0 MB，超过上传上限 200 MB（HONGYAN_MAX_UPLOAD_MB）：请拆成几个文件分别导入 (file upload)"
    )
    assert names_in_db(engine) == []


def test_roles_and_modes_are_checked(env: Env) -> None:
    client, world, _ = env
    data = xlsx(HEADERS, [person(1, world.village_a1)])
    status, body = upload(client, "seeker", data)
    assert (
        status == 403
        and body["detail"] == "只有县、乡镇工作人员和村级采集员可以导入或下载模板；您的角色是 job_seeker"
    )
    status, body = upload(client, "staff_a", data, mode="some")
    assert status == 422
    assert (
        body["detail"]
        == "导入模式 'some' 无效，可选 all_or_nothing（全部或全不）或 commit_valid（导入有效行） (field mode)"
    )
    anonymous = client.post("/api/v1/registry/import/residents", files={"file": ("a.xlsx", data, XLSX)})
    assert anonymous.status_code == 401
