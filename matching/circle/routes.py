"""The route of a job: the shortest road path from a person's location to an enterprise site, for the map."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from sqlalchemy import Connection

from geo.core.errors import InvalidInput, NotFound
from geo.engine.route import shortest_path
from matching.circle.service import CircleService

MODE_WORDS = {"walk": "on foot", "ebike": "by e-bike", "car": "by car"}


def route_to_site(
    service: CircleService,
    conn: Connection,
    *,
    lon: float,
    lat: float,
    site_id: int,
    mode: str,
    datum: str = "wgs84",
) -> dict[str, Any]:
    """The shortest road route (resident → site) as a GeoJSON Feature in WGS84 with its length and time."""
    net = service.network(conn)
    limit = service.settings.max_radius_m
    q = service.query(conn, lon=lon, lat=lat, mode=mode, radius_m=limit, minutes=None, datum=datum)
    sites = service.sites(conn, net, mode)
    where = np.flatnonzero(sites.ids == site_id)
    if len(where) == 0:
        raise NotFound(f"enterprise site {site_id} does not exist")
    how = MODE_WORDS[mode]
    site = int(where[0])
    max_snap = service.settings.max_snap_m
    site_snap = sites.targets.snapped
    if site_snap.edge[site] < 0:
        raise InvalidInput(
            f"enterprise site {site_id} is {float(site_snap.distance_m[site]):.0f} m from the nearest road usable "
            f"{how} (at most {max_snap:g} m): no route can be drawn to it",
            field="site_id",
        )
    start = net.index(mode).snap(np.array([q.x]), np.array([q.y]), max_snap_m=max_snap)
    gap = float(start.distance_m[0])
    if start.edge[0] < 0:
        raise InvalidInput(
            f"({q.lon:.6f}, {q.lat:.6f}) is {gap:.0f} m from the nearest road usable {how} "
            f"(at most {max_snap:g} m): choose a point nearer a road",
            field="lon/lat",
        )
    graph = net.graph(mode, "length")
    path = shortest_path(
        service.search(graph),
        (int(start.edge[0]), float(start.offset_m[0])),
        (int(site_snap.edge[site]), float(site_snap.offset_m[site])),
        limit=limit,
    )
    if path is None:
        raise NotFound(
            f"no route {how} from ({q.lon:.6f}, {q.lat:.6f}) to enterprise site {site_id} within "
            f"{limit:g} m by road (one-way streets or a road closed to this mode may cut it off); "
            "try another travel mode"
        )
    line = path.line(net.edge_geoms)
    wgs = shapely.transform(
        line, lambda xy: np.round(np.column_stack(service.to_wgs84.transform(xy[:, 0], xy[:, 1])), 7)
    )
    seconds = path.time_s(net.graph(mode, "time"))
    return {
        "type": "Feature",
        "geometry": shapely.geometry.mapping(wgs),
        "properties": {
            "site_id": site_id,
            "mode": mode,
            "road_distance_m": round(path.cost, 1),
            "travel_minutes": round(seconds / 60.0, 2),
            "snap_distance_m": round(gap, 1),
            "site_snap_distance_m": round(float(site_snap.distance_m[site]), 1),
            "from": [q.lon, q.lat],
        },
    }
