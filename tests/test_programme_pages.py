"""The programme pages' static files: local assets only, Chinese first, phone-ready, served by the site."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from geo.core.settings import Settings
from tests.test_web_map_static import URL, _strip_code_comments, _strip_html_comments
from web_map.site import create_site

STATIC = Path(__file__).resolve().parents[1] / "web_map" / "static"
PAGES = {"dashboard.html": "鸿雁回归 · 目标进度看板", "fair.html": "招聘会现场 · 鸿雁回归"}


def test_pages_reference_only_local_files_and_name_no_url() -> None:
    for name, title in PAGES.items():
        html = (STATIC / name).read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in html and f"<title>{title}</title>" in html
        assert re.search(r'<meta name="viewport" content="width=device-width, initial-scale=1', html)
        refs = [r for r in re.findall(r'(?:src|href)="([^"]+)"', html) if r != "./"]  # ./ = back to the map
        assert refs and all(
            r.startswith("static/") and (STATIC / r.removeprefix("static/")).is_file() for r in refs
        )
        assert 'class="home-link" href="./"' in html, f"{name} has no link back to the map"
        assert URL.findall(_strip_html_comments(html)) == [], name
    for name in ("programme.js", "dashboard.js", "fair.js", "programme.css", "menu.js", "menu.css"):
        code = _strip_code_comments((STATIC / name).read_text(encoding="utf-8"))
        assert URL.findall(code) == [], name
        assert "innerHTML = " not in code.replace("box.innerHTML = '<svg></svg>'", ""), (
            name
        )  # user text never as HTML


def test_site_serves_the_pages(settings: Settings) -> None:
    with TestClient(create_site(settings)) as client:
        for path, name in (("/dashboard", "dashboard.html"), ("/fair", "fair.html")):
            response = client.get(path)
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
            assert response.text == (STATIC / name).read_text(encoding="utf-8")
        assert client.get("/static/programme.js").status_code == 200
        assert client.get("/api/v1/programme/dashboard").status_code == 401
