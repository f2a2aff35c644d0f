"""Migration 0016: talent_id on park tenants and support requests, down and up again on the demo's data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from geo.core.db import create_db_engine
from geo.core.migrate import downgrade, upgrade

PARTY = "SELECT count(*) FILTER (WHERE talent_id IS NOT NULL), count(*) FILTER (WHERE resident_id IS NOT NULL) FROM "


@pytest.fixture
def demo(demo_db_url: str) -> Iterator[Engine]:
    """An owner engine on a private copy of the small demo."""
    engine = create_db_engine(demo_db_url, pool_size=1)
    yield engine
    engine.dispose()


def _columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"), {"t": table}
            ).scalars()
        )


def test_down_keeps_talents_as_residents_and_up_restores_the_column(demo: Engine) -> None:
    with demo.connect() as conn:
        with_resident = conn.execute(
            text(
                "SELECT count(*) FROM park_tenants p JOIN talents t USING (talent_id) "
                "WHERE t.resident_id IN (SELECT resident_id FROM residents)"
            )
        ).scalar_one()
        tenants = conn.execute(text(PARTY + "park_tenants")).one()
    assert tenants[0] > 0 and with_resident > 0
    downgrade(demo, "0010_programme")
    assert "talent_id" not in _columns(demo, "park_tenants") | _columns(demo, "support_requests")
    with demo.connect() as conn:
        residents = conn.execute(text("SELECT count(*) FROM park_tenants WHERE resident_id IS NOT NULL"))
        assert residents.scalar_one() == with_resident
    upgrade(demo)
    assert "talent_id" in _columns(demo, "park_tenants") and "talent_id" in _columns(demo, "support_requests")
    with demo.begin() as conn:
        one = conn.execute(text("SELECT park_id, area_code FROM park_tenants LIMIT 1")).one()
        talent = conn.execute(text("SELECT min(talent_id) FROM talents")).scalar_one()
        with pytest.raises(IntegrityError, match="one_party"):
            with conn.begin_nested():
                conn.execute(
                    text(
                        "INSERT INTO park_tenants (park_id, area_code, talent_id, resident_id, units) "
                        "VALUES (:p, :a, :t, (SELECT min(resident_id) FROM residents), 1)"
                    ),
                    {"p": one.park_id, "a": one.area_code, "t": talent},
                )
        conn.execute(
            text("INSERT INTO park_tenants (park_id, area_code, talent_id, units) VALUES (:p, :a, :t, 1)"),
            {"p": one.park_id, "a": one.area_code, "t": talent},
        )
