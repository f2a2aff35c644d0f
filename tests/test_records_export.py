"""The residents export: the caller's area only, masked by default, unmasked only for allowed roles, audited."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, text

from registry.records.export import HEADERS
from tests.accounts_world import CIPHER, World, login, world_env

Env = tuple[TestClient, World, Engine]
URL = "/api/v1/residents/export.xlsx"


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from world_env(demo_db_url, tmp_path)


def _rows(content: bytes) -> list[tuple[object, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True)["居民"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    return rows[1:]


def _count(engine: Engine, prefix: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM residents WHERE area_code LIKE :p"), {"p": prefix + "%"}
            ).scalar_one()
        )


def test_township_export_holds_its_residents_masked(env: Env) -> None:
    client, world, engine = env
    response = client.get(URL, headers=login(client, "staff_a"))
    assert response.status_code == 200
    rows = _rows(response.content)
    assert len(rows) == _count(engine, world.township_a[:9])
    assert {str(r[5])[:9] for r in rows} == {world.township_a[:9]}
    # ID numbers and phones masked; names shown to township staff (their role sees names)
    assert all(str(r[1])[4:14] == "*" * 10 for r in rows)
    assert all(r[2] in ("", None) or "****" in str(r[2]) for r in rows)
    with engine.connect() as conn:
        audited = conn.execute(
            text(
                "SELECT action, target FROM audit_log WHERE action LIKE 'resident.export%' ORDER BY audit_id"
            )
        ).all()
    assert [a.action for a in audited] == ["resident.export"]
    assert audited[0].target == f"village:* rows:{len(rows)}"


def test_collector_export_is_its_village_and_a_sibling_village_is_empty(env: Env) -> None:
    client, world, engine = env
    own = _rows(client.get(URL, headers=login(client, "collector_a1")).content)
    assert len(own) == _count(engine, world.village_a1) and {r[5] for r in own} == {world.village_a1}
    sibling = client.get(URL, params={"village": world.village_a2}, headers=login(client, "collector_a1"))
    assert sibling.status_code == 200 and _rows(sibling.content) == []
    other_town = client.get(URL, params={"village": world.village_b1}, headers=login(client, "staff_a"))
    assert _rows(other_town.content) == []


def test_unmasked_export_for_allowed_roles_only_and_audited(env: Env) -> None:
    client, world, engine = env
    full = client.get(
        URL, params={"village": world.village_a1, "unmasked": "true"}, headers=login(client, "collector_a1")
    )
    assert full.status_code == 200
    rows = _rows(full.content)
    with engine.connect() as conn:
        ids = {
            CIPHER.decrypt(bytes(c))
            for c in conn.execute(
                text("SELECT id_cipher FROM residents WHERE village_code = :v"), {"v": world.village_a1}
            ).scalars()
        }
    assert {str(r[1]) for r in rows} == ids
    refused = client.get(URL, params={"unmasked": "true"}, headers=login(client, "reviewer"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "不脱敏查看或导出（完整身份证号、手机号）仅限县管理员和本辖区的乡镇、村工作人员；您的角色是 county_reviewer "
        "(unmasked ID numbers and phones are only for county_admin, and township_staff and village_collector "
        "in their own area)"
    )
    hr = client.get(URL, headers=login(client, "hr_1"))
    assert hr.status_code == 403
    assert hr.json()["detail"] == "居民数据只能由县、乡镇、村工作人员导出；您的角色是 enterprise_hr"
    with engine.connect() as conn:
        actions = (
            conn.execute(
                text("SELECT action FROM audit_log WHERE action LIKE 'resident.export%' ORDER BY audit_id")
            )
            .scalars()
            .all()
        )
    assert actions == ["resident.export_unmasked"]


def test_county_wide_export_beyond_the_limit_asks_for_a_village(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _, engine = env
    from registry.records import export

    # the small demo's county is far below 200,000 residents: lower the cap for this test
    monkeypatch.setattr(export, "MAX_EXPORT_ROWS", 10)
    response = client.get(URL, headers=login(client, "admin"))
    assert response.status_code == 422
    total = _count(engine, "341522")
    assert response.json()["detail"] == (
        f"导出 {total} 行，超过单次上限 10 行：请按村/社区导出（village=村代码） (field village)"
    )
