"""The compiled GeoJSON writer gives orjson's text for coordinates with ≤ 6 decimals, and refuses the rest."""

from __future__ import annotations

import json

import numpy as np
import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.engine.geojson_text import multipolygon_text

MICRO = st.integers(-181_000_000, 181_000_000)


def _orjson(starts: np.ndarray, polygons: list[list[int]], xy: np.ndarray) -> bytes:
    coordinates = [[xy[starts[r] : starts[r + 1]] for r in p] for p in polygons]
    return orjson.dumps(
        {"type": "MultiPolygon", "coordinates": coordinates}, option=orjson.OPT_SERIALIZE_NUMPY
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.lists(st.tuples(MICRO, MICRO), min_size=1, max_size=6), min_size=1, max_size=3),
        max_size=4,
    )
)
def test_same_text_as_orjson(polys: list[list[list[tuple[int, int]]]]) -> None:
    rings = [ring for poly in polys for ring in poly]
    starts = np.cumsum([0] + [len(r) for r in rings]).astype(np.int64)
    polygons, r = [], 0
    for poly in polys:
        polygons.append(list(range(r, r + len(poly))))
        r += len(poly)
    micro = np.asarray([v for ring in rings for v in ring], np.float64).reshape(-1, 2)
    xy = micro / 1e6
    text = multipolygon_text(starts, polygons, xy)
    assert text is not None
    want = _orjson(starts, polygons, xy)
    if not (np.abs(xy[xy != 0]) < 1e-5).any():  # orjson writes 1e-6 in exponent form; the kernel 0.000001
        assert text == want
    assert json.loads(text) == json.loads(want)


def test_real_coordinates_and_edge_values() -> None:
    xy = np.asarray([[116.35257, 32.0], [-0.5, 0.0001], [116.0, -32.123456], [0.0, 179.999999]])
    starts = np.asarray([0, 4], np.int64)
    text = multipolygon_text(starts, [[0]], xy)
    assert text == (
        b'{"type":"MultiPolygon","coordinates":[[[[116.35257,32.0],[-0.5,0.0001],[116.0,-32.123456],'
        b"[0.0,179.999999]]]]}"
    )
    assert multipolygon_text(np.zeros(1, np.int64), [], np.zeros((0, 2))) == (
        b'{"type":"MultiPolygon","coordinates":[]}'
    )


def test_refuses_what_it_cannot_write_exactly() -> None:
    starts = np.asarray([0, 1], np.int64)
    assert multipolygon_text(starts, [[0]], np.asarray([[116.1234567, 32.0]])) is None  # 7 decimals
    assert multipolygon_text(starts, [[0]], np.asarray([[np.nan, 32.0]])) is None
    assert multipolygon_text(starts, [[0]], np.asarray([[2e9, 32.0]])) is None
