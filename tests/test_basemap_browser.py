"""Basemaps and the job route in the system Chromium: offline by default, online only when configured, GCJ-02."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, Route

from geo.core.crs import gcj02_to_wgs84, wgs84_to_gcj02
from geo.core.settings import Settings
from tests.live_server import serve_site
from tests.page_watch import poll, wait_until
from tests.test_web_map_browser import Guard, _rgb, _screenshot
from tests.test_web_map_views import _names, _search_village, _tab

pytestmark = pytest.mark.browser

DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
ROUTE_COLOUR = "#7d3cff"
# the smallest valid PNG: one transparent pixel
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


@contextmanager
def _serve(settings: Settings) -> Iterator[str]:
    """The site on 127.0.0.1 and a free port, in a background thread."""
    with serve_site(settings) as base:
        yield base


@pytest.fixture(scope="module")
def offline(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The small demo served with the default (offline) basemap."""
    with _serve(Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("offline"))) as base:
        yield base


def _open(browser: Browser, base: str, *, tiles: str | None = None) -> tuple[Page, Guard, list[str]]:
    """A page with the guard; requests matching ``tiles`` are answered locally with a tiny PNG and listed."""
    page = browser.new_context(**DESKTOP).new_page()
    guard = Guard(base)
    guard.attach(page)
    served: list[str] = []
    if tiles is not None:

        def fulfil(route: Route) -> None:
            served.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=TINY_PNG)

        page.route(re.compile(tiles), fulfil)  # registered last: wins over the guard's abort
    page.goto(base + "/")
    wait_until(page, "document.documentElement.dataset.areas === 'ready'", timeout=20_000)
    wait_until(page, "!['loading', undefined].includes(document.documentElement.dataset.basemap)")
    return page, guard, served


def test_gcj02_js_matches_the_python_formula_on_200_points(browser: Browser, offline: str) -> None:
    page, guard, _ = _open(browser, offline)
    page.add_script_tag(url=offline + "/static/gcj02.js")
    rng = np.random.default_rng(20240611)
    lon = np.concatenate([rng.uniform(73.0, 135.0, 150), rng.uniform(115.9, 116.7, 40), [-0.1, 150.0, 10.0]])
    lat = np.concatenate([rng.uniform(3.0, 53.0, 150), rng.uniform(31.9, 32.7, 40), [51.5, 20.0, -5.0]])
    lon = np.concatenate([lon, rng.uniform(72.0, 138.0, 200 - len(lon))])
    lat = np.concatenate([lat, rng.uniform(0.5, 56.0, 200 - len(lat))])
    got = np.array(
        page.evaluate(
            "pts => pts.map(p => window.HongyanGcj02.toGcj02(p[0], p[1]))",
            np.column_stack([lon, lat]).tolist(),
        )
    )
    want = np.column_stack(wgs84_to_gcj02(lon, lat))
    assert got.shape == (200, 2)
    assert np.abs(got - want).max() < 1e-7
    assert np.abs(want - np.column_stack([lon, lat])).max() > 1e-3  # the offset is really applied
    back = np.array(
        page.evaluate("pts => pts.map(p => window.HongyanGcj02.fromGcj02(p[0], p[1]))", want.tolist())
    )
    assert np.abs(back - np.column_stack(gcj02_to_wgs84(want[:, 0], want[:, 1]))).max() < 1e-7
    guard.assert_clean()


def test_default_basemap_is_offline_and_nothing_leaves_the_machine(browser: Browser, offline: str) -> None:
    tile_requests: list[str] = []
    page = browser.new_context(**DESKTOP).new_page()
    guard = Guard(offline)
    guard.attach(page)
    page.on("request", lambda r: tile_requests.append(r.url) if "/tiles/" in r.url else None)
    page.goto(offline + "/")
    wait_until(page, "document.documentElement.dataset.basemap === 'offline'", timeout=20_000)
    wait_until(page, "document.documentElement.dataset.areas === 'ready'", timeout=20_000)
    poll(page, lambda: any("/tiles/roads/" in u for u in tile_requests), what="a road tile requested")
    assert page.evaluate("window.HongyanGcj02 === undefined"), "gcj02.js is loaded only for AMap"
    guard.assert_clean()


def test_osm_basemap_requests_osm_tiles_only_when_configured(
    browser: Browser, small_demo_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path, basemap="osm")
    with _serve(settings) as base:
        page, guard, served = _open(browser, base, tiles=r"^https://tile\.openstreetmap\.org/")
        wait_until(page, "document.querySelectorAll('.leaflet-tile-loaded').length > 0")
        assert page.get_attribute("html", "data-basemap") == "osm"
        assert served and all(
            re.fullmatch(r"https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png", u) for u in served
        )
        assert set(guard.foreign) == set(served)
        assert guard.errors == []
        assert "OpenStreetMap" in page.inner_text(".leaflet-control-attribution")


def test_amap_basemap_shifts_overlays_to_gcj02(browser: Browser, small_demo_url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path, basemap="amap")
    with _serve(settings) as base:
        page, guard, served = _open(browser, base, tiles=r"^https://webrd0[1-4]\.is\.autonavi\.com/")
        wait_until(page, "document.querySelectorAll('.leaflet-tile-loaded').length > 0")
        assert page.get_attribute("html", "data-basemap") == "amap"
        pattern = r"https://webrd0[1-4]\.is\.autonavi\.com/appmaptile\?lang=zh_cn&size=1&scale=1&style=8&x=\d+&y=\d+&z=\d+"
        assert served and all(re.fullmatch(pattern, u) for u in served)
        assert set(guard.foreign) == set(served) and guard.errors == []
        lon, lat = 116.27, 32.35
        glon, glat = (float(v) for v in wgs84_to_gcj02(lon, lat))
        drawn, expected, back = page.evaluate(
            """([lon, lat, glon, glat]) => {
                const map = window.HongyanApp.map();
                const p = map.project(L.latLng(lat, lon), 15);
                const q = L.CRS.EPSG3857.latLngToPoint(L.latLng(glat, glon), 15);
                const w = map.unproject(p, 15);
                return [[p.x, p.y], [q.x, q.y], [w.lng, w.lat]];
            }""",
            [lon, lat, glon, glat],
        )
        # a WGS84 overlay point is drawn where AMap (GCJ-02) shows the place, and clicks come back as WGS84
        assert np.allclose(drawn, expected, atol=1e-6)
        assert np.allclose(back, [lon, lat], atol=1e-8)
        assert page.evaluate("window.HongyanApp.map().options.crs.code") == "GCJ02:3857"


def test_chosen_job_shows_its_route_and_another_replaces_it(
    browser: Browser, offline: str, small_demo_url: str
) -> None:
    village, _, _, _ = _names(small_demo_url)
    page, guard, _ = _open(browser, offline)
    _tab(page, "seekers")
    _search_village(page, village)
    jobs = page.locator("#jobs .job")
    assert jobs.count() >= 2
    far = jobs.count() - 1  # the list is nearest first: the last job has the longest route
    jobs.nth(far).locator("button").click()
    wait_until(page, "document.documentElement.dataset.route === 'ready'", timeout=20_000)
    site = jobs.nth(far).get_attribute("data-site")
    assert page.locator("path[data-route]").count() == 1
    assert page.get_attribute("path[data-route]", "data-route") == site
    detail = page.inner_text("#job-detail")
    assert "路线长度" in detail and "路上用时" in detail
    pixels = _screenshot(page, "seeker-route")
    painted = int((np.abs(pixels - _rgb(ROUTE_COLOUR)).max(axis=-1) <= 4).sum())
    assert painted > 300, f"the route line's colour is on {painted} pixels only"
    other = next(i for i in range(jobs.count()) if jobs.nth(i).get_attribute("data-site") != site)
    jobs.nth(other).locator("button").click()
    wait_until(
        page,
        "sel => document.documentElement.dataset.route === 'ready' "
        "&& document.querySelector('path[data-route]').dataset.route === sel",
        arg=jobs.nth(other).get_attribute("data-site"),
        timeout=20_000,
    )
    assert page.locator("path[data-route]").count() == 1
    page.click("#lang-switch")
    assert "Route length" in page.inner_text("#job-detail")
    guard.assert_clean()
