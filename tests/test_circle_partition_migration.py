"""Migration 0019: per-resident circle figures partitioned by run; rows survive down and up again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from geo.core.db import create_db_engine
from geo.core.migrate import downgrade, upgrade
from geo.core.settings import Settings
from matching.analytics.store import analyze_circles
from matching.circle.service import CircleService

ROWS = "SELECT count(*), sum(positions_in_reach) FROM circle_resident_stats"
PARTITIONED = "SELECT relkind = 'p' FROM pg_class WHERE oid = 'circle_resident_stats'::regclass"


@pytest.fixture
def demo(demo_db_url: str) -> Iterator[Engine]:
    """An owner engine on a private copy of the small demo."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    yield engine
    engine.dispose()


def test_down_and_up_keep_the_rows(demo: Engine, demo_db_url: str) -> None:
    service = CircleService(Settings(database_url=demo_db_url))
    analyze_circles(demo, service, mode="walk", metric="length", limit=3000.0)
    analyze_circles(demo, service, mode="car", metric="length", limit=3000.0)
    with demo.connect() as conn:
        before = tuple(conn.execute(text(ROWS)).one())
        assert conn.execute(text(PARTITIONED)).scalar_one() is True
    downgrade(demo, "0018_resident_group_counts")
    with demo.connect() as conn:
        assert tuple(conn.execute(text(ROWS)).one()) == before
        assert conn.execute(text(PARTITIONED)).scalar_one() is False
    upgrade(demo)
    with demo.connect() as conn:
        assert tuple(conn.execute(text(ROWS)).one()) == before
        parts = conn.execute(
            text("SELECT count(*) FROM pg_inherits WHERE inhparent = 'circle_resident_stats'::regclass")
        ).scalar_one()
    assert parts == 2
    analyze_circles(demo, service, mode="walk", metric="length", limit=3000.0)  # replaces its partition
    with demo.connect() as conn:
        assert tuple(conn.execute(text(ROWS)).one()) == before
