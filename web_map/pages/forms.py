"""Form problems: the message id and its values per field, shown on the field and in the summary above."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

Problem = tuple[str, dict[str, Any]]
Problems = dict[str, Problem]


def text(form: FormData, name: str) -> str:
    """A text field, stripped ('' when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def raw(form: FormData, name: str) -> str:
    """A field as sent (passwords: blanks count)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def problem(message: str, **values: Any) -> Problem:
    """A problem to show: a message id (marked with N_ where it is written) and its values."""
    return (message, values)
