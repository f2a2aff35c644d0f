"""The import page in the system Chromium on a phone: a village collector uploads a CSV with one bad row."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser
from sqlalchemy import Engine, text

from geo.core.db import create_db_engine
from tests.accounts_world import PASSWORD, World, app_settings, build_world, id_number
from tests.intake_files import csv_bytes
from tests.live_server import serve_site
from tests.page_watch import wait_until
from tests.test_programme_browser import PHONE, Guard
from tests.test_registry_import_talents import BORN, HEADERS, talent

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"


@pytest.fixture
def site(demo_db_url: str, tmp_path: Path) -> Iterator[tuple[str, World, Engine]]:
    engine = create_db_engine(demo_db_url, pool_size=2)
    world = build_world(engine)
    try:
        with serve_site(app_settings(demo_db_url, tmp_path)) as base:
            yield base, world, engine
    finally:
        engine.dispose()


def test_collector_uploads_a_csv_sees_the_bad_row_and_gets_the_error_workbook(
    browser: Browser, site: tuple[str, World, Engine], tmp_path: Path
) -> None:
    base, world, engine = site
    context = browser.new_context(accept_downloads=True, **PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    guard = Guard(base)
    guard.attach(page)
    page.goto(base + "/import")
    assert page.inner_text("h1") == "表格导入"
    page.fill("input[name=login]", "collector_a1")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    wait_until(page, "document.documentElement.dataset.page === 'ready'", timeout=15_000)
    # a village collector may import residents, talents, enterprises, vacancies — not policies
    options = page.eval_on_selector_all("#database option", "els => els.map(e => e.value)")
    assert options == ["residents", "talents", "enterprises", "vacancies"]
    page.select_option("#database", "talents")
    with page.expect_download() as template:
        page.click("#template")
    assert template.value.suggested_filename == "talents-模板.xlsx"
    sheet = load_workbook(io.BytesIO(Path(template.value.path()).read_bytes())).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS

    rows = [talent(1, world.village_a1), talent(2, world.village_a2), talent(3, world.village_a1)]
    upload = tmp_path / "人才.csv"
    upload.write_bytes(csv_bytes(HEADERS, rows, encoding="gbk"))
    assert page.is_checked("input[name=mode][value=commit_valid]")  # the default mode
    page.set_input_files("#file", str(upload))
    page.click("#upload-form button[type=submit]")
    wait_until(page, "document.documentElement.dataset.imported === 'true'", timeout=20_000)
    counts = page.inner_text("#counts")
    assert counts == "共 3 行 · 已导入 2 行 · 1 行错误", counts
    assert page.inner_text("#summary") == "共 3 行，导入 2 行，1 行有错误未导入"
    cells = page.eval_on_selector_all("#errors tbody tr td", "els => els.map(e => e.textContent)")
    with engine.connect() as conn:
        a2 = conn.execute(
            text("SELECT name FROM admin_areas WHERE code = :c"), {"c": world.village_a2}
        ).scalar_one()
    message = f"村/社区 {world.village_a2}（{a2}）不在您的管辖范围（{world.village_a1}）内"
    assert cells == ["3", "村/社区代码", message]
    assert page.is_visible("#errors") and page.is_visible(f"text={message}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone page scrolls sideways ({width}px)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-phone.png"), full_page=True)

    with page.expect_download() as book:
        page.click("#error-book")
    assert book.value.suggested_filename == "人才.错误.xlsx"
    ws = load_workbook(io.BytesIO(Path(book.value.path()).read_bytes())).worksheets[0]
    assert ws.cell(1, len(HEADERS) + 1).value == "错误说明"
    assert ws.cell(3, len(HEADERS) + 1).value == f"村/社区代码：{message}"
    assert ws.cell(3, 2).value == "人才2" and ws.cell(2, len(HEADERS) + 1).value is None
    with engine.connect() as conn:
        written = conn.execute(
            text("SELECT id_hash IS NOT NULL, name FROM talents WHERE name LIKE '人才%' ORDER BY name")
        ).all()
    assert [tuple(r) for r in written] == [(True, "人才1"), (True, "人才3")]
    assert id_number(1, born=BORN) not in page.content()
    page.click("#lang-switch")
    assert page.inner_text("h1") == "Spreadsheet import"
    assert page.inner_text("#counts").startswith("3 rows · 2 imported · 1 with errors")
    assert guard.errors == [] and guard.foreign == []
    context.close()
