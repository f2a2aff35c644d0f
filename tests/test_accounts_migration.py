"""Migration 0006 goes down and up again; row-level security is on exactly while it is applied."""

from __future__ import annotations

from sqlalchemy import Engine, text

from geo.core.migrate import downgrade, upgrade

FORCED = text(
    "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relrowsecurity "
    "AND relname IN ('residents', 'enterprises', 'enterprise_sites', 'vacancies', 'accounts') ORDER BY 1"
)


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(FORCED).scalars().all() == [
            "accounts",
            "enterprise_sites",
            "enterprises",
            "residents",
            "vacancies",
        ]
    downgrade(engine, "0005_circle_stats_bulk")
    with engine.connect() as conn:
        assert conn.execute(FORCED).scalars().all() == []
        assert conn.execute(text("SELECT to_regclass('accounts')")).scalar() is None
    upgrade(engine)  # the roles already exist: creating them again is a no-op
    with engine.connect() as conn:
        assert len(conn.execute(FORCED).scalars().all()) == 5
        assert (
            conn.execute(text("SELECT count(*) FROM pg_policies WHERE tablename = 'vacancies'")).scalar() == 2
        )
