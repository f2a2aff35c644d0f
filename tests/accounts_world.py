"""Test helpers for accounts and area scoping: a cast of accounts in three townships of the small demo."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from api.app import create_app
from geo.core.db import create_db_engine
from geo.core.settings import DEVELOPMENT_SECRET, Settings
from registry.accounts.store import NewAccount, create_account
from registry.personal import PersonalDataCipher, id_check_digit

COUNTY = "341522000000"
PASSWORD = "Hy-test-pass-2026"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)  # tests only: cheap hashes
CIPHER = PersonalDataCipher(DEVELOPMENT_SECRET)  # the small demo is built with the development secret


def id_number(n: int, *, born: str = "19880512") -> str:
    """A valid 18-character ID number (check digit right) distinct for each n < 1000."""
    first17 = f"341522{born}{n:03d}"
    return first17 + id_check_digit(first17)


def phone(n: int) -> str:
    """A valid mobile number distinct for each n."""
    return f"139{n:08d}"


@dataclass
class World:
    """Who is who: townships a, b (c untouched), sibling villages a1/a2, enterprises e1/e2, residents."""

    township_a: str
    township_b: str
    village_a1: str
    village_a2: str
    village_b1: str
    enterprise_1: int
    enterprise_2: int
    seeker_resident: int
    other_resident_a1: int
    resident_b1: int
    draft_vacancy_2: int
    open_vacancy_2: int
    phones: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    account_ids: dict[str, int] = field(default_factory=dict)


def _scalar(engine: Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def build_world(engine: Engine) -> World:
    """Pick areas, enterprises and residents from the demo and create one account per role (as owner)."""
    with engine.connect() as conn:
        towns = (
            conn.execute(
                text(
                    "SELECT t.code FROM admin_areas t WHERE t.level = 'township' AND "
                    "(SELECT count(DISTINCT r.village_code) FROM residents r WHERE r.area_code LIKE left(t.code, 9) "
                    "|| '%') >= 2 ORDER BY t.code LIMIT 2"
                )
            )
            .scalars()
            .all()
        )
        a, b = str(towns[0]), str(towns[1])
        villages = (
            conn.execute(
                text("SELECT DISTINCT village_code FROM residents WHERE area_code LIKE :p ORDER BY 1"),
                {"p": a[:9] + "%"},
            )
            .scalars()
            .all()
        )
        a1, a2 = str(villages[0]), str(villages[1])
        b1 = str(
            conn.execute(
                text("SELECT min(village_code) FROM residents WHERE area_code LIKE :p"), {"p": b[:9] + "%"}
            ).scalar_one()
        )
        res_a1 = (
            conn.execute(
                text(
                    "SELECT resident_id FROM residents WHERE village_code = :v ORDER BY resident_id LIMIT 2"
                ),
                {"v": a1},
            )
            .scalars()
            .all()
        )
        res_b1 = conn.execute(
            text("SELECT min(resident_id) FROM residents WHERE village_code = :v"), {"v": b1}
        ).scalar_one()
        ents = (
            conn.execute(
                text(
                    "SELECT enterprise_id FROM vacancies GROUP BY enterprise_id HAVING count(*) >= 2 "
                    "ORDER BY enterprise_id LIMIT 2"
                )
            )
            .scalars()
            .all()
        )
    with engine.begin() as conn:
        vac2 = (
            conn.execute(
                text("SELECT vacancy_id FROM vacancies WHERE enterprise_id = :e ORDER BY vacancy_id LIMIT 2"),
                {"e": ents[1]},
            )
            .scalars()
            .all()
        )
        conn.execute(text("UPDATE vacancies SET status = 'draft' WHERE vacancy_id = :v"), {"v": vac2[0]})
        conn.execute(
            text(
                "UPDATE vacancies SET status = 'draft' WHERE enterprise_id = :e AND vacancy_id <> "
                "(SELECT min(vacancy_id) FROM vacancies WHERE enterprise_id = :e)"
            ),
            {"e": ents[0]},
        )
    world = World(
        a,
        b,
        a1,
        a2,
        b1,
        int(ents[0]),
        int(ents[1]),
        int(res_a1[0]),
        int(res_a1[1]),
        int(res_b1),
        int(vac2[0]),
        int(vac2[1]),
    )
    seeker_id_cipher = _scalar(
        engine, "SELECT id_cipher FROM residents WHERE resident_id = :r", r=world.seeker_resident
    )
    cast = [
        ("admin", "county_admin", COUNTY, {}),
        ("reviewer", "county_reviewer", COUNTY, {}),
        ("staff_a", "township_staff", a, {}),
        ("staff_b", "township_staff", b, {}),
        ("collector_a1", "village_collector", a1, {}),
        ("collector_a2", "village_collector", a2, {}),
        ("hr_1", "enterprise_hr", None, {"enterprise_id": world.enterprise_1}),
        ("hr_2", "enterprise_hr", None, {"enterprise_id": world.enterprise_2}),
        ("seeker", "job_seeker", None, {"resident_id": world.seeker_resident}),
    ]
    with engine.begin() as conn:
        for n, (username, role, area, binding) in enumerate(cast, start=1):
            world.phones[username] = phone(n)
            world.ids[username] = (
                CIPHER.decrypt(bytes(seeker_id_cipher)) if role == "job_seeker" else id_number(n)  # type: ignore[arg-type]
            )
            new = NewAccount(
                username,
                f"测试{username}",
                world.phones[username],
                world.ids[username],
                role,
                area,
                **binding,
            )
            account = create_account(conn, new, PASSWORD, cipher=CIPHER, hasher=FAST_HASHER)
            world.account_ids[username] = account.account_id
    return world


def app_settings(db_url: str, tmp: Path) -> Settings:
    """Settings for an app on the given database (the app role URL derived from it)."""
    return Settings(database_url=db_url, data_dir=tmp / "data")


def from_address(client: TestClient, address: str) -> TestClient:
    """A client on the same running app whose requests come from another address (the throttles key on it)."""
    return TestClient(client.app, client=(address, 40000))


def login(client: TestClient, who: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in and return the Authorization header; fails the test if login fails."""
    response = client.post("/api/v1/auth/login", json={"login": who, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def world_env(demo_db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, World, Engine]]:
    """A private demo database with the cast of accounts, an app client on it, and an owner engine."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    world = build_world(engine)
    try:
        with TestClient(create_app(app_settings(demo_db_url, tmp_path))) as client:
            yield client, world, engine
    finally:
        engine.dispose()


@dataclass
class LiveSite:
    """The real site on a free port, its world of accounts, an owner engine and an API client on the database."""

    base: str
    world: World
    engine: Engine
    client: TestClient


def live_site(demo_db_url: str, tmp_path: Path) -> Iterator[LiveSite]:
    """Serve the whole site over a private demo with one account per role (a fixture's body)."""
    from tests.live_server import serve_site

    engine = create_db_engine(demo_db_url, pool_size=2)
    world = build_world(engine)
    settings = app_settings(demo_db_url, tmp_path)
    try:
        with serve_site(settings) as base, TestClient(create_app(settings)) as client:
            yield LiveSite(base, world, engine, client)
    finally:
        engine.dispose()
