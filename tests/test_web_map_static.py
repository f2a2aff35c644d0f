"""The web map's static files: only local assets, vendored libraries matching the lock file, served at `/`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from fastapi.testclient import TestClient

from geo.core.settings import Settings
from web_map.site import create_site

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "web_map" / "static"
VENDOR_SRC = ROOT / "web_map" / "vendor"
VENDOR = STATIC / "vendor"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
URL = re.compile(r"https?://[^\s\"'<>)]*", re.IGNORECASE)
# URLs in the vendored Leaflet that are never fetched: the SVG namespace name, the attribution hyperlink
# (followed only if the user clicks it) and bug-tracker links in comments.
VENDOR_INERT_URLS = {
    SVG_NAMESPACE,
    "https://leafletjs.com",
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319",
}


class _References(HTMLParser):
    """Collects every src/href and inline script/style text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.inline: list[str] = []
        self._in_code = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href", "srcset", "poster", "data", "action"} and value is not None:
                self.refs.append((tag, name, value))
            if name == "style" and value:
                self.inline.append(value)
        self._in_code = tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self._in_code = False

    def handle_data(self, data: str) -> None:
        if self._in_code and data.strip():
            self.inline.append(data)


def _strip_html_comments(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)


def _strip_code_comments(text: str) -> str:
    """JS/CSS text without /* */ and // comments; string literals are kept (a // inside them is no comment)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "\"'`":
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif text.startswith("//", i) and (i == 0 or text[i - 1] != ":"):
            end = text.find("\n", i)
            i = n if end < 0 else end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _page_refs() -> _References:
    parser = _References()
    parser.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    return parser


def _local_file(ref: str) -> Path:
    """The file under web_map/static that a page-relative reference (as served at `/`) points to."""
    assert ref.startswith("static/"), f"index.html reference {ref!r} is not under static/"
    return STATIC / ref.removeprefix("static/")


def test_strip_code_comments_keeps_strings_and_drops_comments() -> None:
    code = "a = 'x // y'; // https://one.example\n/* https://two.example */ b = \"https://three.example\";"
    stripped = _strip_code_comments(code)
    assert "one.example" not in stripped
    assert "two.example" not in stripped
    assert "https://three.example" in stripped
    assert "'x // y'" in stripped


def test_page_references_only_existing_local_files() -> None:
    parser = _page_refs()
    assert parser.refs, "index.html references no assets"
    for tag, attr, ref in parser.refs:
        assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", ref, re.IGNORECASE), (
            f"index.html <{tag} {attr}={ref!r}> is not a local asset"
        )
        assert _local_file(ref).is_file(), f"index.html <{tag} {attr}={ref!r}>: file missing"
    scripts = [ref for tag, attr, ref in parser.refs if tag == "script"]
    assert scripts == [
        "static/vendor/leaflet/leaflet.js",
        "static/vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js",
        "static/text.js",
        "static/i18n.js",
        "static/api.js",
        "static/basemap.js",
        "static/app.js",
        "static/views/seeker.js",
        "static/views/enterprise.js",
        "static/views/planner.js",
        "static/menu.js",
    ]
    sheets = {ref for tag, _, ref in parser.refs if tag == "link" and ref.endswith(".css")}
    assert sheets == {"static/vendor/leaflet/leaflet.css", "static/style.css", "static/menu.css"}


def _own_files(*suffixes: str) -> list[Path]:
    """Our own (not vendored) files under web_map/static with one of these suffixes."""
    return sorted(p for p in STATIC.rglob("*") if p.suffix in suffixes and VENDOR not in p.parents)


def test_own_files_contain_no_urls_outside_comments() -> None:
    own = _own_files(".html", ".js", ".css")
    assert {p.name for p in own} >= {
        "index.html",
        "i18n.js",
        "api.js",
        "basemap.js",
        "app.js",
        "seeker.js",
        "enterprise.js",
        "planner.js",
        "style.css",
        "menu.js",
        "menu.css",
    }
    for path in own:
        text = path.read_text(encoding="utf-8")
        code = _strip_html_comments(text) if path.suffix == ".html" else _strip_code_comments(text)
        assert URL.findall(code) == [], f"{path.name} names an external URL"
    for inline in _page_refs().inline:
        assert URL.findall(_strip_code_comments(inline)) == [], "index.html inline code names an external URL"
    for svg in _own_files(".svg"):
        assert set(URL.findall(svg.read_text(encoding="utf-8"))) <= {SVG_NAMESPACE}, svg.name


def test_page_is_chinese_first_and_phone_ready() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "<title>鸿雁就业地图 · 霍邱县</title>" in html
    assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1', html)
    for tab in ("求职者", "企业", "规划"):
        assert f">{tab}</button>" in html
    assert "即将推出" not in html, "every view is built now"
    assert 'id="lang-switch"' in html


def test_css_urls_are_local_files() -> None:
    for css in [STATIC / "style.css", STATIC / "menu.css", VENDOR / "leaflet" / "leaflet.css"]:
        code = _strip_code_comments(css.read_text(encoding="utf-8"))
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", code):
            if ref.startswith("#"):  # old-IE VML behaviour, not a fetch
                continue
            assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", ref, re.IGNORECASE), f"{css.name}: url({ref})"
            assert (css.parent / ref).is_file(), f"{css.name}: url({ref}) is missing"


def test_vendored_urls_are_only_known_inert_ones() -> None:
    # The map's libraries. Swagger UI (only on /docs) carries hundreds of documentation and spec links; what
    # it may fetch is bounded by the site's Content-Security-Policy (connect-src and img-src 'self'), and
    # tests/test_security_headers_browser.py checks that /docs asks no other host for anything.
    map_libraries = [VENDOR / "leaflet", VENDOR / "leaflet.vectorgrid"]
    for path in sorted(p for library in map_libraries for p in library.rglob("*")):
        if path.suffix in {".js", ".css"}:
            found = set(URL.findall(path.read_text(encoding="utf-8")))
            assert found <= VENDOR_INERT_URLS, (
                f"{path.relative_to(STATIC)}: unexpected {found - VENDOR_INERT_URLS}"
            )


def test_vendored_packages_match_the_lock_file() -> None:
    manifest = json.loads((VENDOR_SRC / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((VENDOR_SRC / "package-lock.json").read_text(encoding="utf-8"))
    assert manifest["dependencies"], "package.json pins no packages"
    for name, spec in manifest["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec), f"{name} is not pinned exactly: {spec!r}"
        locked = lock["packages"][f"node_modules/{name}"]
        assert locked["version"] == spec
        assert locked["integrity"].startswith("sha512-")
        dest = VENDOR / name
        assert (dest / "LICENSE").is_file(), f"{name}: LICENSE not vendored"
        stamp = json.loads((dest / "VERSION.json").read_text(encoding="utf-8"))
        assert stamp == {"name": name, "version": spec, "license": locked["license"]}
    # Exactly the pinned packages are vendored (their own dependencies come inside their bundles): nothing stale.
    # A scoped package (@picocss/pico) sits in its scope's folder, alone there.
    assert {p.name for p in VENDOR.iterdir()} == {name.split("/")[0] for name in manifest["dependencies"]}
    for scope in (p for p in VENDOR.iterdir() if p.name.startswith("@")):
        assert {f"{scope.name}/{p.name}" for p in scope.iterdir()} == {
            name for name in manifest["dependencies"] if name.startswith(scope.name + "/")
        }


def test_vendored_leaflet_files_are_that_version() -> None:
    lock = json.loads((VENDOR_SRC / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/leaflet"]["version"]
    assert version.startswith("1.9.")
    leaflet = VENDOR / "leaflet"
    assert f"Leaflet {version}," in (leaflet / "leaflet.js").read_text(encoding="utf-8")[:300]
    assert ".leaflet-container" in (leaflet / "leaflet.css").read_text(encoding="utf-8")
    for image in [
        "layers.png",
        "layers-2x.png",
        "marker-icon.png",
        "marker-icon-2x.png",
        "marker-shadow.png",
    ]:
        assert (leaflet / "images" / image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
    assert "BSD 2-Clause" in (leaflet / "LICENSE").read_text(encoding="utf-8")
    assert not (STATIC / "node_modules").exists()
    assert not list(VENDOR.rglob("node_modules"))


def test_vendored_vectorgrid_is_the_pinned_bundle_with_its_licences() -> None:
    lock = json.loads((VENDOR_SRC / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/leaflet.vectorgrid"]["version"] == "1.3.0"
    dest = VENDOR / "leaflet.vectorgrid"
    bundle = (dest / "Leaflet.VectorGrid.bundled.min.js").read_text(encoding="utf-8")
    assert "VectorGrid" in bundle and "Protobuf" in bundle
    licence = (dest / "LICENSE").read_text(encoding="utf-8")
    assert '"THE BEER-WARE LICENSE"' in licence
    for bundled in ("pbf", "vector-tile", "ieee754", "topojson-client", "whatwg-fetch", "point-geometry"):
        assert f"===== bundled: {bundled}" in licence, bundled
    assert {p.name for p in dest.iterdir()} == {
        "Leaflet.VectorGrid.bundled.min.js",
        "LICENSE",
        "VERSION.json",
    }


def test_root_serves_the_map_page_and_its_assets(settings: Settings) -> None:
    with TestClient(create_site(settings)) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>鸿雁就业地图 · 霍邱县</title>" in page.text
        parser = _References()
        parser.feed(page.text)
        for _, _, ref in parser.refs:
            asset = client.get("/" + ref)
            assert asset.status_code == 200, ref
            assert asset.content == _local_file(ref).read_bytes(), ref
        assert client.get("/static/vendor/leaflet/images/layers.png").status_code == 200
        assert client.get("/static/no-such-file.js").status_code == 404
