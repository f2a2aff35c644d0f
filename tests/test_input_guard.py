"""Input that once gave a 500 (issue 13, finding 9): NUL, lone surrogates, ids beyond bigint, inf; all a 422 now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from geo.core.settings import Settings
from tests.accounts_world import World, login, world_env

SEAT = "341522100000"
BEYOND_BIGINT = 2**63
BEYOND_INT4 = 2**31


@pytest.fixture
def public(small_demo_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An anonymous client on the read-only small demo (nothing below writes; closed after each test so the
    demo can be cloned by the tests that write)."""
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path / "data")
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def world(demo_db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, Engine]]:
    yield from world_env(demo_db_url, tmp_path)


def _refused(response: Any, field: str, *words: str) -> None:
    assert response.status_code == 422, response.text
    detail = str(response.json()["detail"])
    assert field in detail, detail
    for word in words:
        assert word in detail, detail


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/search", {"q": "城\x00关"}),
        ("/api/v1/enterprises", {"q": "\x00"}),
        ("/api/v1/policies", {"q": "创业\x00"}),
    ],
)
def test_nul_in_a_public_query_is_a_422_naming_the_field(
    public: TestClient, path: str, params: dict[str, str]
) -> None:
    response = public.get(path, params=params)
    _refused(response, "q", "NUL", "空字符")
    assert response.json()["error"] == "InvalidInput"


def test_nul_in_a_path_parameter_is_a_422(public: TestClient) -> None:
    _refused(public.get("/api/v1/tiles/road%00s.json"), "path segment", "NUL")


def test_nul_in_staff_queries_is_a_422(world: tuple[TestClient, World, Engine]) -> None:
    client, _, _ = world
    admin = login(client, "admin")
    _refused(client.get("/api/v1/talents", params={"q": "电\x00工"}, headers=admin), "q", "NUL")
    _refused(
        client.get("/api/v1/outreach/list", params={"city": "苏州", "trade": "6\x00"}, headers=admin),
        "trade",
        "NUL",
    )


def test_a_lone_surrogate_in_the_anonymous_login_is_a_422(public: TestClient) -> None:
    body = b'{"login": "admin\\ud800", "password": "x"}'  # JSON's escape decodes to a lone surrogate
    response = public.post("/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"})
    _refused(response, "body.login", "代理字符", "surrogate")


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/policies/{BEYOND_INT4}",
        f"/api/v1/policies/{BEYOND_BIGINT}",
        f"/api/v1/enterprises/{BEYOND_BIGINT}/candidates",
    ],
)
def test_ids_beyond_their_column_are_a_422(public: TestClient, path: str) -> None:
    assert public.get(path).status_code == 422


def test_offsets_beyond_bigint_are_a_422(public: TestClient) -> None:
    assert public.get("/api/v1/policies", params={"offset": BEYOND_BIGINT}).status_code == 422


@pytest.mark.parametrize("minutes", ["inf", "Infinity"])
def test_minutes_must_be_finite(public: TestClient, minutes: str) -> None:
    lonlat = {"lon": 116.27, "lat": 32.35}
    assert public.get("/api/v1/circle", params=lonlat | {"minutes": minutes}).status_code == 422


def test_staff_ids_and_head_counts_bounded(world: tuple[TestClient, World, Engine]) -> None:
    client, w, _ = world
    admin = login(client, "admin")
    assert client.get(f"/api/v1/residents/{BEYOND_BIGINT}", headers=admin).status_code == 422
    too_many = {"employees": BEYOND_INT4}
    response = client.patch(f"/api/v1/enterprises/{w.enterprise_1}", json=too_many, headers=admin)
    assert response.status_code == 422, response.text
    assert "employees" in response.text


def test_non_finite_numbers_in_json_are_a_422(world: tuple[TestClient, World, Engine]) -> None:
    client, _, _ = world
    admin = login(client, "admin")
    body = b'{"name": "\xe5\x9c\xba", "lon": 116.27, "lat": 32.35, "capacity": 1e999}'
    response = client.post(
        "/api/v1/programme/venues", content=body, headers=admin | {"Content-Type": "application/json"}
    )
    _refused(response, "body.capacity", "有限数")


def test_a_json_body_over_the_limit_is_a_413_before_it_is_read_whole(public: TestClient) -> None:
    body = b'{"login": "' + b"x" * (2 * 1024 * 1024) + b'", "password": "x"}'
    response = public.post("/api/v1/auth/login", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert "body" in response.json()["detail"]


def test_control_characters_are_stripped_from_json_text(
    world: tuple[TestClient, World, Engine],
) -> None:
    client, _, engine = world
    admin = login(client, "admin")
    with engine.connect() as conn:
        lon, lat = conn.execute(
            text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :c"), {"c": SEAT}
        ).one()
    venue = {"name": "控\u0007制\u001b大厅", "lon": float(lon), "lat": float(lat), "address": "a\tb\x7f"}
    response = client.post("/api/v1/programme/venues", json=venue, headers=admin)
    assert response.status_code == 201, response.text
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT name, address FROM fair_venues WHERE venue_id = :v"),
            {"v": response.json()["venue_id"]},
        ).one()
    assert tuple(stored) == ("控制大厅", "a\tb")
