"""Shared fixtures: a throwaway PostgreSQL + PostGIS + pgRouting cluster and a fresh database per test."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from geo.core.db import create_db_engine
from geo.core.embedded import EmbeddedCluster
from geo.core.migrate import upgrade
from geo.core.settings import Settings
from tests.live_server import CHROMIUM, CHROMIUM_ARGS

# the CLI's rich tables are as wide as the terminal; pytest-xdist workers have none (80 columns would cut names)
os.environ.setdefault("COLUMNS", "200")
# most tests build an app on a database they then change; the warm start has its own test
os.environ.setdefault("HONGYAN_WARM_START", "false")

# pytest-xdist runs each worker in its own process with its own throwaway cluster; on a shared external
# server (HONGYAN_TEST_DATABASE_URL) the worker's id keeps the session databases apart
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE_DB = f"hongyan_test_template_{WORKER}"
DATABASE_FIXTURES = frozenset(
    {"server_url", "db_url", "engine", "settings", "small_demo_url", "demo_db_url", "analysed_demo_db_url"}
)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The server lane (`-m server`) reads only the files that mark a test `server`: collecting the rest (the
    schemathesis cases above all) would cost seconds per run only to deselect them."""
    if config.getoption("markexpr") != "server" or not collection_path.name.startswith("test_"):
        return None
    if collection_path.suffix != ".py":
        return None
    return "mark.server" not in collection_path.read_text(encoding="utf-8")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests by what they use, so `make test-fast` can leave out the database, browser and server ones."""
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if used & DATABASE_FIXTURES:
            item.add_marker(pytest.mark.db)
        if "browser" in used:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system Chromium, headless (never a downloaded build)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of a maintenance database on the test server (throwaway cluster or HONGYAN_TEST_DATABASE_URL)."""
    external = os.environ.get("HONGYAN_TEST_DATABASE_URL")
    if external:
        yield make_url(external).set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
        return
    data_dir = Path(tempfile.mkdtemp(prefix="hongyan-test-", dir="/tmp"))
    os.chmod(data_dir, 0o755)
    cluster = EmbeddedCluster(data_dir, durable=False, db_name="postgres")
    cluster.start()
    try:
        yield cluster.url("postgres")
    finally:
        cluster.destroy()


def _admin(server_url: str) -> Engine:
    return create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=None)


@pytest.fixture(scope="session")
def template_db(server_url: str) -> str:
    """A database with every migration applied, cloned for each test."""
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE_DB}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{TEMPLATE_DB}"'))
    url = make_url(server_url).set(database=TEMPLATE_DB).render_as_string(hide_password=False)
    engine = create_engine(url)
    upgrade(engine)
    engine.dispose()
    admin.dispose()
    return url


@pytest.fixture
def db_url(server_url: str, template_db: str) -> Iterator[str]:
    """A fresh, migrated database for one test, dropped afterwards."""
    yield from cloned_database(server_url, TEMPLATE_DB, prefix="hongyan_t_")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database."""
    eng = create_db_engine(db_url, pool_size=2)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test's database and a private data directory."""
    return Settings(database_url=db_url, data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def small_demo_url(
    server_url: str, template_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database holding the small demo county, built once per test session; tests must not change it."""
    from demo.build import build_demo
    from matching.circle.service import CircleService
    from matching.circle.warmup import warm_circles

    name = f"hongyan_small_demo_{WORKER}"
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(clone_statement(name, TEMPLATE_DB)))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    settings = Settings(database_url=url, data_dir=tmp_path_factory.mktemp("small-demo"))
    eng = create_db_engine(url, pool_size=2)
    build_demo(eng, settings, scale="small", seed=7)
    # compile the engine's kernels now (numba caches them on disk): a fresh clone would otherwise pay the
    # compilation inside the first browser test's request
    warm_circles(eng, CircleService(settings))
    eng.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def demo_db_url(server_url: str, small_demo_url: str) -> Iterator[str]:
    """A private copy of the small demo database for a test that writes."""
    src = make_url(small_demo_url).database
    assert src is not None
    yield from cloned_database(server_url, src, prefix="hongyan_d_")


@pytest.fixture(scope="session")
def analysed_demo_url(
    server_url: str, small_demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The small demo with the walking 3 km circle analytics, the heat hexagons and two dated surplus snapshots
    (2026-11-01, 2026-11-20), computed once per test session for the map's browser tests; tests must not
    change it (analysed_demo_db_url gives a private copy)."""
    from matching.analytics.store import analyze_circles
    from matching.analytics.surplus_store import take_snapshot
    from matching.circle.service import CircleService
    from tiles.hexagons import refresh_heat

    src = make_url(small_demo_url).database
    assert src is not None
    for url in cloned_database(server_url, src, prefix=f"hongyan_analysed_{WORKER}_"):
        settings = Settings(database_url=url, data_dir=tmp_path_factory.mktemp("analysed-demo"))
        eng = create_db_engine(url, pool_size=2)
        service = CircleService(settings)
        analyze_circles(eng, service, mode="walk", metric="length", limit=3000.0)
        refresh_heat(eng)
        for day in (date(2026, 11, 1), date(2026, 11, 20)):
            take_snapshot(eng, service, mode="walk", metric="length", limit=3000.0, day=day)
        eng.dispose()
        yield url


@pytest.fixture
def analysed_demo_db_url(server_url: str, analysed_demo_url: str) -> Iterator[str]:
    """A private copy of the analysed small demo for a test that writes or serves it."""
    src = make_url(analysed_demo_url).database
    assert src is not None
    yield from cloned_database(server_url, src, prefix="hongyan_a_")


def clone_statement(name: str, template: str) -> str:
    """CREATE DATABASE from a template by copying its files: with the throwaway cluster's minimal WAL that is
    several times cheaper than PostgreSQL's default (WAL_LOG), which writes the whole template to the WAL."""
    return f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY'


def cloned_database(server_url: str, template: str, *, prefix: str) -> Iterator[str]:
    """Create a database from a template (``template0``: an empty one), yield its URL, drop it afterwards."""
    name = f"{prefix}{uuid.uuid4().hex[:12]}"
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(clone_statement(name, template)))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
