"""`hongyan matching related-trades` end to end, and migration 0009 down and up again."""

from __future__ import annotations

from sqlalchemy import Engine, text
from typer.testing import CliRunner

from api.cli.main import app
from geo.core.migrate import downgrade, upgrade
from registry.occupations import load_occupations

runner = CliRunner()
SCOPED = text(
    "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relrowsecurity "
    "AND relname IN ('circle_snapshots', 'shared_labour_offers', 'shared_labour_needs') ORDER BY 1"
)


def test_related_trades_cli(engine: Engine, db_url: str) -> None:
    with engine.begin() as conn:
        load_occupations(conn)
    env = {"HONGYAN_DATABASE_URL": db_url, "COLUMNS": "200"}
    listed = runner.invoke(app, ["matching", "related-trades", "list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert "6-18-02-04" in listed.output and "焊工" in listed.output
    added = runner.invoke(
        app,
        [
            "matching",
            "related-trades",
            "set",
            "6-31-05-00",
            "4-02-05-01",
            "--weight",
            "0.4",
            "--note",
            "包装与搬运",
            "--by",
            "tester",
        ],
        env=env,
    )
    assert added.exit_code == 0, added.output
    assert "related trades 4-02-05-01 ~ 6-31-05-00: weight 0.4" in added.output
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT weight, note, updated_by FROM related_trades "
                "WHERE code_a = '4-02-05-01' AND code_b = '6-31-05-00'"
            )
        ).one()
    assert tuple(row) == (0.4, "包装与搬运", "tester")
    bad = runner.invoke(
        app, ["matching", "related-trades", "set", "6-18", "6-29-03-04", "--weight", "0.5"], env=env
    )
    assert bad.exit_code == 2
    assert (
        "6-18 (机械制造基础加工人员) is a medium group; related trades pair detail occupations" in bad.output
    )
    same = runner.invoke(
        app, ["matching", "related-trades", "set", "6-29-03-04", "6-29-03-04", "--weight", "1"], env=env
    )
    assert same.exit_code == 2 and "a trade is not related to itself (6-29-03-04)" in same.output
    removed = runner.invoke(
        app, ["matching", "related-trades", "remove", "6-31-05-00", "4-02-05-01"], env=env
    )
    assert removed.exit_code == 0 and "removed" in removed.output
    again = runner.invoke(app, ["matching", "related-trades", "remove", "6-31-05-00", "4-02-05-01"], env=env)
    assert again.exit_code == 2 and "are not listed as related trades" in again.output


def test_migration_0009_down_and_up(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(SCOPED).scalars().all() == [
            "circle_snapshots",
            "shared_labour_needs",
            "shared_labour_offers",
        ]
        seeded = conn.execute(text("SELECT count(*) FROM related_trades")).scalar_one()
    assert seeded >= 40
    downgrade(engine, "0006_accounts_rls")
    with engine.connect() as conn:
        assert conn.execute(SCOPED).scalars().all() == []
        assert conn.execute(text("SELECT to_regclass('related_trades')")).scalar() is None
        cols = conn.execute(
            text("SELECT column_name FROM information_schema.columns WHERE table_name = 'vacancies'")
        )
        assert "min_age" not in set(cols.scalars())
    upgrade(engine)
    with engine.connect() as conn:
        assert len(conn.execute(SCOPED).scalars().all()) == 3
        assert conn.execute(text("SELECT count(*) FROM related_trades")).scalar_one() == seeded
