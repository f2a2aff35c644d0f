"""`GET /api/v1/config`: what the page needs to know about the deployment (which basemap to draw, its tiles)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from api.deps import get_settings
from geo.core.settings import Settings

router = APIRouter(prefix="/api/v1", tags=["config"])

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)


class TileSource(BaseModel):
    """One raster tile layer as Leaflet's L.tileLayer takes it."""

    url: str
    subdomains: str = ""
    max_native_zoom: int = 18
    attribution: str


class PageConfig(BaseModel):
    """The basemap (offline = our own tiles only; nothing leaves the server), its datum and tile layers."""

    basemap: str
    datum: str
    tianditu_key: str | None
    tiles: list[TileSource]


def online_tiles(settings: Settings) -> list[TileSource]:
    """The raster layers of the configured online basemap (none for the offline one)."""
    if settings.basemap == "osm":
        url = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        return [TileSource(url=url, max_native_zoom=19, attribution="© OpenStreetMap contributors")]
    if settings.basemap == "tianditu":
        key = quote(settings.tianditu_key or "", safe="")
        return [
            TileSource(
                url=TIANDITU.replace("{layer}", layer).replace("{key}", key),
                subdomains="01234567",
                attribution="天地图 · 国家地理信息公共服务平台",
            )
            for layer in ("vec", "cva")
        ]
    if settings.basemap == "amap":
        url = (
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
        )
        return [TileSource(url=url, subdomains="1234", attribution="© 高德地图 AutoNavi")]
    return []


@router.get("/config", response_model=PageConfig, operation_id="page_config")
def page_config(settings: Annotated[Settings, Depends(get_settings)]) -> PageConfig:
    """页面配置 Which basemap the page draws; online ones only when the deployment configured them."""
    return PageConfig(
        basemap=settings.basemap,
        datum="gcj02" if settings.basemap == "amap" else "wgs84",  # 天地图 is CGCS2000, taken as WGS84
        tianditu_key=settings.tianditu_key if settings.basemap == "tianditu" else None,
        tiles=online_tiles(settings),
    )
