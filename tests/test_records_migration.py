"""Migration 0007 goes down and up again; existing rows become approved; the history tables are scoped."""

from __future__ import annotations

from sqlalchemy import Engine, text

from geo.core.migrate import downgrade, upgrade

HISTORY_RLS = text(
    "SELECT relname FROM pg_class WHERE relforcerowsecurity AND relrowsecurity "
    "AND relname IN ('record_changes', 'review_events') ORDER BY 1"
)
APP_PRIVILEGES = text(
    "SELECT t, p FROM unnest(ARRAY['record_changes', 'review_events']) AS t, "
    "unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p WHERE has_table_privilege('hongyan_app', t, p) "
    "ORDER BY 1, 2"
)


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(HISTORY_RLS).scalars().all() == ["record_changes", "review_events"]
        assert [tuple(r) for r in conn.execute(APP_PRIVILEGES)] == [
            ("record_changes", "INSERT"),
            ("record_changes", "SELECT"),
            ("review_events", "INSERT"),
            ("review_events", "SELECT"),
        ]
    downgrade(engine, "0006_accounts_rls")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT to_regclass('record_changes')")).scalar() is None
        conn.execute(
            text(
                "INSERT INTO admin_areas (code, name, level, geom) VALUES ('341522000000', '霍邱县', 'county', "
                "ST_Multi(ST_MakeEnvelope(116, 32, 116.5, 32.5, 4326)))"
            )
        )
        conn.execute(text("INSERT INTO enterprises (name, area_code) VALUES ('旧企业', '341522000000')"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT record_status FROM enterprises")).scalar_one() == "approved"
        assert conn.execute(HISTORY_RLS).scalars().all() == ["record_changes", "review_events"]
        assert (
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_policies WHERE tablename IN ('record_changes', 'review_events')"
                )
            ).scalar()
            == 4
        )
