"""Security headers on every response of the site (pure ASGI middleware, installed by create_site)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def security_headers(policy: str) -> list[tuple[str, str]]:
    """The headers every response carries: the site's policy, no MIME sniffing, no referrer to other sites,
    no framing (X-Frame-Options for browsers that predate frame-ancestors)."""
    return [
        ("Content-Security-Policy", policy),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]


class SecurityHeaders:
    """Adds the security headers to every HTTP response that does not set them itself (a route may give a
    stricter or page-specific Content-Security-Policy, as the township report does)."""

    def __init__(self, app: ASGIApp, *, policy: str) -> None:
        """Wrap ``app``; ``policy`` is the default Content-Security-Policy."""
        self.app = app
        self.headers = security_headers(policy)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start message."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
