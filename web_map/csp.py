"""Content-Security-Policy texts: the site's (no inline script, tiles only from the configured basemap) and a
self-contained page's (its own inline scripts allowed by their sha256 hashes, nothing else)."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from api.routes.config import online_tiles
from geo.core.settings import Settings
from programme.report_html import CSS as PRINTABLE_REPORT_CSS

_HEAD = re.compile(r"<head(\s[^>]*)?>", re.IGNORECASE)


def sha256_source(text: str) -> str:
    """The CSP source expression allowing an inline script or style whose text is ``text``."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode('utf-8')).digest()).decode('ascii')}'"


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def tile_origins(settings: Settings) -> list[str]:
    """The origins the configured online basemap's tiles come from, one per subdomain (none when offline)."""
    origins: list[str] = []
    for tile in online_tiles(settings):
        parts = urlsplit(tile.url)
        for sub in tile.subdomains or "_":
            origin = f"{parts.scheme}://{parts.netloc.replace('{s}', sub)}"
            if origin not in origins:
                origins.append(origin)
    return origins


def site_policy(settings: Settings) -> str:
    """The policy of every page the site serves: scripts and styles only from our files, no inline script or
    style, requests only to ourselves, images from ourselves (data:/blob: for Leaflet) and the basemap's tiles.

    One inline stylesheet is allowed, by its hash: the printable reports' fixed one. The dashboard opens those
    reports as blob: pages, which inherit the dashboard's policy.
    """
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'", sha256_source(PRINTABLE_REPORT_CSS)],
            "img-src": ["'self'", "data:", "blob:", *tile_origins(settings)],
            "connect-src": ["'self'"],
            "font-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "frame-ancestors": ["'none'"],
            "form-action": ["'self'"],
        }
    )


class _InlineScripts(HTMLParser):
    """Collects the text of every <script> without a src attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_script_hashes(page: str) -> list[str]:
    """CSP source expressions ('sha256-…') of the page's inline scripts, in page order, without repeats."""
    parser = _InlineScripts()
    parser.feed(page)
    parser.close()
    hashes: list[str] = []
    for script in parser.scripts:
        if sha256_source(script) not in hashes:
            hashes.append(sha256_source(script))
    return hashes


def page_policy(page: str) -> str:
    """The policy of a self-contained page: only its own inline scripts (by hash) may run, so a script injected
    through data would not, even if escaping had missed it. Styles stay inline-allowed: folium writes style
    attributes into its tooltip markup at run time, and a style cannot run script."""
    return _policy(
        {
            "default-src": ["'none'"],
            "script-src": inline_script_hashes(page) or ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "img-src": ["data:"],
            "object-src": ["'none'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
        }
    )


def seal(page: str) -> str:
    """The page with its policy (page_policy) in a <meta> first in its head. Newlines are normalised first, as
    the browser does before it hashes a script."""
    page = page.replace("\r\n", "\n").replace("\r", "\n")
    head = _HEAD.search(page)
    if head is None:
        raise ValueError("the page has no <head> to put its Content-Security-Policy in")
    meta = f'\n<meta http-equiv="Content-Security-Policy" content="{page_policy(page)}">'
    return page[: head.end()] + meta + page[head.end() :]
