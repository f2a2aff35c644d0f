"""The rebalancing plan on private copies of the small demo: the planted welder scenario, no vacancies."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from geo.core.db import create_db_engine
from matching.rebalance.planted import plant_welders
from tests.test_rebalance_plan import ZONE, _check_consistent, _client, _nets


def test_planted_welders_move_to_the_zone(demo_db_url: str, tmp_path: Path) -> None:
    eng = create_db_engine(demo_db_url, pool_size=1)
    with eng.begin() as conn:
        nearest = (
            conn.execute(
                text(
                    "SELECT t.code FROM admin_areas t, admin_areas z WHERE z.code = :zone AND t.level = 'township' "
                    "AND t.code <> z.code ORDER BY ST_Distance(t.seat, z.seat) LIMIT 2"
                ),
                {"zone": ZONE},
            )
            .scalars()
            .all()
        )
        a, b = nearest
        planted = plant_welders(conn, townships=(a, b), zone=ZONE, welders_each=400, positions=700)
    eng.dispose()
    assert planted.site_id > 0
    nets = _nets(demo_db_url, "township")
    other_surplus = sum(n for (code, g), n in nets.items() if g == "6-18" and n > 0 and code not in (a, b))
    zone_short = -nets[(ZONE, "6-18")]
    assert zone_short >= 700 - 50 and nets[(a, "6-18")] >= 350 and nets[(b, "6-18")] >= 350
    with _client(demo_db_url, tmp_path) as c:
        r = c.get("/api/v1/plan/rebalance", params={"level": "township", "mode": "car", "group": "6-18"})
        rv = c.get("/api/v1/plan/rebalance", params={"level": "village", "mode": "car", "group": "6-18"})
    assert r.status_code == 200, r.text
    body = r.json()
    _check_consistent(body, {k: v for k, v in nets.items() if k[1] == "6-18"}, 45.0)
    to_zone = {f["from_code"]: f["workers"] for f in body["flows"] if f["to_code"] == ZONE}
    assert set(to_zone) >= {a, b}
    # the zone is filled, and at most the other townships' whole surplus comes from elsewhere
    assert sum(to_zone.values()) == zone_short
    assert to_zone[a] + to_zone[b] >= zone_short - other_surplus > 0
    assert all(u["code"] != ZONE for u in body["unmet"])
    assert {f["group"] for f in body["flows"]} == {"6-18"}
    assert body["groups"][0]["group_name"] == "机械制造基础加工人员"
    # village level: the site is recorded against the zone itself; the planted villages must supply it
    assert rv.status_code == 200, rv.text
    vnets = _nets(demo_db_url, "village")
    _check_consistent(rv.json(), {k: v for k, v in vnets.items() if k[1] == "6-18"}, 45.0)
    zone_v = -vnets[(ZONE, "6-18")]
    others = sum(
        n for (code, g), n in vnets.items() if g == "6-18" and n > 0 and code not in planted.villages
    )
    assert zone_v == 700 and others < 300  # so neither planted village alone (400) can be spared
    to_zone_v = {f["from_code"]: f["workers"] for f in rv.json()["flows"] if f["to_code"] == ZONE}
    v0, v1 = planted.villages
    assert to_zone_v.get(v0, 0) > 0 and to_zone_v.get(v1, 0) > 0
    assert to_zone_v[v0] + to_zone_v[v1] >= zone_v - others
    assert sum(to_zone_v.values()) == zone_v


def test_no_vacancies_means_nothing_to_rebalance(demo_db_url: str, tmp_path: Path) -> None:
    eng = create_db_engine(demo_db_url, pool_size=1)
    with eng.begin() as conn:
        conn.execute(text("DELETE FROM vacancies"))
    eng.dispose()
    with _client(demo_db_url, tmp_path) as c:
        r = c.get("/api/v1/plan/rebalance")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["note"] == "nothing to rebalance: there are no open vacancies"
    assert body["flows"] == [] and body["unmet"] == []
