"""The dashboard and the fair-day phone page in the system Chromium, on the demo with real accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route
from sqlalchemy import text

from programme.dashboard import dashboard
from tests.accounts_world import PASSWORD, live_site, login
from tests.accounts_world import LiveSite as Site
from tests.page_watch import wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
API = "/api/v1/programme"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@dataclass
class Guard:
    """Console errors and requests to other hosts seen by a page (those are aborted)."""

    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)
        page.route("**/*", self._route)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console.error: {message.text}")

    def _local(self, url: str) -> bool:
        return url.startswith(self.base + "/") or url.startswith(("data:", "blob:"))

    def _request(self, request: Request) -> None:
        if not self._local(request.url):
            self.foreign.append(request.url)

    def _route(self, route: Route) -> None:
        if self._local(route.request.url):
            route.continue_()
        else:
            route.abort()


@pytest.fixture
def site(demo_db_url: str, tmp_path: Path) -> Iterator[Site]:
    """The real site on a free port over a private demo with one account per role."""
    yield from live_site(demo_db_url, tmp_path)


def _open(browser: Browser, site: Site, path: str, who: str, **context: Any) -> tuple[Page, Guard]:
    page = browser.new_context(**context).new_page()
    guard = Guard(site.base)
    guard.attach(page)
    page.goto(site.base + path)
    page.fill("input[name=login]", who)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    return page, guard


def _number(page: Page, metric: str) -> int:
    return int(page.inner_text(f".metric[data-metric={metric}] .actual").replace(",", ""))


def _board_ready(page: Page, guard: Guard) -> None:
    wait_until(page, "['ready', 'failed'].includes(document.documentElement.dataset.board)", timeout=30_000)
    state = page.evaluate("document.documentElement.dataset.board")
    assert state == "ready", (page.inner_text("#status"), guard.errors)


def test_dashboard_shows_targets_actuals_tasks_and_calendar(browser: Browser, site: Site) -> None:
    page, guard = _open(browser, site, "/dashboard", "admin", viewport={"width": 1280, "height": 900})
    _board_ready(page, guard)
    with site.engine.connect() as conn:
        board = dashboard(conn, date.today().year, on=date.today())
    for metric in ("new_jobs", "fairs", "intentions"):
        assert _number(page, metric) == board["metrics"][metric]["actual"]
    assert page.inner_text(".metric[data-metric=new_jobs] .big").endswith("/ 5,100")
    assert "季节法" in page.inner_text(".metric[data-metric=new_jobs] .method")
    assert page.locator("#charts svg.chart").count() == 3
    assert page.locator("#charts rect.bar-actual").count() == 36
    flags = page.locator("#tasks li.overdue")
    assert flags.count() == 2 and page.locator("#tasks li").count() == 11
    assert page.locator("#tasks li").first.get_attribute("data-seq") == "2"
    assert "逾期" in flags.first.inner_text()
    assert page.locator("#month .day.has").count() > 0
    assert page.locator(".leaflet-interactive").count() >= 3  # the venues (and township outlines)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "programme-dashboard.png"), full_page=True)
    page.click("#lang-switch")
    assert page.inner_text("h1") == "Hongyan · Targets dashboard"
    assert guard.errors == [] and guard.foreign == []


def test_fair_day_on_a_phone_two_taps_raise_the_dashboard(browser: Browser, site: Site) -> None:
    world, client = site.world, site.client
    staff = login(client, "staff_a")
    with site.engine.connect() as conn:
        venue = conn.execute(
            text("SELECT min(venue_id) FROM fair_venues WHERE area_code LIKE :p"),
            {"p": world.township_a[:9] + "%"},
        ).scalar_one()
    fair = client.post(
        f"{API}/fairs",
        headers=staff,
        json={
            "fair_date": date.today().isoformat(),
            "kind": "special",
            "theme": "other",
            "title": "现场测试专场",
            "venue_id": venue,
        },
    ).json()
    booth = client.post(
        f"{API}/fairs/{fair['fair_id']}/booths", json={"booth_no": "A1"}, headers=login(client, "hr_1")
    )
    assert booth.status_code == 201, booth.text
    admin_page, admin_guard = _open(
        browser, site, "/dashboard", "admin", viewport={"width": 1280, "height": 900}
    )
    _board_ready(admin_page, admin_guard)
    before = _number(admin_page, "intentions")

    page, guard = _open(browser, site, "/fair", "staff_a", **PHONE)
    wait_until(page, "document.documentElement.dataset.fair === 'ready'", timeout=30_000)
    assert page.input_value("#fair") == str(fair["fair_id"])  # today's fair is picked
    assert "今天" in page.inner_text("#fair option:checked")
    page.fill("#seeker-form input[name=name]", "赵小燕")
    page.fill("#seeker-form input[name=phone]", "13955556666")
    page.click("#seeker-form button[type=submit]")
    # township staff see names (as in the residents registry); the phone stays masked
    page.wait_for_selector("#seekers .pick >> text=赵小燕", timeout=20_000)
    assert "139****6666" in page.inner_text("#seekers") and "13955556666" not in page.content()
    assert page.get_attribute("#fair-counts", "data-seekers") == "1"
    # the two taps: the seeker, then the booth's 意向
    page.click("#seekers .pick >> text=赵小燕")
    page.click(f"#booths li[data-id='{booth.json()['booth_id']}'] button[data-kind=intention]")
    wait_until(page, "document.getElementById('fair-counts').dataset.intentions === '1'", timeout=10_000)
    assert "已记录" in page.inner_text("#status")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the phone page scrolls sideways ({width}px)"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "programme-fair-phone.png"), full_page=True)
    # a second 意向 for the same pair is refused with the API's message, visibly
    page.click(f"#booths li[data-id='{booth.json()['booth_id']}'] button[data-kind=intention]")
    wait_until(page, "document.getElementById('status').dataset.bad === 'true'", timeout=10_000)
    assert "已记录 (this intention was already recorded)" in page.inner_text("#status")

    admin_page.reload()
    _board_ready(admin_page, admin_guard)
    assert _number(admin_page, "intentions") == before + 1
    admin_page.screenshot(path=str(SHOTS / "programme-dashboard-after.png"), full_page=True)
    # the failed second tap logs a 409 in the console; nothing else may
    assert [e for e in guard.errors if "409" not in e] == [] and guard.foreign == []
    assert admin_guard.errors == [] and admin_guard.foreign == []
