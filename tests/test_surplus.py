"""Surplus/shortage snapshots: spatial availability adds up to the positions, agrees with a brute force, trends."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from typer.testing import CliRunner

from api.app import create_app
from api.cli.main import app as cli
from geo.core.db import app_database_url, create_db_engine
from geo.core.scope import Scope, scoped
from geo.core.settings import Settings
from matching.analytics.compute import CircleInputs, gaussian_weight
from matching.analytics.surplus import SiteReach, area_rows, figures
from matching.analytics.surplus_store import take_snapshot
from matching.circle.service import CircleService
from tests.accounts_world import app_settings

LIMIT = 3000.0


def _inputs(rng: np.random.Generator, n_res: int, n_sites: int) -> CircleInputs:
    groups = ("", "6-18", "6-29", "4-02")
    site_group = rng.integers(0, 4, (n_sites, len(groups))) * (rng.random((n_sites, len(groups))) < 0.6)
    village = np.array([f"3415221000{k:02d}" for k in rng.integers(1, 4, n_res)], dtype=object)
    return CircleInputs(
        resident_ids=np.arange(1, n_res + 1, dtype=np.int64),
        rx=np.zeros(n_res),
        ry=np.zeros(n_res),
        available=rng.random(n_res) < 0.7,
        resident_group=rng.integers(0, len(groups), n_res).astype(np.int32),
        village=village,
        township=np.array(["341522100000"] * n_res, dtype=object),
        site_ids=np.arange(1, n_sites + 1, dtype=np.int64),
        sx=np.zeros(n_sites),
        sy=np.zeros(n_sites),
        site_area=np.array(["341522100001"] * n_sites, dtype=object),
        site_township=np.array(["341522100000"] * n_sites, dtype=object),
        groups=groups,
        site_positions=site_group.sum(axis=1).astype(np.int64),
        site_group_positions=site_group.astype(np.int64),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_agree_with_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_res, n_sites = 40, 7
    inputs = _inputs(rng, n_res, n_sites)
    cost = np.where(rng.random((n_sites, n_res)) < 0.5, rng.random((n_sites, n_res)) * LIMIT, np.inf)
    cost[0, :] = np.inf  # a site nobody reaches
    reach = SiteReach(
        [np.flatnonzero(np.isfinite(cost[j])).astype(np.int32) for j in range(n_sites)],
        [cost[j][np.isfinite(cost[j])] for j in range(n_sites)],
    )
    for group, cols in (("all", [0, 1, 2, 3]), ("6", [1, 2]), ("6-29", [2]), ("4", [3])):
        fig = figures(inputs, reach, group, limit=LIMIT)
        p = inputs.site_group_positions[:, cols].sum(axis=1)
        d = inputs.available & (np.isin(inputs.resident_group, cols) if group != "all" else True)
        a2, ae, sa = np.zeros(n_res), np.zeros(n_res), np.zeros(n_res)
        unallocated = 0.0
        for j in range(n_sites):
            within = [i for i in range(n_res) if np.isfinite(cost[j, i])]
            w = {i: float(gaussian_weight(np.array([cost[j, i]]), LIMIT)[0]) for i in within}
            plain = sum(d[i] for i in within)
            weighted = sum(w[i] * d[i] for i in within)
            if p[j] and weighted == 0:
                unallocated += p[j]
            for i in within:
                if d[i] and plain:
                    a2[i] += p[j] / plain
                if d[i] and weighted:
                    ae[i] += w[i] * p[j] / weighted
                    sa[i] += p[j] * w[i] / weighted
        np.testing.assert_allclose(fig.access_2sfca, a2, atol=1e-9)
        np.testing.assert_allclose(fig.access_e2sfca, ae, atol=1e-9)
        np.testing.assert_allclose(fig.availability, sa, atol=1e-9)
        assert abs(fig.availability.sum() + fig.unallocated - p.sum()) < 1e-6
        assert fig.unallocated == unallocated
        rows = area_rows(inputs, fig, group)
        villages = rows[rows.level == "village"]
        assert abs(villages.spatial_availability.sum() + fig.unallocated - p.sum()) < 1e-6
        assert villages.seekers.sum() == d.sum()


@pytest.fixture
def snap_engine(demo_db_url: str) -> Iterator[Engine]:
    """An owner engine on a private copy of the small demo."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    try:
        yield engine
    finally:
        engine.dispose()


def test_snapshot_shares_sum_to_positions_on_the_demo(
    snap_engine: Engine, demo_db_url: str, tmp_path: Path
) -> None:
    service = CircleService(Settings(database_url=demo_db_url, data_dir=tmp_path))
    summary = take_snapshot(
        snap_engine, service, mode="walk", metric="length", limit=LIMIT, day=date(2026, 11, 1)
    )
    assert summary.rows > 0 and summary.groups > 3 and summary.positions > 0
    with snap_engine.connect() as conn:
        by_level = dict(
            conn.execute(
                text(
                    "SELECT level, sum(spatial_availability) FROM circle_snapshots WHERE \"group\" = 'all' "
                    "GROUP BY level"
                )
            ).all()
        )
        positions = conn.execute(
            text(
                "SELECT sum(positions) FROM vacancies WHERE status = 'open' "
                "AND (valid_until IS NULL OR valid_until >= current_date)"
            )
        ).scalar_one()
        per_group = conn.execute(
            text(
                "SELECT \"group\", sum(spatial_availability) FILTER (WHERE level = 'village'), "
                "sum(spatial_availability) FILTER (WHERE level = 'township') FROM circle_snapshots GROUP BY 1"
            )
        ).all()
    assert positions == summary.positions
    assert abs(by_level["village"] + summary.unallocated - positions) < 1e-6
    assert abs(by_level["township"] - by_level["village"]) < 1e-6
    for _, village_sum, township_sum in per_group:
        assert abs(village_sum - township_sum) < 1e-6


def test_cli_snapshots_api_and_trend(snap_engine: Engine, demo_db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"HONGYAN_DATABASE_URL": demo_db_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    first = runner.invoke(cli, ["analyze", "circles", "--snapshot", "--date", "2026-11-01"], env=env)
    assert first.exit_code == 0, first.output
    assert "snapshot 2026-11-01:" in first.output
    with snap_engine.connect() as conn:
        town = conn.execute(
            text(
                "SELECT area_code FROM circle_snapshots WHERE level = 'township' AND \"group\" = 'all' "
                "ORDER BY positions DESC, area_code LIMIT 1"
            )
        ).scalar_one()
    with snap_engine.begin() as conn:  # the township's employers fill their vacancies
        conn.execute(
            text("UPDATE vacancies SET status = 'closed' WHERE area_code LIKE :p"), {"p": town[:9] + "%"}
        )
    second = runner.invoke(cli, ["analyze", "circles", "--snapshot", "--date", "2026-11-20"], env=env)
    assert second.exit_code == 0, second.output
    bad = runner.invoke(cli, ["analyze", "circles", "--snapshot", "--date", "20.11.2026"], env=env)
    assert bad.exit_code == 2 and "--date must be YYYY-MM-DD, got '20.11.2026'" in bad.output
    settings = Settings(database_url=demo_db_url, data_dir=tmp_path / "app")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/stats/surplus/choices", params={"mode": "car"}).json()["dates"] == []
        picks = client.get("/api/v1/stats/surplus/choices").json()
        assert picks["dates"] == ["2026-11-01", "2026-11-20"] and picks["groups"][0]["group"] == "all"
        latest = client.get("/api/v1/stats/surplus").json()
        assert latest["date"] == "2026-11-20" and latest["dates"] == ["2026-11-01", "2026-11-20"]
        assert any(g["group"] == "6" for g in latest["groups"])
        row = next(a for a in latest["areas"] if a["code"] == town)
        assert row["positions"] == 0
        older = client.get(
            "/api/v1/stats/surplus", params={"date": "2026-11-01", "level": "village", "group": "6"}
        )
        assert older.status_code == 200 and older.json()["areas"]
        trend = client.get("/api/v1/stats/surplus/trend", params={"area": town}).json()
        assert [p["snapshot_date"] for p in trend["points"]] == ["2026-11-01", "2026-11-20"]
        assert trend["points"][0]["positions"] > 0 and trend["points"][1]["positions"] == 0
        assert trend["points"][1]["balance"] < trend["points"][0]["balance"]
        missing = client.get("/api/v1/stats/surplus", params={"date": "2026-10-01"})
        assert missing.status_code == 404
        assert (
            missing.json()["detail"]
            == "no snapshot on 2026-10-01; snapshots exist for 2026-11-01, 2026-11-20"
        )
        bad_group = client.get("/api/v1/stats/surplus", params={"group": "8"})
        assert bad_group.status_code == 422
        assert bad_group.json()["detail"].startswith("no figures for group '8' on 2026-11-20")
        none = client.get("/api/v1/stats/surplus", params={"mode": "car"})
        assert none.status_code == 404
        assert none.json()["detail"] == (
            "no surplus snapshots for mode car within 3000 m yet: run "
            "`hongyan analyze circles --mode car --radius 3000 --snapshot` first"
        )
    # row-level security: a township's scope reads only its own areas' snapshots, directly in SQL
    web = create_engine(app_database_url(app_settings(demo_db_url, tmp_path)))
    try:
        with web.begin() as conn:
            scoped(conn, Scope(town[:9], account_id=1))
            codes = conn.execute(text("SELECT DISTINCT area_code FROM circle_snapshots")).scalars().all()
            assert codes and all(c.startswith(town[:9]) for c in codes)
            with pytest.raises(Exception, match="permission denied"):
                conn.execute(text("DELETE FROM circle_snapshots"))
    finally:
        web.dispose()
