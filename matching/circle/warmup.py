"""Warming the circle engine: load a mode's road graph and answer one circle, so the next request is fast."""

from __future__ import annotations

from sqlalchemy import Engine

from geo.core.errors import HongyanError
from matching.circle.jobs import JobFilters, positions_in_circle
from matching.circle.service import CircleService


def warm_circles(engine: Engine, service: CircleService, *, mode: str = "walk") -> bool:
    """One circle at the county's centre (compiles the kernels on their first use ever); False without roads."""
    with engine.connect() as conn:
        try:
            service.network(conn)
            x0, y0, x1, y1 = service.extent(conn)
            q = service.query(
                conn, lon=(x0 + x1) / 2, lat=(y0 + y1) / 2, mode=mode, radius_m=3000.0, minutes=None
            )
        except HongyanError:  # no roads or no areas yet: nothing to warm
            return False
        positions_in_circle(service, conn, q, JobFilters(None, None, None), limit=1)
    return True
