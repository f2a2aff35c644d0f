"""The embedded cluster and the migrated schema, against real PostgreSQL + PostGIS + pgRouting."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, create_engine, inspect, text

from geo.core.errors import DatabaseUnavailable
from geo.core.readiness import check_database


def test_extensions_present(engine: Engine) -> None:
    with engine.connect() as conn:
        exts = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    assert {"postgis", "pgrouting", "pg_trgm"} <= exts


def test_every_geometry_has_a_gist_index(engine: Engine) -> None:
    with engine.connect() as conn:
        cols = conn.execute(
            text("SELECT f_table_name, f_geometry_column FROM geometry_columns WHERE f_table_schema='public'")
        ).all()
        assert len(cols) >= 7
        for table, column in cols:
            idx = conn.execute(
                text(
                    "SELECT count(*) FROM pg_indexes WHERE tablename = :t AND indexdef ILIKE '%USING gist%'"
                    " AND indexdef LIKE '%' || :c || '%'"
                ),
                {"t": table, "c": column},
            ).scalar_one()
            assert idx >= 1, f"{table}.{column} has no GiST index"


def test_tables_match_models(engine: Engine) -> None:
    import boundaries.models  # noqa: F401
    import geo.core.models  # noqa: F401
    import registry.accounts.models
    import registry.models  # noqa: F401
    import tiles.models  # noqa: F401
    from geo.core.db import Base

    insp = inspect(engine)
    for table in Base.metadata.sorted_tables:
        db_cols = {c["name"] for c in insp.get_columns(table.name)}
        assert {c.name for c in table.columns} == db_cols, table.name


def test_unreachable_database_names_url_and_remedy() -> None:
    eng = create_engine("postgresql+psycopg://hongyan:secret@/nope?host=/nonexistent-dir")
    with pytest.raises(DatabaseUnavailable) as err:
        check_database(eng)
    msg = str(err.value)
    assert "/nonexistent-dir" in msg and "hongyan db start" in msg and "HONGYAN_DATABASE_URL" in msg
    assert "secret" not in msg
