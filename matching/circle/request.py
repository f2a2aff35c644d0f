"""What a circle request asks for, as given, and what it answers: the front door's types."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matching.circle.loaded import CircleQuery
from matching.circle.vacancy_board import JobFilters


@dataclass(frozen=True)
class CircleRequest:
    """A circle as asked (validated by ``CircleService.circle``): where, how, how far, which positions."""

    lon: float
    lat: float
    mode: str = "walk"
    radius_m: float | None = None
    minutes: float | None = None
    datum: str = "wgs84"
    filters: JobFilters = field(default_factory=JobFilters)
    limit: int = 200
    offset: int = 0
    reach: bool = True


@dataclass
class CircleResult:
    """One page of the open positions within reach, nearest first, and the reach polygon (GeoJSON text)."""

    query: CircleQuery
    minutes: float | None  # as asked (the query holds the limit in seconds)
    on_network: bool
    snap_distance_m: float
    vacancy_count: int
    position_count: int
    limit: int
    offset: int
    positions: list[dict[str, Any]]
    reach: str | None

    def echo(self) -> dict[str, Any]:
        """The request as understood: the point in WGS84, the mode and the limit."""
        q = self.query
        return {"lon": q.lon, "lat": q.lat, "mode": q.mode, "radius_m": q.radius_m, "minutes": self.minutes}

    def page(self) -> dict[str, Any]:
        """The answer's fields after ``query``, in the API's order."""
        return {
            "on_network": self.on_network,
            "snap_distance_m": round(self.snap_distance_m, 1),
            "vacancy_count": self.vacancy_count,
            "position_count": self.position_count,
            "limit": self.limit,
            "offset": self.offset,
            "positions": self.positions,
            "reach": self.reach,
        }
