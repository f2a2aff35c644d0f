"""Imports follow the review workflow and are idempotent; the public sees only approved enterprise names.

Issue 13, finding 8: vacancies imported for an enterprise the county has not approved were open at once (the
review API answers 409 for the same step), an imported enterprise was public at once, a re-imported vacancy file
duplicated its vacancies, and the anonymous /matches listed unapproved enterprises and pending renames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.accounts_world import World, login, world_env
from tests.intake_files import credit, upload, xlsx
from tests.records_world import post, rows, scalar
from tests.test_tiles_api import features, tile_of

Env = tuple[TestClient, World, Engine]
FIRM_HEAD = ["统一社会信用代码*", "企业名称*", "行业", "企业类型", "职工人数", "场所名称", "村/社区代码*"]
JOB_HEAD = [
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
NAME = "鸿雁导入审核服装厂"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role and an app client."""
    yield from world_env(demo_db_url, tmp_path)


def _firm(client: TestClient, world: World, engine: Engine, who: str) -> int:
    """Import one enterprise with one site in village a1 as ``who``; its id."""
    firm = [[credit(41), NAME, "纺织服装", "有限责任公司", 80, "一厂", world.village_a1]]
    status, body = upload(
        client, who, xlsx(FIRM_HEAD, firm, sheet="企业"), database="enterprises", name="企业.xlsx"
    )
    assert (status, body["written"]) == (200, 1), body
    return int(scalar(engine, "SELECT enterprise_id FROM enterprises WHERE credit_code = :c", c=credit(41)))


def _jobs(engine: Engine, *changes: tuple[int, int]) -> list[list[Any]]:
    """Two vacancy rows of the imported enterprise; ``changes`` (row index, new 招聘人数)."""
    code = str(scalar(engine, "SELECT min(code) FROM occupations WHERE level = 'detail'"))
    jobs: list[list[Any]] = [
        [credit(41), "一厂", "导入缝纫工", code, 5, 3500, 6000, "是", "2099-12-31"],
        [credit(41), None, "导入质检员", code, 2, None, None, "否", None],
    ]
    for i, positions in changes:
        jobs[i][4] = positions
    return jobs


def _import_jobs(client: TestClient, who: str, jobs: list[list[Any]], **params: str) -> dict[str, Any]:
    status, body = upload(
        client, who, xlsx(JOB_HEAD, jobs, sheet="岗位"), database="vacancies", name="岗位.xlsx", **params
    )
    assert status == 200, body
    return body


def _vacancies(engine: Engine) -> list[tuple[Any, ...]]:
    found = rows(
        engine,
        "SELECT v.vacancy_id, v.title, v.positions, v.status FROM vacancies v JOIN enterprises e "
        "USING (enterprise_id) WHERE e.credit_code = :c ORDER BY v.vacancy_id",
        c=credit(41),
    )
    return [tuple(r) for r in found]


def _site(engine: Engine, eid: int) -> dict[str, float]:
    lon, lat = rows(
        engine,
        "SELECT ST_X(geom), ST_Y(geom) FROM enterprise_sites WHERE enterprise_id = :e "
        "ORDER BY site_id LIMIT 1",
        e=eid,
    )[0]
    return {"lon": lon, "lat": lat}


def _public(client: TestClient, at: dict[str, float]) -> dict[str, dict[int, str]]:
    """What the anonymous job map and matches show near a place: vacancy id → enterprise name, per endpoint."""
    circle = client.get(
        "/api/v1/circle", params={**at, "mode": "car", "radius_m": 3000, "reach": "false", "limit": 2000}
    )
    matches = client.get("/api/v1/matches", params={**at, "mode": "car", "radius_m": 3000, "limit": 500})
    assert circle.status_code == 200 and matches.status_code == 200, (circle.text, matches.text)
    return {
        "circle": {p["vacancy_id"]: p["enterprise"] for p in circle.json()["positions"]},
        "matches": {m["vacancy_id"]: m["enterprise"] for m in matches.json()["matches"]},
    }


def test_imported_vacancies_stay_drafts_until_the_county_approves_their_enterprise(env: Env) -> None:
    client, world, engine = env
    eid = _firm(client, world, engine, "staff_a")
    # the township's file is approved by the township and waits for the county, as a form entry would
    assert rows(
        engine, "SELECT record_status, first_approved_at FROM enterprises WHERE enterprise_id = :e", e=eid
    ) == [("township_approved", None)]
    assert client.get("/api/v1/enterprises", params={"q": NAME}).json()["results"] == []
    body = _import_jobs(client, "staff_a", _jobs(engine))
    assert (body["written"], body["errors"]) == (2, [])
    drafts = _vacancies(engine)
    assert [(t, s) for _, t, _, s in drafts] == [("导入缝纫工", "draft"), ("导入质检员", "draft")]
    at = _site(engine, eid)
    shown = _public(client, at)
    assert not {v for v, *_ in drafts} & (shown["circle"].keys() | shown["matches"].keys())
    # a re-import while the enterprise waits changes nothing and adds nothing
    assert _import_jobs(client, "staff_a", _jobs(engine))["written"] == 2
    assert _vacancies(engine) == drafts

    r = post(client, f"/api/v1/enterprises/{eid}/review", login(client, "reviewer"), {"decision": "approve"})
    assert (r.status_code, r.json()["to_status"]) == (200, "approved"), r.text
    # the same file again: the same vacancies, now opened by the township's import
    assert _import_jobs(client, "staff_a", _jobs(engine))["written"] == 2
    opened = _vacancies(engine)
    assert [(v, t, s) for v, t, _, s in opened] == [(v, t, "open") for v, t, _, _ in drafts]
    shown = _public(client, at)
    for endpoint in ("circle", "matches"):
        assert {v: shown[endpoint].get(v) for v, *_ in opened} == {v: NAME for v, *_ in opened}, endpoint
    events = rows(
        engine,
        "SELECT e.record_id, e.action, e.level, e.from_status, e.to_status, e.reason, a.username "
        "FROM review_events e JOIN accounts a ON a.account_id = e.account_id "
        "WHERE e.table_name = 'vacancies' AND e.record_id = ANY(:ids) ORDER BY e.record_id",
        ids=[v for v, *_ in opened],
    )
    assert [tuple(e) for e in events] == [
        (v, "approve", "township", "draft", "open", "表格导入", "staff_a") for v, *_ in opened
    ]


def test_reimporting_a_vacancy_file_updates_and_never_duplicates(env: Env) -> None:
    client, world, engine = env
    eid = _firm(client, world, engine, "admin")  # the county's file is final: approved and public
    status = scalar(engine, "SELECT record_status FROM enterprises WHERE enterprise_id = :e", e=eid)
    found = client.get("/api/v1/enterprises", params={"q": NAME}).json()["results"]
    assert (status, [h["name"] for h in found]) == ("approved", [NAME])
    _import_jobs(client, "admin", _jobs(engine))
    first = _vacancies(engine)
    assert [(t, p, s) for _, t, p, s in first] == [("导入缝纫工", 5, "open"), ("导入质检员", 2, "open")]
    assert _import_jobs(client, "admin", _jobs(engine))["written"] == 2
    assert _vacancies(engine) == first
    # changed numbers update the same rows, each change kept in the history
    assert _import_jobs(client, "admin", _jobs(engine, (0, 8)))["written"] == 2
    ids = [v for v, *_ in first]
    assert [(v, p, s) for v, _, p, s in _vacancies(engine)] == [(ids[0], 8, "open"), (ids[1], 2, "open")]
    assert rows(
        engine,
        "SELECT record_id, field, old_value, new_value FROM record_changes "
        "WHERE table_name = 'vacancies' AND record_id = ANY(:ids) AND field <> 'record' "
        "ORDER BY change_id",
        ids=ids,
    ) == [
        (ids[0], "status", None, "open"),
        (ids[1], "status", None, "open"),
        (ids[0], "positions", "5", "8"),
    ]
    # a village's change goes to its township's review, like an HR edit of an open vacancy
    assert _import_jobs(client, "collector_a1", _jobs(engine, (0, 9)))["written"] == 2
    assert [(p, s) for _, _, p, s in _vacancies(engine)] == [(9, "submitted"), (2, "open")]
    # the same vacancy twice in one file is named with both rows
    status, body = upload(
        client,
        "admin",
        xlsx(JOB_HEAD, _jobs(engine) + _jobs(engine)[:1], sheet="岗位"),
        database="vacancies",
        name="岗位.xlsx",
    )
    assert status == 422 and [e["text"] for e in body["errors"]] == [  # type: ignore[union-attr]
        "第 4 行「岗位名称」：与第 2 行重复（同一场所的同名岗位），第 4 行未导入"
    ]
    # a closed vacancy is history: posting the job again makes a new one
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE vacancies SET status = 'closed' WHERE vacancy_id = %s", (ids[1],))
    _import_jobs(client, "admin", _jobs(engine, (0, 9)))
    after = _vacancies(engine)
    assert [(t, s) for _, t, _, s in after] == [
        ("导入缝纫工", "open"),
        ("导入质检员", "closed"),
        ("导入质检员", "open"),
    ]
    # two open vacancies the key cannot tell apart: the row is refused, nothing guessed
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE vacancies SET status = 'open' WHERE vacancy_id = %s", (ids[1],))
    status, body = upload(
        client, "admin", xlsx(JOB_HEAD, _jobs(engine), sheet="岗位"), database="vacancies", name="岗位.xlsx"
    )
    assert status == 422 and [e["text"] for e in body["errors"]] == [  # type: ignore[union-attr]
        f"第 3 行「岗位名称」：该场所已有 2 个未关闭的同名岗位（岗位编号 {ids[1]}、{after[2][0]}），"
        "无法确定更新哪一个：请先关闭多余的岗位或改用不同的岗位名称"
    ]
    assert len(_vacancies(engine)) == 3


def _everywhere(client: TestClient, eid: int, vid: int, at: dict[str, float], *names: str) -> dict[str, Any]:
    """The name each anonymous endpoint shows for enterprise eid (its vacancy vid near ``at``), None if hidden."""
    shown = {k: v.get(vid) for k, v in _public(client, at).items()}
    hits = {
        h["name"]
        for n in names
        for h in client.get("/api/v1/enterprises", params={"q": n}).json()["results"]
        if h["enterprise_id"] == eid
    }
    x, y = tile_of(at["lon"], at["lat"], 14)
    tile = client.get(f"/tiles/enterprises/14/{x}/{y}.pbf")
    tiled = (
        set()
        if tile.status_code == 204
        else {
            f["properties"]["enterprise"]
            for f in features(tile.content, "enterprises")
            if f["properties"]["enterprise_id"] == eid
        }
    )
    return shown | {"search": hits or None, "tiles": tiled or None}


def test_anonymous_endpoints_show_only_approved_enterprises_under_their_approved_name(env: Env) -> None:
    client, world, engine = env
    eid, vid = world.enterprise_2, world.open_vacancy_2
    name = str(scalar(engine, "SELECT name FROM enterprises WHERE enterprise_id = :e", e=eid))
    at = rows(
        engine,
        "SELECT ST_X(s.geom), ST_Y(s.geom) FROM vacancies v JOIN enterprise_sites s USING (site_id) "
        "WHERE v.vacancy_id = :v",
        v=vid,
    )[0]
    where = {"lon": at[0], "lat": at[1]}
    approved = {"circle": name, "matches": name, "search": {name}, "tiles": {name}}
    assert _everywhere(client, eid, vid, where, name, "改名待审") == approved
    admin = login(client, "admin")
    r = client.patch(f"/api/v1/enterprises/{eid}", headers=admin, json={"name": "改名待审厂"})
    assert (r.status_code, r.json()["record_status"]) == (200, "draft"), r.text
    # a rename waiting for review: the public keeps the approved name everywhere
    assert _everywhere(client, eid, vid, where, name, "改名待审") == approved
    # an enterprise nobody approved yet (as if newly registered): neither it nor its positions are public
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE enterprises SET record_status = 'draft', first_approved_at = NULL, approved_name = NULL "
            "WHERE enterprise_id = %s",
            (eid,),
        )
    hidden = dict.fromkeys(approved)
    assert _everywhere(client, eid, vid, where, name, "改名待审") == hidden
