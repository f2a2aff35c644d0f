"""Test helpers for the records workflow: valid new people for the accounts world, and short-hands."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from registry.personal import id_check_digit


def person_id(n: int, *, born: date = date(1990, 3, 15)) -> str:
    """A valid ID number of a person born on ``born`` (distinct for each n < 1000), sex from n's parity."""
    first17 = f"341522{born:%Y%m%d}{n:03d}"
    return first17 + id_check_digit(first17)


def new_person(n: int, village: str, **extra: Any) -> dict[str, Any]:
    """A resident body a collector would send."""
    return {
        "name": f"王测{n}",
        "id_number": person_id(n),
        "phone": f"137{n:08d}",
        "village_code": village,
        "status": "working_away",
        "work_city": "上海",
        "occupation_code": None,
    } | extra


def post(client: TestClient, url: str, headers: dict[str, str], body: Any = None) -> Any:
    """POST and return the response (for the status code and the JSON)."""
    return client.post(url, headers=headers, json=body)


def scalar(engine: Engine, sql: str, **params: object) -> Any:
    """One value from the owner engine."""
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def rows(engine: Engine, sql: str, **params: object) -> list[Any]:
    """All rows from the owner engine."""
    with engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())
