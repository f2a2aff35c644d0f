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
