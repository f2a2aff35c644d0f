"""SQL of the boundaries package, parameters bound."""

from __future__ import annotations

from sqlalchemy import text

AREAS_GEOJSON = text(
    """
    SELECT json_build_object(
        'type', 'FeatureCollection',
        'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', a.code,
            'geometry', ST_AsGeoJSON(a.geom, 6)::json,
            'properties', json_build_object(
                'code', a.code, 'name', a.name, 'level', a.level, 'kind', a.kind,
                'parent_code', a.parent_code,
                'seat', CASE WHEN a.seat IS NULL THEN NULL
                             ELSE json_build_array(round(ST_X(a.seat)::numeric, 6), round(ST_Y(a.seat)::numeric, 6))
                        END
            )
        ) ORDER BY a.code), '[]'::json)
    )
    FROM admin_areas a
    WHERE a.level = :level AND (CAST(:parent AS text) IS NULL OR a.parent_code = :parent)
    """
)

AREAS_EXPORT = text(
    """
    SELECT a.code, a.name, a.level, a.kind, a.parent_code, a.geom
    FROM admin_areas a
    WHERE CAST(:level AS text) IS NULL OR a.level = :level
    ORDER BY a.code
    """
)

# --- reference geometry read before an import is validated (WKB, WGS84) ---

AREA_GEOMETRY = text("SELECT ST_AsBinary(geom) FROM admin_areas WHERE code = :code")

AREAS_OF_LEVEL = text(
    "SELECT code, parent_code, ST_AsBinary(geom) AS geom FROM admin_areas WHERE level = :level ORDER BY code"
)

SIBLINGS_NOT_IN = text(
    """
    SELECT code, parent_code, ST_AsBinary(geom) AS geom
    FROM admin_areas
    WHERE level = :level AND parent_code = ANY(:parents) AND NOT (code = ANY(:codes))
    ORDER BY code
    """
)

ROAD_NODES_IN_BOX = text(
    """
    SELECT ST_X(geom), ST_Y(geom) FROM road_nodes
    WHERE geom && ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 4326)
    """
)

# --- storing: COPY into a per-transaction staging table, then one upsert ---

STAGING_CREATE = text(
    """
    CREATE TEMP TABLE IF NOT EXISTS staging_areas (
        code text, name text, kind text, parent_code text, seat geometry, geom geometry
    ) ON COMMIT DROP
    """
)
STAGING_TRUNCATE = text("TRUNCATE staging_areas")
STAGING_COPY = "COPY staging_areas (code, name, kind, parent_code, seat, geom) FROM STDIN"

COUNTY_FROM_STAGING = text(
    """
    INSERT INTO admin_areas (code, name, level, kind, parent_code, seat, geom)
    SELECT s.parent_code, :county_name, 'county', '', NULL, NULL,
           ST_Multi(ST_CollectionExtract(ST_Union(s.geom), 3))
    FROM staging_areas s
    WHERE s.parent_code IS NOT NULL
    GROUP BY s.parent_code
    ON CONFLICT (code) DO NOTHING
    RETURNING code
    """
)

# A county whose outline is exactly the union of its townships was made from them (or equals them): it is
# remade when townships are imported, and is no independent reference to check townships against.
COUNTY_IS_DERIVED = text(
    """
    SELECT coalesce(ST_Equals(c.geom, (
        SELECT ST_Multi(ST_CollectionExtract(ST_Union(t.geom), 3))
        FROM admin_areas t WHERE t.parent_code = c.code AND t.level = 'township'
    )), false)
    FROM admin_areas c WHERE c.code = :code
    """
)
DERIVED_COUNTIES_OF_STAGING = text(
    """
    SELECT c.code FROM admin_areas c
    WHERE c.code IN (SELECT DISTINCT parent_code FROM staging_areas)
      AND ST_Equals(c.geom, (
        SELECT ST_Multi(ST_CollectionExtract(ST_Union(t.geom), 3))
        FROM admin_areas t WHERE t.parent_code = c.code AND t.level = 'township'
      ))
    """
)
REFRESH_COUNTY = text(
    """
    UPDATE admin_areas c SET geom = (
        SELECT ST_Multi(ST_CollectionExtract(ST_Union(t.geom), 3))
        FROM admin_areas t WHERE t.parent_code = c.code AND t.level = 'township'
    )
    WHERE c.code = ANY(:codes)
    """
)

MISSING_PARENTS = text(
    """
    SELECT DISTINCT s.parent_code FROM staging_areas s
    WHERE s.parent_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM admin_areas a WHERE a.code = s.parent_code)
    ORDER BY 1
    """
)

UPSERT_FROM_STAGING = text(
    """
    WITH up AS (
        INSERT INTO admin_areas AS a (code, name, level, kind, parent_code, seat, geom)
        SELECT s.code, s.name, :level, coalesce(s.kind, ''), s.parent_code,
               ST_SetSRID(s.seat, 4326), ST_Multi(ST_SetSRID(s.geom, 4326))
        FROM staging_areas s
        ON CONFLICT (code) DO UPDATE SET
            name = EXCLUDED.name, level = EXCLUDED.level, kind = EXCLUDED.kind,
            parent_code = EXCLUDED.parent_code, seat = coalesce(EXCLUDED.seat, a.seat), geom = EXCLUDED.geom
        RETURNING (xmax = 0) AS inserted
    )
    SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS updated
    FROM up
    """
)

WATER_DELETE = text("DELETE FROM water_areas")
WATER_COPY = "COPY water_areas (name, kind, geom) FROM STDIN"

# Name search for the job map: exact names first, then names starting with the query, then containing it.
# :pattern is the query with LIKE wildcards escaped (\), wrapped in %…%.
SEARCH_AREAS = text(
    """
    SELECT a.code, a.name, a.level, a.kind, a.parent_code, p.name AS parent_name,
           round(ST_X(coalesce(a.seat, ST_PointOnSurface(a.geom)))::numeric, 6)::float AS lon,
           round(ST_Y(coalesce(a.seat, ST_PointOnSurface(a.geom)))::numeric, 6)::float AS lat,
           ARRAY[ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)] AS bbox
    FROM admin_areas a
    LEFT JOIN admin_areas p ON p.code = a.parent_code
    WHERE a.level IN ('township', 'village') AND a.name ILIKE :pattern ESCAPE '\\'
    ORDER BY a.name <> :q, NOT starts_with(a.name, :q), length(a.name), a.level DESC, a.code
    LIMIT :limit
    """
)

# The newest circle analytics run for a mode and a road-distance radius (metres), any decay.
