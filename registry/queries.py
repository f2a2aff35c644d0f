"""SQL of the registry package, parameters bound."""

from __future__ import annotations

from sqlalchemy import text

UPSERT_OCCUPATION = text(
    """
    INSERT INTO occupations (code, name, level, parent_code)
    VALUES (:code, :name, :level, :parent_code)
    ON CONFLICT (code) DO UPDATE
        SET name = EXCLUDED.name, level = EXCLUDED.level, parent_code = EXCLUDED.parent_code
    """
)

OCCUPATION_CODES = text("SELECT code FROM occupations")

POPULATION_AREAS = text(
    """
    SELECT code, name, level, kind, parent_code,
           ST_X(seat) AS seat_x, ST_Y(seat) AS seat_y, ST_AsBinary(geom) AS wkb
    FROM admin_areas
    WHERE level IN ('township', 'village')
    ORDER BY code
    """
)

# The demo population owns these tables: a new one replaces everything in them.
CLEAR_POPULATION = text(
    "TRUNCATE residents, vacancies, enterprise_sites, enterprises, record_changes, review_events "
    "RESTART IDENTITY CASCADE"
)

SYNC_SEQUENCES = text(
    """
    SELECT setval(pg_get_serial_sequence('enterprises', 'enterprise_id'), greatest(:enterprises, 1),
                  :enterprises > 0),
           setval(pg_get_serial_sequence('enterprise_sites', 'site_id'), greatest(:sites, 1), :sites > 0),
           setval(pg_get_serial_sequence('vacancies', 'vacancy_id'), greatest(:vacancies, 1), :vacancies > 0),
           setval(pg_get_serial_sequence('residents', 'resident_id'), greatest(:residents, 1), :residents > 0)
    """
)

# Indexes of a table that no constraint depends on (primary keys and UNIQUE constraints are kept).
PLAIN_INDEXES = text(
    """
    SELECT i.relname, pg_get_indexdef(i.oid)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = CAST(:table AS regclass)
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY i.relname
    """
)

# UNIQUE and FOREIGN KEY constraints of a table, with the SQL that recreates them.
DEFERRABLE_CONSTRAINTS = text(
    """
    SELECT conname, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE conrelid = CAST(:table AS regclass) AND contype IN ('u', 'f')
    ORDER BY contype DESC, conname
    """
)

ANALYZE_POPULATION = text("ANALYZE residents, enterprises, enterprise_sites, vacancies")

EXPORT_VACANCIES = text(
    """
    SELECT v.vacancy_id, v.enterprise_id, v.title, v.occupation_code, v.positions,
           v.wage_min, v.wage_max, v.full_time, s.geom
    FROM vacancies v
    JOIN enterprise_sites s ON s.site_id = v.site_id
    WHERE v.status = 'open'
    ORDER BY v.vacancy_id
    """
)

EXPORT_ENTERPRISES = text(
    """
    SELECT e.enterprise_id, e.credit_code, e.name, e.industry, e.employees, s.site_id, s.geom
    FROM enterprises e
    JOIN enterprise_sites s ON s.enterprise_id = e.enterprise_id
    ORDER BY e.enterprise_id, s.site_id
    """
)

# Enterprise search for the job map by name (:pattern is the escaped query wrapped in %…%), with the sites'
# centre and the open positions; exact names first, then prefixes. Public enterprises only (approved by the
# county at least once), under the name last approved.
SEARCH_ENTERPRISES = text(
    """
    SELECT e.enterprise_id, e.name, e.industry, e.area_code,
           count(DISTINCT s.site_id) AS site_count,
           coalesce((SELECT sum(v.positions) FROM vacancies v
                     WHERE v.enterprise_id = e.enterprise_id AND v.status = 'open'), 0)::int AS open_positions,
           round(ST_X(ST_Centroid(ST_Collect(s.geom)))::numeric, 6)::float AS lon,
           round(ST_Y(ST_Centroid(ST_Collect(s.geom)))::numeric, 6)::float AS lat,
           coalesce(json_agg(json_build_object(
               'site_id', s.site_id, 'name', s.name,
               'lon', round(ST_X(s.geom)::numeric, 6), 'lat', round(ST_Y(s.geom)::numeric, 6))
               ORDER BY s.site_id) FILTER (WHERE s.site_id IS NOT NULL), '[]'::json) AS sites
    FROM public_enterprises e
    LEFT JOIN enterprise_sites s ON s.enterprise_id = e.enterprise_id
    WHERE e.name ILIKE :pattern ESCAPE '\\'
    GROUP BY e.enterprise_id, e.name, e.industry, e.area_code
    ORDER BY e.name <> :q, NOT starts_with(e.name, :q), length(e.name), e.enterprise_id
    LIMIT :limit
    """
)
