"""Test helpers for the workbench pages: the site on a private demo with one account per role, and logging in
through the login form (its nonce cookie and CSRF field) as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine

from geo.core.db import create_db_engine
from tests.accounts_world import PASSWORD, World, app_settings, build_world
from web_map.site import create_site

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Bench:
    """The site (TestClient) over a private demo, its world of accounts and an owner engine."""

    client: TestClient
    world: World
    engine: Engine


def bench_env(demo_db_url: str, tmp_path: Path) -> Iterator[Bench]:
    """A fixture's body: the whole site on a private demo with the cast of accounts."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    world = build_world(engine)
    try:
        with TestClient(create_site(app_settings(demo_db_url, tmp_path))) as client:
            yield Bench(client, world, engine)
    finally:
        engine.dispose()


def csrf_of(page: Response) -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF.search(page.text)
    assert found, page.text[:2000]
    return found.group(1)


def log_in(
    client: TestClient, who: str, password: str = PASSWORD, *, next_path: str = "/workbench"
) -> Response:
    """Fill in and send the login form (after opening it, as a browser does); the answer is not followed."""
    form = client.get("/workbench/login")
    assert form.status_code == 200, form.text
    return client.post(
        "/workbench/login",
        data={"csrf_token": csrf_of(form), "login": who, "password": password, "next": next_path},
        follow_redirects=False,
    )


def session_for(bench: Bench, who: str) -> TestClient:
    """A client of its own (its own cookies) logged in as ``who``."""
    client = TestClient(bench.client.app)
    answer = log_in(client, who)
    assert answer.status_code == 303, answer.text
    return client
