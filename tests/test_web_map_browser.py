"""The map page in the system Chromium: the real app served by uvicorn on a free port, a real test database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route
from sqlalchemy import Engine, text

from geo.core.settings import Settings
from tests.live_server import serve_site
from tests.page_watch import poll, wait_until

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
COUNTY = "341522000000"
TOWNSHIPS = {"341522100000": "城关镇", "341522101000": "新店镇"}
VILLAGES = {
    "341522100001": ("东湖社区", "341522100000"),
    "341522100002": ("西湖村", "341522100000"),
    "341522101001": ("新店社区", "341522101000"),
    "341522101002": ("桥口村", "341522101000"),
}

INSERT_AREA = text(
    """
    INSERT INTO admin_areas (code, name, level, kind, parent_code, seat, geom)
    VALUES (:code, :name, :level, :kind, :parent,
            ST_SetSRID(ST_MakePoint(:seat_lon, :seat_lat), 4326),
            ST_Multi(ST_MakeEnvelope(:west, :south, :east, :north, 4326)))
    """
)


def _area(
    code: str, name: str, level: str, kind: str, parent: str | None, box: tuple[float, ...]
) -> dict[str, Any]:
    west, south, east, north = box
    return {
        "code": code,
        "name": name,
        "level": level,
        "kind": kind,
        "parent": parent,
        "seat_lon": (west + east) / 2,
        "seat_lat": (south + north) / 2,
        "west": west,
        "south": south,
        "east": east,
        "north": north,
    }


def _insert_areas(engine: Engine) -> None:
    """A county, two 0.2°-square townships side by side near 32.35 N 116.27 E, two villages in each."""
    rows = [_area(COUNTY, "霍邱县", "county", "县", None, (116.05, 32.23, 116.49, 32.47))]
    for i, (code, name) in enumerate(TOWNSHIPS.items()):
        west = 116.07 + 0.2 * i
        rows.append(_area(code, name, "township", "镇", COUNTY, (west, 32.25, west + 0.2, 32.45)))
    for j, (code, (name, parent)) in enumerate(VILLAGES.items()):
        west = 116.07 + 0.1 * j
        kind = "社区" if name.endswith("社区") else "村"
        rows.append(_area(code, name, "village", kind, parent, (west, 32.25, west + 0.1, 32.45)))
    with engine.begin() as conn:
        conn.execute(INSERT_AREA, rows)


@dataclass
class Guard:
    """Console errors, page errors and requests to any host but the test server, seen by one page."""

    base: str
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Listen on page; foreign requests are recorded and aborted so nothing leaves the machine."""
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("request", self._request)
        page.route("**/*", self._route)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console.error: {message.text}")

    def _local(self, url: str) -> bool:
        return url == self.base or url.startswith(self.base + "/") or url.startswith("data:")

    def _request(self, request: Request) -> None:
        if not self._local(request.url):
            self.foreign.append(request.url)

    def _route(self, route: Route) -> None:
        if self._local(route.request.url):
            route.continue_()
        else:
            route.abort()

    def assert_clean(self) -> None:
        """Fail on any console error or foreign request seen so far."""
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"


@pytest.fixture
def live_server(settings: Settings, engine: Engine) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a background thread, with the test areas loaded."""
    _insert_areas(engine)
    with serve_site(settings) as base:
        yield base


def _open(browser: Browser, base: str, **context: Any) -> tuple[Page, Guard]:
    page = browser.new_context(**context).new_page()
    guard = Guard(base)
    guard.attach(page)
    page.goto(base + "/")
    wait_until(page, "document.documentElement.dataset.areas !== 'loading'", timeout=20_000)
    assert page.evaluate("document.documentElement.dataset.areas") == "ready", page.inner_text("#status")
    return page, guard


def _rgb(css: str) -> np.ndarray:
    """An `#rrggbb` or `rgb(r, g, b)` colour as an int array."""
    if css.startswith("#"):
        return np.array([int(css[i : i + 2], 16) for i in (1, 3, 5)])
    return np.array([int(v) for v in re.findall(r"\d+", css)[:3]])


def _township_colours(page: Page) -> list[np.ndarray]:
    """Each township's fill as painted: its fill colour blended over the map background at its opacity."""
    found = page.evaluate(
        """() => ({
            bg: getComputedStyle(document.querySelector('.leaflet-container')).backgroundColor,
            fills: [...document.querySelectorAll('path[data-level="township"]')]
                .map(p => [p.getAttribute('fill'), p.getAttribute('fill-opacity')]),
        })"""
    )
    bg = _rgb(found["bg"])
    return [np.rint(_rgb(c) * float(a) + bg * (1 - float(a))) for c, a in found["fills"]]


def _screenshot(page: Page, name: str) -> np.ndarray:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB")).astype(int)


def _assert_map_drawn(pixels: np.ndarray, township_colours: list[np.ndarray], *, min_share: float) -> None:
    flat = pixels.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    assert len(colours) > 200, f"only {len(colours)} distinct colours: the map looks blank"
    assert counts.max() / len(flat) < 0.8, "one colour covers most of the page: the map looks blank"
    assert len(township_colours) == len(TOWNSHIPS)
    for colour in township_colours:
        share = (np.abs(pixels - colour).max(axis=-1) <= 3).mean()
        assert share > min_share, f"township fill {colour.tolist()} covers only {share:.2%} of the screenshot"


def _texts(page: Page, selector: str) -> set[str]:
    return {t.strip() for t in page.locator(selector).all_inner_texts()}


def _codes(page: Page, level: str) -> set[str]:
    return set(
        page.eval_on_selector_all(f'path[data-level="{level}"]', "els => els.map(e => e.dataset.code)")
    )


def _zoom(page: Page) -> float:
    return float(page.get_attribute("#map", "data-zoom") or "nan")


def test_desktop_map_shows_townships_villages_and_switches_language(
    browser: Browser, live_server: str
) -> None:
    page, guard = _open(browser, live_server, viewport={"width": 1280, "height": 800})
    assert page.title() == "鸿雁就业地图 · 霍邱县"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.inner_text("#status") == "共 2 个乡镇、4 个村（社区）"
    assert _codes(page, "township") == set(TOWNSHIPS)
    assert _codes(page, "village") == set(), "villages are drawn before zooming in or choosing a township"
    assert _texts(page, ".township-label") == set(TOWNSHIPS.values())
    pixels = _screenshot(page, "desktop")
    _assert_map_drawn(pixels, _township_colours(page), min_share=0.05)

    page.locator('path[data-code="341522100000"]').click()
    assert page.inner_text("#area-name") == "城关镇"
    assert page.inner_text("#area-code") == "341522100000"
    assert page.inner_text("#area-level") == "乡镇级 · 镇"
    assert page.inner_text("#area-parent") == "霍邱县（341522000000）"
    assert _codes(page, "village") == {"341522100001", "341522100002"}

    page.locator('path[data-code="341522100002"]').click()
    assert page.inner_text("#area-name") == "西湖村"
    assert page.inner_text("#area-level") == "村级 · 村"
    assert page.inner_text("#area-parent") == "城关镇（341522100000）"
    _screenshot(page, "desktop-selected")

    page.click("#lang-switch")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.title() == "Hongyan Job Map · Huoqiu County"
    assert page.inner_text('.tab[data-tab="areas"]') == "Map"
    assert page.inner_text("#area-level") == "Village · 村"
    assert page.inner_text("#status") == "2 townships, 4 villages"
    assert page.inner_text("#lang-switch") == "中文"
    page.click('.tab[data-tab="seekers"]')
    assert page.locator('.tab-page[data-page="seekers"]').is_visible()
    assert page.inner_text("#locate-me") == "Locate me"
    assert page.get_attribute("#seeker-q", "placeholder") == "Village or township name"
    _screenshot(page, "desktop-en")
    page.click("#lang-switch")
    assert page.inner_text('.tab[data-tab="seekers"]') == "求职者"
    assert page.inner_text("#locate-me") == "定位我"

    # "Zoom to this area" zooms in; from zoom 12 on every village is drawn, from 13 on with its name.
    page.click('.tab[data-tab="areas"]')
    start = _zoom(page)
    assert start < 12
    page.click("#area-zoom")
    wait_until(page, f"Number(document.getElementById('map').dataset.zoom) > {start}")
    while _zoom(page) < 13:
        before = _zoom(page)
        page.click(".leaflet-control-zoom-in")
        wait_until(page, f"Number(document.getElementById('map').dataset.zoom) > {before}")
    assert _codes(page, "village") == set(VILLAGES)
    assert _texts(page, ".village-label") == {name for name, _ in VILLAGES.values()}
    _screenshot(page, "desktop-zoomed")
    guard.assert_clean()


def test_phone_map_uses_a_bottom_sheet(browser: Browser, live_server: str) -> None:
    page, guard = _open(
        browser,
        live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    panel = page.locator("#panel")
    assert panel.get_attribute("data-open") == "false"
    sheet = panel.bounding_box()
    assert sheet is not None and sheet["width"] == 390
    assert 844 - 70 < sheet["y"] < 844, "the closed sheet should show only its handle at the bottom"
    assert _texts(page, ".township-label") == set(TOWNSHIPS.values())
    pixels = _screenshot(page, "phone")
    assert pixels.shape[:2] == (844 * 2, 390 * 2)
    _assert_map_drawn(pixels, _township_colours(page), min_share=0.03)

    page.locator('path[data-code="341522101000"]').tap()
    assert panel.get_attribute("data-open") == "true"
    wait_until(page, "document.getElementById('panel').getBoundingClientRect().bottom <= 845")
    wait_until(page, "document.getElementById('panel').getAnimations().length === 0")  # slide-in done
    assert page.locator("#area-name").is_visible()
    assert page.inner_text("#area-name") == "新店镇"
    assert page.inner_text("#area-code") == "341522101000"
    assert _codes(page, "village") == {"341522101001", "341522101002"}
    _screenshot(page, "phone-selected")

    page.tap("#panel-toggle")
    assert panel.get_attribute("data-open") == "false"
    guard.assert_clean()


def test_guard_catches_console_errors_and_foreign_requests(browser: Browser, live_server: str) -> None:
    # the guard is under test here, not the page: the site's policy (connect-src 'self') would refuse the fetch
    # before the guard could see it
    page, guard = _open(browser, live_server, viewport={"width": 800, "height": 600}, bypass_csp=True)
    guard.assert_clean()
    page.evaluate("console.error('deliberate')")
    page.evaluate("fetch('http://192.0.2.1/probe').catch(() => null)")
    poll(page, lambda: bool(guard.foreign), what="the foreign fetch seen")
    assert "console.error: deliberate" in guard.errors
    assert guard.foreign == ["http://192.0.2.1/probe"]
    with pytest.raises(AssertionError):
        guard.assert_clean()
