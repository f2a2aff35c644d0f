"""Every page of the site in the system Chromium under its Content-Security-Policy: nothing is blocked, nothing
errs, no other host is asked (/docs included: Swagger UI from the vendored files, started by docs.js)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from geo.core.settings import Settings
from tests.live_server import serve_site
from tests.page_watch import PageWatch, wait_until

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


def test_docs_work_without_the_network(browser: Browser, base: str) -> None:
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
