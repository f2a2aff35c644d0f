"""The whole web site: the API (api.app) plus the map page, its static files and the township reports' renderer."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.app import create_app
from api.routes import reports
from api.routes.reports import TownshipReports
from geo.core.settings import Settings
from web_map.csp import page_policy, site_policy
from web_map.headers import SecurityHeaders
from web_map.pages import install_pages
from web_map.report import township_report

WEB_ROOT = Path(str(files("web_map"))) / "static"


def _page(name: str) -> FileResponse:
    return FileResponse(WEB_ROOT / name, media_type="text/html; charset=utf-8")


def create_site(settings: Settings | None = None) -> FastAPI:
    """The API app with the map page at `/`, `/static/*` and `GET /reports/township/{code}.html`; every
    response carries the security headers (web_map.headers), the site's Content-Security-Policy by default."""
    settings = settings or Settings()
    app = create_app(settings)
    app.add_middleware(SecurityHeaders, policy=site_policy(settings))
    app.mount("/static", StaticFiles(directory=WEB_ROOT), name="static")
    install_pages(app)  # the staff workbench under /workbench

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        """The map page."""
        return _page("index.html")

    @app.get("/outreach", include_in_schema=False)
    @app.get("/outreach.html", include_in_schema=False)
    def outreach_page() -> FileResponse:
        """鸿雁回归 flow map of people working away (staff log in on the page)."""
        return _page("outreach.html")

    @app.get("/service", include_in_schema=False)
    @app.get("/service.html", include_in_schema=False)
    def service_page() -> FileResponse:
        """一窗受理: the intake form and the status check (no login)."""
        return _page("service.html")

    @app.get("/dashboard", include_in_schema=False)
    def programme_dashboard() -> FileResponse:
        """The programme's targets dashboard (鸿雁回归 · 目标进度看板)."""
        return _page("dashboard.html")

    @app.get("/fair", include_in_schema=False)
    def fair_day() -> FileResponse:
        """The fair-day phone page (招聘会现场)."""
        return _page("fair.html")

    @app.get("/import", include_in_schema=False)
    def import_page() -> FileResponse:
        """表格导入 The staff's spreadsheet import page (templates, upload, row errors, error workbook)."""
        return _page("import.html")

    @app.get("/docs", include_in_schema=False)
    def api_docs() -> FileResponse:
        """接口文档 Swagger UI from the vendored swagger-ui-dist (works offline, no inline script)."""
        return _page("docs.html")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> RedirectResponse:
        """The one API documentation page is /docs (ReDoc would need inline styles and a CDN)."""
        return RedirectResponse("docs")

    app.state.township_reports = TownshipReports(township_report, page_policy)
    app.include_router(reports.router)
    return app
