"""A pyproj transformation served by one dedicated thread.

pyproj (3.7) builds its PROJ object again the first time a Transformer is used in each new thread (tens of
milliseconds per transformer, measured 60–230 ms here); a web server's worker threads come and go, so they
would keep paying it. Running every transformation on one long-lived thread builds it once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pyproj import Transformer


class Projector:
    """Transforms x, y (always lon/lat order for geographic CRSs) from one CRS to another."""

    def __init__(self, source: int, target: int) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"proj-{source}-{target}")
        self._transformer = self._thread.submit(Transformer.from_crs, source, target, always_xy=True).result()
        self._thread.submit(self._transformer.transform, 0.0, 0.0).result()  # build the PROJ object now

    def transform(self, x: Any, y: Any) -> tuple[Any, Any]:
        """The transformed coordinates (scalars or arrays, like pyproj's Transformer.transform)."""
        return self._thread.submit(self._transformer.transform, x, y).result()
