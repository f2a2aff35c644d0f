"""`GET /api/v1/config` and the basemap settings: offline by default, online tiles only when configured."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from geo.core.settings import Settings


def _config(settings: Settings) -> dict:
    with TestClient(create_app(settings)) as client:
        r = client.get("/api/v1/config")
    assert r.status_code == 200
    return r.json()


def test_default_is_offline_with_no_online_tiles(settings: Settings) -> None:
    assert _config(settings) == {"basemap": "offline", "datum": "wgs84", "tianditu_key": None, "tiles": []}


def test_tianditu_tiles_carry_the_key(db_url: str, tmp_path: Path) -> None:
    body = _config(Settings(database_url=db_url, data_dir=tmp_path, basemap="tianditu", tianditu_key="k3y/+"))
    assert body["basemap"] == "tianditu" and body["datum"] == "wgs84" and body["tianditu_key"] == "k3y/+"
    urls = [t["url"] for t in body["tiles"]]
    assert len(urls) == 2
    for url, layer in zip(urls, ("vec", "cva"), strict=True):
        assert url.startswith(f"https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile")
        assert f"&LAYER={layer}&" in url and "TILEMATRIXSET=w" in url and url.endswith("&tk=k3y%2F%2B")
        assert "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in url
    assert {t["subdomains"] for t in body["tiles"]} == {"01234567"}


def test_amap_is_gcj02(db_url: str, tmp_path: Path) -> None:
    body = _config(Settings(database_url=db_url, data_dir=tmp_path, basemap="amap", tianditu_key="unused"))
    assert body["datum"] == "gcj02" and body["tianditu_key"] is None
    assert body["tiles"][0]["url"].startswith("https://webrd0{s}.is.autonavi.com/appmaptile?")


def test_tianditu_without_a_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="HONGYAN_BASEMAP=tianditu needs HONGYAN_TIANDITU_KEY"):
        Settings(data_dir=tmp_path, basemap="tianditu")


def test_unknown_basemap_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="basemap"):
        Settings(data_dir=tmp_path, basemap="google")  # type: ignore[arg-type]
