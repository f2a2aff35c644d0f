"""The grid snapping index gives the STRtree's nearest edge (up to exact ties), distance and offset, bit for bit."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.engine.reach_area import EdgeCoords
from geo.engine.snap import EdgeIndex, Snapped

MAX_SNAP = 120.0


def reference_snap(
    geoms: np.ndarray, length_m: np.ndarray, usable: np.ndarray, x: np.ndarray, y: np.ndarray
) -> Snapped:
    """The former EdgeIndex.snap: STRtree.query_nearest, then line_locate_point."""
    usable_idx = np.flatnonzero(usable)
    tree = shapely.STRtree(geoms[usable_idx])
    pts = shapely.points(x, y)
    n = len(x)
    edge = np.full(n, -1, np.int32)
    offset = np.zeros(n)
    gap = np.full(n, np.inf)
    (pi, ti), dist = tree.query_nearest(pts, all_matches=False, return_distance=True)
    e = usable_idx[ti]
    gap[pi] = dist
    ok = dist <= MAX_SNAP
    edge[pi[ok]] = e[ok]
    along = shapely.line_locate_point(geoms[e[ok]], pts[pi[ok]])
    glen = shapely.length(geoms[e[ok]])
    frac = np.divide(along, glen, out=np.zeros_like(along), where=glen > 0)
    offset[pi[ok]] = np.clip(frac, 0.0, 1.0) * length_m[e[ok]]
    return Snapped(edge, offset, gap)


@st.composite
def roads_and_points(draw: st.DrawFn) -> tuple:
    """Random polylines (shared vertices, repeated vertices, axis-parallel runs) and points near and far."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    extent = draw(st.sampled_from([60.0, 400.0, 3000.0]))
    n_lines = draw(st.integers(1, 40))
    corners = rng.uniform(0, extent, (max(3, n_lines), 2)).round(draw(st.sampled_from([0, 1, 6])))
    lines = []
    for _ in range(n_lines):
        k = int(rng.integers(2, 6))
        pts = rng.uniform(0, extent, (k, 2))
        pts[0] = corners[rng.integers(0, len(corners))]  # junctions: several lines end at one vertex (ties)
        if rng.random() < 0.3:
            pts[-1] = corners[rng.integers(0, len(corners))]
        if rng.random() < 0.2:
            pts[1, 0] = pts[0, 0]  # a vertical segment
        if rng.random() < 0.1 and k > 2:
            pts[2] = pts[1]  # a zero-length segment
        lines.append(shapely.LineString(pts))
    geoms = np.asarray(lines, dtype=object)
    usable = rng.random(n_lines) < 0.85
    usable[int(rng.integers(0, n_lines))] = True
    n_pts = draw(st.integers(1, 60))
    x = rng.uniform(-0.5 * extent, 1.5 * extent, n_pts)
    y = rng.uniform(-0.5 * extent, 1.5 * extent, n_pts)
    on_vertex = rng.random(n_pts) < 0.15
    xy = shapely.get_coordinates(geoms)
    picks = xy[rng.integers(0, len(xy), int(on_vertex.sum()))]
    x[on_vertex], y[on_vertex] = picks[:, 0], picks[:, 1]
    return geoms, usable, x, y


def _index(geoms: np.ndarray, usable: np.ndarray) -> tuple[EdgeIndex, np.ndarray]:
    coords = EdgeCoords.build(geoms)
    length_m = shapely.length(geoms) * 1.07  # the network's length need not be the geometry's
    return EdgeIndex(coords.ptr, coords.xy, length_m, usable, lambda: geoms), length_m


@settings(max_examples=300, deadline=None)
@given(roads_and_points())
def test_grid_snap_equals_strtree(case: tuple) -> None:
    geoms, usable, x, y = case
    index, length_m = _index(geoms, usable)
    got = index.snap(x, y, max_snap_m=MAX_SNAP)
    want = reference_snap(geoms, length_m, usable, x, y)
    assert np.array_equal(got.distance_m, want.distance_m)
    assert np.array_equal(got.edge >= 0, want.edge >= 0)
    same = got.edge == want.edge
    for p in np.flatnonzero(~same):  # a tie: both edges are exactly as near
        d_got = shapely.distance(geoms[got.edge[p]], shapely.Point(x[p], y[p]))
        assert d_got == want.distance_m[p] and usable[got.edge[p]]
    assert np.array_equal(got.offset_m[same], want.offset_m[same])


@settings(max_examples=100, deadline=None)
@given(roads_and_points())
def test_unmeasured_far_points_are_off_network(case: tuple) -> None:
    geoms, usable, x, y = case
    index, _ = _index(geoms, usable)
    measured = index.snap(x, y, max_snap_m=MAX_SNAP)
    quick = index.snap(x, y, max_snap_m=MAX_SNAP, measure_far=False)
    assert np.array_equal(quick.edge, measured.edge)
    assert np.array_equal(quick.offset_m, measured.offset_m)
    near = measured.edge >= 0
    assert np.array_equal(quick.distance_m[near], measured.distance_m[near])
    assert (np.isinf(quick.distance_m[~near]) | (quick.distance_m[~near] == measured.distance_m[~near])).all()


def test_many_points_in_parallel_equal_one_by_one() -> None:
    rng = np.random.default_rng(11)
    geoms = np.asarray(
        [shapely.LineString(rng.uniform(0, 5000, (int(rng.integers(2, 8)), 2))) for _ in range(400)],
        dtype=object,
    )
    index, _ = _index(geoms, np.ones(400, bool))
    x, y = rng.uniform(-200, 5200, 50_000), rng.uniform(-200, 5200, 50_000)
    bulk = index.snap(x, y, max_snap_m=MAX_SNAP)  # above the parallel threshold
    for p in rng.integers(0, len(x), 300):
        one = index.snap(x[p : p + 1], y[p : p + 1], max_snap_m=MAX_SNAP)
        assert (one.edge[0], one.offset_m[0], one.distance_m[0]) == (
            bulk.edge[p],
            bulk.offset_m[p],
            bulk.distance_m[p],
        )
    assert 0 < (bulk.edge >= 0).sum() < len(x)


def test_non_finite_points_are_off_network() -> None:
    geoms = np.asarray([shapely.LineString([(0, 0), (100, 0)])], dtype=object)
    index, _ = _index(geoms, np.ones(1, bool))
    snapped = index.snap(np.array([np.nan, 50.0]), np.array([0.0, 10.0]), max_snap_m=MAX_SNAP)
    assert snapped.edge.tolist() == [-1, 0]
    assert np.isinf(snapped.distance_m[0]) and snapped.distance_m[1] == 10.0
