"""Settings read once from the environment (prefix ``HONGYAN_``) and injected where needed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "hongyan-development-secret-do-not-use-in-production"
DEFAULT_METRIC_SRID = 4548  # CGCS2000 / 3-degree Gauss-Kruger CM 117E: Huoqiu lies at 115.9-116.6 E


def default_data_dir() -> Path:
    """Where the embedded database and built demo data live when nothing is configured."""
    if os.geteuid() == 0:
        # root's home is private (0700): the unprivileged server user could not reach a data dir there.
        return Path("/var/lib/hongyan")
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hongyan"


class Settings(BaseSettings):
    """All of Hongyan's configuration; one instance is built per process and passed down."""

    model_config = SettingsConfigDict(env_prefix="HONGYAN_", env_file=".env", extra="ignore")

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of an external PostgreSQL/PostGIS; unset = the embedded cluster",
    )
    app_database_url: str | None = Field(default=None, description="URL of the web app's RLS-bound role")
    data_dir: Path = Field(default_factory=default_data_dir, description="embedded cluster and demo data")
    pg_bin_dir: Path | None = Field(default=None, description="PostgreSQL binaries; default: newest found")
    db_system_user: str = Field(
        default="hongyan", description="unprivileged user that runs the server as root"
    )
    db_name: str = "hongyan"
    metric_srid: int = DEFAULT_METRIC_SRID
    host: str = "127.0.0.1"
    port: int = 8000
    county_code: str = "341522000000"
    max_snap_m: float = Field(default=500.0, gt=0)
    max_radius_m: float = Field(default=20_000.0, gt=0)
    reach_cell_m: float = Field(
        default=20.0, gt=0, le=100, description="raster cell of the reach polygon's outline (its accuracy)"
    )
    forwarded_allow_ips: str = Field(
        default="127.0.0.1,::1",
        description="reverse proxies whose X-Forwarded-For names the client (comma-separated; '' trusts none)",
    )
    warm_start: bool = Field(
        default=True,
        description="load the walking network, its snapping index and the open positions before serving",
    )
    circle_threads: int = Field(
        default=2,
        ge=1,
        le=32,
        description="threads per server process that compute circles (off the event loop)",
    )
    serve_workers: int = Field(
        default=1, ge=1, description="server processes /healthz waits for (set by `hongyan serve --workers`)"
    )
    serve_run_dir: Path | None = Field(
        default=None, description="where each server process marks itself ready (set by `hongyan serve`)"
    )
    max_upload_mb: int = Field(default=200, gt=0, description="largest spreadsheet upload (registry import)")
    max_body_mb: int = Field(default=1, gt=0, description="largest request body of any route but an upload")
    max_xlsx_cells: int = Field(default=10_000_000, gt=0, description="cells a workbook's sheet may declare")
    max_xlsx_shared_strings: int = Field(
        default=5_000_000, gt=0, description="shared strings a workbook may declare"
    )
    max_xlsx_uncompressed_mb: int = Field(default=512, gt=0, description="a workbook's size once unzipped")
    max_xlsx_ratio: int = Field(default=100, gt=0, description="largest compression ratio of a workbook part")
    import_timeout_s: float = Field(
        default=300.0, gt=0, description="time to read and check an import's rows"
    )
    environment: Literal["development", "test", "production"] = "development"
    basemap: Literal["offline", "osm", "tianditu", "amap"] = Field(
        default="offline",
        description="map background: offline = our own tiles (no request leaves the server)",
    )
    tianditu_key: str | None = Field(default=None, description="天地图 browser key, for basemap=tianditu")
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="a page (cookie) session unused this long is refused"
    )
    cookie_secure: bool = Field(
        default=False,
        description="always mark the session cookie Secure (it is whenever the request is https)",
    )
    secret_key: str = Field(
        default=DEVELOPMENT_SECRET,
        min_length=16,
        description="master secret for encrypting ID numbers/phones and keyed hashes; never in the repo",
    )

    @model_validator(mode="after")
    def _no_development_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("HONGYAN_SECRET_KEY must be set to a private value in production")
        return self

    @model_validator(mode="after")
    def _tianditu_needs_a_key(self) -> Settings:
        if self.basemap == "tianditu" and not self.tianditu_key:
            raise ValueError("HONGYAN_BASEMAP=tianditu needs HONGYAN_TIANDITU_KEY (a 天地图 browser key)")
        return self
