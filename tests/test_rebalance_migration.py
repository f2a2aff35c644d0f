"""Migration 0017: the change log of the labour tables, its triggers, and what the application role may do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import ProgrammingError

from geo.core.db import app_database_url, create_db_engine
from geo.core.migrate import downgrade, upgrade
from geo.core.scope import Scope, scoped
from geo.core.settings import Settings

TRIGGERS = (
    "SELECT count(*) FROM pg_trigger WHERE tgname IN "
    "('residents_data_change', 'vacancies_data_change', 'enterprise_sites_data_change', 'admin_areas_data_change')"
)
TABLE = "SELECT to_regclass('public.data_changes') IS NOT NULL"


@pytest.fixture
def demo(demo_db_url: str) -> Iterator[Engine]:
    """An owner engine on a private copy of the small demo."""
    engine = create_db_engine(demo_db_url, pool_size=1)
    yield engine
    engine.dispose()


@pytest.fixture
def web(demo: Engine, tmp_path: Path) -> Iterator[Engine]:
    """An engine connected as hongyan_web (member of hongyan_app)."""
    url = app_database_url(Settings(database_url=demo.url.render_as_string(False), data_dir=tmp_path))
    engine = create_engine(url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _one(engine: Engine, sql: str) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_down_and_up_again(demo: Engine) -> None:
    assert _one(demo, TRIGGERS) == 4 and _one(demo, TABLE) is True
    downgrade(demo, "0016_programme2")
    assert _one(demo, TRIGGERS) == 0 and _one(demo, TABLE) is False
    with demo.begin() as conn:  # the labour tables work without the log
        conn.execute(text("UPDATE residents SET income_band = income_band WHERE resident_id = 1"))
    upgrade(demo)
    assert _one(demo, TRIGGERS) == 4 and _one(demo, TABLE) is True


def test_one_row_per_writing_transaction_and_table(demo: Engine) -> None:
    before = _one(demo, "SELECT count(*) FROM data_changes")
    with demo.begin() as conn:
        for _ in range(3):
            conn.execute(text("UPDATE residents SET income_band = income_band WHERE resident_id < 50"))
        conn.execute(text("UPDATE vacancies SET positions = positions WHERE vacancy_id < 5"))
        own = conn.execute(
            text("SELECT table_name FROM data_changes WHERE txid = pg_current_xact_id() ORDER BY 1")
        ).scalars()
        assert list(own) == ["residents", "vacancies"]
    assert _one(demo, "SELECT count(*) FROM data_changes") == int(before) + 2  # type: ignore[call-overload]
    with (
        demo.begin() as conn
    ):  # a statement that changes no row still counts (it may have been a no-op update)
        conn.execute(text("DELETE FROM residents WHERE resident_id = -1"))
    assert _one(demo, "SELECT count(*) FROM data_changes") == int(before) + 3  # type: ignore[call-overload]


def test_app_role_writes_are_logged_but_it_cannot_write_the_log(demo: Engine, web: Engine) -> None:
    township = str(_one(demo, "SELECT min(area_code) FROM residents"))[:9]
    with web.begin() as conn:
        scoped(conn, Scope(township))
        changed = conn.execute(
            text(
                "UPDATE residents SET income_band = income_band WHERE resident_id = "
                "(SELECT min(resident_id) FROM residents)"
            )
        ).rowcount
        assert changed == 1
        logged = conn.execute(
            text("SELECT count(*) FROM data_changes WHERE txid = pg_current_xact_id()")
        ).scalar_one()
        assert logged == 1
    for sql in (
        "INSERT INTO data_changes (table_name) VALUES ('residents')",
        "DELETE FROM data_changes",
        "UPDATE data_changes SET table_name = 'x'",
    ):
        with web.begin() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text(sql))
