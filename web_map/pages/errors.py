"""Why a page cannot be answered as asked: the visitor must log in, or may not open it (web_map.pages.handlers
turns these, and a service's refusal on a workbench page, into HTML)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request

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
