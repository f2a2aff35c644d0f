"""In Chromium: every page with a login form keeps its session where script cannot read it, and still writes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import text

from tests.accounts_world import PASSWORD, live_site, login
from tests.accounts_world import LiveSite as Site
from tests.intake_files import csv_bytes
from tests.page_watch import wait_until
from tests.test_programme_browser import PHONE, Guard
from tests.test_registry_import_talents import HEADERS, talent

pytestmark = pytest.mark.browser

COOKIE = "hongyan_session"
STORAGE = """() => ({
  session: JSON.stringify(Object.assign({}, window.sessionStorage)),
  local: JSON.stringify(Object.assign({}, window.localStorage)),
  cookie: document.cookie,
  sessionKeys: Object.keys(window.sessionStorage),
  localKeys: Object.keys(window.localStorage)
})"""


@pytest.fixture
def site(demo_db_url: str, tmp_path: Path) -> Iterator[Site]:
    """The real site on a free port over a private demo with one account per role."""
    yield from live_site(demo_db_url, tmp_path)


def _log_in(
    browser: Browser, site: Site, path: str, who: str, **options: Any
) -> tuple[BrowserContext, Page, Guard]:
    context = browser.new_context(accept_downloads=True, **options)
    page = context.new_page()
    guard = Guard(site.base)
    guard.attach(page)
    page.goto(site.base + path)
    if path.startswith("/outreach"):
        page.fill("#login-name", who)
        page.fill("#login-password", PASSWORD)
        page.click("#login button[type=submit]")
    else:
        page.fill("input[name=login]", who)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
    return context, page, guard


def _workbook(path: Path) -> Workbook:
    return load_workbook(io.BytesIO(Path(path).read_bytes()))


def _no_token_for_script(context: BrowserContext, page: Page) -> str:
    """The session cookie is HttpOnly and Strict, and no storage or script-visible cookie holds a token."""
    cookies = [c for c in context.cookies() if c["name"] == COOKIE]
    assert len(cookies) == 1, context.cookies()
    cookie = cookies[0]
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    seen = page.evaluate(STORAGE)
    assert seen["sessionKeys"] == [], seen
    assert set(seen["localKeys"]) <= {"hongyan.lang"}, seen
    assert COOKIE not in seen["cookie"]
    for where in ("session", "local", "cookie"):
        assert cookie["value"] not in seen[where], where
    assert cookie["value"] not in page.content()
    return cookie["value"]


def test_fair_and_dashboard_pages_write_and_download_with_the_cookie_only(
    browser: Browser, site: Site
) -> None:
    world, client = site.world, site.client
    staff = login(client, "staff_a")
    with site.engine.connect() as conn:
        venue = conn.execute(
            text("SELECT min(venue_id) FROM fair_venues WHERE area_code LIKE :p"),
            {"p": world.township_a[:9] + "%"},
        ).scalar_one()
    fair = client.post(
        "/api/v1/programme/fairs",
        headers=staff,
        json={
            "fair_date": date.today().isoformat(),
            "kind": "special",
            "theme": "other",
            "title": "会话测试专场",
            "venue_id": venue,
        },
    )
    assert fair.status_code == 201, fair.text

    context, page, guard = _log_in(browser, site, "/fair", "staff_a", **PHONE)
    wait_until(page, "document.documentElement.dataset.fair === 'ready'", timeout=30_000)
    assert page.input_value("#fair") == str(fair.json()["fair_id"])  # today's fair is picked
    _no_token_for_script(context, page)
    page.fill("#seeker-form input[name=name]", "钱小会")
    page.fill("#seeker-form input[name=phone]", "13955557777")
    page.click("#seeker-form button[type=submit]")
    page.wait_for_selector("#seekers .pick >> text=钱小会", timeout=20_000)
    with site.engine.connect() as conn:
        written = conn.execute(
            text("SELECT count(*) FROM fair_seekers WHERE fair_id = :f"), {"f": fair.json()["fair_id"]}
        ).scalar_one()
    assert written == 1
    # a reload continues the session (the CSRF token comes back from the server), and writes still work
    page.reload()
    wait_until(page, "document.documentElement.dataset.fair === 'ready'", timeout=30_000)
    assert page.is_hidden("#login")
    page.fill("#seeker-form input[name=name]", "孙小会")
    page.fill("#seeker-form input[name=phone]", "13955558888")
    page.click("#seeker-form button[type=submit]")
    page.wait_for_selector("#seekers .pick >> text=孙小会", timeout=20_000)
    _no_token_for_script(context, page)
    # logging out revokes the session and drops the cookie
    page.click("#logout")
    page.wait_for_selector("#login", state="visible")
    assert [c for c in context.cookies() if c["name"] == COOKIE] == []
    assert guard.errors == [] and guard.foreign == [], (guard.errors, guard.foreign)
    context.close()

    context, page, guard = _log_in(
        browser, site, "/dashboard", "admin", viewport={"width": 1280, "height": 900}
    )
    wait_until(page, "document.documentElement.dataset.board === 'ready'", timeout=30_000)
    _no_token_for_script(context, page)
    with page.expect_download(timeout=60_000) as download:
        page.click("#dl-xlsx")
    book = _workbook(download.value.path())
    assert book.worksheets and book.worksheets[0].max_row > 1
    assert guard.errors == [] and guard.foreign == [], (guard.errors, guard.foreign)
    context.close()


def test_import_and_outreach_pages_keep_no_token_in_reach_of_script(
    browser: Browser, site: Site, tmp_path: Path
) -> None:
    context, page, guard = _log_in(browser, site, "/import", "collector_a1", **PHONE)
    wait_until(page, "document.documentElement.dataset.page === 'ready'", timeout=15_000)
    _no_token_for_script(context, page)
    page.select_option("#database", "talents")
    with page.expect_download() as template:
        page.click("#template")
    assert [c.value for c in _workbook(template.value.path()).worksheets[0][1]] == HEADERS
    upload = tmp_path / "人才.csv"
    upload.write_bytes(csv_bytes(HEADERS, [talent(7, site.world.village_a1)], encoding="utf-8"))
    page.set_input_files("#file", str(upload))
    page.click("#upload-form button[type=submit]")
    wait_until(page, "document.documentElement.dataset.imported === 'true'", timeout=20_000)
    assert page.inner_text("#counts").startswith("共 1 行 · 已导入 1 行")
    with site.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM talents WHERE name = '人才7'")).scalar_one() == 1
    _no_token_for_script(context, page)
    assert guard.errors == [] and guard.foreign == [], (guard.errors, guard.foreign)
    context.close()

    context, page, guard = _log_in(
        browser, site, "/outreach.html", "admin", viewport={"width": 1280, "height": 800}
    )
    wait_until(page, "document.documentElement.dataset.flows === 'ready'", timeout=20_000)
    _no_token_for_script(context, page)
    page.click("#city-list li")
    wait_until(page, "document.documentElement.dataset.target === 'ready'", timeout=20_000)
    with page.expect_download(timeout=60_000) as download:
        page.click("#export")
    assert _workbook(download.value.path()).worksheets[0].max_row > 1
    page.reload()
    wait_until(page, "document.documentElement.dataset.flows === 'ready'", timeout=20_000)
    assert page.is_hidden("#login")
    assert guard.errors == [] and guard.foreign == [], (guard.errors, guard.foreign)
    context.close()
