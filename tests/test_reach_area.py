"""The reach area: raster-traced outlines are valid and exact on the grid, and close to the exact buffer union."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.ops
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from geo.engine.reach_area import (
    EdgeCoords,
    TracedRings,
    assemble,
    reach_area,
    rings_of,
    to_shapely,
)
from geo.engine.reach_smooth import cut_corners
from geo.engine.reach_trace import keep_corners, split_pinched, trace_cells


def _corner_rings(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The traced outline of the filled cells: ring starts, corner vertex ids, and their rows and columns."""
    ny, nx = grid.shape
    starts, verts = trace_cells(grid)
    starts, verts = split_pinched(starts, verts, (nx + 1) * (ny + 1))
    starts, verts = keep_corners(starts, verts, nx)
    rows, cols = np.divmod(verts, nx + 1)
    return starts, verts, rows, cols


@settings(max_examples=400, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 14), st.integers(1, 14))))
def test_traced_outline_is_valid_and_covers_exactly_the_filled_cells(grid: np.ndarray) -> None:
    starts, verts, rows, cols = _corner_rings(grid)
    poly = assemble(starts, np.column_stack([cols * 1.0, rows * 1.0]), 1.0)
    assert poly.is_valid, shapely.is_valid_reason(poly)
    assert poly.area == grid.sum()
    cells = [shapely.box(j, i, j + 1, i + 1) for i, j in zip(*np.nonzero(grid), strict=True)]
    assert shapely.union_all(cells).symmetric_difference(poly).area < 1e-9


@settings(max_examples=1500, deadline=None)
@given(arrays(bool, st.tuples(st.integers(1, 16), st.integers(1, 16))))
def test_cut_corners_keep_rings_valid_and_within_a_third_of_a_cell(grid: np.ndarray) -> None:
    starts, verts, rows, cols = _corner_rings(grid)
    traced = rings_of(starts, np.column_stack([cols * 1.0, rows * 1.0]), 1.0)
    cut_starts, x2, y2 = cut_corners(starts, cols, rows)
    cut = to_shapely(TracedRings(cut_starts, np.column_stack([x2 / 2.0, y2 / 2.0]), traced.shell_of))
    cells = to_shapely(traced)
    assert cut.is_valid, shapely.is_valid_reason(cut)
    assert len(cut.geoms) == len(cells.geoms)  # the same shells, each with the same holes
    assert sorted(len(p.interiors) for p in cut.geoms) == sorted(len(p.interiors) for p in cells.geoms)
    if grid.any():
        assert cut.hausdorff_distance(cells) <= np.sqrt(2) / 4 + 1e-9
        # each cut corner moves an eighth of a cell; collinear merging moves nothing
        assert cut.symmetric_difference(cells).area <= (len(verts) - (len(starts) - 1)) / 8 + 1e-9


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
