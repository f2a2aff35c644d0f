"""The map in the system Chromium: job scores with tap-to-expand explanations, and snapshot groups in 规划."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from geo.core.settings import Settings
from tests.live_server import serve_site
from tests.page_watch import wait_until
from tests.test_web_map_browser import _screenshot
from tests.test_web_map_views import DESKTOP, PHONE, Demo, _names, _open, _search_village, _tab

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(analysed_demo_db_url: str, tmp_path: Path) -> Iterator[Demo]:
    """A private copy of the analysed demo (walking 3 km analytics, two dated snapshots), on a free port."""
    settings = Settings(database_url=analysed_demo_db_url, data_dir=tmp_path)
    village, code, enterprise, eid = _names(analysed_demo_db_url)
    with serve_site(settings) as base:
        yield Demo(base, village, code, enterprise, eid)


def test_phone_seeker_sees_scores_and_opens_an_explanation(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, PHONE)
    _tab(page, "seekers")
    page.fill("#seeker-wage", "4000")
    _search_village(page, demo.village)
    wait_until(page, "document.documentElement.dataset.scores === 'ready'", timeout=20_000)
    first = page.locator("#jobs .job").nth(0)
    score = first.locator(".job-score")
    assert score.is_visible()
    text = score.inner_text()
    assert text.startswith("匹配度 ") and 0 <= float(text.split(" ")[1]) <= 100
    why = first.locator("details.job-why")
    assert not why.locator(".job-factors").is_visible()  # folded until tapped
    why.locator("summary").tap()
    factors = why.locator(".job-factors li")
    assert factors.nth(0).is_visible()
    lines = factors.all_inner_texts()
    assert any(line.startswith("路程：步行 ") for line in lines), lines
    assert any("期望 4000 元" in line for line in lines), lines
    points = [float(line.rsplit(" ", 1)[1]) for line in lines]
    assert abs(sum(points) - float(text.split(" ")[1])) < 0.051
    first.scroll_into_view_if_needed()
    _screenshot(page, "seeker-phone-match-explained")
    page.click("#lang-switch")
    assert score.inner_text().startswith("Match ")
    guard.assert_clean()


def test_planner_picks_a_trade_group_and_date(browser: Browser, demo: Demo) -> None:
    page, guard = _open(browser, demo.base, DESKTOP)
    _tab(page, "planning")
    wait_until(page, "document.documentElement.dataset.plan === 'ready'", timeout=20_000)
    wait_until(page, "document.documentElement.dataset.snapshots === 'ready'", timeout=20_000)
    assert page.locator("#plan-snapshot").is_visible()
    options = page.eval_on_selector_all("#plan-date option", "os => os.map(o => o.value)")
    assert options == ["2026-11-20", "2026-11-01"]
    groups = page.eval_on_selector_all("#plan-group option", "os => os.map(o => o.value)")
    assert "all" in groups and "6" in groups
    page.select_option("#plan-group", "6")
    page.select_option("#plan-date", "2026-11-01")
    wait_until(page, "document.documentElement.dataset.plan === 'ready'")
    wait_until(page, "document.querySelectorAll('path[data-choropleth=\"township\"]').length > 0")
    page.locator('path[data-choropleth="township"]').nth(0).click(force=True)
    facts = page.inner_text("#plan-area-facts")
    assert "空间可得岗位" in facts and "可达性（E2SFCA）" in facts
    _screenshot(page, "planner-snapshot-group")
    guard.assert_clean()
