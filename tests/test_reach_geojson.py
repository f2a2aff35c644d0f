"""The reach outline's GeoJSON text is the same geometry as its shapely polygons; projections off-thread agree."""

from __future__ import annotations

import threading

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pyproj import Transformer

from geo.engine.projector import Projector
from geo.engine.reach_area import (
    EdgeCoords,
    reach_rings,
    rings_of,
    to_geojson,
    to_shapely,
)
from geo.engine.reach_trace import keep_corners, split_pinched, trace_cells


@settings(max_examples=300, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 14), st.integers(1, 14))))
def test_geojson_text_is_the_shapely_geometry(grid: np.ndarray) -> None:
    ny, nx = grid.shape
    starts, verts = trace_cells(grid)
    starts, verts = split_pinched(starts, verts, (nx + 1) * (ny + 1))
    starts, verts = keep_corners(starts, verts, nx)
    rows, cols = np.divmod(verts, nx + 1)
    rings = rings_of(starts, np.column_stack([100.0 + cols * 10.0, 20.0 + rows * 10.0]), 10.0)
    geom = to_shapely(rings)
    text = to_geojson(rings, rings.xy)
    parsed = shapely.from_geojson(text)
    assert parsed.geom_type == "MultiPolygon" and parsed.is_valid
    assert shapely.equals_exact(parsed, geom, tolerance=0.0)
    assert parsed.area == grid.sum() * 100.0
    assert (rings.shell_of != -2).all()  # every hole found its shell


def test_empty_reach_is_an_empty_multipolygon() -> None:
    coords = EdgeCoords.build(np.asarray([shapely.LineString([(0, 0), (10, 0)])], dtype=object))
    rings = reach_rings(coords, (np.empty(0, np.int64), np.empty(0), np.empty(0)))
    assert to_geojson(rings, rings.xy) == '{"type":"MultiPolygon","coordinates":[]}'
    assert to_shapely(rings).is_empty


def test_projector_equals_pyproj_from_any_thread() -> None:
    rng = np.random.default_rng(4)
    x, y = rng.uniform(440_000, 520_000, 500), rng.uniform(3_540_000, 3_620_000, 500)
    want = Transformer.from_crs(4548, 4326, always_xy=True).transform(x, y)
    projector = Projector(4548, 4326)
    results: list[tuple[np.ndarray, np.ndarray]] = []
    threads = [threading.Thread(target=lambda: results.append(projector.transform(x, y))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4
    results.append(projector.transform(x, y))  # the main thread uses its own transformer, same numbers
    for lon, lat in results:
        assert np.array_equal(lon, want[0]) and np.array_equal(lat, want[1])
    lon, lat = Projector(4548, 4326).transform(500_000.0, 3_580_000.0)
    assert (lon, lat) == Transformer.from_crs(4548, 4326, always_xy=True).transform(500_000.0, 3_580_000.0)


@settings(max_examples=300, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 30), st.integers(1, 30))), st.integers(1, 6))
def test_dilation_stamps_the_disk_around_every_filled_cell(grid: np.ndarray, radius: int) -> None:
    from geo.engine.reach_area import _dilate

    r = np.arange(-radius, radius + 1)
    di, dj = np.nonzero((r[:, None] ** 2 + r[None, :] ** 2) <= radius**2 + 0.5)
    want = np.zeros_like(grid)
    ny, nx = grid.shape
    for i, j in zip(*np.nonzero(grid), strict=True):
        for a, b in zip(i + di - radius, j + dj - radius, strict=True):
            if 0 <= a < ny and 0 <= b < nx:
                want[a, b] = True
    assert np.array_equal(_dilate(grid, radius), want)


def test_tabulated_projection_is_within_millimetres_of_proj() -> None:
    from geo.engine.projector import GridProjection

    rng = np.random.default_rng(8)
    grid = GridProjection(Projector(4548, 4326), (430_000.0, 3_550_000.0, 490_000.0, 3_620_000.0))
    x = np.concatenate([rng.uniform(430_000, 490_000, 20_000), [420_000.0, 500_000.0]])  # two outside
    y = np.concatenate([rng.uniform(3_550_000, 3_620_000, 20_000), [3_560_000.0, 3_600_000.0]])
    lon, lat = grid.transform(x, y)
    want_lon, want_lat = Transformer.from_crs(4548, 4326, always_xy=True).transform(x, y)
    assert np.abs(lon - want_lon).max() < 2e-8 and np.abs(lat - want_lat).max() < 2e-8  # 1e-8° ≈ 1 mm
    assert np.array_equal(lon[-2:], want_lon[-2:]) and np.array_equal(
        lat[-2:], want_lat[-2:]
    )  # exact outside
