"""The reach area: raster-traced outlines are valid and exact on the grid, and close to the exact buffer union."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.ops
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from geo.reach_area import EdgeCoords, _keep_corners, _split_pinched, _trace, assemble, reach_area


@settings(max_examples=400, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 14), st.integers(1, 14))))
def test_traced_outline_is_valid_and_covers_exactly_the_filled_cells(grid: np.ndarray) -> None:
    ny, nx = grid.shape
    starts, verts = _trace(grid)
    starts, verts = _split_pinched(starts, verts, (nx + 1) * (ny + 1))
    starts, verts = _keep_corners(starts, verts, nx)
    rows, cols = np.divmod(verts, nx + 1)
    poly = assemble(starts, np.column_stack([cols * 1.0, rows * 1.0]), 1.0)
    assert poly.is_valid, shapely.is_valid_reason(poly)
    assert poly.area == grid.sum()
    cells = [shapely.box(j, i, j + 1, i + 1) for i, j in zip(*np.nonzero(grid), strict=True)]
    assert shapely.union_all(cells).symmetric_difference(poly).area < 1e-9


@pytest.mark.parametrize("cell", [10.0, 20.0])  # 20 m: the service's default (settings.reach_cell_m)
def test_reach_area_is_close_to_the_exact_buffer_union(cell: float) -> None:
    rng = np.random.default_rng(5)
    lines = np.asarray(
        [shapely.LineString(rng.uniform(0, 2000, (rng.integers(2, 6), 2))) for _ in range(60)], dtype=object
    )
    coords = EdgeCoords.build(lines)
    edges = np.arange(60, dtype=np.int64)
    t0 = rng.uniform(0, 0.5, 60)
    t1 = t0 + rng.uniform(0, 0.5, 60)
    area = reach_area(coords, (edges, t0, t1), buffer_m=40.0, cell_m=cell)
    exact = shapely.union_all(
        [
            shapely.ops.substring(line, a, b, normalized=True).buffer(40.0)
            for line, a, b in zip(lines, t0, t1, strict=True)
        ]
    )
    assert area.is_valid
    # within a cell and a half (the raster's resolution) of the exact union, both ways
    assert area.difference(exact.buffer(1.5 * cell)).area < 1.0
    assert exact.difference(area.buffer(1.5 * cell)).area < 1.0
    assert abs(area.area - exact.area) / exact.area < 0.005 * cell  # 4 % at 10 m, 9 % at 20 m (outward)
