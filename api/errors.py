"""The one place where domain errors become HTTP responses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from geo.errors import (
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


def status_for(exc: HongyanError) -> int:
    """The HTTP status of a domain error (its nearest mapped class), 500 if unmapped."""
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def install_error_handlers(app: FastAPI) -> None:
    """Answer every HongyanError with {"detail": message, "error": class name}."""

    async def handle(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HongyanError)
        wait = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyAttempts) else None
        return JSONResponse(
            status_code=status_for(exc),
            content={"detail": exc.message, "error": type(exc).__name__},
            headers=wait,
        )

    app.add_exception_handler(HongyanError, handle)
