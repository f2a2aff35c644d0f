"""The labour rebalancing plan on the small demo county: API, CLI, the LP cross-check, planted truth, bad input."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app as cli
from geo.core.db import create_db_engine
from geo.core.settings import Settings
from matching.circle.service import CircleService
from matching.rebalance.flow import penalty_for
from matching.rebalance.inputs import load_balances
from matching.rebalance.travel import centre_times, fill_rows, matrix
from tests.rebalance_lp import lp_objective

ZONE = "341522400000"  # 安徽霍邱经济开发区


@pytest.fixture(scope="module")
def client(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("plan"))
    with TestClient(create_app(settings)) as c:
        yield c


def _client(url: str, tmp_path: Path) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, data_dir=tmp_path)))


def _check_consistent(body: dict, balances_net: dict[tuple[str, str], int], max_minutes: float) -> None:
    """Nothing absurd: flows within the commute, only from surplus to shortage, quantities conserved."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    inflow: dict[tuple[str, str], int] = defaultdict(int)
    for f in body["flows"]:
        assert f["minutes"] <= max_minutes and f["workers"] > 0
        assert balances_net[(f["from_code"], f["group"])] > 0, f
        assert balances_net[(f["to_code"], f["group"])] < 0, f
        out[(f["from_code"], f["group"])] += f["workers"]
        inflow[(f["to_code"], f["group"])] += f["workers"]
    unmet = {(u["code"], u["group"]): u["positions"] for u in body["unmet"]}
    for key, net in balances_net.items():
        if net > 0:
            assert out[key] <= net and key not in unmet
        elif net < 0:
            assert inflow[key] + unmet.get(key, 0) == -net, key
    for g in body["groups"]:
        assert g["moved"] + g["unmet"] == g["shortage"]
        assert g["moved"] + g["idle"] == g["surplus"]
        assert g["objective"] <= g["greedy_objective"]
    t = body["totals"]
    assert t["moved"] == sum(f["workers"] for f in body["flows"])
    assert t["unmet"] == sum(u["positions"] for u in body["unmet"])


def _nets(url: str, level: str) -> dict[tuple[str, str], int]:
    eng = create_db_engine(url, pool_size=1)
    with eng.connect() as conn:
        bal = load_balances(conn, level=level, srid=4548)  # type: ignore[arg-type]
    eng.dispose()
    return {
        (str(c), g): int(bal.net[i, k]) for i, c in enumerate(bal.codes) for k, g in enumerate(bal.groups)
    }


@pytest.mark.parametrize(("level", "mode"), [("township", "car"), ("village", "ebike")])
def test_plan_is_consistent(client: TestClient, small_demo_url: str, level: str, mode: str) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"level": level, "mode": mode})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["note"] is None and body["flows"], body["totals"]
    assert body["query"]["max_minutes"] == (45.0 if mode == "car" else 30.0)
    f = body["flows"][0]
    for key in (
        "from_code",
        "from_name",
        "to_code",
        "to_name",
        "group",
        "group_name",
        "cost",
        "from_lon",
        "from_lat",
        "to_lon",
        "to_lat",
    ):
        assert key in f
    assert abs(f["cost"] - f["workers"] * f["minutes"]) <= 0.05 * f["workers"]
    _check_consistent(body, _nets(small_demo_url, level), body["query"]["max_minutes"])


def test_objective_equals_highs_on_the_demo(small_demo_url: str) -> None:
    settings = Settings(database_url=small_demo_url)
    service = CircleService(settings)
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        net = service.network(conn)
        bal = load_balances(conn, level="village", srid=settings.metric_srid)
        from matching.rebalance.plan import plan_rebalance

        plan = plan_rebalance(service, conn, level="village", mode="car", max_minutes=20)
    eng.dispose()
    times = centre_times(service, net, bal.x, bal.y, mode="car", limit=1200.0)
    checked = 0
    for totals in plan.groups:
        if totals.shortage == 0 or totals.surplus == 0:
            continue
        k = bal.groups.index(totals.group)
        src, snk = np.flatnonzero(bal.net[:, k] > 0), np.flatnonzero(bal.net[:, k] < 0)
        fill_rows(service, net, times, src.tolist())
        secs = matrix(times, src, snk)
        allowed = np.isfinite(secs) & (secs <= 1200.0)
        cost = np.where(allowed, np.rint(np.where(allowed, secs, 0.0)), 0).astype(np.int64)
        penalty = penalty_for(1200, len(src), len(snk))
        assert penalty == totals.penalty
        lp = lp_objective(bal.net[src, k], -bal.net[snk, k], cost, allowed, penalty)
        assert abs(totals.objective - lp) <= 1e-6, totals.group
        checked += 1
    assert checked >= 5


def test_everything_beyond_the_commute_is_explained(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"level": "township", "max_minutes": 0.05})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["flows"] == [] and body["totals"]["moved"] == 0
    assert body["totals"]["unmet"] == body["totals"]["shortage"] > 0
    reasons = {u["reason"] for u in body["unmet"]}
    assert reasons <= {"out_of_reach", "no_surplus"} and "out_of_reach" in reasons
    u = next(u for u in body["unmet"] if u["reason"] == "out_of_reach")
    assert u["explanation"] == (
        "no area with spare workers of this group lies within the commute (max 0.05 min by car)"
    )
    assert u["name"] and u["group_name"] and u["positions"] > 0


def test_no_roads_is_409(db_url: str, tmp_path: Path) -> None:
    with _client(db_url, tmp_path) as c:
        r = c.get("/api/v1/plan/rebalance")
    assert r.status_code == 409
    assert r.json()["detail"] == (
        "no road network is imported: run `hongyan import roads --osm-file FILE` (or `hongyan demo build`) first"
    )


def test_unknown_group_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"group": "6-98"})
    assert r.status_code == 422
    assert r.json()["detail"] == (
        "occupation group '6-98' does not exist: give a medium group code such as 6-18 "
        "(机械制造基础加工人员); see the occupations table (field group)"
    )


def test_detail_code_is_not_a_group_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"group": "6-18-02-04"})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("occupation group '6-18-02-04' does not exist")


def test_zero_minutes_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"max_minutes": 0})
    assert r.status_code == 422
    assert (
        r.json()["detail"]
        == "max_minutes must be greater than 0, got 0: give the longest acceptable commute (field max_minutes)"
    )


def test_negative_minutes_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"max_minutes": -5})
    assert r.status_code == 422
    assert (
        r.json()["detail"]
        == "max_minutes must be greater than 0, got -5: give the longest acceptable commute (field max_minutes)"
    )


def test_too_many_minutes_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"max_minutes": 500})
    assert r.status_code == 422
    assert r.json()["detail"] == "max_minutes 500 exceeds the maximum of 180 (field max_minutes)"


def test_unknown_level_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"level": "county"})
    assert r.status_code == 422
    assert r.json()["detail"] == "unknown level 'county': use township or village (field level)"


def test_unknown_mode_is_422(client: TestClient) -> None:
    r = client.get("/api/v1/plan/rebalance", params={"mode": "walk"})
    assert r.status_code == 422
    assert r.json()["detail"] == "unknown mode 'walk': use car or ebike (field mode)"


def test_cli_prints_the_plan(small_demo_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": small_demo_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["plan", "rebalance", "--group", "6-18", "--mode", "ebike"], env=env)
    assert result.exit_code == 0, result.output
    assert "调剂方案 flows (township, ebike, ≤ 30 min)" in result.output
    assert "worker-minutes" in result.output and "greedy nearest-first" in result.output


def test_cli_bad_group_exits_2(small_demo_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": small_demo_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["plan", "rebalance", "--group", "9-99"], env=env)
    assert result.exit_code == 2
    assert "occupation group '9-99' does not exist" in result.output
