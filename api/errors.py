"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

import logging

import psycopg
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc

from geo.errors import (
    Conflict,
    DatabaseUnavailable,
    HongyanError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from registry.intake.read import UploadTooLarge

STATUS_BY_ERROR: dict[type[HongyanError], int] = {
    UploadTooLarge: 413,
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    PermissionDenied: 403,
    DatabaseUnavailable: 503,
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
    """{"detail": message, "error": class name} with the error's status (and Retry-After on a 503)."""
    status = status_for(exc)
    headers = {"Retry-After": str(RETRY_AFTER_S)} if status == 503 else None
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
