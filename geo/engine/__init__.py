"""Distance engine: the in-memory road graphs, snapping, numba searches, circles, routes, reach polygons."""
