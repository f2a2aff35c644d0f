"""What the circle service holds per loaded road network: the network, its snapped points and typed caches.

Everything here is derived from one network version and dropped together when a newer version is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from geo.engine.circle import PointSet, Reach
from geo.engine.network import MODES, Metric, graph_digest
from geo.engine.network_load import RoadNetwork
from geo.engine.projector import GridProjection
from geo.engine.trees import Trees


@dataclass(frozen=True)
class CircleQuery:
    """A validated circle request: where (metric CRS), how, and how far."""

    lon: float
    lat: float
    x: float
    y: float
    mode: str
    metric: Metric
    limit: float  # metres or seconds

    @property
    def radius_m(self) -> float | None:
        """The radius when the limit is a distance."""
        return self.limit if self.metric == "length" else None


@dataclass
class Located:
    """Points of one kind snapped to one mode's edges, with their ids."""

    ids: npt.NDArray[np.int64]
    targets: PointSet
    last_id: int


@dataclass
class CircleHit:
    """What one search reached: target ids with their costs, and the search itself."""

    ids: npt.NDArray[np.int64]
    cost: npt.NDArray[np.float64]
    reach: Reach
    snap_distance_m: float
    on_network: bool


@dataclass(frozen=True)
class TravelGraphs:
    """Per mode, the digest of the travel-time graph (keys the disk caches) and its dead-end trees."""

    digests: dict[str, str]
    trees: dict[str, Trees]

    @classmethod
    def of(cls, net: RoadNetwork) -> TravelGraphs:
        """Computed once per loaded network (the reversed graph has the same trees)."""
        graphs = {m: net.graph(m, "time") for m in MODES}
        return cls(
            {m: graph_digest(g) for m, g in graphs.items()}, {m: Trees.of(g) for m, g in graphs.items()}
        )


@dataclass
class Loaded:
    """One loaded network (None before the first load) and what is derived from it.

    ``derived`` holds the caches of the layers above (analytics' snapped residents, rebalancing's tables), one
    instance per cache class, so they are dropped with the network without this layer knowing their types.
    """

    network: RoadNetwork | None = None
    travel: TravelGraphs | None = None
    sites: dict[str, Located] = field(default_factory=dict)
    wgs84_grid: GridProjection | None = None
    derived: dict[type, object] = field(default_factory=dict)
