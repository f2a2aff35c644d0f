"""Hostile uploads are refused before they cost anything; an ordinary import still works.

Every hostile file is built here with zipfile (nothing binary is committed): a dimension bomb, a zip bomb, XXE
and billion-laughs workbooks. A chunked upload without Content-Length is cut off at the limit; an import past
its time limit writes nothing. The assertions are on what was refused and why (the message), never on time.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import Engine, text

from api.app import create_app
from geo.core.db import create_db_engine
from geo.core.errors import InvalidInput
from geo.core.settings import Settings
from registry.intake.limits import WorkbookLimits, check_workbook
from tests.accounts_world import PASSWORD, World, app_settings, build_world, login
from tests.intake_files import HEADERS, csv_bytes, person, xlsx
from tests.live_server import serve_site

Env = tuple[TestClient, World, Engine]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL = "/api/v1/registry/import/residents"
SHEET = "xl/worksheets/sheet1.xml"
CHUNK = 64 * 1024
STAFF = {"login": "staff_a", "password": PASSWORD}


def _env(demo_db_url: str, tmp_path: Path, **settings: Any) -> Iterator[Env]:
    engine = create_db_engine(demo_db_url, pool_size=2)
    world = build_world(engine)
    app = create_app(app_settings(demo_db_url, tmp_path).model_copy(update=settings))
    try:
        with TestClient(app) as client:
            yield client, world, engine
    finally:
        engine.dispose()


@pytest.fixture
def env(demo_db_url: str, tmp_path: Path) -> Iterator[Env]:
    yield from _env(demo_db_url, tmp_path)


def upload(client: TestClient, data: bytes, name: str = "居民.xlsx") -> tuple[int, str]:
    response = client.post(URL, headers=login(client, "staff_a"), files={"file": (name, data, XLSX)})
    return response.status_code, str(response.json()["detail"])


def residents(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM residents")).scalar_one())


def _replace(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook with one part's bytes replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, content)
    return out.getvalue()


def _with_doctype(data: bytes, name: str, doctype: str) -> bytes:
    """The workbook with a DOCTYPE put before the root element of one part."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read(name)
    start = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return _replace(data, name, xml[:start] + doctype.encode() + xml[start:])


def test_a_dimension_bomb_is_refused_naming_the_declared_range(env: Env) -> None:
    client, world, engine = env
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "居民"
    ws["A1"], ws["XFD1048576"] = "姓名*", "x"  # openpyxl declares the range of its cells: A1:XFD1048576
    out = io.BytesIO()
    wb.save(out)
    assert len(out.getvalue()) < 20_000
    before = residents(engine)
    status, detail = upload(client, out.getvalue())
    assert status == 422
    assert detail == (
        "工作表 xl/worksheets/sheet1.xml 声明的范围 A1:XFD1048576（1,048,576 行 × 16,384 列 = 17,179,869,184 个"
        "单元格）超过上限 10,000,000 个单元格（HONGYAN_MAX_XLSX_CELLS）：请删除空白行列只保留数据区域，或拆成几个文件"
        "（declared dimension A1:XFD1048576 exceeds 10,000,000 cells） (file 居民.xlsx)"
    )
    assert residents(engine) == before


def test_a_zip_bomb_is_refused_without_inflating_it(env: Env) -> None:
    client, world, _ = env
    good = xlsx(HEADERS, [person(1, world.village_a1)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != SHEET:
                dst.writestr(info.filename, src.read(info.filename))
        with dst.open(SHEET, "w", force_zip64=True) as sheet:  # 1 GB of blanks in about 1 MB
            sheet.write(b'<?xml version="1.0"?>')
            blank = b" " * (1 << 20)
            for _ in range(1024):
                sheet.write(blank)
    assert len(out.getvalue()) < 2 * 1024 * 1024
    status, detail = upload(client, out.getvalue())
    assert status == 422
    assert detail.startswith(
        "文件解压后 1,024 MB，超过上限 512 MB（HONGYAN_MAX_XLSX_UNCOMPRESSED_MB）：可能是压缩炸弹"
    )


def test_xxe_and_billion_laughs_workbooks_are_refused(env: Env) -> None:
    client, world, engine = env
    good = xlsx(HEADERS, [person(1, world.village_a1)])
    xxe = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
        )
        + "]>"
    )
    before = residents(engine)
    for part, doctype in (
        (SHEET, xxe),
        ("xl/workbook.xml", xxe),
        (SHEET, laughs),
        ("[Content_Types].xml", laughs),
    ):
        status, detail = upload(client, _with_doctype(good, part, doctype))
        assert status == 422, (part, detail)
        assert detail == (
            f"文件中的 {part} 含 DTD 或实体声明（XXE、「十亿笑」一类攻击），Excel 不会生成这样的文件：拒绝读取"
            "（DTD or entity declarations are not allowed in a workbook） (file 居民.xlsx)"
        )
    assert residents(engine) == before


def test_control_characters_are_stripped_on_import_and_an_ordinary_import_works(env: Env) -> None:
    client, world, engine = env
    rows = [
        person(1, world.village_a1, 姓名="控\u0007制"),
        person(2, world.village_a1, 务工城市="苏\u0085州"),
    ]
    status, detail = upload(client, csv_bytes(HEADERS, rows, encoding="utf-8"), name="居民.csv")
    assert (status, detail) == (200, "共 2 行，全部导入")
    status, detail = upload(client, xlsx(HEADERS, [person(3, world.village_a1)]))
    assert (status, detail) == (200, "共 1 行，全部导入")
    with engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT name, work_city FROM residents WHERE name IN ('控制', '测试2', '测试3') ORDER BY name"
            )
        ).all()
    assert [tuple(r) for r in stored] == [("控制", "苏州"), ("测试2", "苏州"), ("测试3", "苏州")]


def test_an_import_past_its_time_limit_writes_nothing(demo_db_url: str, tmp_path: Path) -> None:
    for client, world, engine in _env(demo_db_url, tmp_path, import_timeout_s=1e-9):
        before = residents(engine)
        status, detail = upload(
            client, xlsx(HEADERS, [person(1, world.village_a1), person(2, world.village_a1)])
        )
        assert status == 422
        assert detail == (
            "导入超时：读取到第 1 行时已超过 1e-09 秒上限（HONGYAN_IMPORT_TIMEOUT_S），未写入任何数据："
            "请拆成几个较小的文件分别导入（import timed out after 1e-09 s） (file 居民.xlsx)"
        )
        assert residents(engine) == before
        with engine.connect() as conn:
            audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'registry.import'"))
            assert audited.scalar_one() == 0


async def _chunks(sent: list[int], total: int) -> AsyncIterator[bytes]:
    """A multipart body of ``total`` bytes in CHUNK pieces, counting what was taken."""
    boundary = b"--hongyan\r\n"
    yield boundary + b'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
    while sent[0] < total:
        sent[0] += CHUNK
        yield b"0" * CHUNK


def test_a_chunked_upload_is_cut_off_at_the_limit_in_the_app(demo_db_url: str, tmp_path: Path) -> None:
    engine = create_db_engine(demo_db_url, pool_size=2)
    build_world(engine)
    engine.dispose()
    app = create_app(app_settings(demo_db_url, tmp_path).model_copy(update={"max_upload_mb": 1}))
    sent = [0]

    async def run() -> httpx.Response:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hongyan") as client:
                token = await client.post("/api/v1/auth/login", json=STAFF)
                headers = {
                    "Authorization": f"Bearer {token.json()['token']}",
                    "Content-Type": "multipart/form-data; boundary=hongyan",
                }
                return await client.post(URL, headers=headers, content=_chunks(sent, 300 * 1024 * 1024))

    response = asyncio.run(run())
    assert response.status_code == 413
    assert response.json()["detail"] == (
        "请求内容超过上限 1 MB（HONGYAN_MAX_UPLOAD_MB），已停止接收：请拆成几个文件分别上传（request body exceeds 1 MB）"
    )
    assert sent[0] <= 1024 * 1024 + CHUNK  # the app took the limit plus one chunk, not 300 MB


def test_a_chunked_upload_to_the_live_server_is_refused(demo_db_url: str, tmp_path: Path) -> None:
    engine = create_db_engine(demo_db_url, pool_size=2)
    build_world(engine)
    engine.dispose()
    settings: Settings = app_settings(demo_db_url, tmp_path).model_copy(update={"max_upload_mb": 1})
    total = 300 * 1024 * 1024
    sent = [0]

    def chunks() -> Iterator[bytes]:
        yield b'--hongyan\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'
        while sent[0] < total:
            sent[0] += CHUNK
            yield b"0" * CHUNK

    with serve_site(settings) as base, httpx.Client(base_url=base, timeout=60) as client:
        token = client.post("/api/v1/auth/login", json=STAFF).json()["token"]
        response = client.post(
            URL,
            content=chunks(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "multipart/form-data; boundary=hongyan",
            },
        )
    assert "content-length" not in response.request.headers  # sent chunked
    assert response.status_code == 413
    assert "HONGYAN_MAX_UPLOAD_MB" in response.json()["detail"]
    assert sent[0] < total  # the server stopped reading long before the end


def test_shared_strings_are_counted_when_their_declared_count_lies() -> None:
    good = xlsx(["姓名*"], [["甲"]])
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    limits = WorkbookLimits(
        max_shared_strings=10, max_ratio=100_000
    )  # the repeated strings compress very well
    for declared, strings, expected in ((11, 1, 11), (1, 20, 20), (1, 200_000, 200_000)):
        sst = (
            f'<sst xmlns="{ns}" count="{declared}" uniqueCount="{declared}">' + "<si><t>a</t></si>" * strings
        )
        data = _replace(good, "xl/sharedStrings.xml", (sst + "</sst>").encode())
        with pytest.raises(InvalidInput) as refused:
            check_workbook(data, source="s.xlsx", limits=limits)
        assert refused.value.message == (
            f"文件含 {expected:,} 个共享字符串，超过上限 10（HONGYAN_MAX_XLSX_SHARED_STRINGS）：请拆成几个文件分别导入"
            f"（{expected:,} shared strings exceed 10） (file s.xlsx)"
        )
    check_workbook(good, source="s.xlsx", limits=limits)  # an ordinary workbook passes


def test_a_chunked_body_to_any_other_route_is_cut_off_at_its_own_limit(env: Env) -> None:
    client, _, _ = env

    def body() -> Iterator[bytes]:
        yield b'{"login": "staff_a", "password": "'
        for _ in range(2 * 16):  # 2 MB, over HONGYAN_MAX_BODY_MB (1)
            yield b"x" * CHUNK
        yield b'"}'

    response = client.post("/api/v1/auth/login", content=body(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == {
        "detail": "请求内容超过上限 1 MB（HONGYAN_MAX_BODY_MB），已停止接收：请拆成几个文件分别上传"
        "（request body exceeds 1 MB）",
        "error": "UploadTooLarge",
    }
