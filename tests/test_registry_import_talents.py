"""创新创业人才库 by spreadsheet: template round trip, projects per row, exact row errors, modes, GBK, areas, RLS."""

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
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from api.cli.main import app
from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from registry.intake.context import load_context
from registry.intake.spec import ValidRow
from registry.intake.specs import talents
from tests.accounts_world import CIPHER, World, app_settings, id_number, login, world_env
from tests.intake_files import csv_bytes, fill_template, xlsx

Env = tuple[TestClient, World, Engine]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "人才类别*",
    "姓名*",
    "身份证号*",
    "手机号",
    "村/社区代码*",
    "学历",
    "职称",
    "技能",
    "证书",
    "行业",
    "返乡日期",
    "返乡前务工城市",
    "项目名称",
    "项目阶段",
    "项目行业",
    "投资额（万元）",
    "带动就业人数",
    "项目需求",
    "入驻园区代码",
    "项目简介",
]
BORN = "19860303"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


def talent(n: int, village: str, **changes: Any) -> list[Any]:
    """A returnee entrepreneur row with one project, in the template's column order; changes by header."""
    row: dict[str, Any] = {
        "人才类别*": "返乡创业人员",
        "姓名*": f"人才{n}",
        "身份证号*": id_number(n, born=BORN),
        "手机号": f"1375555{n:04d}",
        "村/社区代码*": village,
        "学历": "大专",
        "职称": None,
        "技能": "水产养殖、电商",
        "证书": None,
        "行业": "稻虾共养",
        "返乡日期": "2023-04-01",
        "返乡前务工城市": "苏州",
        "项目名称": f"人才{n}稻虾基地",
        "项目阶段": "运营",
        "项目行业": "稻虾共养",
        "投资额（万元）": "35.5",
        "带动就业人数": 12,
        "项目需求": "资金、用工",
        "入驻园区代码": None,
        "项目简介": "稻虾共养",
    }
    row.update({k if k in row else f"{k}*": v for k, v in changes.items()})
    return [row[h] for h in HEADERS]


def upload(
    client: TestClient, who: str, data: bytes, *, name: str = "人才.xlsx", **params: str
) -> tuple[int, Any]:
    response = client.post(
        "/api/v1/registry/import/talents",
        headers=login(client, who),
        params=params,
        files={"file": (name, data, XLSX)},
    )
    return response.status_code, response.json()


def stored(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.name, t.kind, t.village_code, t.area_code, t.sex, t.birth_date::text, t.id_cipher, t.phone_cipher, "
                "t.skills, t.returned_on::text, t.resident_id, "
                "coalesce(array_agg(p.name || '/' || p.stage || '/' || p.investment_wan || '/' || p.jobs_created || '/' "
                "|| array_to_string(p.needs, '+') ORDER BY p.project_id) FILTER (WHERE p.project_id IS NOT NULL), '{}') "
                "FROM talents t LEFT JOIN talent_projects p USING (talent_id) WHERE t.name LIKE '人才%' "
                "GROUP BY t.talent_id ORDER BY t.talent_id"
            )
        ).all()
    return [tuple(r) for r in rows]


def names(engine: Engine) -> list[str]:
    return [r[0] for r in stored(engine)]


def test_template_round_trip_with_projects_and_a_linked_resident(env: Env) -> None:
    client, world, engine = env
    response = client.get("/api/v1/registry/templates/talents.xlsx", headers=login(client, "staff_a"))
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["人才"]
    assert [c.value for c in ws[1]] == HEADERS
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert formulas["A2"] == '"返乡创业人员,技能人才,专业技术人才"'
    assert formulas["N2"] == '"创意,筹备,运营,扩张"'
    assert wb["说明"]["A1"].value == "创新创业人才库 · 人才与项目 导入模板"
    with engine.connect() as conn:
        resident_id_cipher = conn.execute(
            text("SELECT id_cipher FROM residents WHERE resident_id = :r"), {"r": world.other_resident_a1}
        ).scalar_one()
    resident_id = CIPHER.decrypt(bytes(resident_id_cipher))
    rows = [
        talent(1, world.village_a1),
        talent(
            1,
            world.village_a1,
            项目名称="人才1电商服务站",
            项目阶段="筹备",
            带动就业人数=None,
            项目需求="场地",
            **{"投资额（万元）": None},
        ),
        talent(
            2,
            world.village_a2,
            人才类别="技能人才",
            身份证号=resident_id,
            手机号=None,
            返乡日期=None,
            项目名称=None,
            项目阶段=None,
            项目行业=None,
            带动就业人数=None,
            项目需求=None,
            项目简介=None,
            技能="电工",
            证书="电工（四级/中级工）",
            **{"投资额（万元）": None},
        ),
    ]
    status, body = upload(client, "staff_a", fill_template(response.content, rows))
    assert status == 200, body
    assert (body["rows"], body["written"], body["errors"], body["detail"]) == (3, 3, [], "共 3 行，全部导入")
    got = stored(engine)
    assert [(r[0], r[1], r[2], r[3], r[4], r[5], r[8], r[9], r[11]) for r in got] == [
        (
            "人才1",
            "returnee_entrepreneur",
            world.village_a1,
            world.village_a1,
            "M",
            "1986-03-03",
            ["水产养殖", "电商"],
            "2023-04-01",
            ["人才1稻虾基地/operating/35.50/12/资金+用工", "人才1电商服务站/preparing/0.00/0/场地"],
        ),
        (
            "人才2",
            "skilled",
            world.village_a2,
            world.village_a2,
            "M" if int(resident_id[16]) % 2 else "F",
            f"{resident_id[6:10]}-{resident_id[10:12]}-{resident_id[12:14]}",
            ["电工"],
            None,
            [],
        ),
    ]
    assert CIPHER.decrypt(bytes(got[0][6])) == id_number(1, born=BORN)
    assert CIPHER.decrypt(bytes(got[0][7])) == "13755550001" and got[1][7] is None
    assert got[0][10] is None and got[1][10] == world.other_resident_a1  # a resident too: linked
    # the talents API shows the imported talent masked, with both projects
    listed = client.get("/api/v1/talents", headers=login(client, "staff_a"), params={"q": "人才1"}).json()
    assert listed["talents"][0]["id_number"] == "3415**********" + id_number(1, born=BORN)[-4:]
    assert [p["name"] for p in listed["talents"][0]["projects"]] == ["人才1稻虾基地", "人才1电商服务站"]


def test_bad_rows_have_exact_messages_in_both_modes(env: Env) -> None:
    client, world, engine = env
    with engine.connect() as conn:
        parks = conn.execute(
            text(
                "SELECT code, name FROM admin_areas WHERE level = 'township' AND kind = 'park' ORDER BY code"
            )
        ).all()
    assert parks, "the demo county has a development zone"
    good_id = id_number(7, born=BORN)
    wrong = "0" if good_id[17] != "0" else "1"
    rows = [
        talent(1, world.village_a1),
        talent(2, world.village_a1, 返乡日期=None),
        talent(3, world.village_a1, 项目名称=None),
        talent(4, world.village_a1, 项目需求="资金、厂房"),
        talent(5, world.village_a1, 项目阶段="试运营"),
        talent(6, world.village_a1, 入驻园区代码=world.township_a),
        talent(7, world.village_a1, 身份证号=good_id[:17] + wrong),
        talent(8, world.village_a1, 返乡日期="2030-01-01"),
        talent(1, world.village_a1),
        talent(9, world.village_a1, 项目阶段=None),
        talent(10, world.village_a1, 入驻园区代码=f"{parks[0].code} {parks[0].name}"),
    ]
    listed = "、".join(f"{c} {n}" for c, n in parks)
    errors = [
        "第 3 行「返乡日期」：返乡创业人员需填写返乡日期 a returnee entrepreneur needs returned_on",
        "第 4 行「项目名称」：填写了项目信息，但没有填项目名称",
        "第 5 行「项目需求」：未知需求 unknown need '厂房': use one of 资金、场地、用工、技术、政策",
        "第 6 行「项目阶段」：「试运营」不是可选值，可选：创意、筹备、运营、扩张",
        f"第 7 行「入驻园区代码」：「{world.township_a}」不是园区代码，可填：{listed}",
        f"第 8 行「身份证号」：身份证号校验位为 {wrong}，按前 17 位应为 {good_id[17]}：号码有误",
        "第 9 行「返乡日期」：返乡日期应在出生之后且不晚于今天 returned_on 2030-01-01 must be after the birth date "
        "and not in the future",
        "第 10 行「身份证号」：与第 2 行重复（同一身份证号的同一项目），第 10 行未导入",
        "第 11 行「项目阶段」：有项目时必填，可选：创意、筹备、运营、扩张",
    ]
    status, body = upload(client, "staff_a", xlsx(HEADERS, rows, sheet="人才"))
    assert status == 422 and body["written"] == 0
    assert [e["text"] for e in body["errors"]] == errors
    assert body["detail"] == "共 11 行，9 行有错误：按「全部或全不」模式未写入任何数据"
    assert names(engine) == []
    status, body = upload(client, "staff_a", xlsx(HEADERS, rows, sheet="人才"), mode="commit_valid")
    assert status == 200 and body["written"] == 2 and names(engine) == ["人才1", "人才10"]
    assert body["detail"] == "共 11 行，导入 2 行，9 行有错误未导入"
    with engine.connect() as conn:
        placed = conn.execute(
            text("SELECT park_code FROM talent_projects WHERE name = '人才10稻虾基地'")
        ).scalar_one()
    assert placed == parks[0].code
    book = load_workbook(io.BytesIO(base64.b64decode(body["error_workbook"]["content_base64"]))).worksheets[0]
    assert book.cell(1, len(HEADERS) + 1).value == "错误说明"
    assert book.cell(4, len(HEADERS) + 1).value == "项目名称：填写了项目信息，但没有填项目名称"
    assert book.cell(2, len(HEADERS) + 1).value is None and book.cell(4, 2).value == "人才3"
    # once in the library, the same person is reported with their number
    status, body = upload(client, "staff_a", xlsx(HEADERS, rows[:1], sheet="人才"))
    assert status == 422 and body["errors"][0]["message"].startswith("此人已在人才库中（人才编号 ")


def test_gbk_csv_and_utf8_bom_csv(env: Env) -> None:
    client, world, engine = env
    gbk = csv_bytes(HEADERS, [talent(1, world.village_a1)], encoding="gbk")
    status, body = upload(client, "collector_a1", gbk, name="人才.csv")
    assert status == 200 and body["written"] == 1, body
    bom = csv_bytes(
        HEADERS,
        [talent(2, world.village_a1, 人才类别="专业技术人才", 职称="工程师", 返乡日期=None)],
        encoding="utf-8-sig",
    )
    status, body = upload(client, "collector_a1", bom, name="人才.csv")
    assert status == 200 and body["written"] == 1, body
    assert [(r[0], r[1], r[8]) for r in stored(engine)] == [
        ("人才1", "returnee_entrepreneur", ["水产养殖", "电商"]),
        ("人才2", "professional", ["水产养殖", "电商"]),
    ]
    status, body = upload(client, "collector_a1", gbk, name="人才.csv", encoding="utf-8")
    assert status == 422
    assert body["detail"] == (
        "第 1 行不是有效的 UTF-8 文本，文件看起来是 GBK 编码：请选择编码 GBK 重新导入，或在 Excel 中另存为「CSV UTF-8」"
        " (file 人才.csv)"
    )


def test_other_areas_are_refused_by_the_page_and_by_the_database(
    env: Env, demo_db_url: str, tmp_path: Path
) -> None:
    client, world, engine = env
    status, body = upload(client, "collector_a1", xlsx(HEADERS, [talent(1, world.village_a2)], sheet="人才"))
    assert status == 422 and body["errors"][0]["message"].endswith(
        f"不在您的管辖范围（{world.village_a1}）内"
    )
    # a talent registered by the county in township B: township A's import of the same person is refused
    status, body = upload(client, "admin", xlsx(HEADERS, [talent(2, world.village_b1)], sheet="人才"))
    assert status == 200 and body["written"] == 1
    status, body = upload(
        client,
        "staff_a",
        xlsx(HEADERS, [talent(3, world.village_a1), talent(2, world.village_a1)], sheet="人才"),
    )
    assert status == 422 and body["written"] == 0
    assert [e["text"] for e in body["errors"]] == [
        "第 3 行「身份证号」：此身份证号已在其他地区的人才库登记，不能重复导入"
    ]
    assert names(engine) == ["人才2"]
    # the county reviewer does not keep talents (as in the talents API)
    status, body = upload(client, "reviewer", xlsx(HEADERS, [talent(4, world.village_a1)], sheet="人才"))
    assert status == 403
    assert body["detail"] == (
        "人才库只能由县、乡镇、村工作人员维护（县管理员、乡镇工作人员、村级采集员）；您的角色是 county_reviewer"
    )
    # directly in SQL under the app role: township A can neither write nor read B's talents
    app_engine = create_engine(app_database_url(app_settings(demo_db_url, tmp_path)))
    try:
        with app_engine.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=world.account_ids["staff_a"]))
            assert conn.execute(text("SELECT count(*) FROM talents WHERE name = '人才2'")).scalar_one() == 0
            ctx = load_context(conn, scope=world.township_a[:9], cipher=CIPHER)
            talents.prepare(conn, ctx)
            values: dict[str, Any] = {f.key: None for f in talents.FIELDS} | {
                "kind": "skilled",
                "name": "越权",
                "id_number": id_number(5, born=BORN),
                "village_code": world.village_b1,
            }
            assert talents.check(values, ctx) == []
            with pytest.raises(ProgrammingError, match="row-level security"):
                talents.write(conn, [ValidRow(2, values)], ctx)
        with app_engine.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=world.account_ids["staff_a"]))
            changed = conn.execute(text("UPDATE talents SET name = '改' WHERE name = '人才2'")).rowcount
            assert changed == 0
    finally:
        app_engine.dispose()
    assert names(engine) == ["人才2"]


def test_operator_cli_imports_talents_and_refuses_policies_for_a_township(
    env: Env, demo_db_url: str, tmp_path: Path
) -> None:
    _, world, engine = env
    cli_env = {
        "HONGYAN_DATABASE_URL": demo_db_url,
        "HONGYAN_DATA_DIR": str(tmp_path / "data"),
        "COLUMNS": "200",
    }
    filled = tmp_path / "人才.xlsx"
    filled.write_bytes(
        xlsx(HEADERS, [talent(1, world.village_a1), talent(2, world.village_b1)], sheet="人才")
    )
    args = [
        "registry",
        "import",
        "talents",
        str(filled),
        "--as-area",
        world.township_a,
        "--mode",
        "commit_valid",
    ]
    result = CliRunner().invoke(app, args, env=cli_env)
    assert result.exit_code == 1, result.output
    assert "共 2 行，导入 1 行，1 行有错误未导入" in result.output and names(engine) == ["人才1"]
    assert (tmp_path / "人才.错误.xlsx").is_file()
    policies = tmp_path / "政策.csv"
    policies.write_bytes("政策标题*,政策类别*\n测试政策,其他\n".encode())
    args = ["registry", "import", "policies", str(policies), "--as-area", world.township_a]
    result = CliRunner().invoke(app, args, env=cli_env)
    assert result.exit_code == 2
    assert f"只有县级人社部门可以导入政策；导入范围 {world.township_a[:9]} 不是全县" in " ".join(
        result.output.split()
    )
    result = CliRunner().invoke(app, ["registry", "import", "policies", str(policies)], env=cli_env)
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM policies WHERE title = '测试政策'")).scalar_one() == 1
