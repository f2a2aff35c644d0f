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
from registry.credit_code import credit_check_char
from registry.intake.context import load_context
from registry.intake.spec import ValidRow
from registry.intake.specs import residents
from tests.accounts_world import CIPHER, World, app_settings, login, world_env
from tests.intake_files import HEADERS, person, villages, xlsx

Env = tuple[TestClient, World, Engine]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


def upload(
    client: TestClient,
    who: str,
    data: bytes,
    *,
    database: str = "residents",
    name: str = "居民.xlsx",
    **params: str,
) -> tuple[int, dict[str, object]]:
    response = client.post(
        f"/api/v1/registry/import/{database}",
        headers=login(client, who),
        params=params,
        files={"file": (name, data, XLSX)},
    )
    return response.status_code, response.json()


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


def credit(n: int) -> str:
    first17 = f"91341522MA2N{n:04d}0"
    return first17 + credit_check_char(first17)


def test_enterprises_with_sites_then_their_vacancies(env: Env) -> None:
    client, world, engine = env
    head = [
        "统一社会信用代码*",
        "企业名称*",
        "行业",
        "企业类型",
        "职工人数",
        "场所名称",
        "村/社区代码*",
        "经度",
        "纬度",
        "坐标系",
    ]
    firms = [
        [
            credit(1),
            "霍邱测试服装有限公司",
            "纺织服装",
            "有限责任公司",
            120,
            "一厂",
            world.village_a1,
            None,
            None,
            None,
        ],
        [credit(1), "霍邱测试服装有限公司", None, None, None, "二厂", world.village_a2, None, None, None],
        [credit(2), "霍邱测试食品有限公司", "食品", None, 30, None, world.village_a1, None, None, None],
        [credit(2), "霍邱测试食品有限公司", None, None, None, None, world.village_a1, None, None, None],
        [
            credit(3)[:17] + ("0" if credit(3)[17] != "0" else "1"),
            "坏代码",
            None,
            None,
            None,
            None,
            world.village_a1,
            None,
            None,
            None,
        ],
    ]
    status, body = upload(
        client,
        "staff_a",
        xlsx(head, firms, sheet="企业"),
        database="enterprises",
        name="企业.xlsx",
        mode="commit_valid",
    )
    assert status == 200 and body["written"] == 3
    assert [e["text"] for e in body["errors"]] == [  # type: ignore[union-attr]
        "第 5 行「场所名称」：与第 4 行重复（同一企业的同名场所），第 5 行未导入",
        "第 6 行「统一社会信用代码」：统一社会信用代码有误：含不使用的字符或校验位不符",
    ]
    with engine.connect() as conn:
        sites = conn.execute(
            text(
                "SELECT e.name, e.area_code, s.name, s.area_code FROM enterprises e JOIN enterprise_sites s "
                "USING (enterprise_id) WHERE e.credit_code = ANY(:c) ORDER BY s.site_id"
            ),
            {"c": [credit(1), credit(2)]},
        ).all()
    assert [tuple(r) for r in sites] == [
        ("霍邱测试服装有限公司", world.village_a1, "一厂", world.village_a1),
        ("霍邱测试服装有限公司", world.village_a1, "二厂", world.village_a2),
        ("霍邱测试食品有限公司", world.village_a1, "霍邱测试食品有限公司", world.village_a1),
    ]
    again = upload(
        client, "staff_a", xlsx(head, firms[:1], sheet="企业"), database="enterprises", name="企业.xlsx"
    )
    assert again[0] == 422 and again[1]["errors"][0]["message"].startswith("企业已在库中（企业编号 ")  # type: ignore[index]
    vhead = [
        "统一社会信用代码*",
        "场所名称",
        "岗位名称*",
        "职业代码*",
        "招聘人数*",
        "最低月薪",
        "最高月薪",
        "全职",
        "有效期至",
    ]
    with engine.connect() as conn:
        occupation = str(
            conn.execute(text("SELECT min(code) FROM occupations WHERE level = 'detail'")).scalar_one()
        )
    jobs = [
        [credit(1), "二厂", "缝纫工", occupation, 5, 3500, 6000, "是", "2099-12-31"],
        [credit(2), None, "包装工", f"{occupation} 名称", 2, None, None, "否", None],
        [credit(1), "三厂", "质检员", occupation, 1, None, None, None, None],
        [credit(1), None, "普工", occupation, 1, 5000, 4000, None, "2001-01-01"],
    ]
    status, body = upload(
        client, "staff_b", xlsx(vhead, jobs[:1], sheet="岗位"), database="vacancies", name="岗位.xlsx"
    )
    assert status == 422 and body["errors"][0]["text"] == (  # type: ignore[index]
        f"第 2 行「统一社会信用代码」：统一社会信用代码 {credit(1)} 的企业不在库中或不在您的管辖范围内：请先导入企业"
    )
    status, body = upload(
        client,
        "staff_a",
        xlsx(vhead, jobs, sheet="岗位"),
        database="vacancies",
        name="岗位.xlsx",
        mode="commit_valid",
    )
    assert status == 200 and body["written"] == 2
    assert [e["text"] for e in body["errors"]] == [  # type: ignore[union-attr]
        "第 4 行「场所名称」：该企业没有名为「三厂」的场所，已有：「一厂」、「二厂」",
        "第 5 行「最高月薪」：最高月薪 4000 低于最低月薪 5000",
        "第 5 行「有效期至」：有效期 2001-01-01 已过",
    ]
    with engine.connect() as conn:
        posted = conn.execute(
            text(
                "SELECT v.title, s.name, v.area_code, v.full_time, v.status FROM vacancies v "
                "JOIN enterprise_sites s USING (site_id) JOIN enterprises e ON e.enterprise_id = v.enterprise_id "
                "WHERE e.credit_code = ANY(:c) ORDER BY v.vacancy_id"
            ),
            {"c": [credit(1), credit(2)]},
        ).all()
    # the township's enterprises wait for the county: their vacancies stay drafts (tests/test_intake_review.py)
    assert [tuple(r) for r in posted] == [
        ("缝纫工", "二厂", world.village_a2, True, "draft"),
        ("包装工", "霍邱测试食品有限公司", world.village_a1, False, "draft"),
    ]


def test_imported_people_enter_the_review_workflow_at_the_importers_level(env: Env) -> None:
    client, world, engine = env
    status, _ = upload(client, "collector_a1", xlsx(HEADERS, [person(11, world.village_a1)]))
    assert status == 200
    status, _ = upload(client, "staff_a", xlsx(HEADERS, [person(12, world.village_a1)]))
    assert status == 200
    with engine.connect() as conn:
        got = conn.execute(
            text(
                "SELECT r.name, r.record_status, r.location_source, e.action, e.level, e.to_status, e.reason, "
                "a.username FROM residents r JOIN review_events e ON e.table_name = 'residents' "
                "AND e.record_id = r.resident_id JOIN accounts a ON a.account_id = e.account_id "
                "WHERE r.name IN ('测试11', '测试12') ORDER BY r.name"
            )
        ).all()
    assert [tuple(g) for g in got] == [
        (
            "测试11",
            "submitted",
            "village_centroid",
            "submit",
            "village",
            "submitted",
            "表格导入",
            "collector_a1",
        ),
        (
            "测试12",
            "township_approved",
            "village_centroid",
            "approve",
            "township",
            "township_approved",
            "表格导入",
            "staff_a",
        ),
    ]
    # the village's file waits for its township; the township's file waits for the county
    town_queue = client.get("/api/v1/review/queue", headers=login(client, "staff_a")).json()["items"]
    assert [(i["label"], i["status"]) for i in town_queue if i["kind"] == "residents"] == [
        ("测试11", "submitted")
    ]
    county_queue = client.get("/api/v1/review/queue", headers=login(client, "reviewer")).json()["items"]
    assert [(i["label"], i["status"]) for i in county_queue if i["kind"] == "residents"] == [
        ("测试**", "township_approved")
    ]
