"""What a page answers when the visitor must log in, may not open it, or a service refuses: HTML, not JSON.

The JSON API's answers stay as api.errors makes them; only requests under /workbench get a page.
"""

from __future__ import annotations

import inspect

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.errors import rule_for
from geo.core.errors import HongyanError
from web_map.pages.errors import LoginRequired, PageForbidden, is_htmx, is_page, login_url
from web_map.pages.templating import pages_of


def install_page_errors(app: FastAPI) -> None:
    """Answer LoginRequired, PageForbidden and, on workbench pages, every HongyanError with a page (after
    api.errors.install_error_handlers: requests outside the workbench keep the API's answer)."""

    async def login_required(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LoginRequired)
        target = login_url(request, exc.reason)
        if is_htmx(request):  # htmx follows this header with a full page load
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    async def forbidden(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PageForbidden)
        return pages_of(request).error(request, 403, page_label=exc.page_label)

    api_handler = app.exception_handlers[HongyanError]  # the API's answer (api.errors): kept for the API

    async def domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HongyanError)
        if not is_page(request):
            answer = api_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        rule = rule_for(type(exc))
        if rule.audit is not None:  # what the error table records first, on a page as in the API
            rule.audit(request, exc)
        return pages_of(request).error(request, rule.status, detail=exc.message)

    app.add_exception_handler(LoginRequired, login_required)
    app.add_exception_handler(PageForbidden, forbidden)
    app.add_exception_handler(HongyanError, domain_error)
