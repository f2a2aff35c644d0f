"""The township report: offline folium HTML (checked in Chromium with the network blocked), CLI and HTTP route."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Route
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from geo.core.db import create_db_engine
from geo.core.errors import InvalidInput, NotFound
from geo.core.settings import Settings
from matching.analytics.store import analyze_circles
from matching.circle.service import CircleService
from tests.conftest import cloned_database
from tiles.hexagons import refresh_heat
from web_map.cli import app as cli
from web_map.report import PALETTES, township_report
from web_map.site import create_site

TOWN = "341522100000"
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots"


@pytest.fixture(scope="module")
def analysed_url(
    server_url: str, small_demo_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A copy of the small demo with the walking 3 km circle run and the heat hexagons; tests only read it."""
    src = make_url(small_demo_url).database
    assert src is not None
    for url in cloned_database(server_url, src, prefix="hongyan_r_"):
        eng = create_db_engine(url, pool_size=1)
        settings = Settings(database_url=url, data_dir=tmp_path_factory.mktemp("report"))
        analyze_circles(eng, CircleService(settings), mode="walk", metric="length", limit=3000.0)
        refresh_heat(eng)
        eng.dispose()
        yield url


@pytest.fixture
def analysed(analysed_url: str, tmp_path: Path) -> Iterator[tuple[Engine, Settings]]:
    """An engine and settings on the analysed copy."""
    eng = create_db_engine(analysed_url, pool_size=1)
    try:
        yield eng, Settings(database_url=analysed_url, data_dir=tmp_path)
    finally:
        eng.dispose()


class _Fetched(HTMLParser):
    """Every URL a browser would fetch: script src, link href, img/source/iframe src, and url() in styles."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and a.get("href"):
            self.urls.append(str(a["href"]))
        if tag in ("script", "img", "source", "iframe", "embed") and a.get("src"):
            self.urls.append(str(a["src"]))
        if a.get("style"):
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", str(a["style"]))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+['\"]([^'\"]+)", data)


def _report(analysed: tuple[Engine, Settings], **options: str) -> str:
    eng, settings = analysed
    with eng.connect() as conn:
        return township_report(conn, TOWN, settings=settings, **options)


def test_report_fetches_nothing_from_the_internet(analysed: tuple[Engine, Settings]) -> None:
    page = _report(analysed)
    parser = _Fetched()
    parser.feed(page)
    assert parser.urls, "the parser found no url() at all: the inlined leaflet.css has some"
    assert all(u.startswith("data:") or u.startswith("#") for u in parser.urls), parser.urls
    assert not re.search(
        r"""(src|href)\s*=\s*["']?(https?:)?//""", page.replace('href="https://leafletjs.com"', "")
    )
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page and "bootstrap" not in page.lower()


def test_report_figures_match_the_latest_circle_run(analysed: tuple[Engine, Settings]) -> None:
    eng, _ = analysed
    page = _report(analysed)
    with eng.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT s.area_code, a.name, s.residents, s.seekers, s.positions, s.balance FROM circle_area_stats s"
                " JOIN admin_areas a ON a.code = s.area_code"
                " WHERE a.code = :t OR a.parent_code = :t ORDER BY s.area_code"
            ),
            {"t": TOWN},
        ).all()
        villages = conn.execute(
            text("SELECT count(*) FROM admin_areas WHERE parent_code = :t AND level = 'village'"), {"t": TOWN}
        ).scalar_one()
        heat = conn.execute(text("SELECT count(*) FROM heat_hexagons")).scalar_one()
    assert len(rows) == villages + 1 and villages > 3 and heat > 0
    table = re.search(r'<div class="hy-panel hy-figures".*?</table>', page, re.S)
    assert table is not None
    for code, name, residents, seekers, positions, balance in rows:
        row = re.search(rf'<tr data-code="{code}"[^>]*>(.*?)</tr>', table.group(0))
        assert row is not None, code
        cells = re.findall(r"<td>(.*?)</td>", row.group(1))
        assert cells[0] == name
        assert cells[1:4] == [f"{residents:,}", f"{seekers:,}", f"{positions:,}"]
        assert cells[6] == f"{balance:,.2f}"
    assert "run 1" in page and "no analysis yet" not in page
    assert "107 个热力六边形 heat hexagons" in page and "Heat (H3)" in page
    legend = re.findall(r'<li data-colour="(#[0-9a-f]{6})"', page)
    assert 2 <= len(legend) <= 5 and set(legend) <= set(PALETTES["balance"])
    access = _report(analysed, measure="access_index")
    assert set(re.findall(r'<li data-colour="(#[0-9a-f]{6})"', access)) <= set(PALETTES["access_index"])


def test_report_without_a_circle_run_still_draws_the_areas(small_demo_url: str, tmp_path: Path) -> None:
    eng = create_db_engine(small_demo_url, pool_size=1)
    with eng.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM circle_runs")).scalar_one() == 0
        page = township_report(conn, TOWN, settings=Settings(database_url=small_demo_url, data_dir=tmp_path))
    eng.dispose()
    assert "no analysis yet: run `hongyan analyze circles`" in page
    assert page.count('"fill": "#d9d9d9"') > 3  # every village drawn, in the no-data grey
    assert re.search(r'<tr data-code="341522100\d{3}"><td>[^<]+</td><td>—</td>', page)


def test_report_opens_offline_in_chromium_and_shows_the_polygons(
    analysed: tuple[Engine, Settings], tmp_path: Path, browser: Browser
) -> None:
    path = tmp_path / "report.html"
    path.write_text(_report(analysed), encoding="utf-8")
    errors: list[str] = []
    foreign: list[str] = []

    def only_files(route: Route) -> None:
        if route.request.url.startswith(("file://", "data:")):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
        page.route("**/*", only_files)
        page.goto(path.as_uri())
        page.wait_for_selector("path.leaflet-interactive", state="attached", timeout=20_000)
        page.wait_for_load_state("load")
        # two animation frames: every polygon the map's script added has been laid out and painted
        page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        fills = page.evaluate(
            "[...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('fill'))"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / "report-township.png"
        page.screenshot(path=str(shot))
    finally:
        context.close()
    assert errors == [] and foreign == []
    used = {f for f in fills if f in PALETTES["balance"]}
    assert len(used) >= 2, fills
    from PIL import Image

    with Image.open(shot) as image:
        pixels = np.asarray(image.convert("RGB")).astype(int)
    left = pixels[:, : int(pixels.shape[1] * 0.58)]  # the map; the figures panel sits on the right
    for colour in used:
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        painted = np.rint(rgb * 0.85 + 255 * 0.15)  # fill opacity 0.85 over the white map background
        near = np.all(np.abs(pixels - painted) <= 3, axis=2).sum()
        assert near > 200, (colour, near)
    assert np.all(np.abs(left - 255) <= 3, axis=2).mean() < 0.8, "the map is mostly blank"


def test_report_rejects_a_malformed_code(analysed: tuple[Engine, Settings]) -> None:
    eng, settings = analysed
    with (
        eng.connect() as conn,
        pytest.raises(InvalidInput, match=r"township code '3415' is malformed: use the 12"),
    ):
        township_report(conn, "3415", settings=settings)


def test_report_rejects_an_unknown_code(analysed: tuple[Engine, Settings]) -> None:
    eng, settings = analysed
    with (
        eng.connect() as conn,
        pytest.raises(NotFound, match=r"no township with code 341522999000 in county"),
    ):
        township_report(conn, "341522999000", settings=settings)


def test_report_rejects_a_village_code(analysed: tuple[Engine, Settings]) -> None:
    eng, settings = analysed
    with eng.connect() as conn:
        village = conn.execute(
            text("SELECT code FROM admin_areas WHERE parent_code = :t ORDER BY code LIMIT 1"), {"t": TOWN}
        ).scalar_one()
        with pytest.raises(NotFound, match=rf"code {village} is .*, a village, not a township"):
            township_report(conn, village, settings=settings)


def test_report_rejects_an_unknown_measure(analysed: tuple[Engine, Settings]) -> None:
    eng, settings = analysed
    with eng.connect() as conn, pytest.raises(InvalidInput, match="unknown measure 'wages': use balance"):
        township_report(conn, TOWN, settings=settings, measure="wages")


def test_report_rejects_an_unknown_mode(analysed: tuple[Engine, Settings]) -> None:
    eng, settings = analysed
    with eng.connect() as conn, pytest.raises(InvalidInput, match="unknown mode 'plane'"):
        township_report(conn, TOWN, settings=settings, mode="plane")


def test_cli_writes_the_report(analysed_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": analysed_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    out = tmp_path / "town.html"
    ok = CliRunner().invoke(cli, ["report", "township", TOWN, "--out", str(out)], env=env)
    assert ok.exit_code == 0, ok.output
    assert f"wrote {out}" in ok.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f'<tr data-code="{TOWN}" class="hy-total">' in out.read_text(encoding="utf-8")


def test_cli_unknown_township_exits_2_naming_the_code(analysed_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": analysed_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    out = tmp_path / "none.html"
    bad = CliRunner().invoke(cli, ["report", "township", "341522999000", "--out", str(out)], env=env)
    assert bad.exit_code == 2
    assert "no township with code 341522999000" in bad.output
    assert not out.exists()


def test_cli_malformed_code_exits_2(analysed_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": analysed_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    bad = CliRunner().invoke(cli, ["report", "township", "town", "--out", str(tmp_path / "x.html")], env=env)
    assert bad.exit_code == 2 and "township code 'town' is malformed" in bad.output


def test_cli_unwritable_out_exits_2(analysed_url: str, tmp_path: Path) -> None:
    env = {"HONGYAN_DATABASE_URL": analysed_url, "HONGYAN_DATA_DIR": str(tmp_path)}
    out = tmp_path / "missing-dir" / "x.html"
    bad = CliRunner().invoke(cli, ["report", "township", TOWN, "--out", str(out)], env=env)
    assert bad.exit_code == 2 and f"cannot write {out}" in bad.output


def test_cli_help_is_bilingual() -> None:
    shown = CliRunner().invoke(cli, ["report", "township", "--help"])
    assert shown.exit_code == 0 and "乡镇报告" in shown.output and "offline HTML" in shown.output


def test_http_report_is_an_attachment(analysed: tuple[Engine, Settings]) -> None:
    _, settings = analysed
    with TestClient(create_site(settings)) as client:
        ok = client.get(f"/reports/township/{TOWN}.html")
        unknown = client.get("/reports/township/341522999000.html")
        malformed = client.get("/reports/township/abc.html")
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith("text/html")
    assert ok.headers["content-disposition"] == f'attachment; filename="hongyan-township-{TOWN}.html"'
    assert f'<tr data-code="{TOWN}" class="hy-total">' in ok.text
    assert unknown.status_code == 404 and "no township with code 341522999000" in unknown.json()["detail"]
    assert malformed.status_code == 422 and "township code 'abc' is malformed" in malformed.json()["detail"]
