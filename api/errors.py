"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import exc as sa_exc

from geo.core.errors import (
    Conflict,
    DatabaseUnavailable,
    HongyanError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from registry.intake.read import UploadTooLarge

STATUS_BY_ERROR: dict[type[HongyanError], int] = {
    UploadTooLarge: 413,
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    PermissionDenied: 403,
    DatabaseUnavailable: 503,
    TooManyAttempts: 429,
}
RETRY_AFTER_S = 5  # the pools reconnect on their own within a couple of seconds of PostgreSQL coming back
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
log = logging.getLogger(__name__)


def status_for(exc: HongyanError) -> int:
    """The HTTP status of a domain error (its nearest mapped class), 500 if unmapped."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def error_response(exc: HongyanError) -> JSONResponse:
    """{"detail": message, "error": class name} with the error's status (and Retry-After on a 429 or 503)."""
    status = status_for(exc)
    headers = None
    if isinstance(exc, TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
    elif status == 503:
        headers = {"Retry-After": str(RETRY_AFTER_S)}
    return JSONResponse(
        status_code=status, content={"detail": exc.message, "error": type(exc).__name__}, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    """Answer every HongyanError, and a database outage as DatabaseUnavailable."""

    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HongyanError)
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
    error: str | None = Field(default=None, description="错误类别 the error's class, e.g. InvalidInput")


ERROR_DESCRIPTIONS = {
    401: "未登录或登录已失效 not logged in, or the token has expired",
    403: "无权操作 not allowed for your role or area",
    404: "不存在或不在您的辖区 not found, or outside your area",
    409: "当前状态不允许 not possible in the current state",
    413: "文件过大 the upload is too large",
    422: "输入有误 invalid input",
    429: "尝试次数过多，稍后再试 too many attempts; try again after Retry-After seconds",
    503: "数据库暂时不可用，稍后重试 the database is unavailable for the moment",
}


VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}


def document_errors(app: FastAPI) -> None:
    """Add the error table's answers (ErrorOut, Retry-After on 503) to every operation of the OpenAPI document."""
    generate = app.openapi
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    statuses = sorted({401, 422, *STATUS_BY_ERROR.values()})

    def error_response(status: int, documented: dict[str, Any] | None) -> dict[str, Any]:
        out = dict(documented or {"description": ERROR_DESCRIPTIONS.get(status, "error")})
        media = dict(out.get("content", {}).get("application/json") or {})
        # FastAPI's own 422 (a list of invalid fields) can come from any operation with parameters
        shapes = [media.get("schema"), VALIDATION_REF if status == 422 else None, ref]
        kept = [s for n, s in enumerate(shapes) if s and s not in shapes[:n]]
        media["schema"] = kept[0] if len(kept) == 1 else {"anyOf": kept}
        out["content"] = {**out.get("content", {}), "application/json": media}
        if status in (429, 503):
            out["headers"] = {"Retry-After": {"description": "秒 seconds", "schema": {"type": "integer"}}}
        return out

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    responses[str(status)] = error_response(status, responses.get(str(status)))
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorOut"] = ErrorOut.model_json_schema()
        app.openapi_schema = schema
        return schema

    setattr(app, "openapi", openapi)  # noqa: B010 (FastAPI's documented way to extend the document)
