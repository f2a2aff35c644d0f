"""One hierarchy of domain errors; the API maps each class to an HTTP status in one place."""

from __future__ import annotations


class HongyanError(Exception):
    """Base of every error Hongyan reports to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(HongyanError):
    """Input that cannot be accepted; says what and where (file, row, field)."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        where = [f"{k} {v}" for k, v in (("file", source), ("row", row), ("field", field)) if v is not None]
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.source, self.row, self.field = source, row, field


class NotFound(HongyanError):
    """The thing asked for does not exist."""


class Conflict(HongyanError):
    """The request is valid but the platform's state does not allow it now (e.g. no road network)."""


class DatabaseUnavailable(HongyanError):
    """The database cannot be reached; the message names the URL and what to do."""


class PermissionDenied(HongyanError):
    """The caller may not do this or see this."""


class TooManyAttempts(HongyanError):
    """Too many failed attempts from this address or on this key: try again after ``retry_after`` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
