"""Ranked matches through the API: explanations, determinism, hard filters, sex never an input, masking, scoping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from api.app import create_app
from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from tests.accounts_world import World, app_settings, login, world_env

Env = tuple[TestClient, World, Engine]
WIDE = {"mode": "car", "radius_m": 20000}


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _sql(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def _matches(client: TestClient, who: str, resident_id: int, **params: object) -> Any:
    response = client.get(
        f"/api/v1/residents/{resident_id}/matches", headers=login(client, who), params={**WIDE, **params}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_seeker_gets_ranked_explained_matches(env: Env) -> None:
    client, world, engine = env
    body = _matches(client, "seeker", world.seeker_resident)
    items = body["matches"]
    assert body["count"] >= 5 and items
    assert [m["rank"] for m in items] == list(range(1, len(items) + 1))
    scores = [m["score"] for m in items]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    for m in items:
        assert abs(sum(f["points"] for f in m["explanation"]) - m["score"]) < 0.051
        assert {f["factor"] for f in m["explanation"]} >= {"occupation", "wage", "distance", "training"}
        assert all(f["text"] for f in m["explanation"])
    # road distances within the circle; the distance points follow them
    assert all(0 <= m["road_distance_m"] <= 20000 for m in items)
    again = _matches(client, "seeker", world.seeker_resident)
    assert again == body  # deterministic


def test_same_trade_ranks_above_others(env: Env) -> None:
    client, world, engine = env
    code = _pick_trade(client, world)
    _sql(
        engine,
        "UPDATE residents SET occupation_code = :c, expected_wage = NULL WHERE resident_id = :r",
        c=code,
        r=world.seeker_resident,
    )
    items = _matches(client, "seeker", world.seeker_resident)["matches"]
    occ = {m["vacancy_id"]: m["explanation"][0] for m in items}
    same = [m for m in items if occ[m["vacancy_id"]]["value"] == "same_code"]
    other = [m for m in items if occ[m["vacancy_id"]]["value"] == "unrelated"]
    assert same and other
    for a in same:  # same trade and not farther: always above an unrelated trade
        for b in other:
            if a["road_distance_m"] <= b["road_distance_m"]:
                assert a["score"] > b["score"]
    assert any(
        f["text"].startswith("同一工种（") and f["text"].endswith("+40") for f in same[0]["explanation"]
    )
    assert items[0]["explanation"][0]["value"] in ("same_code", "same_minor")


def _pick_trade(client: TestClient, world: World) -> str:
    items = _matches(client, "seeker", world.seeker_resident)["matches"]
    return str(items[len(items) // 2]["occupation_code"])


def test_swapping_sex_changes_nothing(env: Env) -> None:
    client, world, engine = env
    before = _matches(client, "staff_a", world.seeker_resident)
    _sql(
        engine,
        "UPDATE residents SET sex = CASE sex WHEN 'M' THEN 'F' ELSE 'M' END WHERE resident_id = :r",
        r=world.seeker_resident,
    )
    assert _matches(client, "staff_a", world.seeker_resident) == before


def test_vacancy_age_range_and_certificates_are_hard_filters(env: Env) -> None:
    client, world, engine = env
    items = _matches(client, "seeker", world.seeker_resident)["matches"]
    older_only, certified = items[0]["vacancy_id"], items[1]["vacancy_id"]
    with engine.connect() as conn:
        age = conn.execute(
            text("SELECT date_part('year', age(birth_date))::int FROM residents WHERE resident_id = :r"),
            {"r": world.seeker_resident},
        ).scalar_one()
    _sql(
        engine,
        "UPDATE vacancies SET min_age = :a, max_age = 70 WHERE vacancy_id = :v",
        a=age + 1,
        v=older_only,
    )
    _sql(engine, "UPDATE vacancies SET required_certificates = '{焊工证}' WHERE vacancy_id = :v", v=certified)
    body = _matches(client, "seeker", world.seeker_resident)
    ids = {m["vacancy_id"] for m in body["matches"]}
    assert older_only not in ids and certified not in ids
    reasons = {e["vacancy_id"]: e["reason"] for e in body["excluded"]}
    assert reasons == {older_only: f"年龄要求 {age + 1} 岁以上", certified: "需要证书：焊工证"}
    _sql(engine, "UPDATE vacancies SET min_age = 16, max_age = :a WHERE vacancy_id = :v", a=age, v=older_only)
    _sql(
        engine,
        "UPDATE residents SET certificates = '{焊工证}' WHERE resident_id = :r",
        r=world.seeker_resident,
    )
    assert {certified, older_only} <= {
        m["vacancy_id"] for m in _matches(client, "seeker", world.seeker_resident)["matches"]
    }


def test_returnee_gets_home_positions_first(env: Env) -> None:
    client, world, engine = env
    _sql(
        engine,
        "UPDATE residents SET status = 'working_away', wish_to_return = true, work_city = '上海' "
        "WHERE resident_id = :r",
        r=world.seeker_resident,
    )
    items = _matches(client, "seeker", world.seeker_resident)["matches"]
    bonus = {m["vacancy_id"]: [f for f in m["explanation"] if f["factor"] == "returnee"][0] for m in items}
    home = [v for v, f in bonus.items() if f["points"] == 5]
    assert home and len(home) < len(items)
    with engine.connect() as conn:
        areas = dict(conn.execute(text("SELECT vacancy_id, area_code FROM vacancies")).all())
    for v, f in bonus.items():
        assert (f["points"] == 5) == areas[v].startswith(world.township_a[:9])


def test_matches_are_scoped(env: Env) -> None:
    client, world, _ = env
    for who, rid in (
        ("seeker", world.other_resident_a1),
        ("staff_b", world.seeker_resident),
        ("collector_a2", world.seeker_resident),
        ("hr_1", world.seeker_resident),
        ("staff_a", world.resident_b1),
    ):
        r = client.get(f"/api/v1/residents/{rid}/matches", headers=login(client, who), params=WIDE)
        assert r.status_code == 404, who
        assert r.json()["detail"] == f"resident {rid} does not exist or is outside your area"
    assert client.get(f"/api/v1/residents/{world.seeker_resident}/matches", params=WIDE).status_code == 401
    for who in ("staff_a", "collector_a1", "admin"):
        assert _matches(client, who, world.seeker_resident)["count"] > 0


def test_bad_mode_and_radius(env: Env) -> None:
    client, world, _ = env
    h = login(client, "seeker")
    url = f"/api/v1/residents/{world.seeker_resident}/matches"
    r = client.get(url, headers=h, params={"mode": "plane"})
    assert (
        r.status_code == 422
        and r.json()["detail"] == "unknown mode 'plane': use one of walk, ebike, car (field mode)"
    )
    r = client.get(url, headers=h, params={"radius_m": 0})
    assert (
        r.status_code == 422
        and r.json()["detail"] == "radius_m must be greater than 0, got 0 (field radius_m)"
    )


def _candidates(client: TestClient, who: str, vacancy_id: int) -> Any:
    return client.get(f"/api/v1/vacancies/{vacancy_id}/candidates", headers=login(client, who), params=WIDE)


def test_hr_sees_masked_ranked_candidates_of_own_vacancy_only(env: Env) -> None:
    client, world, engine = env
    with engine.connect() as conn:
        own = conn.execute(
            text("SELECT min(vacancy_id) FROM vacancies WHERE enterprise_id = :e"), {"e": world.enterprise_1}
        ).scalar_one()
        surnames = set(conn.execute(text("SELECT DISTINCT left(name, 1) FROM residents")).scalars())
    r = _candidates(client, "hr_1", own)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] > 0
    for c in body["candidates"]:
        # as the enterprise's candidate pool: a masked name, no resident id, ID number or phone, not even masked
        assert not {"resident_id", "id_number", "phone", "sex"} & set(c), sorted(c)
        assert c["name"][0] in surnames and set(c["name"][1:]) == {"*"}
        assert abs(sum(f["points"] for f in c["explanation"]) - c["score"]) < 0.051
    assert [c["rank"] for c in body["candidates"]] == list(range(1, len(body["candidates"]) + 1))
    other = _candidates(client, "hr_1", world.open_vacancy_2)
    assert other.status_code == 404
    assert other.json()["detail"] == (
        f"vacancy {world.open_vacancy_2} does not exist or is not in your area or enterprise"
    )
    assert _candidates(client, "seeker", own).status_code == 404


def test_staff_candidates_stay_in_their_area(env: Env) -> None:
    client, world, engine = env
    with engine.connect() as conn:
        vac = conn.execute(
            text("SELECT min(vacancy_id) FROM vacancies WHERE area_code LIKE :p AND status='open'"),
            {"p": world.township_a[:9] + "%"},
        ).scalar_one()
        areas = dict(conn.execute(text("SELECT resident_id, area_code FROM residents")).all())
    body = _candidates(client, "staff_a", vac).json()
    assert body["count"] > 0
    assert all(areas[c["resident_id"]].startswith(world.township_a[:9]) for c in body["candidates"])
    assert "*" not in body["candidates"][0]["name"]  # township staff see names of their own area
    assert _candidates(client, "staff_b", vac).status_code == 404


def test_hr_pool_function_refuses_other_enterprises_sites_in_sql(env: Env, tmp_path: Path) -> None:
    _, world, owner = env
    web = create_engine(app_database_url(app_settings(owner.url.render_as_string(False), tmp_path)))
    with owner.connect() as conn:
        site_2 = conn.execute(
            text("SELECT min(site_id) FROM enterprise_sites WHERE enterprise_id = :e"),
            {"e": world.enterprise_2},
        ).scalar_one()
        site_1 = conn.execute(
            text("SELECT min(site_id) FROM enterprise_sites WHERE enterprise_id = :e"),
            {"e": world.enterprise_1},
        ).scalar_one()
    try:
        with web.begin() as conn:
            scoped(conn, Scope("341522", account_id=1, enterprise_id=world.enterprise_1))
            q = text("SELECT count(*) FROM matching_hr_pool(:s, 1e6, 4548)")
            assert conn.execute(q, {"s": site_2}).scalar_one() == 0
            assert conn.execute(q, {"s": site_1}).scalar_one() > 0
            assert conn.execute(text("SELECT count(*) FROM residents")).scalar_one() == 0
        with web.begin() as conn:
            scoped(conn, Scope(world.township_a[:9], account_id=1))
            assert conn.execute(q, {"s": site_1}).scalar_one() == 0  # staff get nothing from it
    finally:
        web.dispose()


def test_related_trades_edit_by_county_only(env: Env) -> None:
    client, _, _ = env
    admin = login(client, "admin")
    listed = client.get("/api/v1/matching/related-trades", headers=admin).json()
    assert {"code_a": "6-18-02-04", "code_b": "6-29-03-04"}.items() <= listed[0].items() or any(
        r["code_a"] == "6-18-02-04" and r["code_b"] == "6-29-03-04" and r["name_a"] == "焊工" for r in listed
    )
    body = {"code_a": "6-31-05-00", "code_b": "4-02-05-01", "weight": 0.4, "note": "包装与搬运"}
    r = client.put("/api/v1/matching/related-trades", headers=admin, json=body)
    assert r.status_code == 200 and r.json()["code_a"] == "4-02-05-01" and r.json()["updated_by"] == "admin"
    r = client.put("/api/v1/matching/related-trades", headers=login(client, "staff_a"), json=body)
    assert r.status_code == 403
    assert r.json()["detail"] == "only county staff may edit related trades; you are township_staff"
    bad = client.put("/api/v1/matching/related-trades", headers=admin, json={**body, "code_b": "9-99-99-99"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == (
        "unknown occupation code '9-99-99-99': use a code of the 2022 classification (field code_b)"
    )
    bad = client.put("/api/v1/matching/related-trades", headers=admin, json={**body, "weight": 1.5})
    assert bad.status_code == 422 and bad.json()["detail"] == (
        "weight must be greater than 0 and at most 1, got 1.5 (field weight)"
    )
    params = {"code_a": "4-02-05-01", "code_b": "6-31-05-00"}
    assert client.delete("/api/v1/matching/related-trades", headers=admin, params=params).status_code == 204
    again = client.delete("/api/v1/matching/related-trades", headers=admin, params=params)
    assert again.status_code == 404
    assert again.json()["detail"] == "4-02-05-01 and 6-31-05-00 are not listed as related trades"


def test_related_trade_lifts_a_score(env: Env) -> None:
    client, world, engine = env
    mine = "6-18-02-04"
    _sql(
        engine,
        "UPDATE residents SET occupation_code = :c WHERE resident_id = :r",
        c=mine,
        r=world.seeker_resident,
    )
    items = _matches(client, "seeker", world.seeker_resident)["matches"]
    target = next(m for m in items if m["explanation"][0]["value"] == "unrelated")
    r = client.put(
        "/api/v1/matching/related-trades",
        headers=login(client, "admin"),
        json={"code_a": mine, "code_b": target["occupation_code"], "weight": 1.0},
    )
    assert r.status_code == 200, r.text
    after = {m["vacancy_id"]: m for m in _matches(client, "seeker", world.seeker_resident)["matches"]}
    lifted = after[target["vacancy_id"]]
    assert lifted["score"] == round(target["score"] + 20, 1)
    assert lifted["explanation"][0]["value"] == "related"


def test_anonymous_matches_and_no_roads(env: Env, engine: Engine, settings: Any) -> None:
    client, world, owner = env
    with owner.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(geom), ST_Y(geom) FROM residents WHERE resident_id = :r"),
            {"r": world.seeker_resident},
        ).one()
    r = client.get(
        "/api/v1/matches",
        params={"lon": lon, "lat": lat, **WIDE, "trade": "6-18-02-04", "expected_wage": 5000},
    )
    assert r.status_code == 200 and r.json()["matches"]
    bad = client.get("/api/v1/matches", params={"lon": lon, "lat": lat, "trade": "6-18-99-99"})
    assert bad.status_code == 422
    assert bad.json()["detail"] == (
        "unknown occupation code '6-18-99-99': use a code of the 2022 classification (field trade)"
    )
    with TestClient(create_app(settings)) as empty:  # a migrated database without roads
        r = empty.get("/api/v1/matches", params={"lon": 116.27, "lat": 32.35})
        assert r.status_code == 409
        assert r.json()["detail"].startswith("no road network is imported")


def test_no_open_vacancies_is_an_empty_explained_answer(env: Env) -> None:
    client, world, engine = env
    _sql(engine, "UPDATE vacancies SET status = 'closed'")
    body = _matches(client, "seeker", world.seeker_resident)
    assert body["count"] == 0 and body["matches"] == []
    assert body["note"] == "圈内暂无在招岗位 no open positions within reach"


def test_candidate_pool_equals_a_search_over_every_resident(env: Env, tmp_path: Path) -> None:
    """The straight-line pre-selection drops nobody the road search reaches (county admin sees everyone)."""
    import numpy as np

    from geo.core.settings import Settings
    from matching.circle.residents import residents_for
    from matching.circle.service import CircleQuery, CircleService

    client, world, engine = env
    with engine.connect() as conn:
        vac, site = conn.execute(
            text("SELECT vacancy_id, site_id FROM vacancies WHERE enterprise_id = :e ORDER BY 1 LIMIT 1"),
            {"e": world.enterprise_1},
        ).one()
    for mode, params in (("walk", {"radius_m": 3000}), ("ebike", {"minutes": 15})):
        r = client.get(
            f"/api/v1/vacancies/{vac}/candidates",
            headers=login(client, "admin"),
            params={"mode": mode, **params},
        )
        assert r.status_code == 200, r.text
        service = CircleService(Settings(database_url=engine.url.render_as_string(False), data_dir=tmp_path))
        with engine.connect() as conn:
            net = service.network(conn)
            people = residents_for(service, conn, mode)
            x, y = conn.execute(
                text(
                    "SELECT ST_X(ST_Transform(geom, :s)), ST_Y(ST_Transform(geom, :s)) "
                    "FROM enterprise_sites WHERE site_id = :id"
                ),
                {"s": net.srid, "id": site},
            ).one()
        metric, limit = ("length", 3000.0) if mode == "walk" else ("time", 900.0)
        hit = service.reach(net, CircleQuery(0, 0, x, y, mode, metric, limit), people.located, towards=True)
        available = people.available[np.searchsorted(people.located.ids, hit.ids)]
        expected = set(hit.ids[available].tolist())
        assert r.json()["count"] == len(expected) > 0
        assert {c["resident_id"] for c in r.json()["candidates"]} <= expected
