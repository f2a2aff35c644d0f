"""The workbench's login: the same HttpOnly cookie session as the JSON API, a CSRF token in every form, and the
same row-level-security-scoped transaction (api.auth.app_transaction) for everything a page reads or writes.

A page never calls the API over HTTP: its route calls the service functions inside that transaction, so a page
can never show what the API would refuse.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from api.auth import CSRF_HEADER, SAFE_METHODS, SESSION_COOKIE, app_transaction, get_app_engine
from api.deps import SettingsDep
from geo.core.settings import Settings
from registry.accounts.auth import AuthenticationFailed, IssuedToken, authenticate
from registry.accounts.page_sessions import SessionIdle, check_csrf, csrf_token, touch_page_session
from registry.accounts.roles import Account
from web_map.pages.errors import LoginRequired, PageForbidden
from web_map.pages.menu import BY_KEY

CSRF_FIELD = "csrf_token"
LOGIN_NONCE_COOKIE = "hongyan_login_nonce"  # binds the login form to this browser (login CSRF)
PageConnection = Annotated[Connection, Depends(app_transaction, scope="function")]


@dataclass(frozen=True)
class PageSession:
    """The logged-in account of a page request, its session token (never shown) and its CSRF token."""

    account: Account
    token: str
    csrf: str


async def read_form(request: Request) -> FormData:
    """The request's form (parsed once, then cached by Starlette); empty for GET."""
    if request.method in SAFE_METHODS:
        return FormData()
    return await request.form()


PageForm = Annotated[FormData, Depends(read_form)]


def _sent_csrf(request: Request, form: FormData) -> str | None:
    sent = request.headers.get(CSRF_HEADER) or form.get(CSRF_FIELD)
    return sent if isinstance(sent, str) else None


async def page_token(request: Request, settings: SettingsDep, form: PageForm) -> str:
    """The cookie's session token, checked: a write carries the session's CSRF token, the session is live.

    LoginRequired without a live session (with the reason for an idle one); CsrfRefused (403) for a write
    without the right token. Resolved before the request's transaction takes its connection (as in api.auth).
    """
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise LoginRequired()
    if request.method not in SAFE_METHODS:
        check_csrf(settings.secret_key, cookie, _sent_csrf(request, form))
    try:
        live = await run_in_threadpool(
            touch_page_session,
            get_app_engine(request),
            cookie,
            idle_minutes=settings.session_idle_minutes,
        )
    except SessionIdle:
        raise LoginRequired("idle") from None
    if not live:
        raise LoginRequired("expired")
    return cookie


def page_session(
    token: Annotated[str, Depends(page_token)], conn: PageConnection, settings: SettingsDep
) -> PageSession:
    """The account of the page's session; the request's transaction is scoped to it."""
    try:
        account = authenticate(conn, token)
    except AuthenticationFailed:
        raise LoginRequired("expired") from None
    return PageSession(account, token, csrf_token(settings.secret_key, token))


LoggedIn = Annotated[PageSession, Depends(page_session)]


def may_open(key: str) -> Callable[[PageSession], PageSession]:
    """A dependency: the page session if its role may open the page ``key`` (menu.PAGES), else 403."""
    page = BY_KEY[key]

    def check(session: LoggedIn) -> PageSession:
        if session.account.role not in page.roles:
            raise PageForbidden(page.label)
        return session

    return check


def set_session_cookie(response: Response, issued: IssuedToken, request: Request, settings: Settings) -> None:
    """Put a new session into the HttpOnly cookie, with the flags POST /api/v1/auth/session uses."""
    lifetime = int((issued.expires_at - datetime.now(UTC)).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        max_age=max(lifetime, 0),
        path="/",
        secure=settings.cookie_secure or request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def login_nonce(request: Request) -> str:
    """The browser's login nonce (from its cookie, or a new one the login page sets)."""
    return request.cookies.get(LOGIN_NONCE_COOKIE) or secrets.token_urlsafe(32)


def set_login_nonce(response: Response, nonce: str, request: Request, settings: Settings) -> None:
    """Keep the login nonce in an HttpOnly, SameSite=Strict cookie: another site's form cannot send it."""
    response.set_cookie(
        LOGIN_NONCE_COOKIE,
        nonce,
        max_age=3600,
        path="/workbench/login",
        secure=settings.cookie_secure or request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
