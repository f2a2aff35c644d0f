"""SQL of the circle benchmark, parameters bound (the pgRouting inner queries are built by format() in SQL)."""

from __future__ import annotations

from sqlalchemy import text

RESIDENT_IDS = text("SELECT resident_id FROM residents ORDER BY resident_id")

RESIDENT_HOMES = text(
    """
    SELECT resident_id, ST_X(geom) AS lon, ST_Y(geom) AS lat
    FROM residents WHERE resident_id = ANY(:ids) ORDER BY resident_id
    """
)

DEMO_META = text("SELECT value FROM platform_meta WHERE key = 'demo'")

ROAD_NODES_XY = text(
    """
    SELECT node_id,
           ST_X(ST_Transform(geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(geom, CAST(:srid AS integer))) AS y
    FROM road_nodes ORDER BY node_id
    """
)

# the mode's cost columns pick the allowed directions; the weight is the length (metric 'length')
ROAD_EDGES_DIRECTED = text(
    """
    SELECT source, target, length_m,
           CASE CAST(:mode AS text) WHEN 'walk' THEN cost_walk WHEN 'ebike' THEN cost_ebike ELSE cost_car END
               >= 0 AS fwd,
           CASE CAST(:mode AS text) WHEN 'walk' THEN reverse_cost_walk WHEN 'ebike' THEN reverse_cost_ebike
               ELSE reverse_cost_car END >= 0 AS bwd
    FROM road_edges
    """
)

SITE_POSITIONS_XY = text(
    """
    SELECT s.site_id,
           ST_X(ST_Transform(s.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(s.geom, CAST(:srid AS integer))) AS y,
           coalesce(sum(v.positions), 0)::int AS positions
    FROM enterprise_sites s
    LEFT JOIN vacancies v ON v.site_id = s.site_id AND v.status = 'open'
         AND (v.valid_until IS NULL OR v.valid_until >= current_date)
    GROUP BY s.site_id ORDER BY s.site_id
    """
)

RESIDENTS_XY = text(
    """
    SELECT ST_X(ST_Transform(geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(geom, CAST(:srid AS integer))) AS y
    FROM residents ORDER BY resident_id
    """
)

# pgRouting's own driving distance from a point: the edge query is clipped to a box around the point
# (the GiST index on road_edges.geom answers `&&`), the point sits on its nearest usable edge (nearest
# in the metric CRS among the 8 nearest by the index) at its fraction along it (measured in metres).
# A fraction of exactly 0 or 1 makes pgr_withPointsDD 3.4 return the point alone, so it is kept 1e-9 inside.
WITH_POINTS_DD = text(
    """
    SELECT node, agg_cost FROM pgr_withPointsDD(
        format(
            'SELECT edge_id AS id, source, target,
                    CASE WHEN %1$I >= 0 THEN length_m ELSE -1 END AS cost,
                    CASE WHEN %2$I >= 0 THEN length_m ELSE -1 END AS reverse_cost
             FROM road_edges
             WHERE geom && ST_Expand(ST_SetSRID(ST_MakePoint(%3$s, %4$s), 4326), %5$s, %6$s)',
            'cost_' || CAST(:mode AS text), 'reverse_cost_' || CAST(:mode AS text),
            CAST(:lon AS float8), CAST(:lat AS float8), CAST(:dx AS float8), CAST(:dy AS float8)),
        format(
            'SELECT 1 AS pid, edge_id, least(greatest(
                    ST_LineLocatePoint(ST_Transform(geom, %5$s), ST_Transform(p, %5$s)), 1e-9), 1 - 1e-9)
                    AS fraction
             FROM (SELECT e.edge_id, e.geom, q.p
                   FROM road_edges e, (SELECT ST_SetSRID(ST_MakePoint(%1$s, %2$s), 4326) AS p) q
                   WHERE e.in_main_component AND (e.%3$I >= 0 OR e.%4$I >= 0)
                   ORDER BY e.geom <-> q.p LIMIT 8) near
             ORDER BY ST_Distance(ST_Transform(geom, %5$s), ST_Transform(p, %5$s)), edge_id LIMIT 1',
            CAST(:lon AS float8), CAST(:lat AS float8),
            'cost_' || CAST(:mode AS text), 'reverse_cost_' || CAST(:mode AS text), CAST(:srid AS integer)),
        -1, CAST(:radius AS float8), directed => true, driving_side => 'b', details => false)
    """
)

POST_VACANCY = text(
    """
    INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
                           full_time, status, area_code)
    SELECT s.enterprise_id, s.site_id, :title, (SELECT occupation_code FROM vacancies ORDER BY vacancy_id LIMIT 1),
           1, 3000, 4000, true, 'open', s.area_code
    FROM enterprise_sites s WHERE s.site_id = :site_id
    RETURNING vacancy_id
    """
)

REMOVE_VACANCIES = text("DELETE FROM vacancies WHERE vacancy_id = ANY(:ids)")
