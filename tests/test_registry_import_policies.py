"""稳岗就业政策库 by spreadsheet: county-only template and import, policy_from's messages per row, the old loader."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from api.cli.main import app
from geo.core.db import app_database_url
from geo.core.errors import InvalidInput, PermissionDenied
from geo.core.scope import Scope, scoped
from registry.intake.service import import_file
from registry.policies.load import load_policies
from registry.policies.store import upsert_policy
from registry.policies.validate import policy_from
from tests.accounts_world import CIPHER, World, app_settings, login, world_env
from tests.intake_files import csv_bytes, fill_template, xlsx
from tests.records_world import scalar

Env = tuple[TestClient, World, Engine]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "政策编号",
    "政策标题*",
    "政策类别*",
    "发文单位",
    "发文日期",
    "摘要",
    "正文",
    "补贴标准",
    "经办单位",
    "咨询电话",
    "生效日期",
    "失效日期",
    "申请对象",
    "最低年龄",
    "最高年龄",
    "就业状态",
    "限返乡人员",
    "学历要求",
    "企业类型",
    "职工人数上限",
    "适用乡镇",
]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


def policy(code: str | None, title: str, **changes: Any) -> list[Any]:
    """A person policy row in the template's column order; changes by header (without *)."""
    row: dict[str, Any] = {
        "政策编号": code,
        "政策标题*": title,
        "政策类别*": "一次性创业补贴",
        "发文单位": "霍邱县人社局",
        "发文日期": "2026-01-05",
        "摘要": "返乡创业一次性补贴",
        "正文": "首次创办小微企业的返乡人员",
        "补贴标准": "5000 元",
        "经办单位": "县就业服务中心",
        "咨询电话": "0564-6012345",
        "生效日期": "2026-01-01",
        "失效日期": "2028-12-31",
        "申请对象": "个人",
        "最低年龄": 18,
        "最高年龄": 60,
        "就业状态": "外出务工、求职（登记失业）",
        "限返乡人员": "是",
        "学历要求": None,
        "企业类型": None,
        "职工人数上限": None,
        "适用乡镇": None,
    }
    row.update({k if k in row else f"{k}*": v for k, v in changes.items()})
    return [row[h] for h in HEADERS]


def upload(
    client: TestClient, who: str, data: bytes, *, name: str = "政策.xlsx", **params: str
) -> tuple[int, Any]:
    response = client.post(
        "/api/v1/registry/import/policies",
        headers=login(client, who),
        params=params,
        files={"file": (name, data, XLSX)},
    )
    return response.status_code, response.json()


def stored(engine: Engine, prefix: str = "T-") -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT code, title, category, applicants, min_age, max_age, statuses, returnee, townships, "
                    "valid_until::text FROM policies WHERE code LIKE :p ORDER BY code"
                ),
                {"p": prefix + "%"},
            )
        ]


def test_county_template_round_trip_and_reimport_replaces_by_code(env: Env) -> None:
    client, world, engine = env
    response = client.get("/api/v1/registry/templates/policies.xlsx", headers=login(client, "reviewer"))
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["政策"]
    assert [c.value for c in ws[1]] == HEADERS
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["C2"] == (
        '"创业担保贷款,一次性创业补贴,社保补贴,稳岗返还,培训补贴,以工代训,岗位补贴,就业见习,场地支持,其他"'
    )
    assert formulas["M2"] == '"个人,企业,个人和企业"' and formulas["Q2"] == '"是,否"'
    with engine.connect() as conn:
        town_name = conn.execute(
            text("SELECT name FROM admin_areas WHERE code = :c"), {"c": world.township_b}
        ).scalar_one()
    rows = [
        policy("T-1", "返乡创业一次性补贴（测试）"),
        policy(
            "T-2",
            "小微企业稳岗返还（测试）",
            政策类别="稳岗返还",
            申请对象="企业",
            最低年龄=None,
            最高年龄=None,
            就业状态=None,
            限返乡人员=None,
            企业类型="有限责任公司、个体工商户",
            职工人数上限=300,
            适用乡镇=f"{world.township_a}、{town_name}",
        ),
    ]
    status, body = upload(client, "admin", fill_template(response.content, rows))
    assert status == 200 and (body["written"], body["errors"]) == (2, []), body
    assert stored(engine) == [
        (
            "T-1",
            "返乡创业一次性补贴（测试）",
            "一次性创业补贴",
            ["person"],
            18,
            60,
            ["working_away", "seeking"],
            True,
            [],
            "2028-12-31",
        ),
        (
            "T-2",
            "小微企业稳岗返还（测试）",
            "稳岗返还",
            ["enterprise"],
            None,
            None,
            [],
            None,
            [world.township_a, world.township_b],
            "2028-12-31",
        ),
    ]
    # the public search finds the imported policy
    found = client.get("/api/v1/policies", params={"q": "稳岗返还"}).json()
    assert "小微企业稳岗返还（测试）" in [p["title"] for p in found["policies"]]
    revised = [policy("T-1", "返乡创业一次性补贴（2027 修订）", 失效日期="2029-12-31")]
    status, body = upload(client, "admin", xlsx(HEADERS, revised, sheet="政策"))
    assert status == 200 and body["written"] == 1
    assert [(r[0], r[1], r[9]) for r in stored(engine)] == [
        ("T-1", "返乡创业一次性补贴（2027 修订）", "2029-12-31"),
        ("T-2", "小微企业稳岗返还（测试）", "2028-12-31"),
    ]


def test_row_errors_are_policy_from_messages_in_both_modes(env: Env) -> None:
    client, _, engine = env
    rows = [
        policy("T-1", "好政策"),
        policy("T-2", "坏类别", 政策类别="贷款"),
        policy("T-3", "年龄颠倒", 最低年龄=60, 最高年龄=16),
        policy("T-4", "未知状态", 就业状态="退休"),
        policy("T-5", "日期", 生效日期="2026/01/01"),
        policy("T-1", "重复编号"),
        policy("T 6", "坏编号"),
    ]
    errors = [
        "第 3 行「政策类别」：未知政策类别 unknown category '贷款': use one of 创业担保贷款, 一次性创业补贴, 社保补贴, "
        "稳岗返还, 培训补贴, 以工代训, 岗位补贴, 就业见习, 场地支持, 其他",
        "第 4 行「最低年龄」：年龄范围颠倒 age range is inverted: min_age 60 is greater than max_age 16",
        "第 5 行「就业状态」：未知就业状态 unknown statuses value '退休': use one of employed_local, working_away, "
        "farming, seeking, student, not_in_labour_force",
        "第 6 行「生效日期」：日期格式应为 YYYY-MM-DD, got '2026/01/01'",
        "第 7 行「政策编号」：与第 2 行重复（同一政策编号），第 7 行未导入",
        "第 8 行「政策编号」：政策编号 a policy code has 2-40 letters, digits, '_', '.' or '-', got 'T 6'",
    ]
    status, body = upload(client, "admin", xlsx(HEADERS, rows, sheet="政策"))
    assert status == 422 and body["written"] == 0
    assert [e["text"] for e in body["errors"]] == errors
    assert stored(engine) == []
    gbk = csv_bytes(HEADERS, rows, encoding="gbk")
    status, body = upload(client, "admin", gbk, name="政策.csv", mode="commit_valid")
    assert status == 200 and body["written"] == 1 and [e["text"] for e in body["errors"]] == errors
    assert [r[1] for r in stored(engine)] == ["好政策"]
    book = body["error_workbook"]
    assert book["filename"] == "政策.错误.xlsx"
    ws = load_workbook(io.BytesIO(base64.b64decode(book["content_base64"]))).worksheets[0]
    assert ws.cell(3, len(HEADERS) + 1).value.startswith("政策类别：未知政策类别 unknown category '贷款'")
    assert ws.cell(3, 3).value == "贷款" and ws.cell(3, 3).fill.start_color.rgb.endswith("FFC7CE")


def test_township_and_village_staff_are_refused(env: Env, demo_db_url: str, tmp_path: Path) -> None:
    client, world, engine = env
    data = xlsx(HEADERS, [policy("T-1", "越权政策")], sheet="政策")
    for who, role in (("staff_a", "township_staff"), ("collector_a1", "village_collector")):
        template = client.get("/api/v1/registry/templates/policies.xlsx", headers=login(client, who))
        status, body = upload(client, who, data)
        expected = f"只有县级人社部门（县管理员、县审核员）可以导入政策；您的角色是 {role}"
        assert (template.status_code, template.json()["detail"]) == (403, expected)
        assert (status, body["detail"]) == (403, expected)
    # the operator's import for a township is refused too, before any row is read
    with engine.begin() as conn, pytest.raises(PermissionDenied) as refused:
        import_file(
            conn,
            "policies",
            data,
            source="政策.xlsx",
            mode="commit_valid",
            scope=world.township_a[:9],
            cipher=CIPHER,
            max_upload_mb=10,
        )
    assert refused.value.message == f"只有县级人社部门可以导入政策；导入范围 {world.township_a[:9]} 不是全县"
    # and in SQL under the app role, a township's transaction cannot write a policy
    app_engine = create_engine(app_database_url(app_settings(demo_db_url, tmp_path)))
    try:
        with app_engine.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=world.account_ids["staff_a"]))
            with pytest.raises(PermissionDenied):
                upsert_policy(conn, policy_from({"code": "T-9", "title": "越权", "category": "其他"}))
    finally:
        app_engine.dispose()
    assert stored(engine) == []


def test_the_loader_reads_the_template_and_reports_where(env: Env, tmp_path: Path) -> None:
    client, _, engine = env
    template = client.get("/api/v1/registry/templates/policies.xlsx", headers=login(client, "admin")).content
    good = tmp_path / "政策.xlsx"
    good.write_bytes(fill_template(template, [policy("T-1", "模板政策"), policy(None, "无编号政策")]))
    with engine.begin() as conn:
        report = load_policies(conn, good)
    assert (report.created, report.updated) == (2, 0)
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(fill_template(template, [policy("T-2", "好"), policy("T-3", "坏", 最低年龄=-1)]))
    with pytest.raises(InvalidInput) as err, engine.begin() as conn:
        load_policies(conn, bad)
    assert err.value.message == (
        f"min_age 应为非负整数 must be a non-negative whole number, got '-1' (file {bad}, row 3, field 最低年龄)"
    )
    env_vars = {
        "HONGYAN_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "HONGYAN_DATA_DIR": str(tmp_path),
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(app, ["registry", "policies", "load", str(good)], env=env_vars)
    assert result.exit_code == 0, result.output
    # loaded again: the coded policy replaced by its code, the uncoded one by its title, nothing added twice
    assert "0 new, 2 replaced" in result.output
    assert scalar(engine, "SELECT count(*) FROM policies WHERE title = '无编号政策'") == 1
    assert stored(engine) == [
        (
            "T-1",
            "模板政策",
            "一次性创业补贴",
            ["person"],
            18,
            60,
            ["working_away", "seeking"],
            True,
            [],
            "2028-12-31",
        )
    ]
