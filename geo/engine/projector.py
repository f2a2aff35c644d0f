"""A pyproj transformation: a copy of its own on each long-lived thread, one shared thread for the rest.

pyproj (3.7) builds its PROJ object again the first time a Transformer is used in each new thread (tens of
milliseconds per transformer, measured 60–230 ms here); a web server's pool threads come and go, so they would
keep paying it. Long-lived threads (the main thread, and those that call ``keep_own_transformers``, such as
the circle endpoint's pool) each build their own copy once; transformations from any other thread run on one
dedicated thread that built it once (a hand-off per call, which took a tenth of a circle's time under load).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit
from pyproj import Transformer

F8 = npt.NDArray[np.float64]
_THREAD = threading.local()


def keep_own_transformers() -> None:
    """Mark the calling thread long-lived: it builds and keeps its own transformers (a pool's initializer)."""
    _THREAD.long_lived = True


def _long_lived() -> bool:
    return threading.current_thread() is threading.main_thread() or getattr(_THREAD, "long_lived", False)


class Projector:
    """Transforms x, y (always lon/lat order for geographic CRSs) from one CRS to another."""

    def __init__(self, source: int, target: int) -> None:
        self._crs = (source, target)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"proj-{source}-{target}")
        self._transformer = self._thread.submit(Transformer.from_crs, source, target, always_xy=True).result()
        self._thread.submit(self._transformer.transform, 0.0, 0.0).result()  # build the PROJ object now
        self._own = threading.local()
        if _long_lived():
            self._own_transformer()

    def _own_transformer(self) -> Transformer:
        """The calling thread's own transformer, its PROJ object built now (not in the first request)."""
        transformer: Transformer | None = getattr(self._own, "transformer", None)
        if transformer is None:
            transformer = Transformer.from_crs(*self._crs, always_xy=True)
            transformer.transform(0.0, 0.0)
            self._own.transformer = transformer
        return transformer

    def transform(self, x: Any, y: Any) -> tuple[Any, Any]:
        """The transformed coordinates (scalars or arrays, like pyproj's Transformer.transform)."""
        if _long_lived():
            return self._own_transformer().transform(x, y)
        return self._thread.submit(self._transformer.transform, x, y).result()


@lru_cache(maxsize=8)
def shared_projector(source: int, target: int) -> Projector:
    """The process's one projector from ``source`` to ``target``, built on first use.

    A projector holds no state but its transformers, and building them costs tens of milliseconds each (two per
    projector): every app, circle service or worker in the process shares one instead of building its own.
    """
    return Projector(source, target)


class GridProjection:
    """A projection tabulated once on a regular grid over an extent and interpolated bilinearly.

    For drawing (reach polygons): within a few millimetres of PROJ at a 250 m spacing (tested), at a fraction
    of the cost, and with no thread hand-off. Points outside the tabulated extent go to the projector.
    """

    def __init__(
        self, projector: Projector, bounds: tuple[float, float, float, float], step: float = 250.0
    ) -> None:
        x0, y0, x1, y1 = bounds
        self.projector = projector
        self.x0, self.y0, self.step = x0, y0, step
        self.nx = int(np.ceil((x1 - x0) / step)) + 1
        self.ny = int(np.ceil((y1 - y0) / step)) + 1
        gx, gy = np.meshgrid(x0 + step * np.arange(self.nx), y0 + step * np.arange(self.ny))
        u, v = projector.transform(gx.ravel(), gy.ravel())
        self.u = np.asarray(u, np.float64).reshape(self.ny, self.nx)
        self.v = np.asarray(v, np.float64).reshape(self.ny, self.nx)

    def transform(self, x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> tuple[F8, F8]:
        """Interpolated coordinates of the points (exact, through the projector, outside the grid)."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        y = np.ascontiguousarray(y, dtype=np.float64)
        u, v = np.empty(len(x)), np.empty(len(x))
        inside = np.empty(len(x), np.bool_)
        _bilinear(x, y, self.x0, self.y0, self.step, self.u, self.v, u, v, inside)
        if not inside.all():
            far = ~inside
            u[far], v[far] = self.projector.transform(x[far], y[far])
        return u, v


@njit(cache=True, nogil=True)
def _bilinear(x, y, x0, y0, step, gu, gv, u, v, inside):  # type: ignore[no-untyped-def]
    ny, nx = gu.shape
    for k in range(len(x)):
        fx = (x[k] - x0) / step
        fy = (y[k] - y0) / step
        j = int(np.floor(fx)) if np.isfinite(fx) else -1
        i = int(np.floor(fy)) if np.isfinite(fy) else -1
        if j < 0 or j >= nx - 1 or i < 0 or i >= ny - 1:
            inside[k] = False
            continue
        inside[k] = True
        tx = fx - j
        ty = fy - i
        u[k] = (gu[i, j] * (1 - tx) + gu[i, j + 1] * tx) * (1 - ty) + (
            gu[i + 1, j] * (1 - tx) + gu[i + 1, j + 1] * tx
        ) * ty
        v[k] = (gv[i, j] * (1 - tx) + gv[i, j + 1] * tx) * (1 - ty) + (
            gv[i + 1, j] * (1 - tx) + gv[i + 1, j + 1] * tx
        ) * ty
