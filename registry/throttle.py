"""Growing delays after repeated failures: the arithmetic shared by the login and ticket-status throttles.

Failures are counted in the database (login_events, ticket_checks) over a sliding window; a key with ``free``
failures or more is refused until ``base · 2^(failures − free)`` seconds (at most ``cap``) after its last one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.core.errors import TooManyAttempts


@dataclass(frozen=True)
class Backoff:
    """How many failures in the window are free, and how the wait grows after them."""

    free: int
    base_seconds: int
    cap_seconds: int
    window_seconds: int

    def wait(self, failures: int, idle: float | None) -> int:
        """Seconds still to wait after ``failures`` in the window, the last ``idle`` seconds ago (0: go on)."""
        if failures < self.free or idle is None:
            return 0
        delay = min(self.base_seconds * 2 ** min(failures - self.free, 40), self.cap_seconds)
        return max(0, math.ceil(delay - idle))


def longest_wait(*waits: int) -> int:
    """The wait of the strictest key (0 when none holds the caller back)."""
    return max((0, *waits))


def too_many(seconds: int) -> TooManyAttempts:
    """The refusal of a throttled attempt: how long to wait, Chinese first."""
    return TooManyAttempts(
        f"尝试次数过多，请 {seconds} 秒后再试（too many attempts: try again in {seconds} seconds）",
        retry_after=seconds,
    )
