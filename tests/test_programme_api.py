"""The programme API on the demo: a fair day end to end, bad input with exact messages, role checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.accounts_world import World, login, world_env

Env = tuple[TestClient, World, Engine]
API = "/api/v1/programme"
TODAY = date.today()


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """The small demo with one account per role, an app client and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _venue_in(engine: Engine, township: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT min(venue_id) FROM fair_venues WHERE area_code LIKE :p"),
                {"p": township[:9] + "%"},
            ).scalar_one()
        )


def _next(weekday: int) -> date:
    """The next day (after today) with that weekday (0 Monday)."""
    return TODAY + timedelta(days=(weekday - TODAY.weekday() - 1) % 7 + 1)


def _today_fair(client: TestClient, world: World, engine: Engine, headers: dict[str, str]) -> dict[str, Any]:
    body = {
        "fair_date": TODAY.isoformat(),
        "kind": "special",
        "theme": "other",
        "title": "测试专场",
        "venue_id": _venue_in(engine, world.township_a),
    }
    response = client.post(f"{API}/fairs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _metrics(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"{API}/dashboard", params={"on": TODAY.isoformat()}, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["metrics"])


def test_a_fair_day_booth_seekers_intention_and_hire_reach_the_dashboard(env: Env) -> None:
    client, world, engine = env
    staff, admin = login(client, "staff_a"), login(client, "admin")
    before = _metrics(client, admin)
    fair = _today_fair(client, world, engine, staff)
    assert fair["kind"] == "special" and fair["booths"] == 0 and fair["status"] == "planned"
    with engine.connect() as conn:
        vacancy = int(
            conn.execute(
                text("SELECT min(vacancy_id) FROM vacancies WHERE enterprise_id = :e"),
                {"e": world.enterprise_1},
            ).scalar_one()
        )
    booth = client.post(
        f"{API}/fairs/{fair['fair_id']}/booths",
        json={"booth_no": "A1", "vacancy_ids": [vacancy]},
        headers=login(client, "hr_1"),
    )
    assert booth.status_code == 201, booth.text
    assert booth.json()["enterprise_id"] == world.enterprise_1 and len(booth.json()["positions"]) == 1
    me = client.post(
        f"{API}/fairs/{fair['fair_id']}/seekers",
        json={"phone": "13700001111"},
        headers=login(client, "seeker"),
    )
    assert me.status_code == 201 and me.json()["phone"] == "137****1111"
    walk_in = client.post(
        f"{API}/fairs/{fair['fair_id']}/seekers",
        json={"name": "王小明", "phone": "139 1234 5678"},
        headers=staff,
    )
    assert walk_in.status_code == 201 and walk_in.json() == {
        "registration_id": walk_in.json()["registration_id"],
        "fair_id": fair["fair_id"],
        "name": "王**",
        "phone": "139****5678",
    }
    listed = client.get(f"{API}/fairs/{fair['fair_id']}/seekers", headers=staff).json()["seekers"]
    assert {s["phone"] for s in listed} == {"137****1111", "139****5678"}
    assert "13912345678" not in str(listed)
    outcome = {"booth_id": booth.json()["booth_id"], "registration_id": walk_in.json()["registration_id"]}
    intention = client.post(
        f"{API}/fairs/{fair['fair_id']}/outcomes", json=outcome | {"kind": "intention"}, headers=staff
    )
    assert intention.status_code == 201, intention.text
    after = _metrics(client, admin)
    assert after["intentions"]["actual"] == before["intentions"]["actual"] + 1
    assert after["fairs"]["actual"] == before["fairs"]["actual"] + 1
    again = client.post(
        f"{API}/fairs/{fair['fair_id']}/outcomes", json=outcome | {"kind": "intention"}, headers=staff
    )
    assert again.status_code == 409
    assert (
        again.json()["detail"]
        == f"该求职者与展位 {outcome['booth_id']} 的就业意向已记录 (this intention was already recorded)"
    )
    hire = client.post(
        f"{API}/fairs/{fair['fair_id']}/outcomes", json=outcome | {"kind": "hire"}, headers=staff
    )
    assert hire.status_code == 201
    final = _metrics(client, admin)
    assert final["new_jobs"]["actual"] == before["new_jobs"]["actual"] + 1
    assert final["intentions"]["actual"] == after["intentions"]["actual"]
    detail = client.get(f"{API}/fairs/{fair['fair_id']}", headers=staff).json()
    assert (detail["status"], detail["booths"], detail["seekers"], detail["intentions"], detail["hires"]) == (
        "held",
        1,
        2,
        1,
        1,
    )
    assert detail["booth_list"][0]["intentions"] == 1 and detail["booth_list"][0]["hires"] == 1


def test_a_fair_in_the_past_is_refused(env: Env) -> None:
    client, world, engine = env
    yesterday = TODAY - timedelta(days=1)
    body = {
        "fair_date": yesterday.isoformat(),
        "kind": "special",
        "venue_id": _venue_in(engine, world.township_a),
    }
    response = client.post(f"{API}/fairs", json=body, headers=login(client, "staff_a"))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"招聘会日期 {yesterday.isoformat()} 已过去，不能安排 (a fair cannot be scheduled in the past: "
        f"today is {TODAY.isoformat()}) (field fair_date)"
    )


def test_a_workers_fair_on_a_tuesday_is_refused(env: Env) -> None:
    client, world, engine = env
    tuesday = _next(1)
    body = {
        "fair_date": tuesday.isoformat(),
        "kind": "workers",
        "venue_id": _venue_in(engine, world.township_a),
    }
    response = client.post(f"{API}/fairs", json=body, headers=login(client, "staff_a"))
    assert response.status_code == 422
    assert response.json()["detail"] == (
        f"周三招工须在星期三，{tuesday.isoformat()} 是星期二 (a workers fair is held on a Wednesday, "
        f"{tuesday.isoformat()} is a Tuesday) (field fair_date)"
    )
    wednesday = _next(2) + timedelta(days=364)  # a Wednesday a year on: beyond the demo's calendar
    ok = client.post(
        f"{API}/fairs", json=body | {"fair_date": wednesday.isoformat()}, headers=login(client, "staff_a")
    )
    assert ok.status_code == 201 and ok.json()["kind"] == "workers" and ok.json()["status"] == "planned"
    again = client.post(
        f"{API}/fairs", json=body | {"fair_date": wednesday.isoformat()}, headers=login(client, "admin")
    )
    assert again.status_code == 409
    assert again.json()["detail"] == (
        f"{ok.json()['venue']} 在 {wednesday.isoformat()} 已有同类招聘会 "
        f"(venue {body['venue_id']} already has a workers fair that day)"
    )


def test_a_booth_for_an_unregistered_enterprise_and_a_duplicate_booth(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    fair = _today_fair(client, world, engine, staff)
    url = f"{API}/fairs/{fair['fair_id']}/booths"
    unknown = client.post(url, json={"enterprise_id": 987654}, headers=staff)
    assert unknown.status_code == 422
    assert unknown.json()["detail"] == (
        "企业 987654 未登记（或不在您的辖区），请先登记企业 (enterprise 987654 is not registered or is outside "
        "your area) (field enterprise_id)"
    )
    first = client.post(url, json={"booth_no": "B2"}, headers=login(client, "hr_2"))
    assert first.status_code == 201
    with engine.connect() as conn:
        name = conn.execute(
            text("SELECT name FROM enterprises WHERE enterprise_id = :e"), {"e": world.enterprise_2}
        ).scalar_one()
    duplicate = client.post(url, json={"enterprise_id": world.enterprise_2}, headers=login(client, "admin"))
    assert duplicate.status_code == 409
    assert duplicate.json()["detail"] == (
        f"{name} 已在本场招聘会登记展位 {first.json()['booth_id']} "
        f"(enterprise {world.enterprise_2} already has booth {first.json()['booth_id']} at fair {fair['fair_id']})"
    )
    other = client.post(url, json={"enterprise_id": world.enterprise_2}, headers=login(client, "hr_1"))
    assert other.status_code == 403
    assert other.json()["detail"] == (
        f"企业人事只能为本企业登记展位 HR may register booths for their own enterprise {world.enterprise_1} only"
    )


def test_a_task_without_a_lead_unit_and_a_target_below_zero(env: Env) -> None:
    client, _, _ = env
    admin = login(client, "admin")
    task = {"title": "开展春风行动", "lead_unit": "  ", "deadline": "2026-12-31"}
    response = client.post(f"{API}/tasks", json=task, headers=admin)
    assert response.status_code == 422
    assert (
        response.json()["detail"]
        == "任务必须有牵头单位 a task needs a lead unit (牵头单位) (field lead_unit)"
    )
    created = client.post(
        f"{API}/tasks",
        json=task | {"lead_unit": "县人社局", "partner_units": ["各乡镇（园区）"]},
        headers=admin,
    )
    assert created.status_code == 201 and created.json()["seq"] == 12
    negative = {"year": 2027, "new_jobs": 5100, "fairs": -1, "intentions": 1260}
    response = client.put(f"{API}/targets", json=negative, headers=admin)
    assert response.status_code == 422
    assert (
        response.json()["detail"]
        == "目标不能为负数：招聘会（场） = -1 (a target cannot be below zero) (field fairs)"
    )
    ok = client.put(f"{API}/targets", json=negative | {"fairs": 80}, headers=admin)
    assert ok.status_code == 200
    assert (
        client.get(f"{API}/targets", params={"year": 2027}, headers=login(client, "staff_b")).json()[
            "targets"
        ]["fairs"]
        == 80
    )


def test_roles_the_programme_refuses(env: Env) -> None:
    client, world, engine = env
    staff = login(client, "staff_a")
    targets = client.put(
        f"{API}/targets", json={"year": 2026, "new_jobs": 1, "fairs": 1, "intentions": 1}, headers=staff
    )
    assert targets.status_code == 403
    assert (
        targets.json()["detail"]
        == "乡镇（园区）工作人员不能设定年度目标 (township_staff may not set the year's targets)"
    )
    board = client.get(f"{API}/dashboard", headers=login(client, "hr_1"))
    assert board.status_code == 403
    fair = _today_fair(client, world, engine, staff)
    reg = client.post(
        f"{API}/fairs/{fair['fair_id']}/seekers", json={"name": "李四", "phone": "13811112222"}, headers=staff
    ).json()
    booth = client.post(
        f"{API}/fairs/{fair['fair_id']}/booths", json={}, headers=login(client, "hr_1")
    ).json()
    by_seeker = client.post(
        f"{API}/fairs/{fair['fair_id']}/outcomes",
        headers=login(client, "seeker"),
        json={"booth_id": booth["booth_id"], "registration_id": reg["registration_id"], "kind": "hire"},
    )
    assert by_seeker.status_code == 403
    assert (
        by_seeker.json()["detail"] == "求职者不能记录就业意向 (job_seeker may not record intentions or hires)"
    )
    task = client.patch(f"{API}/tasks/1", json={"status": "done"}, headers=staff)
    assert task.status_code == 403
    bad_phone = client.post(
        f"{API}/fairs/{fair['fair_id']}/seekers", json={"name": "李四", "phone": "12345"}, headers=staff
    )
    assert bad_phone.status_code == 422
    assert (
        bad_phone.json()["detail"]
        == "a mobile number (手机号) has 11 digits starting with 13-19; check the number (field phone)"
    )


def test_tasks_overdue_first_and_progress_notes(env: Env) -> None:
    client, _, _ = env
    admin = login(client, "admin")
    listed = client.get(f"{API}/tasks", params={"on": "2026-11-27"}, headers=admin).json()
    assert listed["count"] == 11 and listed["overdue"] == 2
    assert [t["seq"] for t in listed["tasks"][:2]] == [2, 5] and listed["tasks"][0]["overdue"]
    assert listed["tasks"][0]["days_overdue"] == (date(2026, 11, 27) - date(2022, 5, 31)).days
    done = client.patch(
        f"{API}/tasks/{listed['tasks'][0]['task_id']}",
        headers=admin,
        json={"status": "done", "note": "三级审核全部完成"},
    )
    assert (
        done.status_code == 200 and done.json()["overdue"] is False and done.json()["status_zh"] == "已完成"
    )
    assert done.json()["notes"][0]["note"] == "三级审核全部完成"
    overdue = client.get(f"{API}/tasks", params={"on": "2026-11-27", "overdue": True}, headers=admin).json()
    assert [t["seq"] for t in overdue["tasks"]] == [5]
    staff_view = client.get(f"{API}/tasks", params={"on": "2026-11-27"}, headers=login(client, "staff_b"))
    assert staff_view.json()["count"] == 11  # township staff read the county's list (as partner units)
    report = client.get(f"{API}/tasks/report.html", params={"on": "2026-11-27"}, headers=admin)
    assert report.status_code == 200 and "逾期未完成 <span class='flag'>1</span> 项" in report.text
