"""What a page answers when the visitor must log in, may not open it, or a service refuses: HTML, not JSON.

The JSON API's answers stay as api.errors makes them; only requests under /workbench get a page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.errors import error_response, status_for
from geo.core.errors import HongyanError

PREFIX = "/workbench"


class LoginRequired(Exception):
    """No live session: the visitor goes to the login page (``reason``: idle, expired or empty)."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(reason or "login required")
        self.reason = reason


class PageForbidden(Exception):
    """The role may not open the page (its label, a message id, is named on the 403 page)."""

    def __init__(self, page_label: str) -> None:
        super().__init__(page_label)
        self.page_label = page_label


def is_page(request: Request) -> bool:
    """Whether the request is for a workbench page."""
    path = request.url.path
    return path == PREFIX or path.startswith(PREFIX + "/")


def is_htmx(request: Request) -> bool:
    """Whether htmx made the request (it then swaps the answer into the page)."""
    return request.headers.get("HX-Request") == "true"


def login_url(request: Request, reason: str = "") -> str:
    """The login page, told where to go back to (and why the visitor was sent there)."""
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET" or is_htmx(request):
        back = request.headers.get("HX-Current-URL", "") or PREFIX
        back = back.split(str(request.base_url).rstrip("/"), 1)[-1] or PREFIX
    query = {"next": back} | ({"reason": reason} if reason else {})
    return f"{request.scope.get('root_path', '')}{PREFIX}/login?{urlencode(query)}"


def install_page_errors(app: FastAPI) -> None:
    """Answer LoginRequired, PageForbidden and, on workbench pages, every HongyanError with a page."""
    from web_map.pages.templating import pages_of  # the templates are built after the handlers

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = login_url(request, exc.reason)
        if is_htmx(request):  # htmx follows this header with a full page load
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageForbidden)
        return pages_of(request).error(request, 403, page_label=exc.page_label)

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HongyanError)
        if not is_page(request):
            return error_response(exc)
        return pages_of(request).error(request, status_for(exc), detail=exc.message)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PageForbidden, forbidden)
    app.add_exception_handler(HongyanError, domain_error)
