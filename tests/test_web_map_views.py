"""The job map's three views in the system Chromium on the small demo county: 求职者, 企业, 规划."""

from __future__ import annotations

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
from tests.live_server import serve_site
from tests.page_watch import poll, wait_until
from tests.test_web_map_browser import Guard, _rgb, _screenshot, _township_colours

pytestmark = pytest.mark.browser

TOWN = "341522100000"
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@dataclass(frozen=True)
class Demo:
    """The served demo copy and the names the tests search for."""

    base: str
    village: str
    village_code: str
    enterprise: str
    enterprise_id: int


def _names(url: str) -> tuple[str, str, str, int]:
    """A village near the town seat with a unique name, and the enterprise with the most open positions."""
    eng = create_db_engine(url, pool_size=1)
    with eng.connect() as conn:
        village, code = conn.execute(
            text(
                """
                SELECT v.name, v.code FROM admin_areas v, admin_areas t
                WHERE t.code = :town AND v.parent_code = t.code
                  AND (SELECT count(*) FROM admin_areas o WHERE o.name LIKE '%' || v.name || '%') = 1
                ORDER BY ST_Distance(v.seat, t.seat) LIMIT 1
                """
            ),
            {"town": TOWN},
        ).one()
        enterprise, eid = conn.execute(
            text(
                """
                SELECT e.name, e.enterprise_id FROM enterprises e JOIN vacancies v USING (enterprise_id)
                WHERE v.status = 'open'
                  AND (SELECT count(*) FROM enterprises o WHERE o.name LIKE '%' || e.name || '%') = 1
                GROUP BY e.enterprise_id ORDER BY sum(v.positions) DESC, e.enterprise_id LIMIT 1
                """
            )
        ).one()
    eng.dispose()
    return str(village), str(code), str(enterprise), int(eid)


@pytest.fixture
def demo(analysed_demo_db_url: str, tmp_path: Path) -> Iterator[Demo]:
    """A private copy of the analysed demo (walking 3 km analytics, heat), served on a free port."""
    settings = Settings(database_url=analysed_demo_db_url, data_dir=tmp_path)
    village, code, enterprise, eid = _names(analysed_demo_db_url)
    with serve_site(settings) as base:
        yield Demo(base, village, code, enterprise, eid)


def _open(browser: Browser, base: str, context: dict[str, Any], **extra: Any) -> tuple[Page, Guard]:
    page = browser.new_context(**context, **extra).new_page()
    guard = Guard(base)
    guard.attach(page)
    page.goto(base + "/")
    wait_until(page, "document.documentElement.dataset.areas === 'ready'", timeout=20_000)
    return page, guard


def _tab(page: Page, name: str) -> None:
    if page.get_attribute("#panel", "data-open") != "true":
        page.click("#panel-toggle")
    page.click(f'.tab[data-tab="{name}"]')


def _share(pixels: np.ndarray, colour: np.ndarray, tol: int = 4) -> float:
    return float((np.abs(pixels - colour).max(axis=-1) <= tol).mean())


def _blend(page: Page, colour: str, opacity: float) -> np.ndarray:
    bg = _rgb(page.evaluate("getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor"))
    return np.rint(_rgb(colour) * opacity + bg * (1 - opacity))


def _share_over_townships(page: Page, pixels: np.ndarray, selector: str) -> float:
    """Share of the screenshot painted with the fill of selector's first path over any township's fill."""
    fill, opacity = page.eval_on_selector(
        selector, "p => [p.getAttribute('fill'), p.getAttribute('fill-opacity')]"
    )
    a = float(opacity)
    return sum(_share(pixels, np.rint(_rgb(fill) * a + under * (1 - a))) for under in _township_colours(page))


def _search_village(page: Page, name: str) -> None:
    page.fill("#seeker-q", name)
    page.click("#seeker-search button[type=submit]")
    wait_until(page, "document.documentElement.dataset.jobs === 'ready'", timeout=20_000)


def test_seeker_desktop_circle_list_markers_detail_language(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, DESKTOP)
    _tab(page, "seekers")
    _search_village(page, demo.village)
    jobs = page.locator("#jobs .job")
    assert jobs.count() > 0
    vacancies = page.evaluate("document.querySelectorAll('#jobs .job').length")
    assert (
        page.inner_text("#seeker-summary").endswith("人")
        and int(page.inner_text("#seeker-summary").split(" ")[0]) >= vacancies
    )
    pixels = _screenshot(page, "seeker-desktop")
    assert _share_over_townships(page, pixels, ".leaflet-reach-pane path") > 0.02, (
        "no reach fill on the screenshot"
    )
    assert page.locator("path[data-site]").count() > 0

    jobs.nth(0).locator("button").click()
    site = jobs.nth(0).get_attribute("data-site")
    marker = page.locator(f'path[data-site="{site}"]')
    assert marker.get_attribute("fill") == "#f39c12", "the chosen job's marker is not highlighted"
    assert "active" in (jobs.nth(0).get_attribute("class") or "")
    assert page.locator("#job-detail").is_visible()
    detail = page.inner_text("#job-detail")
    assert page.inner_text("#jobs .job >> nth=0 >> .job-enterprise") in detail
    assert "道路距离" in detail and "月薪" in detail
    _screenshot(page, "seeker-desktop-chosen")

    page.click("#lang-switch")
    assert "Road distance" in page.inner_text("#job-detail")
    assert page.inner_text('.tab[data-tab="seekers"]') == "Seekers"
    page.click("#lang-switch")
    guard.assert_clean()


def test_seeker_phone_geolocation_denied_and_unknown_village(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, PHONE, permissions=[])
    _tab(page, "seekers")
    page.click("#locate-me")
    wait_until(page, "document.getElementById('seeker-status').dataset.state === 'error'")
    assert page.inner_text("#seeker-status") == (
        "无法获取您的位置（未授权或不可用）。请在上方输入村或乡镇名称查找。"
    )
    assert page.evaluate("document.activeElement.id") == "seeker-q", "the village search is not focused"
    _screenshot(page, "seeker-phone-geo-denied")

    page.fill("#seeker-q", "没有这个村")
    page.click("#seeker-search button[type=submit]")
    wait_until(page, "document.getElementById('seeker-status').textContent.startsWith('没有找到')")
    assert page.inner_text("#seeker-status") == "没有找到“没有这个村”，请换个名称试试（如村名或乡镇名）。"

    _search_village(page, demo.village)
    assert page.locator("#jobs .job").count() > 0
    pixels = _screenshot(page, "seeker-phone")
    assert pixels.shape[:2] == (844 * 2, 390 * 2)
    guard.assert_clean()


def test_seeker_geolocation_granted_loads_the_circle(browser: Browser, demo: Demo) -> None:
    page, guard = _open(
        browser,
        demo.base,
        DESKTOP,
        permissions=["geolocation"],
        geolocation={"longitude": 116.2780, "latitude": 32.3540},
    )
    _tab(page, "seekers")
    page.click("#locate-me")
    wait_until(page, "['ready', 'error'].includes(document.documentElement.dataset.jobs)")
    assert page.evaluate("document.documentElement.dataset.jobs") == "ready", page.inner_text(
        "#seeker-status"
    )
    guard.assert_clean()


def test_enterprise_view_counts_the_pool_at_three_radii(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, DESKTOP)
    _tab(page, "enterprises")
    page.fill("#enterprise-q", demo.enterprise)
    page.click("#enterprise-search button[type=submit]")
    wait_until(page, "document.documentElement.dataset.pool === 'ready'", timeout=30_000)
    assert page.inner_text("#enterprise-name") == demo.enterprise
    radii = page.locator("#pool-radii .bar-value").all_inner_texts()
    assert len(radii) == 3
    one, three, five = (int(v) for v in radii)
    assert one <= three <= five and five > 0
    assert page.inner_text("#enterprise-status") == f"3 公里内可招聘 {three} 人"
    statuses = [int(v) for v in page.locator("#pool-status .bar-value").all_inner_texts()]
    assert sum(statuses) == three
    assert page.locator("#pool-trade .bar-row").count() > 0
    assert page.locator(".leaflet-enterprise-pane path").count() > 0, "no site marker"
    assert page.locator("path.pool-village").count() > 0, "the pool is not on the map"
    _screenshot(page, "enterprise-desktop")
    guard.assert_clean()


def _planner_checks(page: Page, shot: str) -> None:
    wait_until(page, "document.documentElement.dataset.plan === 'ready'", timeout=20_000)
    legend = page.eval_on_selector_all("#plan-legend li", "els => els.map(e => e.dataset.colour)")
    assert 2 <= len(legend) <= 5
    pixels = _screenshot(page, shot)
    painted = [c for c in legend if _share(pixels, _blend(page, c, 0.85)) > 0.002]
    assert len(painted) >= 2, f"legend colours on the map: {painted} of {legend}"
    assert page.locator("path[data-choropleth]").count() > 0


def test_planner_choropleth_legend_and_area_figures(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, DESKTOP)
    _tab(page, "planning")
    _planner_checks(page, "planner-desktop")
    assert page.inner_text("#plan-status").endswith("五分位分级")
    page.locator(f'path[data-choropleth="township"][data-code="{TOWN}"]').click(force=True)
    report = page.locator("#plan-report")
    assert report.is_visible() and report.inner_text() == "下载报告"
    assert report.get_attribute("href") == f"reports/township/{TOWN}.html"
    download = page.request.get(f"{demo.base}/reports/township/{TOWN}.html")
    assert download.status == 200 and download.headers["content-disposition"].startswith("attachment")
    page.select_option("#plan-level", "village")
    wait_until(page, "document.querySelector('path[data-choropleth=\"village\"]') !== null")
    page.select_option("#plan-measure", "access_index")
    _planner_checks(page, "planner-desktop-village-access")
    page.locator(f'path[data-choropleth="village"][data-code="{demo.village_code}"]').click(force=True)
    assert page.inner_text("#plan-area-name") == demo.village
    assert page.locator('#plan-area-facts dd[data-field="seekers"]').inner_text().isdigit()
    assert page.locator("#plan-report").is_hidden()  # reports are per township
    page.check("#plan-flows")
    wait_until(page, "document.getElementById('plan-status').textContent.includes('调剂')", timeout=30_000)
    before = _screenshot(page, "planner-desktop-flows")
    with page.expect_response(lambda r: "/tiles/heat/" in r.url and r.status == 200):
        page.check("#plan-heat")  # a vector tile of H3 hexagons (an empty tile would be 204)
    changed = 0.0

    def heat_painted() -> bool:  # the canvas tiles paint after the tile arrives
        nonlocal changed
        after = _screenshot(page, "planner-desktop-heat")
        changed = float((np.abs(after.astype(int) - before.astype(int)).max(axis=-1) > 8).mean())
        return changed > 0.02

    poll(page, heat_painted, timeout=20_000, what="the heat layer changes over 2 % of the map")
    guard.assert_clean()


def test_planner_on_a_phone(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, PHONE)
    _tab(page, "planning")
    page.click("#panel-toggle")  # close the sheet to see the map
    _planner_checks(page, "planner-phone")
    guard.assert_clean()
