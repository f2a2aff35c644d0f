"""SQL of the web_map package (the township report), parameters bound."""

from __future__ import annotations

from sqlalchemy import text

# The area a code names, whatever its level, so a village code can be told apart from an unknown one.
AREA_BY_CODE = text("SELECT code, name, level FROM admin_areas WHERE code = :code")

# The township and its villages as GeoJSON (6 decimals, ~0.1 m), township first.
TOWNSHIP_AREAS = text(
    """
    SELECT code, name, level, ST_AsGeoJSON(geom, 6) AS geojson,
           ST_XMin(geom) AS west, ST_YMin(geom) AS south, ST_XMax(geom) AS east, ST_YMax(geom) AS north
    FROM admin_areas
    WHERE code = :code OR (parent_code = :code AND level = 'village')
    ORDER BY level = 'village', code
    """
)

# Water inside the township, clipped to it.
TOWNSHIP_WATER = text(
    """
    SELECT w.name, w.kind, ST_AsGeoJSON(ST_Intersection(w.geom, t.geom), 6) AS geojson
    FROM water_areas w JOIN admin_areas t ON t.code = :code AND ST_Intersects(w.geom, t.geom)
    ORDER BY w.water_id
    """
)

# Enterprise sites inside the township with their open, unexpired positions.
TOWNSHIP_SITES = text(
    """
    SELECT s.site_id, e.name AS enterprise, ST_Y(s.geom) AS lat, ST_X(s.geom) AS lon,
           sum(v.positions)::int AS positions
    FROM enterprise_sites s
    JOIN admin_areas t ON t.code = :code AND ST_Intersects(s.geom, t.geom)
    JOIN public_enterprises e ON e.enterprise_id = s.enterprise_id
    JOIN vacancies v ON v.site_id = s.site_id AND v.status = 'open'
         AND (v.valid_until IS NULL OR v.valid_until >= current_date)
    GROUP BY s.site_id, e.name, s.geom
    HAVING sum(v.positions) > 0
    ORDER BY s.site_id
    """
)

# The finest stored heat hexagons that touch the township (none when `hongyan tiles heat` was not run).
TOWNSHIP_HEAT = text(
    """
    SELECT h.h3, h.seekers, h.positions, ST_AsGeoJSON(h.geom, 6) AS geojson
    FROM heat_hexagons h JOIN admin_areas t ON t.code = :code AND ST_Intersects(h.geom, t.geom)
    WHERE h.resolution = (SELECT max(resolution) FROM heat_hexagons)
    ORDER BY h.h3
    """
)
