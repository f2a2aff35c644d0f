"""Roads for a named place via osmnx (Nominatim + Overpass), turned into the same ways the file reader gives."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.core.errors import Conflict, InvalidInput
from geo.osm.osm_read import OsmWays, WayCollector
from geo.osm.road_costs import TAG_KEYS

if TYPE_CHECKING:
    import networkx as nx

# osmnx reverses the node order of ways whose oneway tag is one of these; we undo it to get OSM's order.
_REVERSED_BY_OSMNX = frozenset({"-1", "reverse", "T"})


@contextmanager
def osmnx_settings(*, cache_dir: Path | None = None) -> Iterator[None]:
    """osmnx set to keep every tag the builder reads and the raw oneway tag (all_oneway); restored after."""
    import osmnx as ox

    names = ("useful_tags_way", "all_oneway", "use_cache", "cache_folder", "log_console")
    saved = {name: getattr(ox.settings, name) for name in names}
    ox.settings.useful_tags_way = list(TAG_KEYS)
    ox.settings.all_oneway = True  # one edge per OSM segment, in OSM order, raw oneway value kept
    ox.settings.use_cache = cache_dir is not None
    if cache_dir is not None:
        ox.settings.cache_folder = str(cache_dir)
    ox.settings.log_console = False
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(ox.settings, name, value)


def download_place_graph(place: str, *, cache_dir: Path | None = None) -> nx.MultiDiGraph:
    """The unsimplified road graph of a place (e.g. "霍邱县, 六安市, 安徽省") from the internet."""
    import osmnx as ox
    import requests

    try:
        with osmnx_settings(cache_dir=cache_dir):
            return ox.graph_from_place(place, network_type="all", simplify=False, retain_all=True)
    except requests.exceptions.RequestException as exc:
        raise Conflict(
            f"cannot download the roads of {place!r}: no connection to OpenStreetMap ({type(exc).__name__}). "
            "Without internet, get an extract (e.g. from download.geofabrik.de) on another machine and run "
            "`hongyan import roads --osm-file PATH`."
        ) from exc
    except (ValueError, TypeError) as exc:  # osmnx's "no data" and "bad status" errors are ValueErrors
        raise InvalidInput(
            f"OpenStreetMap could not give roads for the place {place!r}: {exc}. Check the name "
            "(e.g. '霍邱县, 六安市, 安徽省'), or use --osm-file PATH with a downloaded extract",
            field="--place",
        ) from exc


def _way_tags(data: dict[str, Any]) -> tuple[dict[str, str], bool]:
    """The builder's tags of an osmnx edge, and whether osmnx reversed the way's node order."""
    tags = {key: value for key in TAG_KEYS if isinstance(value := data.get(key), str)}
    oneway = data.get("oneway")
    if oneway is True:  # osmnx's default mode: the edge already runs in the allowed direction
        tags["oneway"] = "yes"
    return tags, isinstance(oneway, str) and oneway in _REVERSED_BY_OSMNX


def _trails(segments: list[tuple[int, int]]) -> list[list[int]]:
    """Chain one way's directed segments back into node sequences (one, unless the way was cut)."""
    out: dict[int, list[int]] = defaultdict(list)
    balance: Counter[int] = Counter()
    for u, v in segments:
        out[u].append(v)
        balance[u] += 1
        balance[v] -= 1
    for targets in out.values():
        targets.reverse()
    trails: list[list[int]] = []
    seen: set[int] = set()
    left = len(segments)
    while left:
        pending = [n for n, targets in out.items() if targets]
        # Start where a trail must start; else (a loop) at a node already met, which is a junction anyway.
        start = min([n for n in pending if balance[n] > 0] or [n for n in pending if n in seen] or pending)
        trail, node = [start], start
        while out[node]:
            nxt = out[node].pop()
            balance[node] -= 1
            balance[nxt] += 1
            left -= 1
            trail.append(nxt)
            node = nxt
        seen.update(trail)
        trails.append(trail)
    return trails


def ways_from_osmnx(graph: nx.MultiDiGraph) -> OsmWays:
    """The highway ways of an unsimplified osmnx graph, in the reader's form (node order as in OSM)."""
    segments: dict[int, list[tuple[int, int]]] = defaultdict(list)
    tags_of: dict[int, tuple[dict[str, str], bool]] = {}
    for u, v, data in graph.edges(data=True):
        if "highway" not in data or data.get("reversed") is True:
            continue  # not a road, or the back-copy osmnx adds for a two-way street
        way_id = data.get("osmid")
        if not isinstance(way_id, int):
            raise InvalidInput(
                "the osmnx graph is simplified (edges merge several OSM ways): build it with simplify=False"
            )
        segments[way_id].append((u, v))
        if way_id not in tags_of:
            tags_of[way_id] = _way_tags(data)
    collector = WayCollector()
    nodes = graph.nodes
    for way_id in sorted(segments):
        tags, flipped = tags_of[way_id]
        for trail in _trails(segments[way_id]):
            if flipped:
                trail.reverse()
            collector.add(way_id, [(n, nodes[n]["x"], nodes[n]["y"]) for n in trail], tags)
    return collector.build()
