"""Refused unmasked requests and CLI exports are audited; CLI files of personal data are 0600; no SQL
parameters in errors or the log."""

from __future__ import annotations

import getpass
import logging
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from api.cli.main import app as cli
from geo.core.db import create_db_engine
from tests.accounts_world import World, login, world_env
from tests.intake_files import HEADERS, csv_bytes, person, villages

Env = tuple[TestClient, World, Engine]
CONTACT = "联系人王秀英"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    """A private demo database with one account per role, an app client on it, and an owner engine."""
    yield from world_env(demo_db_url, tmp_path)


def _audits(engine: Engine, action: str) -> list[tuple[int | None, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT account_id, target, source_addr FROM audit_log WHERE action = :a ORDER BY audit_id"),
            {"a": action},
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_refused_unmasked_requests_are_audited(env: Env) -> None:
    client, world, engine = env
    rid = world.other_resident_a1
    asked = [
        ("reviewer", f"/api/v1/residents/{rid}", {"unmasked": "true"}),
        ("reviewer", "/api/v1/residents/export.xlsx", {"unmasked": "true", "village": world.village_a1}),
        ("reviewer", "/api/v1/outreach/list.xlsx", {"city": "苏州", "unmasked": "true"}),
        ("hr_1", "/api/v1/outreach/list", {"city": "苏州", "unmasked": "true"}),
        ("hr_1", "/api/v1/residents/export.xlsx", {"unmasked": "true"}),
    ]
    for who, path, params in asked:
        refused = client.get(path, headers=login(client, who), params=params)
        assert refused.status_code == 403, (path, refused.text)
    village = world.village_a1
    assert _audits(engine, "unmasked.refused") == [
        (world.account_ids["reviewer"], f"GET /api/v1/residents/{rid}?unmasked=true", "testclient"),
        (
            world.account_ids["reviewer"],
            f"GET /api/v1/residents/export.xlsx?unmasked=true&village={village}",
            "testclient",
        ),
        (
            world.account_ids["reviewer"],
            "GET /api/v1/outreach/list.xlsx?city=苏州&unmasked=true",
            "testclient",
        ),
        (world.account_ids["hr_1"], "GET /api/v1/outreach/list?city=苏州&unmasked=true", "testclient"),
        (world.account_ids["hr_1"], "GET /api/v1/residents/export.xlsx?unmasked=true", "testclient"),
    ]
    # a granted request is audited as before, not as a refusal
    granted = client.get(
        f"/api/v1/residents/{rid}", headers=login(client, "collector_a1"), params={"unmasked": "true"}
    )
    assert granted.status_code == 200
    assert len(_audits(engine, "unmasked.refused")) == len(asked)


def _cli_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {"HONGYAN_DATABASE_URL": db_url, "HONGYAN_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}


def test_cli_unmasked_outreach_list_is_audited_and_private(demo_db_url: str, tmp_path: Path) -> None:
    os.umask(0o022)  # the usual umask: without care the file would be world-readable
    fresh, existing = tmp_path / "list.xlsx", tmp_path / "old-list.xlsx"
    existing.write_bytes(b"an older list")
    existing.chmod(0o644)
    for out in (fresh, existing):
        args = ["outreach", "list", "--city", "苏州", "--unmasked", "--out", str(out)]
        result = CliRunner().invoke(cli, args, env=_cli_env(demo_db_url, tmp_path))
        assert result.exit_code == 0, result.output
        assert _mode(out) == 0o600, out
        assert out.read_bytes().startswith(b"PK")  # the workbook replaced the old content
    engine = create_db_engine(demo_db_url, pool_size=1)
    try:
        audits = _audits(engine, "outreach.export")
    finally:
        engine.dispose()
    who = f"cli:{getpass.getuser()}@{socket.gethostname()}"
    assert [(a, s) for a, _, s in audits] == [(None, who), (None, who)]
    for (_, target, _), out in zip(audits, (fresh, existing), strict=True):
        assert target.startswith("city:苏州 trade:* wish:0 unmasked:1 people:")
        assert target.endswith(f" file:{out.resolve()}")


def test_cli_error_workbook_with_id_numbers_is_private(demo_db_url: str, tmp_path: Path) -> None:
    os.umask(0o022)
    engine = create_db_engine(demo_db_url, pool_size=1)
    try:
        village = villages(engine, "")[0]
    finally:
        engine.dispose()
    filled = tmp_path / "居民.csv"
    filled.write_bytes(
        csv_bytes(HEADERS, [person(1, village), person(2, village, born="20150301")], encoding="utf-8")
    )
    book = tmp_path / "居民.错误.xlsx"
    for _ in range(2):  # written new, then over the first one
        args = ["registry", "import", "residents", str(filled), "--as-area", village[:9] + "000"]
        result = CliRunner().invoke(cli, args, env=_cli_env(demo_db_url, tmp_path))
        assert result.exit_code == 1, result.output
        assert _mode(book) == 0o600
        book.chmod(0o644)


def test_a_failing_statement_logs_no_parameters(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    client, _, _ = env
    state = client.app.state  # type: ignore[attr-defined]
    owner = create_db_engine(str(state.engine.url.render_as_string(hide_password=False)), pool_size=1)
    log = logging.getLogger("hongyan.test")
    try:
        for engine in (state.engine, state.read_engine, state.app_engine, owner):
            with pytest.raises(DBAPIError) as failed, engine.connect() as conn:
                try:
                    # the server's message does not echo the value: only SQLAlchemy could
                    conn.execute(text("SELECT CAST(:contact AS text) || 1 / 0"), {"contact": CONTACT})
                except DBAPIError:
                    log.exception("the statement failed")
                    raise
            assert CONTACT not in str(failed.value)
    finally:
        owner.dispose()
    assert "the statement failed" in caplog.text and "division by zero" in caplog.text
    assert CONTACT not in caplog.text
