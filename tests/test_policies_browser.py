"""The policies page in the system Chromium on a phone-sized screen: a Chinese search shows the right policies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Browser
from sqlalchemy import create_engine

from geo.core.settings import Settings
from registry.policies.load import load_policies, seed_path
from tests.live_server import serve_site
from tests.page_watch import wait_until
from tests.test_web_map_browser import Guard, _screenshot

pytestmark = pytest.mark.browser


def test_search_chuangye_daikuan_on_a_phone(browser: Browser, db_url: str, tmp_path: Path) -> None:
    engine = create_engine(db_url)
    with engine.begin() as conn:
        load_policies(conn, seed_path())
    engine.dispose()
    settings = Settings(database_url=db_url, data_dir=tmp_path / "data")
    with serve_site(settings) as base:
        page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1, locale="zh-CN")
        guard = Guard(base)
        guard.attach(page)
        page.goto(base + "/policies")
        page.wait_for_selector("#results li.policy")
        assert page.locator("#results li.policy").count() == 21
        page.fill("#q", "创业贷款")
        page.click("#search button[type=submit]")
        wait_until(page, "document.querySelector('#status').textContent.startsWith('共找到')")
        titles = page.locator("#results li.policy h2").all_inner_texts()
        assert len(titles) >= 3 and all("创业担保贷款" in t for t in titles[:3])
        assert page.locator("#status").inner_text() == f"共找到 {len(titles)} 条政策"
        first = page.locator("#results li.policy").first
        assert first.is_visible() and "最高" in first.inner_text()
        pixels = _screenshot(page, "policies-search")
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50  # text and cards drawn, not a blank page
        page.select_option("#category", "社保补贴")
        page.fill("#q", "社保")
        page.click("#search button[type=submit]")
        wait_until(page, "document.querySelectorAll('#results li.policy').length === 3")
        assert all("社保补贴" in t for t in page.locator("#results li.policy .tag").all_inner_texts())
        page.fill("#q", "区块链")
        page.click("#search button[type=submit]")
        wait_until(page, "document.querySelector('#status').textContent.startsWith('没有找到')")
        page.click("#lang")  # the server renders the page again in English (kept in a cookie)
        wait_until(page, "document.querySelector('h1').textContent === 'Employment policies'")
        assert page.locator("#status").inner_text() == "21 policies found"
        page.close()
        assert guard.errors == [] and guard.foreign == []
