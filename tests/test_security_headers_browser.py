"""Every page of the site in the system Chromium under its Content-Security-Policy: nothing is blocked, nothing
errs, no other host is asked (/docs included: Swagger UI from the vendored files, started by docs.js)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from geo.db import create_db_engine
from geo.settings import Settings
from tests.accounts_world import PASSWORD, app_settings, build_world
from tests.live_server import serve_site
from tests.page_watch import RECORD_VIOLATIONS, PageWatch, wait_until

pytestmark = pytest.mark.browser

PAGES = ["/", "/policies", "/outreach", "/service", "/dashboard", "/fair", "/import", "/docs"]


@pytest.fixture(scope="module")
def base(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site on the small demo (read only: the pages are opened anonymously)."""
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("csp"))
    with serve_site(settings) as url:
        yield url


@pytest.mark.parametrize("path", PAGES)
def test_page_runs_under_its_policy(browser: Browser, base: str, path: str) -> None:
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    watch = PageWatch(base)
    watch.attach(page)
    response = page.goto(base + path)
    assert response is not None and response.ok
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    if path == "/":
        wait_until(page, "document.documentElement.dataset.areas === 'ready'", timeout=20_000)
    if path == "/docs":
        page.wait_for_selector(".opblock", timeout=20_000)
        assert page.locator(".opblock").count() > 50, "Swagger UI shows no operations"
    watch.assert_clean(page)
    page.context.close()


def test_docs_work_without_the_network(browser: Browser, base: str, tmp_path: Path) -> None:
    """/docs draws the API from our own files: every request it makes goes to the site."""
    page = browser.new_context().new_page()
    watch = PageWatch(base)
    watch.attach(page)
    page.goto(base + "/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body", timeout=10_000)
    watch.assert_clean(page)
    assert page.evaluate("typeof window.SwaggerUIBundle") == "function"
    page.context.close()


def test_printable_reports_opened_from_the_dashboard_keep_their_styles(
    browser: Browser, demo_db_url: str, tmp_path: Path
) -> None:
    """The dashboard opens the printable reports as blob: pages, which inherit the dashboard's policy: their one
    fixed stylesheet is allowed by its hash, and nothing is blocked."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    build_world(engine)
    engine.dispose()
    with serve_site(app_settings(demo_db_url, tmp_path)) as site:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_init_script(RECORD_VIOLATIONS)  # in the report windows too
        page = context.new_page()
        watch = PageWatch(site)
        watch.attach(page)
        page.goto(site + "/dashboard")
        page.fill("input[name=login]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("#login-form button[type=submit]")
        wait_until(page, "document.documentElement.dataset.board === 'ready'", timeout=30_000)
        for button in ("#dl-html", "#dl-sup"):
            with page.expect_popup() as opened:
                page.click(button)
            report = opened.value
            report.wait_for_selector("h1")
            assert report.url.startswith("blob:")
            heading = report.evaluate("getComputedStyle(document.querySelector('h1')).color")
            assert heading == "rgb(140, 47, 27)", f"{button}: the report's stylesheet did not apply"
            assert report.evaluate("window.__cspViolations") == [], button
            report.close()
        watch.assert_clean(page)
        context.close()
