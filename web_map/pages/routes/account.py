"""Log in, log out, change my own password, switch language, and the workbench's start page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import AppEngine, Cipher, clear_session_cookie, client_address
from api.deps import SettingsDep
from geo.core.errors import InvalidInput, PermissionDenied, TooManyAttempts
from registry.accounts.auth import audit, log_in, log_out
from registry.accounts.page_sessions import check_csrf, csrf_token
from registry.accounts.passwords import change_password
from registry.accounts.roles import MIN_PASSWORD
from web_map.pages.forms import Problems, problem, raw, text
from web_map.pages.i18n import LANG_COOKIE, LOCALES, N_
from web_map.pages.session import (
    CSRF_FIELD,
    LOGIN_NONCE_COOKIE,
    LoggedIn,
    PageConnection,
    PageForm,
    login_nonce,
    set_login_nonce,
    set_session_cookie,
)
from web_map.pages.templating import pages_of

router = APIRouter(prefix="/workbench", include_in_schema=False)
HOME = "/workbench"
REASONS = {
    "idle": N_("You were logged out after %(minutes)s minutes without use. Please log in again."),
    "expired": N_("Your login has expired. Please log in again."),
    "out": N_("You have logged out."),
}


def safe_next(target: str) -> str:
    """Where to go after login or a language switch: a path of this site, never another site."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def _login_page(
    request: Request,
    settings: SettingsDep,
    *,
    next_path: str,
    login: str = "",
    notice: str = "",
    problems: Problems | None = None,
    status: int = 200,
) -> Response:
    nonce = login_nonce(request)
    response = pages_of(request).render(
        request,
        "login.html",
        {
            "next_path": next_path,
            "login": login,
            "notice": notice,
            "idle_minutes": settings.session_idle_minutes,
            "problems": problems or {},
            "login_csrf": csrf_token(settings.secret_key, nonce),
        },
        status=status,
    )
    set_login_nonce(response, nonce, request, settings)
    return response


@router.get("/login")
def login_form(
    request: Request,
    settings: SettingsDep,
    next_path: Annotated[str, Query(alias="next", max_length=500)] = HOME,
    reason: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """登录 The login form (username or phone, and password)."""
    return _login_page(request, settings, next_path=safe_next(next_path), notice=REASONS.get(reason, ""))


@router.post("/login")
def login_submit(
    request: Request, settings: SettingsDep, engine: AppEngine, cipher: Cipher, form: PageForm
) -> Response:
    """Check the login; the session goes into the HttpOnly cookie and the browser to the page it wanted."""
    login, password, next_path = text(form, "login"), raw(form, "password"), safe_next(text(form, "next"))
    problems: Problems = {}
    status = 422
    try:
        check_csrf(settings.secret_key, request.cookies.get(LOGIN_NONCE_COOKIE, ""), text(form, CSRF_FIELD))
    except PermissionDenied:
        problems["login"] = problem(N_("This login form had expired. Please log in again."))
    if not login:
        problems["login"] = problem(N_("Enter your username or mobile number."))
    if not password:
        problems["password"] = problem(N_("Enter your password."))
    if not problems:
        try:
            issued = log_in(engine, login, password, cipher=cipher, source=client_address(request))
        except TooManyAttempts as exc:
            status = 429
            problems["login"] = problem(
                N_("Too many attempts. Please try again in %(seconds)s seconds."), seconds=exc.retry_after
            )
        except PermissionDenied:  # AuthenticationFailed: the same answer for every reason
            problems["password"] = problem(N_("Wrong username, mobile number or password."))
        else:
            response = RedirectResponse(request.scope.get("root_path", "") + next_path, status_code=303)
            set_session_cookie(response, issued, request, settings)
            return response
    return _login_page(request, settings, next_path=next_path, login=login, problems=problems, status=status)


@router.post("/logout")
def logout(request: Request, session: LoggedIn, conn: PageConnection) -> Response:
    """退出 End the session: revoked in the database, the cookie cleared."""
    log_out(conn, session.token)
    response = RedirectResponse(
        request.scope.get("root_path", "") + f"{HOME}/login?reason=out", status_code=303
    )
    clear_session_cookie(response)
    return response


@router.get("")
@router.get("/")
def home(request: Request, session: LoggedIn) -> Response:
    """工作台 The start page: what the role may do, each with a line on what it is for."""
    done = request.query_params.get("done", "")
    return pages_of(request).render(request, "home.html", {"done": done}, session=session)


@router.get("/password")
def password_form(request: Request, session: LoggedIn) -> Response:
    """修改密码 The form to change one's own password."""
    return pages_of(request).render(request, "password.html", {"problems": {}}, session=session)


def _password_problems(current: str, new: str, again: str) -> Problems:
    problems: Problems = {}
    if not current:
        problems["current_password"] = problem(N_("Enter your current password."))
    if len(new) < MIN_PASSWORD:
        problems["new_password"] = problem(
            N_("The new password needs at least %(count)s characters."), count=MIN_PASSWORD
        )
    elif len(set(new)) < 4:
        problems["new_password"] = problem(N_("The new password needs at least 4 different characters."))
    elif new == current:
        problems["new_password"] = problem(N_("The new password must differ from the current one."))
    if "new_password" not in problems and again != new:
        problems["new_password_again"] = problem(N_("The two new passwords are not the same."))
    return problems


@router.post("/password")
def password_submit(
    request: Request, session: LoggedIn, conn: PageConnection, cipher: Cipher, form: PageForm
) -> Response:
    """Change the password; the person's other sessions end, this one stays logged in."""
    current, new = raw(form, "current_password"), raw(form, "new_password")
    problems = _password_problems(current, new, raw(form, "new_password_again"))
    status = 422
    if not problems:
        try:
            # no savepoint: nothing is written before the checks pass, and a failed attempt must be kept
            change_password(
                conn,
                session.account,
                current=current,
                new=new,
                keep_session=session.token,
                cipher=cipher,
                source=client_address(request),
            )
        except TooManyAttempts as exc:
            status = 429
            problems["current_password"] = problem(
                N_("Too many attempts. Please try again in %(seconds)s seconds."), seconds=exc.retry_after
            )
        except InvalidInput as exc:
            field = exc.field or "new_password"
            problems[field] = (
                problem(N_("The current password is wrong."))
                if field == "current_password"
                else problem(N_("This new password cannot be used: choose another one."))
            )
    if problems:
        return pages_of(request).render(
            request, "password.html", {"problems": problems}, session=session, status=status
        )
    audit(
        conn,
        session.account,
        "account.password_changed",
        target=f"account:{session.account.account_id}",
        source=client_address(request),
    )
    root = request.scope.get("root_path", "")
    return RedirectResponse(f"{root}{HOME}?done=password", status_code=303)


@router.get("/lang/{locale}")
def switch_language(
    request: Request, locale: str, next_path: Annotated[str, Query(alias="next", max_length=500)] = HOME
) -> Response:
    """中文 / English: the choice is kept in a cookie for a year."""
    response = RedirectResponse(request.scope.get("root_path", "") + safe_next(next_path), status_code=303)
    if locale in LOCALES:
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, path="/", samesite="lax")
    return response
