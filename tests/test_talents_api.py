"""创新创业人才库 over HTTP: CRUD in your area, masked ID and phone, stats; no cross-area leaks (API and SQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from tests.accounts_world import CIPHER, World, app_settings, id_number, login, world_env

Env = tuple[TestClient, World, Engine]


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database (demo talents cleared) and one account per role."""
    for client, world, engine in world_env(demo_db_url, tmp_path):
        with engine.begin() as conn:
            conn.execute(text("TRUNCATE talents CASCADE"))
        yield client, world, engine


def _talent(village: str, n: int, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "returnee_entrepreneur",
        "name": f"王晓{n}",
        "id_number": id_number(500 + n, born="19900101"),
        "village_code": village,
        "phone": f"1371234{n:04d}",
        "returned_on": "2024-03-01",
        "returned_from": "苏州",
        "industry": "电子商务",
        "skills": ["直播带货"],
        "projects": [
            {
                "name": f"农特产品网店{n}",
                "stage": "operating",
                "industry": "电子商务",
                "investment_wan": 30,
                "jobs_created": 6,
                "needs": ["资金", "场地"],
            }
        ],
    } | extra


def test_staff_create_read_update_delete_in_their_area(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    created = client.post("/api/v1/talents", json=_talent(world.village_a1, 1), headers=staff)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "王晓1" and body["area_code"] == world.village_a1
    assert body["id_number"] == "3415**********" + id_number(501, born="19900101")[-4:]
    assert body["phone"] == "137****0001" and body["birth_year"] == 1990
    assert body["projects"][0]["needs"] == ["资金", "场地"] and body["projects"][0]["jobs_created"] == 6
    with engine.connect() as conn:  # stored only encrypted
        row = conn.execute(text("SELECT id_cipher, phone_cipher, id_hash FROM talents")).one()
    assert CIPHER.decrypt(bytes(row.id_cipher)) == id_number(501, born="19900101")
    assert b"13712340001" not in bytes(row.phone_cipher)
    talent_id = body["talent_id"]
    changed = client.patch(
        f"/api/v1/talents/{talent_id}",
        json={"title": "电子商务师", "village_code": world.village_a2},
        headers=staff,
    )
    assert changed.status_code == 200 and changed.json()["title"] == "电子商务师"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT area_code FROM talent_projects")).scalar_one() == world.village_a2
    project = client.post(
        f"/api/v1/talents/{talent_id}/projects",
        headers=staff,
        json={"name": "稻虾共养基地", "stage": "idea", "needs": ["技术"]},
    )
    assert project.status_code == 201 and len(project.json()["projects"]) == 2
    pid = project.json()["projects"][1]["project_id"]
    moved = client.patch(
        f"/api/v1/talents/{talent_id}/projects/{pid}",
        json={"stage": "operating", "jobs_created": 9},
        headers=staff,
    )
    assert moved.json()["projects"][1]["stage"] == "operating"
    assert client.delete(f"/api/v1/talents/{talent_id}/projects/{pid}", headers=staff).status_code == 200
    listed = client.get("/api/v1/talents", params={"q": "网店"}, headers=staff).json()
    assert listed["total"] == 1 and listed["talents"][0]["talent_id"] == talent_id
    assert client.delete(f"/api/v1/talents/{talent_id}", headers=staff).status_code == 200
    assert client.get(f"/api/v1/talents/{talent_id}", headers=staff).status_code == 404


def test_township_officer_cannot_see_or_change_another_townships_talents(env: Env) -> None:
    client, world, _ = env
    admin = login(client, "admin")
    a = client.post("/api/v1/talents", json=_talent(world.village_a1, 2), headers=admin).json()["talent_id"]
    b = client.post("/api/v1/talents", json=_talent(world.village_b1, 3), headers=admin).json()["talent_id"]
    staff_a = login(client, "staff_a")
    listed = client.get("/api/v1/talents", headers=staff_a).json()
    assert [t["talent_id"] for t in listed["talents"]] == [a]
    assert (
        client.get("/api/v1/talents", params={"area": world.township_b}, headers=staff_a).json()["talents"]
        == []
    )
    for method, url, body in [
        ("GET", f"/api/v1/talents/{b}", None),
        ("PATCH", f"/api/v1/talents/{b}", {"title": "x"}),
        ("DELETE", f"/api/v1/talents/{b}", None),
        ("POST", f"/api/v1/talents/{b}/projects", {"name": "x", "stage": "idea"}),
    ]:
        response = client.request(method, url, json=body, headers=staff_a)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["detail"] == f"talent {b} does not exist or is outside your area"
    outside = client.post("/api/v1/talents", json=_talent(world.village_b1, 4), headers=staff_a)
    assert outside.status_code == 403
    assert outside.json()["detail"] == (
        f"不能在辖区外登记人才 you may not keep talents in area {world.village_b1}: it is outside yours"
    )
    moving = client.patch(f"/api/v1/talents/{a}", json={"village_code": world.village_b1}, headers=staff_a)
    assert moving.status_code == 403
    stats = client.get("/api/v1/talents/stats", headers=staff_a).json()
    assert stats["talents"] == 1 and stats["projects"] == 1
    assert [t["code"] for t in stats["by_township"]] == [world.township_a]
    county = client.get("/api/v1/talents/stats", headers=admin).json()
    assert county["talents"] == 2 and county["by_kind"] == [
        {"kind": "returnee_entrepreneur", "label": "返乡创业人员", "count": 2}
    ]
    assert county["by_industry"][0] == {
        "industry": "电子商务",
        "projects": 2,
        "jobs_created": 12,
        "investment_wan": 60.0,
    }
    collector = client.get("/api/v1/talents", headers=login(client, "collector_a2")).json()
    assert collector["talents"] == []
    for who in ("hr_1", "seeker"):
        assert client.get("/api/v1/talents", headers=login(client, who)).json()["talents"] == []
        refused = client.post(
            "/api/v1/talents", json=_talent(world.village_a1, 5), headers=login(client, who)
        )
        assert refused.status_code == 403


def test_talents_rls_directly_in_sql(env: Env, demo_db_url: str) -> None:
    client, world, engine = env
    admin = login(client, "admin")
    client.post("/api/v1/talents", json=_talent(world.village_a1, 6), headers=admin)
    client.post("/api/v1/talents", json=_talent(world.village_b1, 7), headers=admin)
    app = create_engine(app_database_url(app_settings(demo_db_url, Path("/tmp"))))
    try:
        with app.connect() as conn:
            with conn.begin():
                scoped(conn, Scope(world.township_a[:9], account_id=1))
                areas = conn.execute(text("SELECT area_code FROM talents")).scalars().all()
                assert areas == [world.village_a1]
                assert (
                    conn.execute(
                        text("SELECT count(*) FROM talent_projects WHERE area_code LIKE :p"),
                        {"p": world.township_b[:9] + "%"},
                    ).scalar_one()
                    == 0
                )
                assert (
                    conn.execute(
                        text("UPDATE talents SET title = 'x' WHERE area_code = :b RETURNING 1"),
                        {"b": world.village_b1},
                    ).all()
                    == []
                )
                assert (
                    conn.execute(
                        text("DELETE FROM talent_projects WHERE area_code = :b RETURNING 1"),
                        {"b": world.village_b1},
                    ).all()
                    == []
                )
            with pytest.raises(ProgrammingError, match="row-level security"), conn.begin():
                scoped(conn, Scope(world.township_a[:9], account_id=1))
                conn.execute(
                    text("UPDATE talents SET village_code = :b, area_code = :b"), {"b": world.village_b1}
                )
            with conn.begin():  # no scope at all: nothing
                assert conn.execute(text("SELECT count(*) FROM talents")).scalar_one() == 0
    finally:
        app.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM talents WHERE title = 'x'")).scalar_one() == 0


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        (
            {"kind": "farmer"},
            422,
            "未知人才类别 unknown talent kind 'farmer': use one of returnee_entrepreneur, skilled, professional (field kind)",
        ),
        ({"id_number": "341522199001015001"}, 422, "ID number check digit is 1 but the first 17 digits give"),
        (
            {"id_number": "3415221990"},
            422,
            "an ID number (身份证号) has 18 characters, this one has 10: check for missing digits (field id_number)",
        ),
        (
            {"returned_on": None},
            422,
            "返乡创业人员需填写返乡日期 a returnee entrepreneur needs returned_on (field returned_on)",
        ),
        (
            {"phone": "12345"},
            422,
            "a mobile number (手机号) has 11 digits starting with 13-19; check the number",
        ),
        (
            {"projects": [{"name": "x", "stage": "idea", "needs": ["钱"]}]},
            422,
            "未知需求 unknown need '钱': use one of 资金、场地、用工、技术、政策 (field needs)",
        ),
        (
            {"projects": [{"name": "x", "stage": "done"}]},
            422,
            "未知项目阶段 unknown stage 'done': use one of idea, preparing, operating, expanding (field stage)",
        ),
        (
            {"village_code": "341522100000"},
            422,
            "a talent belongs to a village, but 341522100000 is a township",
        ),
        ({"nickname": "x"}, 422, "未知字段 unknown talent field 'nickname'"),
    ],
)
def test_bad_talent_input(env: Env, change: dict[str, Any], status: int, detail: str) -> None:
    client, world, engine = env
    body = _talent(world.village_a1, 8) | change
    response = client.post("/api/v1/talents", json=body, headers=login(client, "admin"))
    assert response.status_code == status
    assert response.json()["detail"].startswith(detail)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM talents")).scalar_one() == 0


def test_duplicate_id_and_bad_park(env: Env) -> None:
    client, world, _ = env
    admin = login(client, "admin")
    assert client.post("/api/v1/talents", json=_talent(world.village_a1, 9), headers=admin).status_code == 201
    again = client.post("/api/v1/talents", json=_talent(world.village_a1, 9), headers=admin)
    assert again.status_code == 409
    assert again.json()["detail"] == "人才库中已有此身份证号 a talent with this ID number already exists"
    park = _talent(world.village_a1, 10)
    park["projects"][0]["park_code"] = world.township_a
    response = client.post("/api/v1/talents", json=park, headers=admin)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"园区代码 {world.township_a} 不是园区 park_code {world.township_a} is not an industrial park (field park_code)"
    )
    future = client.post(
        "/api/v1/talents", json=_talent(world.village_a1, 11, returned_on="2099-01-01"), headers=admin
    )
    assert (
        future.status_code == 422
        and "returned_on 2099-01-01 must be after the birth date" in future.json()["detail"]
    )
    assert date.today().year < 2099


def test_demo_holds_valid_synthetic_talents(small_demo_url: str) -> None:
    engine = create_engine(small_demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT t.kind, t.id_cipher, t.id_hash, t.returned_on, r.resident_id IS NOT NULL "
                "FROM talents t LEFT JOIN residents r ON r.id_hash = t.id_hash"
            )
        ).all()
        projects = conn.execute(text("SELECT count(*), count(park_code) FROM talent_projects")).one()
    engine.dispose()
    from registry.personal import validate_id_number

    assert len(rows) == 80 and {r.kind for r in rows} == {"returnee_entrepreneur", "skilled", "professional"}
    for r in rows:
        number = CIPHER.decrypt(bytes(r.id_cipher))
        validate_id_number(number)
        assert CIPHER.keyed_hash(number) == bytes(r.id_hash) and r[4]
        assert (r.kind == "returnee_entrepreneur") <= (r.returned_on is not None)
    assert projects[0] >= 36
