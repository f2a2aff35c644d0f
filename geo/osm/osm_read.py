"""Reading OSM files (.osm, .osm.bz2, .osm.gz, .osm.pbf) into flat arrays of highway ways, with pyosmium."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import numpy.typing as npt
import osmium

from geo.core.errors import InvalidInput
from geo.osm.road_costs import TAG_KEYS

SUFFIXES = (".osm", ".osm.bz2", ".osm.gz", ".osm.pbf", ".pbf")
_PROGRESS_EVERY = 20_000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class OsmWays:
    """Highway ways as flat arrays: way ``i`` owns nodes ``offsets[i]:offsets[i+1]``; tags per way."""

    way_ids: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]
    node_ids: npt.NDArray[np.int64]
    lons: npt.NDArray[np.float64]
    lats: npt.NDArray[np.float64]
    tags: list[dict[str, str]]
    missing_nodes: int = field(default=0)  # node references without a location (clipped extracts)

    def __len__(self) -> int:
        """Number of ways (pieces of ways split at missing nodes count separately)."""
        return len(self.way_ids)


class WayCollector:
    """Accumulates ways piece by piece, then packs them into an OsmWays."""

    def __init__(self) -> None:
        """Start empty."""
        self.way_ids: list[int] = []
        self.lengths: list[int] = []
        self.node_ids: list[int] = []
        self.lons: list[float] = []
        self.lats: list[float] = []
        self.tags: list[dict[str, str]] = []
        self.missing = 0

    def add(self, way_id: int, nodes: list[tuple[int, float, float]], tags: dict[str, str]) -> None:
        """Add one way (its located nodes in order); fewer than two nodes is nothing."""
        if len(nodes) < 2:
            return
        self.way_ids.append(way_id)
        self.lengths.append(len(nodes))
        self.tags.append(tags)
        for ref, lon, lat in nodes:
            self.node_ids.append(ref)
            self.lons.append(lon)
            self.lats.append(lat)

    def build(self) -> OsmWays:
        """The packed arrays."""
        offsets = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(np.asarray(self.lengths, dtype=np.int64), out=offsets[1:])
        return OsmWays(
            way_ids=np.asarray(self.way_ids, dtype=np.int64),
            offsets=offsets,
            node_ids=np.asarray(self.node_ids, dtype=np.int64),
            lons=np.asarray(self.lons, dtype=np.float64),
            lats=np.asarray(self.lats, dtype=np.float64),
            tags=self.tags,
            missing_nodes=self.missing,
        )


def check_osm_path(path: Path) -> None:
    """Raise InvalidInput unless ``path`` is an existing file with an OSM suffix."""
    name = path.name.lower()
    if not name.endswith(SUFFIXES):
        raise InvalidInput(
            f"unsupported road file type {path.name!r}: give an OpenStreetMap extract ending in "
            + ", ".join(SUFFIXES),
            source=str(path),
        )
    if not path.is_file():
        raise InvalidInput(
            "OSM file not found: check the path, or download an extract (e.g. from download.geofabrik.de)",
            source=str(path),
        )


def _located_pieces(way: osmium.osm.Way) -> tuple[list[list[tuple[int, float, float]]], int]:
    """The way's runs of nodes that have a location, split where a node is missing, and the missing count."""
    pieces: list[list[tuple[int, float, float]]] = [[]]
    missing = 0
    for node in way.nodes:
        loc = node.location
        if loc.valid():
            pieces[-1].append((node.ref, loc.lon, loc.lat))
        else:
            missing += 1
            if pieces[-1]:
                pieces.append([])
    return pieces, missing


def read_osm_file(path: Path, *, progress: Progress | None = None) -> OsmWays:
    """All ways with a ``highway`` tag in an OSM file, with node locations; InvalidInput on a bad file."""
    check_osm_path(path)
    collector = WayCollector()
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    seen = 0
    try:
        for obj in processor:
            way = cast(osmium.osm.Way, obj)  # the entity filter lets only ways through
            seen += 1
            if progress is not None and seen % _PROGRESS_EVERY == 0:
                progress(f"reading {path.name}: {seen:,} highway ways")
            tags = {key: value for key in TAG_KEYS if (value := way.tags.get(key)) is not None}
            pieces, missing = _located_pieces(way)
            collector.missing += missing
            for piece in pieces:
                collector.add(way.id, piece, tags)
    except RuntimeError as exc:
        raise InvalidInput(
            f"cannot read the OSM file ({exc}); it may be truncated or corrupt: download it again",
            source=str(path),
        ) from exc
    if progress is not None:
        progress(f"read {path.name}: {seen:,} highway ways")
    return collector.build()
