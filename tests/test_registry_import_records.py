"""Spreadsheet imports through the API into the records: enterprises with their sites, then their vacancies,
and imported people entering the review workflow at the importer's level."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.accounts_world import World, login, world_env
from tests.intake_files import HEADERS, credit, person, upload, xlsx

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


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
