"""Browser-test helpers: waiting for a condition under the site's Content-Security-Policy, and what a page did
that it must not (CSP violations, console errors, dialogs, requests to other hosts)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import ConsoleMessage, Dialog, Error, Page, Route

# Runs before any script of each document the page loads (an init script is not subject to the page's CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at '
    + (e.sourceFile || '?') + ':' + e.lineNumber);
});
"""


@dataclass
class PageWatch:
    """Everything a page did that a test fails on; requests to other hosts are aborted and listed."""

    base: str
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Listen on ``page`` (before it navigates)."""
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)
        page.route("**/*", self._route)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console.error: {message.text}")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _local(self, url: str) -> bool:
        return url.startswith((self.base + "/", "data:", "blob:"))

    def _route(self, route: Route) -> None:
        if self._local(route.request.url):
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort()

    def violations(self, page: Page) -> list[str]:
        """The CSP violations the page's current document reported."""
        return list(page.evaluate("window.__cspViolations || []"))

    def assert_clean(self, page: Page) -> None:
        """No CSP violation, console error, dialog or request to another host."""
        assert self.violations(page) == [], self.violations(page)
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.foreign == [], self.foreign


def wait_until(
    page: Page, expression: str, *, arg: Any = None, timeout: float = 30_000, interval: float = 50
) -> None:
    """Poll a JavaScript expression (or a function of ``arg``) until it is truthy, or fail after ``timeout`` ms.

    page.wait_for_function cannot be used on our pages: it evaluates its expression with eval() inside the page,
    which their Content-Security-Policy refuses (no 'unsafe-eval'); page.evaluate goes through the DevTools
    protocol, which the policy does not govern. A navigation between two polls is waited out.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression, arg):
                return
        except Error as exc:
            if "context was destroyed" not in str(exc):
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(interval)


def poll(
    page: Page, condition: Callable[[], bool], *, timeout: float = 30_000, what: str = "condition"
) -> None:
    """Poll a Python-side condition (what the page sent or drew), letting the page run between polls."""
    deadline = time.monotonic() + timeout / 1000
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"still false after {timeout:.0f} ms: {what}")
        page.wait_for_timeout(50)
