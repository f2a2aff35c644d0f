"""Every HTML page the site serves carries the security headers and a Content-Security-Policy without inline
script, and contains no inline script, no inline event handler and no inline style; our scripts give text from
data to the map only through the one text helper."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from geo.core.settings import Settings
from web_map.csp import site_policy, tile_origins
from web_map.site import WEB_ROOT, create_site

TOWN = "341522100000"
ROUTES = [
    "/",
    "/policies",
    "/outreach",
    "/outreach.html",
    "/service",
    "/service.html",
    "/dashboard",
    "/fair",
    "/import",
    "/docs",
    "/workbench/login",
    *sorted(f"/static/{p.name}" for p in WEB_ROOT.glob("*.html")),
]
HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
OWN_SCRIPTS = sorted(p for p in WEB_ROOT.rglob("*.js") if "vendor" not in p.relative_to(WEB_ROOT).parts)


class _Inline(HTMLParser):
    """Inline scripts, event-handler attributes, style attributes and <style> elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.scripts.append(self.get_starttag_text() or tag)
        self.handlers += [f"<{tag} {name}>" for name in names if name.startswith("on")]
        if "style" in names or tag == "style":
            self.styles.append(self.get_starttag_text() or tag)


def _directives(policy: str) -> dict[str, set[str]]:
    return {d.split()[0]: set(d.split()[1:]) for d in policy.split(";") if d.strip()}


@pytest.fixture(scope="module")
def client(small_demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The site on the small demo (only read)."""
    settings = Settings(database_url=small_demo_url, data_dir=tmp_path_factory.mktemp("headers"))
    with TestClient(create_site(settings)) as c:
        yield c


def _assert_security_headers(response_headers: dict[str, str]) -> None:
    for name, value in HEADERS.items():
        assert response_headers.get(name) == value, name


@pytest.mark.parametrize("path", ROUTES)
def test_page_has_the_policy_and_no_inline_script(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    _assert_security_headers(dict(response.headers))
    policy = _directives(response.headers["content-security-policy"])
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] <= {"'self'"} | {s for s in policy["style-src"] if s.startswith("'sha256-")}
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    assert "'unsafe-eval'" not in response.headers["content-security-policy"]
    for name, value in {
        "object-src": {"'none'"},
        "base-uri": {"'none'"},
        "frame-ancestors": {"'none'"},
        "form-action": {"'self'"},
        "connect-src": {"'self'"},
        "default-src": {"'self'"},
        "img-src": {"'self'", "data:", "blob:"},
    }.items():
        assert policy[name] == value, name
    page = _Inline()
    page.feed(response.text)
    assert (page.scripts, page.handlers, page.styles) == ([], [], [])


def test_json_and_static_answers_carry_the_headers_too(client: TestClient) -> None:
    for path in ("/api/v1/health", "/static/app.js", "/openapi.json", "/static/no-such-file.js"):
        response = client.get(path)
        _assert_security_headers(dict(response.headers))
        assert "script-src 'self'" in response.headers["content-security-policy"], path


def test_redoc_points_to_the_one_documentation_page(client: TestClient) -> None:
    response = client.get("/redoc", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "docs"


def test_township_report_carries_its_own_hash_policy(client: TestClient) -> None:
    response = client.get(f"/reports/township/{TOWN}.html")
    assert response.status_code == 200, response.text
    _assert_security_headers(dict(response.headers))
    policy = _directives(response.headers["content-security-policy"])
    assert policy["default-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}
    assert policy["script-src"] and all(s.startswith("'sha256-") for s in policy["script-src"])
    page = _Inline()
    page.feed(response.text)
    assert page.handlers == []


@pytest.mark.parametrize(
    ("basemap", "origins"),
    [
        ("offline", []),
        ("osm", ["https://tile.openstreetmap.org"]),
        ("tianditu", [f"https://t{i}.tianditu.gov.cn" for i in range(8)]),
        ("amap", [f"https://webrd0{i}.is.autonavi.com" for i in range(1, 5)]),
    ],
)
def test_images_may_come_only_from_the_configured_basemap(
    basemap: str, origins: list[str], tmp_path: Path
) -> None:
    settings = Settings(
        basemap=basemap, tianditu_key="k" if basemap == "tianditu" else None, data_dir=tmp_path
    )
    assert tile_origins(settings) == origins
    img = _directives(site_policy(settings))["img-src"]
    assert img == {"'self'", "data:", "blob:", *origins}


def test_our_scripts_build_no_html_from_strings() -> None:
    """No innerHTML-like sink anywhere in our scripts, and every Leaflet tooltip, popup or label content is an
    element from HongyanText.node (Leaflet parses a string given to these as HTML)."""
    assert {p.name for p in OWN_SCRIPTS} >= {
        "app.js",
        "dashboard.js",
        "outreach.js",
        "planner.js",
        "enterprise.js",
    }
    sink = re.compile(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|\.html\(")
    content = re.compile(
        r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*(?!text\.node\(|"
        r"window\.HongyanText\.node\()"
    )
    for path in OWN_SCRIPTS:
        code = path.read_text(encoding="utf-8")
        assert not sink.search(code), f"{path.name}: {sink.search(code)}"
        assert not content.search(code), f"{path.name}: {content.search(code)}"
