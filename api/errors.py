"""The one error table: every domain error class, its HTTP status and its Chinese-first description.

``install_error_handlers`` answers every HongyanError (and a lost database) from the table; ``raises`` and
``document_errors`` put the same table into each operation of the OpenAPI document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc
from sqlalchemy.exc import SQLAlchemyError

from geo.core.errors import (
    Conflict,
    DatabaseUnavailable,
    HongyanError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from registry.accounts.audit import audit_refused
from registry.accounts.auth import AuthenticationFailed
from registry.accounts.page_sessions import CsrfRefused, SessionIdle
from registry.accounts.roles import UnmaskRefused
from registry.intake.deadline import ImportTimeout
from registry.intake.read import UploadTooLarge
from registry.personal import DecryptionFailed

RETRY_AFTER_S = 5  # the pools reconnect on their own within a couple of seconds of PostgreSQL coming back
log = logging.getLogger(__name__)
Audit = Callable[[Request, HongyanError], None]


def _audit_unmask_refused(request: Request, exc: HongyanError) -> None:
    """Record who asked for personal data in full and was refused (in its own transaction: the request's
    is rolled back)."""
    assert isinstance(exc, UnmaskRefused)
    query = unquote(request.url.query)
    asked = f"{request.method} {request.url.path}" + (f"?{query}" if query else "")
    source = request.client.host if request.client else ""
    try:
        audit_refused(
            request.app.state.app_engine, exc.account, "unmasked.refused", target=asked, source=source
        )
    except SQLAlchemyError:
        log.exception("could not audit the refused request of account %s", exc.account.account_id)


@dataclass(frozen=True)
class ErrorRule:
    """How one error class is answered: status, description, fixed headers, and what is recorded first."""

    status: int
    description: str
    headers: tuple[tuple[str, str], ...] = ()
    audit: Audit | None = None


# Looked up along the raised class's MRO: the most specific class listed wins.
ERROR_TABLE: dict[type[HongyanError], ErrorRule] = {
    InvalidInput: ErrorRule(422, "输入有误 invalid input"),
    DecryptionFailed: ErrorRule(
        422, "个人信息无法解密（密钥不符或数据损坏） personal data cannot be decrypted"
    ),
    ImportTimeout: ErrorRule(
        422, "导入超时，未写入任何数据 the import ran past its time limit; nothing was written"
    ),
    UploadTooLarge: ErrorRule(413, "文件过大 the upload is too large"),
    NotFound: ErrorRule(404, "不存在或不在您的辖区 not found, or outside your area"),
    Conflict: ErrorRule(409, "当前状态不允许 not possible in the current state"),
    PermissionDenied: ErrorRule(403, "无权操作 not allowed for your role or area"),
    CsrfRefused: ErrorRule(403, "缺少页面的 CSRF 令牌 a page write without the session's X-CSRF-Token"),
    UnmaskRefused: ErrorRule(
        403,
        "无权查看完整个人信息（已记录） not allowed to see personal data in full (audited)",
        audit=_audit_unmask_refused,
    ),
    AuthenticationFailed: ErrorRule(
        401,
        "未登录或登录已失效 not logged in, or the token has expired",
        headers=(("WWW-Authenticate", "Bearer"),),
    ),
    SessionIdle: ErrorRule(
        401,
        "长时间未操作，请重新登录 the page session was idle too long",
        headers=(("WWW-Authenticate", "Bearer"),),
    ),
    TooManyAttempts: ErrorRule(
        429, "尝试次数过多，稍后再试 too many attempts; try again after Retry-After seconds"
    ),
    DatabaseUnavailable: ErrorRule(
        503, "数据库暂时不可用，稍后重试 the database is unavailable for the moment"
    ),
}
STATUS_BY_ERROR: dict[type[HongyanError], int] = {cls: rule.status for cls, rule in ERROR_TABLE.items()}
FALLBACK = ErrorRule(500, "内部错误 internal error")

# What a lost or unreachable database raises: refused or dropped connections, a server shutting down
# (psycopg's AdminShutdown is an OperationalError), a closed connection, no pool slot within the timeout.
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
OUTAGE_MESSAGE = (
    "数据库暂时无法连接，请稍后重试 the database is unavailable for the moment; try again in a few seconds"
)


def rule_for(cls: type[HongyanError]) -> ErrorRule:
    """The rule of an error class: its nearest listed ancestor's, the 500 fallback if none."""
    for ancestor in cls.__mro__:
        if ancestor in ERROR_TABLE:
            return ERROR_TABLE[ancestor]
    return FALLBACK


def status_for(exc: HongyanError) -> int:
    """The HTTP status of a domain error (its nearest mapped class), 500 if unmapped."""
    return rule_for(type(exc)).status


def error_response(exc: HongyanError) -> JSONResponse:
    """{"detail": message, "error": class name} with the error's status and headers (Retry-After on a 429
    or 503, the Bearer challenge on a 401)."""
    rule = rule_for(type(exc))
    headers = dict(rule.headers)
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    elif rule.status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    return JSONResponse(
        status_code=rule.status,
        content={"detail": exc.message, "error": type(exc).__name__},
        headers=headers or None,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every HongyanError from the table (auditing first where its rule says), and a database outage
    as DatabaseUnavailable."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HongyanError)
        audit = rule_for(type(exc)).audit
        if audit is not None:
            audit(request, exc)
        return error_response(exc)

    async def outage(request: Request, exc: Exception) -> JSONResponse:
        # one line, not the statement and its parameters: they may hold personal data
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        return error_response(DatabaseUnavailable(OUTAGE_MESSAGE))

    app.add_exception_handler(HongyanError, handle)
    for cls in OUTAGE_ERRORS:
        app.add_exception_handler(cls, outage)


class ErrorOut(BaseModel):
    """What every refused request answers (FastAPI's own 422 lists the invalid fields instead)."""

    detail: str = Field(
        description="说明：出了什么问题、在哪里、怎么改 what is wrong, where, and how to fix it"
    )
    error: str = Field(description="错误类别 the error's class, e.g. InvalidInput")


def raises(*errors: type[HongyanError]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the statuses of the domain errors it can raise, each with ErrorOut and the
    descriptions of the classes that share it."""
    described: dict[int, list[str]] = {}
    for cls in errors:
        rule = rule_for(cls)
        described.setdefault(rule.status, [])
        if rule.description not in described[rule.status]:
            described[rule.status].append(rule.description)
    return {
        status: {"model": ErrorOut, "description": "；".join(texts)} for status, texts in described.items()
    }
