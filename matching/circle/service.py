"""The 三公里就业圈 service: positions reachable from a place, candidates reachable to an enterprise."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from geo.core.crs import converter
from geo.core.errors import Conflict, InvalidInput
from geo.core.settings import Settings
from geo.engine.circle import CircleSearch, PointSet, Reach
from geo.engine.network import MODES, Metric, ModeGraph, graph_digest
from geo.engine.network_load import RoadNetwork, load_network, network_version
from geo.engine.projector import GridProjection, shared_projector
from geo.engine.reach_area import to_geojson
from geo.engine.trees import Trees
from matching.circle.queries import COUNTY_EXTENT, NETWORK_AND_LAST_SITE, SITES_SINCE
from matching.circle.vacancy_board import VacancyBoard

EXTENT_MARGIN_DEG = 0.05
GRID_MARGIN_M = 1000.0  # reach areas reach 40 m (+ a few cells) beyond the roads
T = TypeVar("T")


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


@dataclass
class _State:
    network: RoadNetwork | None = None
    sites: dict[str, Located] = field(default_factory=dict)
    extras: dict[str, object] = field(default_factory=dict)


class CircleService:
    """Holds the in-memory network (reloaded when its version changes), the snapped sites and open positions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.vacancies = VacancyBoard()
        self.to_metric = shared_projector(4326, settings.metric_srid)
        self.to_wgs84 = shared_projector(settings.metric_srid, 4326)
        self._state = _State()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._extent: tuple[float, float, float, float] | None = None

    # -- network -------------------------------------------------------------------------------
    def network(self, conn: Connection) -> RoadNetwork:
        """The current network, reloaded if the database holds a newer version."""
        return self._network(conn, network_version(conn))

    def ready(self, mode: str) -> bool:
        """Whether the network, the mode's snapped sites and the open positions are loaded (a circle is then fast)."""
        return self._state.network is not None and mode in self._state.sites and self.vacancies.loaded

    def loaded(self, mode: str) -> tuple[RoadNetwork, Located] | None:
        """The network and the mode's snapped sites held in memory (not checked against the database)."""
        state = self._state
        net, sites = state.network, state.sites.get(mode)
        return None if net is None or sites is None else (net, sites)

    def current(self, conn: Connection, mode: str) -> tuple[RoadNetwork, Located | None]:
        """The current network and a mode's snapped sites (None for an unknown mode), in one query if unchanged."""
        version, last_site = conn.execute(NETWORK_AND_LAST_SITE).one()
        return self.current_at(conn, mode, version, last_site)

    def current_at(
        self,
        conn: Connection,
        mode: str,
        version: int | None,
        last_site: int | None,
        changed_sites: frozenset[int] = frozenset(),
    ) -> tuple[RoadNetwork, Located | None]:
        """As ``current``, from a network version, last site id and changed sites the caller has just read.

        ``changed_sites`` are sites written since the last check (-1: all of them): when one of them is a site
        already snapped (moved or deleted), every mode's sites are snapped again.
        """
        net = self._network(conn, version)
        if mode not in MODES:
            return net, None  # the query's validation says what is wrong with it
        known = self._state.sites.get(mode)
        if known is not None and any(site <= known.last_id for site in changed_sites):
            self._forget_sites()
            known = None
        if known is not None and (last_site is None or last_site <= known.last_id):
            return net, known
        return net, self.sites(conn, net, mode)

    def _forget_sites(self) -> None:
        with self._lock:
            self._state.sites = {k: v for k, v in self._state.sites.items() if k not in MODES}

    def _network(self, conn: Connection, version: int | None) -> RoadNetwork:
        state = self._state
        if version is None:
            raise Conflict(
                "no road network is imported: run `hongyan import roads --osm-file FILE` "
                "(or `hongyan demo build`) first"
            )
        if state.network is None or state.network.version != version:
            with self._lock:
                if self._state.network is None or self._state.network.version != version:
                    net = load_network(
                        conn,
                        srid=self.settings.metric_srid,
                        cache_dir=self.settings.data_dir / "network-cache",
                    )
                    if net is None:
                        raise Conflict("the road network is empty: import roads with `hongyan import roads`")
                    # the travel-time caches are keyed by these digests: computed once per loaded network
                    extras: dict[str, object] = {}
                    for m in MODES:
                        extras[f"graph-digest:{m}"] = graph_digest(net.graph(m, "time"))
                        extras[f"trees:{m}"] = Trees.of(net.graph(m, "time"))  # pruned in travel searches
                    self._state = _State(network=net, extras=extras)
                    self._extent = None
        assert self._state.network is not None
        return self._state.network

    def search(self, graph: ModeGraph) -> CircleSearch:
        """A per-thread search object (its work buffers are not shared between threads)."""
        cache: dict[int, CircleSearch] | None = getattr(self._local, "searches", None)
        if cache is None:
            cache = self._local.searches = {}
        found = cache.get(id(graph))
        if found is None or found.graph is not graph:
            found = cache[id(graph)] = CircleSearch(graph)
        return found

    # -- validation ----------------------------------------------------------------------------
    def extent(self, conn: Connection) -> tuple[float, float, float, float]:
        """Bounding box (WGS84) of the county, or of the road network when no county is loaded."""
        if self._extent is None:
            row = conn.execute(COUNTY_EXTENT).one()
            if row[0] is None:
                raise Conflict("no county boundary and no road network are loaded")
            self._extent = (float(row[0]), float(row[1]), float(row[2]), float(row[3]))
        return self._extent

    def reach_limit(
        self, mode: str, *, radius_m: float | None, minutes: float | None
    ) -> tuple[Metric, float]:
        """Validate a mode and a radius (metres, default 3000) or a travel time: the metric and the limit."""
        if mode not in MODES:
            raise InvalidInput(f"unknown mode {mode!r}: use one of {', '.join(MODES)}", field="mode")
        if radius_m is not None and minutes is not None:
            raise InvalidInput("give radius_m or minutes, not both", field="radius_m/minutes")
        if minutes is not None:
            if not minutes > 0:
                raise InvalidInput(f"minutes must be greater than 0, got {minutes:g}", field="minutes")
            return "time", minutes * 60.0
        limit = 3000.0 if radius_m is None else radius_m
        if not limit > 0:
            raise InvalidInput(f"radius_m must be greater than 0, got {limit:g}", field="radius_m")
        if limit > self.settings.max_radius_m:
            raise InvalidInput(
                f"radius_m {limit:g} exceeds the maximum of {self.settings.max_radius_m:g} m",
                field="radius_m",
            )
        return "length", limit

    def query(
        self,
        conn: Connection,
        *,
        lon: float,
        lat: float,
        mode: str,
        radius_m: float | None,
        minutes: float | None,
        datum: str = "wgs84",
    ) -> CircleQuery:
        """Validate a request and project its location into the metric CRS."""
        metric, limit = self.reach_limit(mode, radius_m=radius_m, minutes=minutes)
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise InvalidInput("lon and lat must be finite numbers", field="lon/lat")
        if datum != "wgs84":
            if datum not in ("gcj02", "bd09"):
                raise InvalidInput(f"unknown datum {datum!r}: use wgs84, gcj02 or bd09", field="datum")
            glon, glat = converter(datum, "wgs84")(lon, lat)
            lon, lat = float(glon), float(glat)
        x0, y0, x1, y1 = self.extent(conn)
        m = EXTENT_MARGIN_DEG
        if not (x0 - m <= lon <= x1 + m and y0 - m <= lat <= y1 + m):
            raise InvalidInput(
                f"({lon:.6f}, {lat:.6f}) is outside the county (lon {x0:.3f}–{x1:.3f}, lat {y0:.3f}–{y1:.3f}); "
                "coordinates are lon/lat in WGS84 (or pass datum=gcj02)",
                field="lon/lat",
            )
        x, y = self.to_metric.transform(lon, lat)
        return CircleQuery(lon, lat, float(x), float(y), mode, metric, limit)

    # -- targets -------------------------------------------------------------------------------
    def sites(self, conn: Connection, net: RoadNetwork, mode: str) -> Located:
        """Enterprise sites snapped to a mode's edges; sites added since the last call are snapped now."""
        known = self._state.sites.get(mode)
        after = known.last_id if known else 0
        rows = conn.execute(SITES_SINCE, {"srid": net.srid, "after": after}).all()
        if known is not None and not rows:
            return known
        with self._lock:
            known = self._state.sites.get(mode)
            after = known.last_id if known else 0
            rows = [r for r in rows if r[0] > after]
            if known is not None and not rows:
                return known
            ids = np.asarray([r[0] for r in rows], dtype=np.int64)
            xs = np.asarray([r[1] for r in rows], dtype=np.float64)
            ys = np.asarray([r[2] for r in rows], dtype=np.float64)
            located = self._extend(net, mode, known, ids, xs, ys)
            self._state.sites[mode] = located
            return located

    def points(
        self,
        net: RoadNetwork,
        key: str,
        mode: str,
        load: Callable[[], tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]],
    ) -> Located:
        """Points (ids and metric x, y from ``load``) snapped for a mode, cached until the network changes."""
        cache_key = f"{key}:{mode}"
        found = self._state.sites.get(cache_key)
        if found is None:
            ids, xs, ys = load()
            found = self._state.sites[cache_key] = self._extend(net, mode, None, ids, xs, ys)
        return found

    def cached(self, key: str, factory: Callable[[], T]) -> T:
        """A value built once per network version (e.g. snapped residents with their attributes)."""
        found = self._state.extras.get(key)
        if found is None:
            with self._lock:
                found = self._state.extras.get(key)
                if found is None:
                    found = self._state.extras[key] = factory()
        return cast(T, found)

    def replace_cached(self, key: str, value: object) -> None:
        """Swap a cached value for an updated one (live updates)."""
        with self._lock:
            self._state.extras[key] = value

    def _extend(
        self,
        net: RoadNetwork,
        mode: str,
        known: Located | None,
        ids: npt.NDArray[np.int64],
        xs: npt.NDArray[np.float64],
        ys: npt.NDArray[np.float64],
        *,
        measure_far: bool = True,
    ) -> Located:
        snapped = net.index(mode).snap(xs, ys, max_snap_m=self.settings.max_snap_m, measure_far=measure_far)
        if known is not None:
            old = known.targets.snapped
            snapped = type(old)(
                np.concatenate([old.edge, snapped.edge]),
                np.concatenate([old.offset_m, snapped.offset_m]),
                np.concatenate([old.distance_m, snapped.distance_m]),
            )
            ids = np.concatenate([known.ids, ids])
        graph = net.graph(mode, "length")
        return Located(ids, PointSet.build(snapped, graph), int(ids.max()) if len(ids) else 0)

    # -- searches ------------------------------------------------------------------------------
    def reach(
        self, net: RoadNetwork, q: CircleQuery, targets: Located, *, towards: bool = False
    ) -> CircleHit:
        """Targets within the limit of the query point (towards=True: from the targets to the point)."""
        graph = net.graph(q.mode, q.metric)
        if towards:
            graph = self._reversed(net, q.mode, q.metric)
        snap = net.index(q.mode).snap(np.array([q.x]), np.array([q.y]), max_snap_m=self.settings.max_snap_m)
        gap = float(snap.distance_m[0])
        if snap.edge[0] < 0:
            empty_reach = Reach(-1, 0.0, np.empty(0, np.int32), np.empty(0))
            return CircleHit(np.empty(0, np.int64), np.empty(0), empty_reach, gap, False)
        search = self.search(graph)
        reach = search.search(int(snap.edge[0]), float(snap.offset_m[0]), q.limit)
        idx, cost = search.points(reach, targets.targets, q.limit)
        order = np.argsort(cost, kind="stable")
        return CircleHit(targets.ids[idx[order]], cost[order], reach, gap, True)

    def snap_points(
        self,
        net: RoadNetwork,
        mode: str,
        ids: npt.NDArray[np.int64],
        xs: npt.NDArray[np.float64],
        ys: npt.NDArray[np.float64],
        *,
        measure_far: bool = True,
    ) -> Located:
        """Arbitrary points snapped for a mode (not cached); measure_far=False: see EdgeIndex.snap."""
        return self._extend(net, mode, None, ids, xs, ys, measure_far=measure_far)

    def reversed_graph(self, net: RoadNetwork, mode: str, metric: Metric) -> ModeGraph:
        """The mode's graph with directions flipped, for searches towards a destination (cached)."""
        return self._reversed(net, mode, metric)

    def _reversed(self, net: RoadNetwork, mode: str, metric: Metric) -> ModeGraph:
        key = (f"{mode}:reversed", metric)
        graph = net.graphs.get(key)
        if graph is None:
            graph = net.graphs[key] = net.graph(mode, metric).reversed()
        return graph

    def _wgs84_grid(self, net: RoadNetwork) -> GridProjection:
        """WGS84 tabulated over the road network's extent (plus any circle's reach area around it)."""
        xy = net.edge_coords.xy
        (x0, y0), (x1, y1) = xy.min(axis=0) - GRID_MARGIN_M, xy.max(axis=0) + GRID_MARGIN_M
        return GridProjection(self.to_wgs84, (float(x0), float(y0), float(x1), float(y1)))

    def reach_polygon(self, net: RoadNetwork, q: CircleQuery, hit: CircleHit) -> str | None:
        """The reached road buffered, as GeoJSON MultiPolygon text in WGS84."""
        if not hit.on_network:
            return None
        graph = net.graph(q.mode, q.metric)
        rings = self.search(graph).reach_outline(
            hit.reach, net.edge_coords, q.limit, cell_m=self.settings.reach_cell_m
        )
        lon, lat = self.cached("wgs84-grid", lambda: self._wgs84_grid(net)).transform(
            rings.xy[:, 0], rings.xy[:, 1]
        )
        # rounded to 1e-5 degrees (~1 m): the outline is drawn on a raster of settings.reach_cell_m (20 m)
        return to_geojson(rings, np.round(np.column_stack([lon, lat]), 5).astype(np.float64, copy=False))
