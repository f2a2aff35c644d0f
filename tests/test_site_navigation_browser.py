"""One product: every page is reachable from the map's menu and leads back to the map; the dashboard on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.accounts_world import PASSWORD, live_site, login
from tests.accounts_world import LiveSite as Site
from tests.page_watch import wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
MENU = [
    ("map", "./", "就业地图"),
    ("policies", "policies", "政策"),
    ("fair", "fair", "招聘会"),
    ("dashboard", "dashboard", "目标看板"),
    ("outreach", "outreach", "鸿雁外出流向"),
    ("service", "service", "一窗受理"),
    ("import", "import", "数据导入"),
]
# every page is served here, by clean URL and by .html where it had one
PAGES = [
    "/",
    "/policies",
    "/fair",
    "/dashboard",
    "/outreach",
    "/outreach.html",
    "/service",
    "/service.html",
    "/import",
]


@pytest.fixture
def site(demo_db_url: str, tmp_path: Path) -> Iterator[Site]:
    """The real site on a free port over a private demo with one account per role."""
    yield from live_site(demo_db_url, tmp_path)


def _errors(page: Page) -> list[str]:
    """Script errors, console errors and failed requests (the console's copy of a failed request is left out:
    the response names its URL)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return errors


def _inside(page: Page, selector: str, width: int) -> None:
    """The element is rendered, not clipped by its box, and lies fully inside the viewport's width."""
    box = page.locator(selector).bounding_box()
    assert box is not None and box["width"] > 0, selector
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)
    clipped = page.eval_on_selector(selector, "e => e.scrollWidth > e.clientWidth + 1")
    assert not clipped, f"{selector} is cut off"


def test_every_page_has_the_menu_and_a_way_back_to_the_map(browser: Browser, site: Site) -> None:
    page = browser.new_context(**PHONE).new_page()
    errors = _errors(page)
    for path in PAGES:
        page.goto(site.base + path)
        page.wait_for_selector("#menu-toggle")
        links = page.locator("#site-menu a")
        assert [(a.get_attribute("data-page"), a.get_attribute("href")) for a in links.all()] == [
            (p, h) for p, h, _ in MENU
        ], path
        if path != "/":
            back = page.locator("body > header a[href='./']")
            assert back.is_visible() and "就业地图" in back.inner_text(), path
            _inside(page, "body > header a[href='./']", 390)
        _inside(page, "#menu-toggle", 390)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert errors == []


def test_the_maps_menu_on_a_phone_opens_each_page(browser: Browser, site: Site) -> None:
    page = browser.new_context(**PHONE).new_page()
    errors = _errors(page)
    page.goto(site.base + "/")
    page.wait_for_selector("#menu-toggle")
    assert page.locator("#site-menu").is_hidden()
    assert page.inner_text("#menu-toggle") == "菜单"
    page.click("#menu-toggle")
    assert page.locator("#site-menu").is_visible()
    assert page.get_attribute("#menu-toggle", "aria-expanded") == "true"
    for name, _, label in MENU:
        link = f"#site-menu a[data-page={name}]"
        assert page.inner_text(f"{link} strong") == label
        _inside(page, link, 390)
        box = page.locator(link).bounding_box()
        assert box is not None and box["height"] >= 44, f"{name}: tap target {box}"
    assert page.get_attribute("#site-menu a[data-page=map]", "aria-current") == "page"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "site-menu-phone.png"))
    page.keyboard.press("Escape")
    assert page.locator("#site-menu").is_hidden()
    # English follows the map's language switch
    page.click("#lang-switch")
    assert page.inner_text("#menu-toggle") == "Menu"
    page.click("#menu-toggle")
    assert page.inner_text("#site-menu a[data-page=dashboard] strong") == "Targets dashboard"
    page.click("#lang-switch")  # back to Chinese; closes the menu (a click outside it)
    assert page.locator("#site-menu").is_hidden()
    for name, path, title in [
        ("dashboard", "/dashboard", "鸿雁回归 · 目标进度看板"),
        ("outreach", "/outreach", "鸿雁回归 · 外出务工流向 · 霍邱县"),
        ("service", "/service", "一窗受理 · 霍邱县人社服务"),
        ("policies", "/policies", "稳岗就业政策 · 霍邱县"),
        ("fair", "/fair", "招聘会现场 · 鸿雁回归"),
        ("import", "/import", "表格导入 · 鸿雁 · 霍邱县"),
    ]:
        # leave a page only once its requests are answered: requests a page leaves behind still hold the
        # in-process server's worker threads, and on a busy machine the next page's files queued behind them
        page.wait_for_load_state("networkidle")
        page.click("#menu-toggle")
        page.click(f"#site-menu a[data-page={name}]")
        page.wait_for_url(site.base + path)
        page.wait_for_load_state("networkidle")
        assert page.title() == title
        assert page.get_attribute(f"#site-menu a[data-page={name}]", "aria-current") == "page"
        page.click("body > header a[href='./']")
        page.wait_for_url(site.base + "/")
        assert page.title() == "鸿雁就业地图 · 霍邱县"
    assert errors == []


def test_dashboard_on_a_phone_labels_the_countys_targets_and_shows_every_number(
    browser: Browser, site: Site
) -> None:
    staff = login(site.client, "staff_a")
    board = site.client.get("/api/v1/programme/dashboard", headers=staff).json()
    assert board["scope"]["own_targets"] is False  # the demo sets only the county's targets
    page = browser.new_context(**PHONE).new_page()
    errors = _errors(page)
    page.goto(site.base + "/dashboard")
    page.fill("input[name=login]", "staff_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    wait_until(page, "['ready', 'failed'].includes(document.documentElement.dataset.board)", timeout=30_000)
    assert page.evaluate("document.documentElement.dataset.board") == "ready", page.inner_text("#status")
    note = page.inner_text("#scope-note")
    assert note == board["scope"]["note_zh"] and "未设本级目标" in note
    assert page.get_attribute("#scope-note", "data-own") == "false"
    town, county = board["scope"]["area_name"], board["scope"]["targets_area_name"]
    for metric in ("new_jobs", "fairs", "intentions"):
        m = board["metrics"][metric]
        card = f".metric[data-metric={metric}]"
        actual = page.inner_text(f"{card} .actual")
        assert int(actual.replace(",", "")) == m["actual"]
        assert page.inner_text(f"{card} .big").endswith(f"/ {m['target']:,}")
        tags = page.inner_text(f"{card} .target-of")
        assert f"目标：{county}（全县目标）" in tags and f"完成：{town}" in tags
        for part in (".actual", ".big", ".target-of", ".line"):
            _inside(page, f"{card} {part}", 390)
    for n in page.locator("#townships td.n").all():
        box = n.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "programme-dashboard-phone.png"), full_page=True)
    assert errors == []


def test_the_parks_layer_on_the_map(browser: Browser, site: Site) -> None:
    parks = site.client.get("/api/v1/parks.geojson").json()["features"]
    taken = sum(f["properties"]["occupancy"] for f in parks)
    capacity = sum(f["properties"]["capacity"] for f in parks)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = _errors(page)
    page.goto(site.base + "/")
    page.click("button[data-tab=planning]")
    page.check("#plan-parks")
    wait_until(
        page, "document.getElementById('plan-parks-status').textContent.includes('个园区')", timeout=20_000
    )
    assert page.inner_text("#plan-parks-status") == f"{len(parks)} 个园区，已入驻 {taken}/{capacity}"
    markers = page.locator(".leaflet-planoverlay-pane path.leaflet-interactive")
    assert markers.count() == len(parks) > 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "planner-parks.png"))
    page.uncheck("#plan-parks")
    assert markers.count() == 0 and page.inner_text("#plan-parks-status") == ""
    # the small demo has no circle analytics run: the planner's statistics answer 404 and it says so
    assert [e for e in errors if "/api/v1/stats/areas?" not in e] == []
