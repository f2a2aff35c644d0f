"""乡镇报告 The township report download. The site (web_map) hands in the renderer, so api never imports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from api.deps import ConnectionDep, SettingsDep
from geo.core.settings import Settings

router = APIRouter(tags=["reports"])


class TownshipReport(Protocol):
    """Renders one township's self-contained HTML report."""

    def __call__(self, conn: Connection, code: str, *, settings: Settings) -> str: ...


@dataclass(frozen=True)
class TownshipReports:
    """The site's report renderer and the Content-Security-Policy a rendered page needs (its inline scripts)."""

    render: TownshipReport
    policy: Callable[[str], str]


def township_reports(request: Request) -> TownshipReports:
    """The renderer the site put on app.state (web_map.site.create_site)."""
    reports: TownshipReports = request.app.state.township_reports
    return reports


TownshipReportsDep = Annotated[TownshipReports, Depends(township_reports)]


@router.get(
    "/reports/township/{code}.html",
    operation_id="township_report",
    response_class=HTMLResponse,
)
def township_report_file(
    code: str, conn: ConnectionDep, settings: SettingsDep, reports: TownshipReportsDep
) -> HTMLResponse:
    """乡镇报告 A self-contained HTML map and figures of one township, as a download (works offline)."""
    page = reports.render(conn, code, settings=settings)
    headers = {
        "Content-Disposition": f'attachment; filename="hongyan-township-{code}.html"',
        # the policy in the page's own <meta>, and (only possible in a header) no framing
        "Content-Security-Policy": f"{reports.policy(page)}; frame-ancestors 'none'",
    }
    return HTMLResponse(page, headers=headers)
