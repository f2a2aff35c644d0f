"""Stored XSS: names carrying script payloads, stored the way each role would, shown in the system Chromium on
every page that puts them on a map (tooltips), and in the township report opened from file://. Nothing may run,
nothing may be injected, and the name is shown literally."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page
from sqlalchemy import Engine, make_url, text

from api.app import create_app
from geo.core.db import create_db_engine
from tests.accounts_world import PASSWORD, World, app_settings, build_world, login
from tests.conftest import cloned_database
from tests.live_server import serve_site
from tests.page_watch import RECORD_VIOLATIONS, PageWatch, wait_until
from tests.records_world import post, rows

pytestmark = pytest.mark.browser

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "${alert('X')}",
    "</script><script>alert(1)</script>",
)
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 800}}
# What an injection would leave in the document: the payloads' elements, and any inline event handler at all
# (our pages and Leaflet set none).
INJECTED = """() => ({
  img: document.querySelectorAll('img[src="x"]').length,
  svg: document.querySelectorAll('.leaflet-tooltip svg, .leaflet-popup svg').length,
  script: document.querySelectorAll('.leaflet-tooltip script, .leaflet-popup script').length,
  handlers: Array.from(document.querySelectorAll('*'))
    .filter(e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on')))
    .map(e => e.outerHTML.slice(0, 120)),
})"""
NOTHING_INJECTED = {"img": 0, "svg": 0, "script": 0, "handlers": []}


@dataclass
class Seeded:
    """The served site and the payload-carrying names stored in it."""

    base: str
    world: World
    venues: list[str] = field(default_factory=list)
    parks: list[str] = field(default_factory=list)
    enterprises: list[str] = field(default_factory=list)  # new, approved, first site unnamed
    renamed: list[str] = field(default_factory=list)  # approved enterprises with open positions, renamed
    villages: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)


def _villages(engine: Engine, township: str) -> list[tuple[str, float, float]]:
    found = rows(
        engine,
        "SELECT code, ST_X(seat), ST_Y(seat) FROM admin_areas WHERE parent_code = :t AND level = 'village' "
        "AND seat IS NOT NULL AND ST_Contains(geom, seat) ORDER BY code",
        t=township,
    )
    assert len(found) >= len(PAYLOADS), f"township {township} has too few villages"
    return [(str(c), float(x), float(y)) for c, x, y in found]


def _approve_enterprise(client: TestClient, eid: int, staff: dict[str, str], county: dict[str, str]) -> None:
    assert post(client, f"/api/v1/enterprises/{eid}/submit", staff).status_code == 200
    for who, to in ((staff, "township_approved"), (county, "approved")):
        r = post(client, f"/api/v1/enterprises/{eid}/review", who, {"decision": "approve"})
        assert (r.status_code, r.json()["to_status"]) == (200, to), r.text


def _seed(client: TestClient, engine: Engine, seeded: Seeded) -> None:
    """Every payload as a venue, a park and a new enterprise (township staff, approved by the county), as the
    new name of an approved enterprise with open positions, and (SQL: no API writes area names) in the names
    of villages and townships."""
    world = seeded.world
    staff, county = login(client, "staff_a"), login(client, "reviewer")
    villages = _villages(engine, world.township_a)
    for i, payload in enumerate(PAYLOADS):
        code, lon, lat = villages[i]
        venue = f"场地{i}{payload}"
        r = post(client, "/api/v1/programme/venues", staff, {"name": venue, "lon": lon, "lat": lat})
        assert r.status_code == 201, r.text
        seeded.venues.append(venue)
        park = f"园区{i}{payload}"
        body = {"name": park, "kind": "incubator", "area_code": code, "lon": lon, "lat": lat, "capacity": 10}
        r = post(client, "/api/v1/parks", staff, body)
        assert r.status_code == 201, r.text
        seeded.parks.append(park)
        enterprise = f"鸿雁企{i}{payload}"
        body = {"name": enterprise, "area_code": code, "lon": lon, "lat": lat, "industry": "纺织"}
        r = post(client, "/api/v1/enterprises", staff, body)
        assert r.status_code == 201, r.text
        _approve_enterprise(client, r.json()["enterprise_id"], staff, county)
        seeded.enterprises.append(enterprise)
    open_here = rows(
        engine,
        "SELECT DISTINCT e.enterprise_id FROM enterprises e JOIN vacancies v USING (enterprise_id) "
        "JOIN enterprise_sites s ON s.site_id = v.site_id JOIN admin_areas t ON t.code = :t "
        "WHERE v.status = 'open' AND e.record_status = 'approved' AND e.area_code LIKE :p "
        "AND ST_Intersects(s.geom, t.geom) AND e.enterprise_id NOT IN (:e1, :e2) ORDER BY 1 LIMIT 4",
        t=world.township_a,
        p=world.township_a[:9] + "%",
        e1=world.enterprise_1,
        e2=world.enterprise_2,
    )
    assert len(open_here) == len(PAYLOADS)
    for i, ((eid,), payload) in enumerate(zip(open_here, PAYLOADS, strict=True)):
        name = f"在招企{i}{payload}"
        r = client.patch(f"/api/v1/enterprises/{eid}", headers=staff, json={"name": name})
        assert r.status_code == 200, r.text
        _approve_enterprise(client, int(eid), staff, county)
        seeded.renamed.append(name)
    townships = [
        str(c) for (c,) in rows(engine, "SELECT code FROM admin_areas WHERE level = 'township' ORDER BY 1")
    ]
    with engine.begin() as conn:
        for i, (code, _, _) in enumerate(villages):
            name = f"村{i}{PAYLOADS[i % len(PAYLOADS)]}"
            conn.execute(text("UPDATE admin_areas SET name = :n WHERE code = :c"), {"n": name, "c": code})
            seeded.villages.append(name)
        for i, code in enumerate(townships):
            name = f"镇{i}{PAYLOADS[i % len(PAYLOADS)]}"
            conn.execute(text("UPDATE admin_areas SET name = :n WHERE code = :c"), {"n": name, "c": code})
            seeded.townships.append(name)


@pytest.fixture(scope="module")
def seeded(
    server_url: str, small_demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """A private demo copy with the cast of accounts and the payload names, served on a free port."""
    template = make_url(small_demo_url).database
    assert template is not None
    with contextmanager(cloned_database)(server_url, template, prefix="hongyan_xss_") as url:
        engine = create_db_engine(url, pool_size=2)
        settings = app_settings(url, tmp_path_factory.mktemp("xss"))
        try:
            world = build_world(engine)
            with TestClient(create_app(settings)) as client:
                stored = Seeded("", world)
                _seed(client, engine, stored)
            with serve_site(settings) as base:
                stored.base = base
                yield stored
        finally:
            engine.dispose()


def _open(browser: Browser, seeded: Seeded, path: str) -> tuple[Page, PageWatch]:
    page = browser.new_context(**DESKTOP).new_page()
    watch = PageWatch(seeded.base)
    watch.attach(page)
    page.goto(seeded.base + path)
    return page, watch


def _hover(page: Page, selector: str) -> list[str]:
    """Move the pointer over every element the selector finds (Leaflet opens their tooltips); the texts of the
    tooltips open after each (a layer group may share one tooltip among its features)."""
    targets = page.locator(selector)
    assert targets.count() > 0, f"nothing to hover: {selector}"
    texts: list[str] = []
    for i in range(targets.count()):
        targets.nth(i).dispatch_event("mouseover")
        texts += [t for t in page.locator(".leaflet-tooltip").all_text_contents() if t not in texts]
    return texts


def _assert_shown_as_text(page: Page, watch: PageWatch, tooltips: list[str], names: list[str]) -> None:
    page.wait_for_load_state("networkidle")  # an injected <img src=x> has failed to load by now
    assert page.evaluate(INJECTED) == NOTHING_INJECTED
    for name in names:
        assert any(name in tip for tip in tooltips), f"{name!r} is not shown as text in {tooltips}"
    assert watch.dialogs == [], watch.dialogs
    assert watch.violations(page) == [], watch.violations(page)


def test_dashboard_venue_names_are_text_for_the_administrator(browser: Browser, seeded: Seeded) -> None:
    page, watch = _open(browser, seeded, "/dashboard")
    page.fill("input[name=login]", "admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    wait_until(page, "document.documentElement.dataset.board === 'ready'", timeout=30_000)
    page.wait_for_selector('#venue-map path.leaflet-interactive[fill="#c0392b"]', timeout=20_000)
    tips = _hover(page, '#venue-map path.leaflet-interactive[fill="#c0392b"]')
    _assert_shown_as_text(page, watch, tips, seeded.venues)
    assert page.is_hidden("#login"), "the administrator is logged in"
    page.context.close()


def test_printable_reports_opened_from_the_dashboard_keep_their_styles(
    browser: Browser, seeded: Seeded
) -> None:
    """The dashboard opens the printable reports as blob: pages, which inherit the dashboard's policy: their one
    fixed stylesheet is allowed by its hash, and nothing is blocked (this guards the policy, not an old bug)."""
    context = browser.new_context(**DESKTOP)
    context.add_init_script(RECORD_VIOLATIONS)  # in the report windows too
    page = context.new_page()
    watch = PageWatch(seeded.base)
    watch.attach(page)
    page.goto(seeded.base + "/dashboard")
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


def _tab(page: Page, name: str) -> None:
    wait_until(page, "document.documentElement.dataset.areas === 'ready'", timeout=20_000)
    if page.get_attribute("#panel", "data-open") != "true":
        page.click("#panel-toggle")
    page.click(f'.tab[data-tab="{name}"]')


def test_planner_park_and_flow_names_are_text_for_every_visitor(browser: Browser, seeded: Seeded) -> None:
    page, watch = _open(browser, seeded, "/")
    _tab(page, "planning")
    page.check("#plan-parks")
    page.wait_for_selector('.leaflet-planoverlay-pane path[fill="#1f5f8b"]', timeout=20_000)
    tips = _hover(page, '.leaflet-planoverlay-pane path[fill="#1f5f8b"]')
    _assert_shown_as_text(page, watch, tips, seeded.parks)
    page.check("#plan-flows")
    page.wait_for_selector(".leaflet-planoverlay-pane path[data-flow]", timeout=60_000)
    tips = _hover(page, ".leaflet-planoverlay-pane path[data-flow]")
    flows = [t for t in tips if "→" in t]
    assert flows and all(any(name in t for name in seeded.townships) for t in flows), flows
    _assert_shown_as_text(page, watch, tips, [])
    page.context.close()


def test_enterprise_view_site_and_village_names_are_text(browser: Browser, seeded: Seeded) -> None:
    page, watch = _open(browser, seeded, "/")
    _tab(page, "enterprises")
    village_tips: list[str] = []
    for i, name in enumerate(seeded.enterprises):
        page.fill("#enterprise-q", f"鸿雁企{i}")
        page.click("#enterprise-search button[type=submit]")
        wait_until(
            page,
            "document.documentElement.dataset.pool === 'ready' "
            f"&& document.getElementById('enterprise-name').textContent === {json.dumps(name)}",
            timeout=30_000,
        )
        assert page.inner_text("#enterprise-name") == name
        tips = _hover(page, ".leaflet-enterprise-pane path:not(.pool-village)")
        _assert_shown_as_text(page, watch, tips, [name])
        village_tips += _hover(page, "path.pool-village")
    shown = [v for v in seeded.villages if any(v in tip for tip in village_tips)]
    assert shown, f"no renamed village in the pool tooltips {village_tips}"
    _assert_shown_as_text(page, watch, village_tips, shown)
    page.context.close()


def _meta_policy(page: str) -> str:
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert len(found) == 1, "the report has no (or more than one) meta Content-Security-Policy"
    return found[0]


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


def test_township_report_opened_from_file_runs_no_injected_script(
    browser: Browser, seeded: Seeded, tmp_path: Path
) -> None:
    code = seeded.world.township_a
    page, _ = _open(browser, seeded, "/")
    download = page.request.get(f"{seeded.base}/reports/township/{code}.html")
    assert download.status == 200
    report = download.text()
    header_policy = download.headers.get("content-security-policy")
    page.context.close()

    path = tmp_path / "report.html"
    path.write_text(report, encoding="utf-8")
    page, watch = _open_file(browser, path)
    page.wait_for_load_state("load")  # every script of the page has run
    assert watch.dialogs == [], watch.dialogs
    page.wait_for_selector("path.leaflet-interactive", timeout=20_000)  # the map's own scripts ran
    tips = _hover(page, 'path.leaflet-interactive[stroke="#6c3483"]')  # the sites with open positions
    tips += _hover(page, 'path.leaflet-interactive[stroke="#4d4d4d"]')  # the villages
    _assert_shown_as_text(page, watch, tips, seeded.renamed + seeded.villages)
    title = page.title()
    assert any(name in title for name in seeded.townships), title
    page.context.close()

    # the second line of defence: only the report's own inline scripts may run, by their hashes
    policy = _meta_policy(report)
    assert header_policy == f"{policy}; frame-ancestors 'none'"
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    scripts = re.findall(r"<script(?:\s[^>]*)?>(.*?)</script>", report, re.S)
    assert len(scripts) >= 2 and "src=" not in "".join(re.findall(r"<script[^>]*>", report))
    assert set(directives["script-src"].split()) == {_sha256(s) for s in scripts}


def _open_file(browser: Browser, path: Path) -> tuple[Page, PageWatch]:
    page = browser.new_context(**DESKTOP).new_page()
    watch = PageWatch("file://")
    watch.attach(page)
    page.goto(path.as_uri())
    return page, watch
