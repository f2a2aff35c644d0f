"""Jinja2 templates (autoescaped) with the gettext catalogs: one environment per language, built at start-up."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from web_map.pages import labels
from web_map.pages.errors import is_htmx
from web_map.pages.i18n import (
    HTML_LANG,
    LOCALES,
    SWITCH_LABEL,
    load_translations,
    locale_of,
    other_locale,
)
from web_map.pages.menu import menu_for
from web_map.pages.session import CSRF_FIELD, PageSession

TEMPLATES = Path(__file__).parent / "templates"
COUNTY_TIME = ZoneInfo("Asia/Shanghai")  # what the county's clocks show
NO_STORE = {"Cache-Control": "no-store"}  # pages hold personal data and the CSRF token
# htmx under the site's Content-Security-Policy: no eval, no injected <style>, no script from swapped HTML, no
# page snapshots in localStorage (they would hold personal data and the CSRF token); a 422 (a form with its
# errors) is swapped in like a 200
HTMX_CONFIG = json.dumps(
    {
        "allowEval": False,
        "allowScriptTags": False,
        "includeIndicatorStyles": False,
        "historyEnabled": False,
        "historyCacheSize": 0,
        "selfRequestsOnly": True,
        "attributesToSettle": ["class", "width", "height"],  # never a style attribute: the CSP refuses them
        "responseHandling": [
            {"code": "204", "swap": False},
            {"code": "[23]..", "swap": True},
            {"code": "422", "swap": True, "error": False},
            {"code": "[45]..", "swap": False, "error": True},
        ],
    },
    separators=(",", ":"),
)


def local_time(stamp: str, *, date_only: bool = False) -> str:
    """An ISO timestamp (as the services give it) in the county's time: 2026-12-07 18:26 (or the date only)."""
    moment = datetime.fromisoformat(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(COUNTY_TIME)
    return moment.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M")


def _environment(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(load_translations(locale), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(labels=labels, HTMX_CONFIG=HTMX_CONFIG, CSRF_FIELD=CSRF_FIELD)
    env.filters["local_time"] = local_time
    return env


class Pages:
    """The templates of every language, and how a page is answered."""

    def __init__(self) -> None:
        """Compile the catalogs and set up one template environment per language."""
        self.templates = {locale: Jinja2Templates(env=_environment(locale)) for locale in LOCALES}

    def render(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        session: PageSession | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> HTMLResponse:
        """The template ``name`` rendered in the request's language, with the layout's context."""
        locale = locale_of(request)
        if status == 422 and is_htmx(request):
            # a form back with its problems is what htmx should show: as 200, since the browser reports every
            # 4xx answer of a script's request as a console error
            status = 200
        root = request.scope.get("root_path", "")
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        base = {
            "session": session,
            "account": session.account if session else None,
            "csrf": session.csrf if session else "",
            "menu": menu_for(session.account.role) if session else [],
            "lang": locale,
            "html_lang": HTML_LANG[locale],
            "switch_label": SWITCH_LABEL[locale],
            "switch_url": f"{root}/workbench/lang/{other_locale(locale)}?next={quote(here, safe='')}",
            "root": root,
            "htmx": is_htmx(request),
            "path": request.url.path,
        }
        return self.templates[locale].TemplateResponse(
            request, name, base | (context or {}), status_code=status, headers=NO_STORE | (headers or {})
        )

    def error(self, request: Request, status: int, *, detail: str = "", page_label: str = "") -> HTMLResponse:
        """An error page: 403 naming the page the role may not open, or a service's refusal in its words."""
        return self.render(
            request,
            "error.html",
            {"status": status, "detail": detail, "page_label": page_label},
            status=status,
        )


def pages_of(request: Request) -> Pages:
    """The app's Pages (set up by web_map.pages.install_pages)."""
    pages: Pages = request.app.state.pages
    return pages
