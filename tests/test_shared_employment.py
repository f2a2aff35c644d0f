"""共享用工: planted truth on the small demo, optimality against HiGHS, bad input, scoping."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from scipy.optimize import linprog
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError
from typer.testing import CliRunner

from api.cli.main import app as cli
from geo.core.db import app_database_url
from geo.core.scope import Scope, scoped
from geo.core.settings import Settings
from matching.circle.service import CircleService
from matching.rebalance.flow import objective
from matching.rebalance.shared import plan_shared
from tests.accounts_world import World, app_settings, login, world_env
from tests.rebalance_lp import lp_objective

Env = tuple[TestClient, World, Engine]
WELDER = "6-18-02-04"
SEASON = (date(2030, 12, 1), date(2031, 2, 28))
JANUARY = (date(2031, 1, 1), date(2031, 1, 31))
TODAY = date(2030, 11, 1)


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _site_pairs(engine: Engine) -> dict[str, Any]:
    """An offer site, a site of another enterprise 3.5-4.5 km away, and the farthest site of a third one."""
    with engine.connect() as conn:
        near = conn.execute(
            text(
                """
                SELECT a.site_id AS offer_site, b.site_id AS near_site,
                       ST_Distance(a.geom::geography, b.geom::geography) AS d
                FROM enterprise_sites a JOIN enterprise_sites b ON a.enterprise_id <> b.enterprise_id
                WHERE ST_DWithin(a.geom::geography, b.geom::geography, 4500)
                  AND NOT ST_DWithin(a.geom::geography, b.geom::geography, 3500)
                ORDER BY a.site_id, b.site_id LIMIT 1
                """
            )
        ).one()
        far = conn.execute(
            text(
                """
                SELECT b.site_id, ST_Distance(a.geom::geography, b.geom::geography) AS d
                FROM enterprise_sites a, enterprise_sites b WHERE a.site_id = :s
                ORDER BY d DESC LIMIT 1
                """
            ),
            {"s": near.offer_site},
        ).one()
    return {"offer": near.offer_site, "near": near.near_site, "far": far.site_id, "far_m": far.d}


def _insert(engine: Engine, table: str, site: int, code: str, workers: int, dates: tuple[date, date]) -> int:
    key = "offer_id" if table == "shared_labour_offers" else "need_id"
    sql = (
        f"INSERT INTO {table} (enterprise_id, site_id, occupation_code, workers, date_from, date_to, area_code) "
        f"SELECT enterprise_id, site_id, :code, :workers, :a, :b, area_code FROM enterprise_sites "
        f"WHERE site_id = :site RETURNING {key}"
    )
    with engine.begin() as conn:
        return int(
            conn.execute(
                text(sql), {"site": site, "code": code, "workers": workers, "a": dates[0], "b": dates[1]}
            ).scalar_one()
        )


def test_planted_welders_matched_near_unmet_far(env: Env) -> None:
    client, _, engine = env
    sites = _site_pairs(engine)
    # the small demo spans ~15 km, so "far" is the opposite edge (> 9 km) against a 20-minute e-bike limit
    assert sites["far_m"] > 9_000
    _insert(engine, "shared_labour_offers", sites["offer"], WELDER, 5, SEASON)  # off-season surplus
    near = _insert(engine, "shared_labour_needs", sites["near"], WELDER, 3, JANUARY)
    far = _insert(engine, "shared_labour_needs", sites["far"], WELDER, 4, JANUARY)
    cleaners = _insert(engine, "shared_labour_needs", sites["near"], "4-09-08-01", 2, JANUARY)
    summer = _insert(
        engine, "shared_labour_needs", sites["near"], "6-29-03-04", 2, (date(2031, 6, 1), date(2031, 6, 30))
    )
    r = client.get(
        "/api/v1/plan/shared-employment",
        headers=login(client, "admin"),
        params={"mode": "ebike", "max_minutes": 20},
    )
    assert r.status_code == 200, r.text
    plan = r.json()
    assert [(a["need_id"], a["workers"]) for a in plan["assignments"]] == [(near, 3)]
    a = plan["assignments"][0]
    assert 0 < a["minutes"] <= 20 and a["date_from"] == "2031-01-01" and a["date_to"] == "2031-01-31"
    reasons = {u["need_id"]: u["reason"] for u in plan["unmet"]}
    assert set(reasons) == {far, cleaners, summer}
    assert reasons[far].startswith("最近的富余员工电动车 ") and "分钟，超过 20 分钟上限" in reasons[far]
    assert reasons[cleaners] == "没有同工种或相关工种的富余员工 no offer of a compatible trade"
    assert reasons[summer] == "相关工种的富余员工时间不重叠 no compatible offer in these dates"
    assert {k: plan["totals"][k] for k in ("offered", "needed", "placed")} == {
        "offered": 5,
        "needed": 11,
        "placed": 3,
    }
    assert plan["idle"] == [
        {
            "offer_id": plan["idle"][0]["offer_id"],
            "enterprise": plan["idle"][0]["enterprise"],
            "occupation": "焊工",
            "workers": 2,
        }
    ]
    # CLI: the same plan county-wide
    runner = CliRunner()
    out = runner.invoke(
        cli,
        ["plan", "shared-employment", "--mode", "ebike", "--max-minutes", "20"],
        env={"HONGYAN_DATABASE_URL": engine.url.render_as_string(False)},
    )
    assert out.exit_code == 0, out.output
    assert "placed 3 of 11 needed (5 offered)" in out.output


@pytest.mark.parametrize("seed", [3, 11])
def test_plan_is_optimal_against_highs(env: Env, tmp_path: Path, seed: int) -> None:
    _, _, engine = env
    rng = np.random.default_rng(seed)
    with engine.connect() as conn:
        town = conn.execute(text("SELECT left(min(area_code), 9) FROM enterprise_sites")).scalar_one()
        sites = (
            conn.execute(
                text("SELECT site_id FROM enterprise_sites WHERE area_code LIKE :p ORDER BY site_id"),
                {"p": town + "%"},
            )
            .scalars()
            .all()
        )
    trades = [WELDER, "6-29-03-04", "6-18-01-12", "4-09-08-01"]
    for table, n in (("shared_labour_offers", 8), ("shared_labour_needs", 10)):
        for _ in range(n):
            start = date(2031, 1, 1 + int(rng.integers(0, 20)))
            _insert(
                engine,
                table,
                int(rng.choice(sites)),
                str(rng.choice(trades)),
                int(rng.integers(1, 8)),
                (start, date(2031, 2, 1 + int(rng.integers(0, 20)))),
            )
    service = CircleService(Settings(database_url=engine.url.render_as_string(False), data_dir=tmp_path))
    with engine.connect() as conn:
        plan = plan_shared(service, conn, mode="ebike", max_minutes=20, today=TODAY)
    p = plan["problem"]
    flow = np.zeros_like(p["cost"])
    for a in plan["assignments"]:  # the plan as shown, back into a matrix
        flow[p["offer_ids"].index(a["offer_id"]), p["need_ids"].index(a["need_id"])] = a["workers"]
        assert a["minutes"] <= 20 and a["date_from"] <= a["date_to"]
    assert flow.sum() > 0 and (flow[~p["allowed"]] == 0).all()
    assert (flow.sum(axis=1) <= p["supply"]).all() and (flow.sum(axis=0) <= p["demand"]).all()
    unmet = p["demand"] - flow.sum(axis=0)
    assert {u["need_id"]: u["workers"] for u in plan["unmet"]} == {
        n: int(u) for n, u in zip(p["need_ids"], unmet, strict=True) if u > 0
    }
    ours = objective(flow, unmet, p["cost"], p["penalty"])
    best = lp_objective(p["supply"], p["demand"], p["cost"], p["allowed"], p["penalty"])
    assert abs(ours - best) < 1e-6 * max(1.0, best)
    assert int(flow.sum()) == _most_placeable(p["supply"], p["demand"], p["allowed"])  # placing comes first


def _most_placeable(supply: Any, demand: Any, allowed: Any) -> int:
    """max Σ x over allowed pairs within supplies and demands, by HiGHS."""
    ii, jj = np.nonzero(allowed)
    n = len(ii)
    a_ub = np.zeros((len(supply) + len(demand), n))
    a_ub[ii, np.arange(n)] = 1
    a_ub[len(supply) + jj, np.arange(n)] = 1
    res = linprog(
        -np.ones(n),
        A_ub=a_ub,
        b_ub=np.concatenate([supply, demand]).astype(float),
        bounds=(0, None),
        method="highs",
    )
    assert res.status == 0
    return round(-res.fun)


def _ids(engine: Engine, key: str, table: str) -> list[int]:
    with engine.connect() as conn:
        return [int(x) for x in conn.execute(text(f"SELECT {key} FROM {table} ORDER BY {key}")).scalars()]


def test_post_offers_and_needs(env: Env) -> None:
    client, world, engine = env
    with engine.connect() as conn:
        own = conn.execute(
            text("SELECT min(site_id) FROM enterprise_sites WHERE enterprise_id = :e"),
            {"e": world.enterprise_1},
        ).scalar_one()
        other = conn.execute(
            text("SELECT min(site_id) FROM enterprise_sites WHERE enterprise_id = :e"),
            {"e": world.enterprise_2},
        ).scalar_one()
    hr = login(client, "hr_1")
    body = {
        "site_id": own,
        "occupation_code": WELDER,
        "workers": 4,
        "date_from": "2030-12-01",
        "date_to": "2031-02-28",
        "note": "淡季",
    }
    r = client.post("/api/v1/shared-employment/offers", headers=hr, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["enterprise_id"] == world.enterprise_1 and r.json()["offer_id"] > 0
    assert client.post("/api/v1/shared-employment/needs", headers=hr, json=body).status_code == 201
    cases = [
        (
            {**body, "site_id": other},
            404,
            f"site {other} does not exist or does not belong to your enterprise",
        ),
        (
            {**body, "occupation_code": "6-99-99-99"},
            422,
            "unknown occupation code '6-99-99-99': use a code of the 2022 classification (field occupation_code)",
        ),
        (
            {**body, "date_from": "2031-03-01"},
            422,
            "date_from 2031-03-01 is after date_to 2031-02-28 (field date_from/date_to)",
        ),
        ({**body, "workers": 0}, 422, "workers must be between 1 and 10000, got 0 (field workers)"),
    ]
    for payload, status, detail in cases:
        r = client.post("/api/v1/shared-employment/offers", headers=hr, json=payload)
        assert (r.status_code, r.json()["detail"]) == (status, detail)
    r = client.post("/api/v1/shared-employment/offers", headers=login(client, "staff_a"), json=body)
    assert r.status_code == 403
    assert r.json()["detail"] == "only an enterprise's HR account may post shared-employment offers and needs"


def test_plan_bad_input_and_roles(env: Env) -> None:
    client, _, engine = env
    admin = login(client, "admin")
    url = "/api/v1/plan/shared-employment"
    r = client.get(url, headers=admin, params={"max_minutes": 0})
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "max_minutes must be greater than 0, got 0 (field max_minutes)",
    )
    r = client.get(url, headers=admin, params={"mode": "walk"})
    assert (r.status_code, r.json()["detail"]) == (
        422,
        "shared employment plans by car or ebike, not 'walk' (field mode)",
    )
    r = client.get(url, headers=login(client, "hr_1"))
    assert r.status_code == 403
    empty = client.get(url, headers=admin).json()
    assert (
        empty["assignments"] == []
        and empty["note"] == "no offers of idle staff in your area: nothing to plan"
    )
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM road_network_info"))
    r = client.get(url, headers=admin)
    assert r.status_code == 409 and r.json()["detail"].startswith("no road network is imported")


def test_shared_tables_are_scoped(env: Env, tmp_path: Path) -> None:
    client, world, owner = env
    sites = {}
    with owner.connect() as conn:
        for key, ent in (("1", world.enterprise_1), ("2", world.enterprise_2)):
            sites[key] = conn.execute(
                text("SELECT min(site_id) FROM enterprise_sites WHERE enterprise_id = :e"), {"e": ent}
            ).scalar_one()
        area_1 = conn.execute(
            text("SELECT area_code FROM enterprise_sites WHERE site_id = :s"), {"s": sites["1"]}
        ).scalar_one()
    offer_1 = _insert(owner, "shared_labour_offers", sites["1"], WELDER, 3, SEASON)
    _insert(owner, "shared_labour_needs", sites["1"], WELDER, 3, JANUARY)
    other_town = "341522400" if not area_1.startswith("341522400") else "341522100"
    web = create_engine(app_database_url(app_settings(owner.url.render_as_string(False), tmp_path)))
    try:
        with web.begin() as conn:
            scoped(conn, Scope("341522", account_id=1, enterprise_id=world.enterprise_2))
            assert conn.execute(text("SELECT count(*) FROM shared_labour_offers")).scalar_one() == 0
            assert conn.execute(text("UPDATE shared_labour_offers SET workers = 99")).rowcount == 0
        with web.begin() as conn:
            scoped(conn, Scope(other_town, account_id=1))
            assert conn.execute(text("SELECT count(*) FROM shared_labour_needs")).scalar_one() == 0
        with pytest.raises(ProgrammingError, match="row-level security"), web.begin() as conn:
            scoped(conn, Scope("341522", account_id=1, enterprise_id=world.enterprise_2))
            conn.execute(
                text(
                    "INSERT INTO shared_labour_offers (enterprise_id, site_id, occupation_code, workers, "
                    "date_from, date_to, area_code) VALUES (:e, :s, :c, 1, '2031-01-01', '2031-01-02', :a)"
                ),
                {"e": world.enterprise_1, "s": sites["1"], "c": WELDER, "a": area_1},
            )
        with web.begin() as conn:
            scoped(conn, Scope(area_1[:9], account_id=1))
            assert conn.execute(text("SELECT offer_id FROM shared_labour_offers")).scalars().all() == [
                offer_1
            ]
    finally:
        web.dispose()


def test_township_plan_sees_only_its_own_area(env: Env) -> None:
    client, world, owner = env
    with owner.connect() as conn:
        site_a = conn.execute(
            text("SELECT min(site_id) FROM enterprise_sites WHERE area_code LIKE :p"),
            {"p": world.township_a[:9] + "%"},
        ).scalar_one()
    offer = _insert(owner, "shared_labour_offers", site_a, WELDER, 2, SEASON)
    need = _insert(owner, "shared_labour_needs", site_a, WELDER, 2, JANUARY)
    mine = client.get("/api/v1/plan/shared-employment", headers=login(client, "staff_a")).json()
    assert [(a["offer_id"], a["need_id"], a["workers"]) for a in mine["assignments"]] == [(offer, need, 2)]
    theirs = client.get("/api/v1/plan/shared-employment", headers=login(client, "staff_b")).json()
    assert theirs["assignments"] == [] and theirs["unmet"] == [] and theirs["totals"]["offered"] == 0


def test_planted_need_80_km_away_on_a_long_road_is_unmet_with_the_reason(
    engine: Engine, tmp_path: Path
) -> None:
    """A county-long trunk road (85 km at 80 km/h): welders lent 4 km along it, not 80 km (60 min > 45 min)."""
    from roads_osm import write_osm

    from geo.osm.road_store import import_osm_file
    from registry.occupations import load_occupations

    lat, lon0, km = 32.35, 116.0, 1 / (111.32 * np.cos(np.radians(32.35)))  # degrees of longitude per km
    nodes = {k + 1: (lon0 + k * km, lat) for k in range(86)}
    import_osm_file(
        engine, write_osm(tmp_path / "trunk.osm", nodes, [(1, list(nodes), {"highway": "trunk"})])
    )
    town = "341522100000"
    with engine.begin() as conn:
        load_occupations(conn)
        for code, level, parent in (("341522000000", "county", None), (town, "township", "341522000000")):
            conn.execute(
                text(
                    "INSERT INTO admin_areas (code, name, level, parent_code, geom) VALUES "
                    "(:c, :n, :l, :p, ST_Multi(ST_MakeEnvelope(115.9, 32.2, 117.0, 32.5, 4326)))"
                ),
                {"c": code, "n": f"地区{code}", "l": level, "p": parent},
            )
        sites = {}
        for name, at_km in (("铸造厂", 0.5), ("近处机械厂", 4.5), ("远处钢构厂", 80.5)):
            eid = conn.execute(
                text("INSERT INTO enterprises (name, area_code) VALUES (:n, :a) RETURNING enterprise_id"),
                {"n": name, "a": town},
            ).scalar_one()
            sites[name] = conn.execute(
                text(
                    "INSERT INTO enterprise_sites (enterprise_id, area_code, geom) VALUES "
                    "(:e, :a, ST_SetSRID(ST_MakePoint(:x, :y), 4326)) RETURNING site_id"
                ),
                {"e": eid, "a": town, "x": lon0 + at_km * km, "y": lat + 0.0005},
            ).scalar_one()
    _insert(engine, "shared_labour_offers", sites["铸造厂"], WELDER, 5, SEASON)
    near = _insert(engine, "shared_labour_needs", sites["近处机械厂"], WELDER, 3, JANUARY)
    far = _insert(engine, "shared_labour_needs", sites["远处钢构厂"], WELDER, 4, JANUARY)
    service = CircleService(Settings(database_url=engine.url.render_as_string(False), data_dir=tmp_path))
    with engine.connect() as conn:
        plan = plan_shared(service, conn, mode="car", max_minutes=45, today=TODAY)
    assert [(a["need_id"], a["workers"], a["minutes"]) for a in plan["assignments"]] == [(near, 3, 3.0)]
    assert plan["unmet"] == [
        {
            "need_id": far,
            "enterprise": "远处钢构厂",
            "site_id": sites["远处钢构厂"],
            "occupation": "焊工",
            "workers": 4,
            "reason": "最近的富余员工驾车 60 分钟，超过 45 分钟上限 nearest compatible offer is 60 min away, over the limit",
        }
    ]
