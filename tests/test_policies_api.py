"""Policies over HTTP: public search, county-only writes (API and SQL as hongyan_web), eligibility with reasons."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from tests.accounts_world import World, app_settings, login, world_env

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database (with the demo policies) and one account per role."""
    yield from world_env(demo_db_url, tmp_path)


def test_anonymous_search_in_chinese(env: Env) -> None:
    client, _, _ = env
    body = client.get("/api/v1/policies", params={"q": "创业贷款"}).json()
    assert [p["category"] for p in body["policies"][:3]] == ["创业担保贷款"] * 3
    assert body["policies"][0]["rank"] >= body["policies"][-1]["rank"]
    assert {c["category"] for c in body["categories"]} >= {"创业担保贷款", "社保补贴", "稳岗返还"}
    social = client.get("/api/v1/policies", params={"q": "社保", "category": "社保补贴"}).json()
    assert social["count"] == 3 and all("社保" in p["title"] for p in social["policies"])
    one = client.get(f"/api/v1/policies/{social['policies'][0]['policy_id']}").json()
    assert one["title"] == social["policies"][0]["title"] and "eligibility" in one


def test_bad_search_input(env: Env) -> None:
    client, _, _ = env
    bad = client.get("/api/v1/policies", params={"category": "贷款"})
    assert bad.status_code == 422
    assert bad.json()["detail"].startswith("未知政策类别 unknown category '贷款': use one of 创业担保贷款")
    wrong = client.get("/api/v1/policies", params={"applies_to": "person:3"})
    assert wrong.status_code == 422
    assert (
        wrong.json()["detail"]
        == "applies_to 应为 resident:<id> 或 enterprise:<id>, got 'person:3' (field applies_to)"
    )
    missing = client.get("/api/v1/policies/99999")
    assert (
        missing.status_code == 404
        and missing.json()["detail"] == "政策 99999 不存在 policy 99999 does not exist"
    )


def test_applies_to_needs_login_and_the_record_in_scope(env: Env) -> None:
    client, world, _ = env
    anonymous = client.get("/api/v1/policies", params={"applies_to": f"resident:{world.seeker_resident}"})
    assert anonymous.status_code == 401
    mine = client.get(
        "/api/v1/policies",
        params={"applies_to": f"resident:{world.seeker_resident}"},
        headers=login(client, "staff_a"),
    )
    assert mine.status_code == 200
    eligible = client.get(
        f"/api/v1/residents/{world.seeker_resident}/policies",
        headers=login(client, "staff_a"),
        params={"eligible_only": True},
    ).json()
    assert {p["policy_id"] for p in mine.json()["policies"]} == {p["policy_id"] for p in eligible["policies"]}
    other = client.get(
        "/api/v1/policies",
        params={"applies_to": f"resident:{world.seeker_resident}"},
        headers=login(client, "staff_b"),
    )
    assert other.status_code == 404
    assert (
        other.json()["detail"] == f"resident {world.seeker_resident} does not exist or is outside your area"
    )


def _resident_with(engine: Engine, birth: date, status: str) -> int:
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(
                    "UPDATE residents SET birth_date = :b, status = :s WHERE resident_id = "
                    "(SELECT min(resident_id) FROM residents WHERE area_code LIKE '341522%') RETURNING resident_id"
                ),
                {"b": birth, "s": status},
            ).scalar_one()
        )


def _by_code(body: dict[str, object]) -> dict[str, dict[str, object]]:
    return {p["code"]: p for p in body["policies"]}  # type: ignore[attr-defined, index]


def test_resident_eligibility_by_age_status_and_returnee(env: Env) -> None:
    client, _, engine = env
    admin = login(client, "admin")
    today = date.today()
    young = _resident_with(engine, date(today.year - 20, 1, 1), "seeking")
    body = client.get(f"/api/v1/residents/{young}/policies", headers=admin).json()
    codes = _by_code(body)
    assert codes["HQ-JX-01"]["eligible"] is True  # 就业见习 16–24, seeking
    loan = codes["HQ-CY-01"]  # returnee loan: not in the talents library as a returnee
    assert loan["eligible"] is False
    assert {
        "name": "返乡创业",
        "met": False,
        "reason": "本政策限返乡创业人员，未在人才库登记为返乡创业人员",
    } in loan["conditions"]
    assert "HQ-SB-01" not in codes  # enterprise-only policies are not offered to persons
    with engine.begin() as conn:  # registered as a returnee entrepreneur in the talents library
        conn.execute(text("TRUNCATE talents CASCADE"))
        conn.execute(
            text(
                "INSERT INTO talents (kind, name, sex, birth_date, id_hash, id_cipher, village_code, area_code, "
                "returned_on) SELECT 'returnee_entrepreneur', name, sex, birth_date, id_hash, id_cipher, "
                "village_code, area_code, current_date FROM residents WHERE resident_id = :r"
            ),
            {"r": young},
        )
    codes = _by_code(client.get(f"/api/v1/residents/{young}/policies", headers=admin).json())
    assert codes["HQ-CY-01"]["eligible"] is True
    old = _resident_with(engine, date(today.year - 62, 1, 1), "working_away")
    codes = _by_code(client.get(f"/api/v1/residents/{old}/policies", headers=admin).json())
    assert codes["HQ-JT-01"]["eligible"] is True  # working away, 16–65
    age = next(c for c in codes["HQ-PX-01"]["conditions"] if c["name"] == "年龄")
    assert age == {"name": "年龄", "met": False, "reason": "年龄62周岁，超过60周岁的上限"}
    only = client.get(
        f"/api/v1/residents/{old}/policies", headers=admin, params={"eligible_only": True}
    ).json()
    assert only["policies"] and all(p["eligible"] for p in only["policies"])
    assert only["eligible"] == sum(p["eligible"] for p in codes.values())


def test_enterprise_eligibility_by_type_and_township(env: Env) -> None:
    client, world, engine = env
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE enterprises SET kind = '农民专业合作社', employees = 12 WHERE enterprise_id = :e"),
            {"e": world.enterprise_1},
        )
    hr = login(client, "hr_1")
    codes = _by_code(client.get(f"/api/v1/enterprises/{world.enterprise_1}/policies", headers=hr).json())
    assert codes["HQ-WG-01"]["eligible"] is True  # 稳岗返还: every enterprise
    assert codes["HQ-SB-03"]["eligible"] is False
    assert {
        "name": "企业类型",
        "met": False,
        "reason": "企业类型为农民专业合作社，本政策限有限责任公司",
    } in codes["HQ-SB-03"]["conditions"]
    park = codes["HQ-CD-02"]  # incubator subsidy: development zone and 城关镇 only
    township = next(c for c in park["conditions"] if c["name"] == "所在乡镇")
    with engine.connect() as conn:
        area = conn.execute(
            text("SELECT area_code FROM enterprises WHERE enterprise_id = :e"), {"e": world.enterprise_1}
        ).scalar_one()
    assert township["met"] is area.startswith(("341522400", "341522100"))
    other = client.get(f"/api/v1/enterprises/{world.enterprise_2}/policies", headers=hr)
    assert other.status_code == 404


def test_only_county_staff_write_policies(env: Env) -> None:
    client, _, engine = env
    policy = {
        "code": "T-01",
        "title": "测试创业补贴",
        "category": "一次性创业补贴",
        "eligibility": {"min_age": 18, "max_age": 45},
    }
    refused = client.post("/api/v1/policies", json=policy, headers=login(client, "staff_a"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "只有县级人社部门可以发布或修改政策 only county staff may write policies; you are township_staff"
    )
    assert client.post("/api/v1/policies", json=policy).status_code == 401
    created = client.post("/api/v1/policies", json=policy, headers=login(client, "reviewer"))
    assert created.status_code == 201, created.text
    policy_id = created.json()["policy_id"]
    assert (
        client.get("/api/v1/policies", params={"q": "测试创业"}).json()["policies"][0]["policy_id"]
        == policy_id
    )
    admin = login(client, "admin")
    inverted = client.patch(
        f"/api/v1/policies/{policy_id}", json={"eligibility": {"min_age": 50}}, headers=admin
    )
    assert inverted.status_code == 422
    assert inverted.json()["detail"] == (
        "年龄范围颠倒 age range is inverted: min_age 50 is greater than max_age 45 (field min_age)"
    )
    changed = client.patch(
        f"/api/v1/policies/{policy_id}",
        json={"amount": "1万元", "eligibility": {"max_age": 55}},
        headers=admin,
    )
    assert changed.status_code == 200
    assert changed.json()["amount"] == "1万元" and changed.json()["eligibility"]["min_age"] == 18
    assert changed.json()["eligibility"]["max_age"] == 55
    duplicate = client.post("/api/v1/policies", json=policy, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"] == "政策编号已存在 a policy with code 'T-01' already exists"


def test_policy_writes_refused_in_sql_for_township_scope(env: Env, demo_db_url: str) -> None:
    _, world, _ = env
    app = create_engine(app_database_url(app_settings(demo_db_url, Path("/tmp"))))
    try:
        with app.connect() as conn:  # anonymous (no scope) and township staff may read, not write
            with conn.begin():
                assert conn.execute(text("SELECT count(*) FROM policies")).scalar_one() > 15
            for scope in (None, Scope(world.township_a[:9], account_id=1), Scope("341522", resident_id=1)):
                with conn.begin():
                    if scope is not None:
                        scoped(conn, scope)
                    assert conn.execute(text("UPDATE policies SET amount = 'x' RETURNING 1")).all() == []
                    assert conn.execute(text("DELETE FROM policies RETURNING 1")).all() == []
                with pytest.raises(ProgrammingError, match="row-level security"), conn.begin():
                    if scope is not None:
                        scoped(conn, scope)
                    conn.execute(text("INSERT INTO policies (title, category) VALUES ('x', '其他')"))
            with conn.begin():
                scoped(conn, Scope("341522", account_id=1))
                assert len(conn.execute(text("UPDATE policies SET amount = amount RETURNING 1")).all()) > 15
    finally:
        app.dispose()
