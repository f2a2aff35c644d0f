"""Collecting road lines with their OSM tags, kept inside the county and off water except on bridges."""

from __future__ import annotations

from typing import cast

import numpy as np
import shapely
from shapely import LineString
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring as _substring

from boundaries.synthetic.frame import Frame

Tags = dict[str, str]
MIN_PIECE_M = 8.0
CAUSEWAY_FROM_M = 1200.0  # longer water crossings are causeways (embankment) rather than bridges


def substring(line: LineString, start: float, end: float) -> LineString:
    """The stretch of a line between two distances along it (a line, since start < end)."""
    return cast(LineString, _substring(line, start, end))


def _cut_out(geoms: np.ndarray, area: BaseGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Lines with the parts inside an area removed, exploded; with the index of the input line of each piece."""
    hit = shapely.intersects(area, geoms)
    if not hit.any():
        return geoms, np.arange(len(geoms))
    cut = geoms.copy()
    cut[hit] = shapely.difference(geoms[hit], area)
    parts, idx = shapely.get_parts(cut, return_index=True)
    keep = shapely.get_type_id(parts) == 1
    return parts[keep], idx[keep]


class RoadSet:
    """Road lines (metric) and their tags, as generated; `lines()` gives them back in insertion order."""

    def __init__(self, frame: Frame) -> None:
        """An empty set of roads for one county frame."""
        self.frame = frame
        self._geoms: list[np.ndarray] = []
        self._tags: list[Tags] = []

    def add(
        self,
        lines: np.ndarray | list[LineString],
        tags: Tags | list[Tags],
        *,
        bridge_max_m: float = 0.0,
        avoid: BaseGeometry | None = None,
    ) -> None:
        """Add lines, cut off outside the county and inside `avoid`.

        Water is clipped away too, unless a crossing is at most `bridge_max_m` long (then it is bridged).
        """
        geoms = np.asarray(lines, dtype=object).ravel()
        if len(geoms) == 0:
            return
        tag_list = [tags] * len(geoms) if isinstance(tags, dict) else list(tags)
        geoms, which = self._inside_county(geoms)
        if avoid is not None and not avoid.is_empty:
            geoms, outside = _cut_out(geoms, avoid)
            which = which[outside]
        tag_list = [tag_list[i] for i in which]
        no_go = self.frame.no_go
        wet = shapely.intersects(no_go, geoms) if not no_go.is_empty else np.zeros(len(geoms), dtype=bool)
        out_geoms: list[LineString] = list(geoms[~wet])
        out_tags: list[Tags] = [t for t, w in zip(tag_list, wet, strict=True) if not w]
        if wet.any():
            wet_idx = np.flatnonzero(wet)
            if bridge_max_m > 0.0:
                for i in wet_idx:
                    pieces, piece_tags = self._bridged(geoms[i], tag_list[i], bridge_max_m)
                    out_geoms += pieces
                    out_tags += piece_tags
            else:
                dry = shapely.difference(geoms[wet_idx], no_go)
                parts, idx = shapely.get_parts(dry, return_index=True)
                out_geoms += list(parts)
                out_tags += [tag_list[wet_idx[j]] for j in idx]
        self._push(out_geoms, out_tags)

    def _inside_county(self, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lines clipped to the county, exploded; with the index of the input line of each piece."""
        county = self.frame.county
        inside = shapely.within(geoms, county)
        if inside.all():
            return geoms, np.arange(len(geoms))
        clipped = geoms.copy()
        clipped[~inside] = shapely.intersection(geoms[~inside], county)
        parts, idx = shapely.get_parts(clipped, return_index=True)
        keep = shapely.get_type_id(parts) == 1
        return parts[keep], idx[keep]

    def _bridged(self, line: LineString, tags: Tags, max_span: float) -> tuple[list[LineString], list[Tags]]:
        """A line split into dry stretches and bridges/causeways; spans longer than max_span are dropped."""
        spans = [
            p
            for p in shapely.get_parts(shapely.intersection(line, self.frame.no_go))
            if p.geom_type == "LineString"
        ]
        cuts: list[tuple[float, float, str]] = []
        for span in spans:
            ends = shapely.line_locate_point(line, shapely.points(np.array(span.coords)[[0, -1]]))
            lo, hi = float(ends.min()), float(ends.max())
            if hi - lo <= 0.0:
                continue
            kind = "bridge" if span.length <= max_span else "gap"
            cuts.append((lo, hi, kind))
        cuts.sort()
        geoms: list[LineString] = []
        out_tags: list[Tags] = []
        at = 0.0
        for lo, hi, kind in cuts:
            if lo - at >= MIN_PIECE_M:
                geoms.append(substring(line, at, lo))
                out_tags.append(tags)
            if kind == "bridge":
                span_line = substring(line, lo, hi)
                geoms.append(span_line)
                out_tags.append(self._bridge_tags(tags, span_line))
            at = hi
        if line.length - at >= MIN_PIECE_M:
            geoms.append(substring(line, at, line.length))
            out_tags.append(tags)
        return geoms, out_tags

    def _bridge_tags(self, tags: Tags, span: LineString) -> Tags:
        """Tags of a bridge (or a causeway, if long) over the water body it crosses."""
        over = max(self.frame.water_named, key=lambda nw: shapely.length(shapely.intersection(span, nw[1])))[
            0
        ]
        if span.length > CAUSEWAY_FROM_M:
            return {**tags, "embankment": "yes", "bridge:name": f"{over}大堤"}
        return {**tags, "bridge": "yes", "layer": "1", "bridge:name": f"{over}大桥"}

    def _push(self, geoms: list[LineString], tags: list[Tags]) -> None:
        """Keep pieces long enough to be roads."""
        arr = np.asarray(geoms, dtype=object).ravel()
        if len(arr) == 0:
            return
        keep = shapely.length(arr) >= MIN_PIECE_M
        self._geoms.append(arr[keep])
        self._tags += [t for t, k in zip(tags, keep, strict=True) if k]  # dicts are shared between lines

    def lines(self) -> tuple[np.ndarray, list[Tags]]:
        """All lines and the tags of each."""
        if not self._geoms:
            return np.empty(0, dtype=object), []
        return np.concatenate(self._geoms), list(self._tags)
