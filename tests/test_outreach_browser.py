"""鸿雁回归 pages in the system Chromium: the outreach flow map (desktop) and 一窗受理 (phone viewport)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import text

from geo.core.db import create_db_engine
from geo.core.settings import Settings
from tests.accounts_world import PASSWORD, World, build_world
from tests.live_server import serve_site
from tests.page_watch import wait_until
from tests.test_web_map_browser import Guard, _rgb, _screenshot

pytestmark = pytest.mark.browser

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@dataclass(frozen=True)
class Site:
    """The served demo copy, its cast of accounts and the people working away per city."""

    base: str
    world: World
    away: Counter[str]


@pytest.fixture
def site(demo_db_url: str, tmp_path: Path) -> Iterator[Site]:
    """A private demo copy with accounts, served on a free port."""
    engine = create_db_engine(demo_db_url, pool_size=2)
    world = build_world(engine)
    with engine.connect() as conn:
        away = Counter(
            str(c)
            for c in conn.execute(
                text("SELECT work_city FROM residents WHERE status = 'working_away'")
            ).scalars()
        )
    engine.dispose()
    with serve_site(Settings(database_url=demo_db_url, data_dir=tmp_path)) as base:
        yield Site(base, world, away)


def _open(browser: Browser, base: str, path: str, context: dict[str, Any]) -> tuple[Page, Guard]:
    page = browser.new_context(**context).new_page()
    guard = Guard(base)
    guard.attach(page)
    page.goto(base + path)
    return page, guard


def _share(pixels: np.ndarray, colour: np.ndarray, tol: int = 40) -> float:
    return float((np.abs(pixels - colour).max(axis=-1) <= tol).mean())


def test_outreach_flow_map_draws_arcs_for_shanghai_and_suzhou(browser: Browser, site: Site) -> None:
    page, guard = _open(browser, site.base, "/outreach.html", DESKTOP)
    page.fill("#login-name", "staff_a")
    page.fill("#login-password", "wrong-password-1")
    page.click("#login button[type=submit]")
    wait_until(page, "document.getElementById('login-status').textContent.includes('登录失败')")
    page.fill("#login-password", PASSWORD)
    page.click("#login button[type=submit]")
    wait_until(page, "document.documentElement.dataset.flows === 'ready'", timeout=20_000)
    guard.errors.clear()  # the refused login answered 401 on purpose
    # township A's people only: the list counts equal the API's, which equal a brute force in test_outreach_api
    items = page.eval_on_selector_all("#city-list li", "els => els.map(e => [e.dataset.city, e.textContent])")
    assert items and {c for c, _ in items} <= set(site.away)
    arcs = page.eval_on_selector_all(
        "path.flow-arc", "els => els.map(e => [e.dataset.city, parseFloat(e.getAttribute('stroke-width'))])"
    )
    widths = dict(arcs)
    assert {"上海", "苏州"} <= set(widths) and len(arcs) == len(items)
    assert widths[items[0][0]] == max(widths.values())  # the biggest flow is the widest arc
    for city in ("上海", "苏州"):
        box = page.locator(f'path.flow-arc[data-city="{city}"]').bounding_box()
        assert box is not None and box["width"] > 20, city
    assert page.locator(".leaflet-tooltip", has_text="上海").count() == 1
    assert page.locator(".leaflet-tooltip", has_text="霍邱").count() == 1
    assert page.locator("path.leaflet-interactive, path").count() > len(arcs)
    pixels = _screenshot(page, "outreach-desktop")
    assert _share(pixels, _rgb("#c0392b")) > 0.002, "no arcs visible on the screenshot"
    # the filter narrows the flows; a city opens its targeted list
    page.check("#wish")
    wait_until(page, "document.documentElement.dataset.flows === 'ready'")
    wishing = page.eval_on_selector_all("#city-list li", "els => els.length")
    assert 0 < wishing <= len(items)
    page.click('#city-list li[data-city="上海"]') if page.locator(
        '#city-list li[data-city="上海"]'
    ).count() else page.click("#city-list li")
    wait_until(page, "document.documentElement.dataset.target === 'ready'", timeout=20_000)
    names = page.eval_on_selector_all("#people tr td:first-child", "els => els.map(e => e.textContent)")
    assert names and all("*" in n for n in names)
    projects = page.locator("#projects li")  # the returnee projects needing workers, beside the people
    assert projects.count() > 0 and "返乡创业项目需用工" in page.inner_text("#target-summary")
    with page.expect_download() as download:
        page.click("#export")
    assert download.value.suggested_filename.endswith(".xlsx")
    _screenshot(page, "outreach-desktop-list")
    guard.assert_clean()


def test_service_page_on_a_phone_submit_and_check(browser: Browser, site: Site) -> None:
    page, guard = _open(browser, site.base, "/service.html", PHONE)
    wait_until(page, "document.documentElement.dataset.service === 'ready'", timeout=20_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.click("#intake button[type=submit]")
    wait_until(page, "document.getElementById('intake-status').dataset.state === 'error'")
    assert page.text_content("#intake-status") == (
        "提交失败：请选择事项类别（choose a category (事项类别) (field category)）"
    )
    page.select_option("#category", "job_referral")
    assert page.text_content("#unit-hint") == "承办单位：乡镇劳动保障所"
    page.fill("#name", "李四")
    page.fill("#phone", "1371234")
    page.select_option("#township", site.world.township_a)
    wait_until(page, "document.getElementById('village').options.length > 1")
    page.select_option("#village", site.world.village_a1)
    page.fill("#description", "会电焊，想在家门口找工作")
    page.click("#intake button[type=submit]")
    wait_until(page, "document.getElementById('intake-status').textContent.includes('手机号应为 11 位')")
    page.fill("#phone", "13712345678")
    page.click("#intake button[type=submit]")
    wait_until(page, "document.documentElement.dataset.ticket !== undefined", timeout=20_000)
    number = page.text_content("#ticket-no")
    assert number and number.startswith("YC") and page.is_visible("#ticket-no")
    _screenshot(page, "service-phone-receipt")
    page.fill("#lookup-last4", "0000")
    page.click("#lookup button[type=submit]")
    wait_until(page, "document.documentElement.dataset.lookup === 'error'")
    assert page.text_content("#lookup-status") == "查询失败：未找到该办件，请核对办件号和手机号后 4 位"
    page.fill("#lookup-last4", "5678")
    page.click("#lookup button[type=submit]")
    wait_until(page, "document.documentElement.dataset.lookup === 'submitted'")
    assert "当前状态：已提交" in (page.text_content("#lookup-status") or "")
    assert page.eval_on_selector_all("#history li", "els => els.length") == 1
    page.locator("#lookup").scroll_into_view_if_needed()
    _screenshot(page, "service-phone-status")
    guard.errors.clear()  # the refused submissions and the wrong digits answered 422/404 on purpose
    guard.assert_clean()


def test_outreach_on_a_phone(browser: Browser, site: Site) -> None:
    page, guard = _open(browser, site.base, "/outreach.html", PHONE)
    page.fill("#login-name", "admin")
    page.fill("#login-password", PASSWORD)
    page.click("#login button[type=submit]")
    wait_until(page, "document.documentElement.dataset.flows === 'ready'", timeout=20_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    map_box, panel_box = page.locator("#flow-map").bounding_box(), page.locator("#flow-panel").bounding_box()
    assert (
        map_box
        and panel_box
        and map_box["height"] > 300
        and panel_box["y"] >= map_box["y"] + map_box["height"] - 1
    )
    assert page.locator("path.flow-arc").count() == page.locator("#city-list li").count() == len(site.away)
    pixels = _screenshot(page, "outreach-phone")
    assert _share(pixels, _rgb("#c0392b")) > 0.002
    guard.assert_clean()
