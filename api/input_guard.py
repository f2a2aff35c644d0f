"""One check of every request's text before routing: NUL and lone surrogates refused, control characters stripped.

PostgreSQL cannot store a NUL character and UTF-8 cannot encode a lone UTF-16 surrogate (JSON's ``"\\ud800"``
decodes to one): either would fail deep in a query as a 500. This ASGI middleware answers them with a 422
naming the field, for the path, the query string, JSON bodies and url-encoded forms. Other control characters
in JSON and form values are stripped (geo.core.text.strip_control), as the spreadsheet import strips them; numbers
in JSON must be finite and fit PostgreSQL's bigint. Bodies arrive already bounded (api.upload_limit runs first).
Multipart uploads pass untouched: the import checks their cells by the same rule.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from api.types import INT8_MAX
from geo.core.errors import InvalidInput
from geo.core.text import has_lone_surrogate, has_nul, strip_control

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class InputGuard:
    """ASGI middleware: refuse NUL, lone surrogates and non-finite numbers; strip control characters."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_target(scope["path"], scope["query_string"])
            kind = body_kind(_header(scope, b"content-type"))
            if kind is None or scope["method"] not in BODY_METHODS:
                await self.app(scope, receive, send)
                return
            body, gone = await _read_body(receive)
            cleaned = clean_json(body) if kind == "json" else clean_form(body)
        except InvalidInput as exc:
            await error_response(exc)(scope, receive, send)
            return
        if cleaned is not None:
            scope = dict(scope, headers=_with_length(scope["headers"], len(cleaned)))
            body = cleaned
        await self.app(scope, _replay(body, gone, receive), send)


def check_target(path: str, query_string: bytes) -> None:
    """InvalidInput when the (decoded) path or a query parameter holds NUL or a lone surrogate."""
    for n, segment in enumerate(path.split("/")):
        _check_text(segment, f"path segment {n}", "路径")
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        _check_text(name, name, "查询参数名")
        _check_text(value, name, "查询参数")


def body_kind(content_type: str | None) -> str | None:
    """'json' for the bodies FastAPI parses as JSON (no content type, application/json, */*+json), 'form' for
    url-encoded forms, None for anything else (multipart uploads included)."""
    if content_type is None:
        return "json"
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and media.endswith("+json")):
        return "json"
    if media == "application/x-www-form-urlencoded":
        return "form"
    return None


def clean_json(body: bytes) -> bytes | None:
    """The JSON body re-encoded when a string lost control characters, None when it is fine as sent.

    InvalidInput for NUL, a lone surrogate, a non-finite number, an integer beyond bigint, bytes that are not
    UTF-8 (FastAPI would answer 400 in English). A body that is not JSON syntax is left to FastAPI's own 422,
    which points at the position.
    """
    if not body.strip():
        return None
    try:
        value = json.loads(body)
    except UnicodeDecodeError:
        raise InvalidInput(
            "请求内容不是 UTF-8 编码的 JSON the body is not UTF-8 encoded JSON", field="body"
        ) from None
    except RecursionError:
        raise InvalidInput("请求内容嵌套过深 the JSON body is nested too deeply", field="body") from None
    except ValueError:
        return None
    try:
        cleaned = _clean(value, "body")
    except RecursionError:
        raise InvalidInput("请求内容嵌套过深 the JSON body is nested too deeply", field="body") from None
    if cleaned == value:  # nothing stripped: the body goes on byte for byte
        return None
    return json.dumps(cleaned, ensure_ascii=False, allow_nan=False).encode()


def clean_form(body: bytes) -> bytes | None:
    """The url-encoded form re-encoded when a value lost control characters, None when it is fine as sent."""
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    for name, value in pairs:
        _check_text(name, name, "表单字段名")
        _check_text(value, name, "表单字段")
    cleaned = [(name, strip_control(value)) for name, value in pairs]
    return urlencode(cleaned).encode() if cleaned != pairs else None


def _clean(value: Any, where: str) -> Any:
    """The value with control characters stripped from its strings; InvalidInput on what cannot be stored."""
    if isinstance(value, str):
        _check_text(value, where, "字段")
        return strip_control(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > INT8_MAX:
            raise InvalidInput(f"整数超出范围（最大 {INT8_MAX}）the integer is out of range", field=where)
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInput("数值必须是有限数（不能是 inf 或 nan）the number must be finite", field=where)
        return value
    if isinstance(value, list):
        return [_clean(item, f"{where}[{n}]") for n, item in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            _check_text(key, f"{where}.{key!r}", "字段名")
            out[key] = _clean(item, f"{where}.{key}")
        return out
    return value  # None


def _check_text(text: str, where: str, what: str) -> None:
    if has_nul(text):
        raise InvalidInput(
            f"{what}含有空字符（NUL, \\u0000），无法保存，请删除后重试 contains a NUL character", field=where
        )
    if has_lone_surrogate(text):
        raise InvalidInput(
            f"{what}含有不成对的代理字符（lone UTF-16 surrogate），不是有效的文字，请删除后重试 "
            "contains an unpaired surrogate",
            field=where,
        )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _with_length(headers: Iterable[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The whole request body, and True when the client went away before sending all of it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    """A receive that hands the app the (cleaned) body once, then the client's own messages."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if disconnected:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
