"""A hard limit on request bodies, counted as the bytes arrive, whether or not Content-Length is sent.

Starlette reads a multipart body into memory and spools it to disk before a route sees it, so the limit has to
be enforced below the app: a declared Content-Length over the limit is refused before a byte is read, and a
chunked body is cut off at the first message that passes it. Upload routes get HONGYAN_MAX_UPLOAD_MB, every
other request HONGYAN_MAX_BODY_MB.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from registry.intake.read import UploadTooLarge, check_size

MB = 1024 * 1024
UPLOAD_PATHS = ("/api/v1/registry/import/",)


class BodyTooLarge(Exception):
    """Raised into the app when the body passes the limit; the middleware answers 413 instead of the app."""


class UploadLimit:
    """ASGI middleware answering 413 (Chinese-first JSON) once a request body passes its limit."""

    def __init__(self, app: ASGIApp, *, max_upload_mb: int, max_body_mb: int) -> None:
        self.app = app
        self.max_upload = max_upload_mb * MB
        self.max_body = max_body_mb * MB

    def _limit(self, scope: Scope) -> tuple[int, str]:
        path = str(scope.get("path", ""))
        if path.startswith(UPLOAD_PATHS):
            return self.max_upload, "HONGYAN_MAX_UPLOAD_MB"
        return self.max_body, "HONGYAN_MAX_BODY_MB"

    def _detail(self, setting: str, size: int | None) -> str:
        """The message: the upload's own (registry.intake.read.check_size) when the size is known."""
        if setting == "HONGYAN_MAX_UPLOAD_MB" and size is not None:
            try:
                check_size(size, max_mb=self.max_upload // MB, source="upload")
            except UploadTooLarge as exc:
                return exc.message
        limit = self.max_upload if setting == "HONGYAN_MAX_UPLOAD_MB" else self.max_body
        return (
            f"请求内容超过上限 {limit // MB} MB（{setting}），已停止接收：请拆成几个文件分别上传"
            f"（request body exceeds {limit // MB} MB）"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, self._detail(setting, declared))
            return
        received = 0
        exceeded = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded and not started:
                return  # whatever the app makes of the cut-off body, the answer is our 413
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await _refuse(send, self._detail(setting, None))


def _content_length(scope: Scope) -> int | None:
    """The declared Content-Length, if any and well formed."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _refuse(send: Send, detail: str) -> None:
    """The 413 answer; the connection is closed after it (the rest of the body is never read)."""
    body = json.dumps({"detail": detail, "error": "UploadTooLarge"}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
