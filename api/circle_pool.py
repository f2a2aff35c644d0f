"""The circle endpoint's threads: circles run off the event loop, on a few long-lived threads of their own.

The kernels (numba, ``nogil``) and the database round trip release the GIL, so a worker process keeps taking
connections and answering other routes while circles run, and two circles can overlap. The threads live as
long as the app: each builds its projection objects and search buffers once, when warmed, not per request.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from geo.engine.projector import keep_own_transformers

T = TypeVar("T")


class CirclePool:
    """A fixed pool of long-lived threads for circle requests."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool = ThreadPoolExecutor(
            threads, thread_name_prefix="circle", initializer=keep_own_transformers
        )

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        """``fn(*args)`` on one of the pool's threads, awaited without blocking the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(fn, *args))

    def on_every_thread(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` once on each thread of the pool (all start at once, so each lands on its own thread)."""
        barrier = threading.Barrier(self.threads)

        def once() -> object:
            barrier.wait()
            return fn()

        for future in [self._pool.submit(once) for _ in range(self.threads)]:
            future.result()

    def shutdown(self) -> None:
        """Finish running circles and stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)
