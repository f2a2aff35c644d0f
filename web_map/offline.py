"""A folium map that opens with no internet: the vendored Leaflet inlined, no CDN script or stylesheet."""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import folium
from branca.element import Element

LEAFLET_DIR = Path(str(files("web_map"))) / "static" / "vendor" / "leaflet"
_CSS_URL = re.compile(r"url\((images/[^)]+\.png)\)")


class Inline(Element):
    """Raw text placed in the page as is (no Jinja parsing of the text itself)."""

    def __init__(self, body: str) -> None:
        """Wrap ``body``; it is emitted verbatim when the figure renders."""
        super().__init__("{{ this.body }}")
        self.body = body


@cache
def leaflet_js() -> str:
    """The vendored leaflet.js."""
    return (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")


@cache
def leaflet_css() -> str:
    """The vendored leaflet.css with its control images turned into data: URIs."""
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        png = (LEAFLET_DIR / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    return _CSS_URL.sub(data_uri, css)


class OfflineMap(folium.Map):
    """folium.Map without its CDN assets (Leaflet, jQuery, Bootstrap, awesome-markers); Leaflet is inlined."""

    default_js: list[tuple[str, str]] = []
    default_css: list[tuple[str, str]] = []

    def __init__(self, **kwargs: Any) -> None:
        """A map with no tile layer; the vendored Leaflet goes into the page head before anything else."""
        super().__init__(tiles=None, **kwargs)
        header = self.get_root().header  # type: ignore[attr-defined]
        header.add_child(Inline(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
        header.add_child(Inline(f"<script>{leaflet_js()}</script>"), name="leaflet")
