"""SQL of person ↔ position matching and the related-trades table, parameters bound."""

from __future__ import annotations

from sqlalchemy import text

# Through the caller's scoped connection: row-level security decides whether the record is visible.
RESIDENT_PROFILE = text(
    """
    SELECT r.resident_id, date_part('year', age(r.birth_date))::int AS age, r.status, r.wish_to_return,
           r.occupation_code, o.name AS occupation, r.expected_wage, r.certificates, r.training_codes,
           r.area_code, ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat
    FROM residents r LEFT JOIN occupations o ON o.code = r.occupation_code
    WHERE r.resident_id = :id
    """
)

# Through the caller's scoped connection: the site's policy admits HR of its enterprise and staff of its area.
VACANCY_FOR_CALLER = text(
    """
    SELECT v.vacancy_id, v.enterprise_id, v.site_id, v.title, v.occupation_code, v.wage_min, v.wage_max,
           v.min_age, v.max_age, v.required_certificates, v.area_code, v.status,
           ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat,
           ST_X(ST_Transform(s.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(s.geom, CAST(:srid AS integer))) AS y
    FROM vacancies v JOIN enterprise_sites s ON s.site_id = v.site_id
    WHERE v.vacancy_id = :id
    """
)

OCCUPATION_NAME = text("SELECT name, level FROM occupations WHERE code = :code")

# The open job board (public): vacancies at the reached sites with what a score needs. Public enterprises only,
# under the name the county approved (the view the circle's board, search and tiles read).
MATCH_VACANCIES_AT_SITES = text(
    """
    SELECT v.vacancy_id, v.enterprise_id, e.name AS enterprise, v.site_id, v.title, v.occupation_code,
           o.name AS occupation, v.positions, v.wage_min, v.wage_max, v.full_time, v.min_age, v.max_age,
           v.required_certificates, v.area_code, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat, r.cost
    FROM unnest(CAST(:site_ids AS bigint[]), CAST(:costs AS float8[])) AS r(site_id, cost)
    JOIN vacancies v ON v.site_id = r.site_id
    JOIN public_enterprises e ON e.enterprise_id = v.enterprise_id
    JOIN enterprise_sites s ON s.site_id = v.site_id
    LEFT JOIN occupations o ON o.code = v.occupation_code
    WHERE v.status = 'open' AND (v.valid_until IS NULL OR v.valid_until >= current_date)
    ORDER BY r.cost, v.vacancy_id
    """
)

# Staff: available residents near a site, through the scoped connection (RLS keeps the caller's area).
STAFF_POOL = text(
    """
    SELECT r.resident_id, r.name, r.birth_date, r.status, r.occupation_code, r.expected_wage, r.certificates,
           r.training_codes, r.wish_to_return, r.village_code, r.area_code,
           ST_X(ST_Transform(r.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(r.geom, CAST(:srid AS integer))) AS y, r.id_cipher, r.phone_cipher
    FROM residents r, enterprise_sites s
    WHERE s.site_id = :site_id
      -- a WGS84 box (100 m wider: its edges are not exactly straight there) uses the index; the distance decides
      AND r.geom && ST_Transform(ST_Expand(ST_Transform(s.geom, CAST(:srid AS integer)), :radius + 100), 4326)
      AND ST_DWithin(ST_Transform(r.geom, CAST(:srid AS integer)), ST_Transform(s.geom, CAST(:srid AS integer)),
                     :radius)
      AND (r.status IN ('seeking', 'farming') OR (r.status = 'working_away' AND r.wish_to_return))
    """
)

# HR: the same pool through the security-definer function of migration 0009 (own enterprise's sites only).
HR_POOL = text("SELECT * FROM matching_hr_pool(:site_id, :radius, CAST(:srid AS integer))")

POOL_DETAILS = text(
    """
    SELECT r.code AS occupation_code, o.name AS occupation
    FROM unnest(CAST(:codes AS text[])) AS r(code) JOIN occupations o ON o.code = r.code
    """
)

VILLAGE_NAMES = text("SELECT code, name FROM admin_areas WHERE code = ANY(CAST(:codes AS text[]))")

RELATED_ALL = text(
    """
    SELECT t.code_a, a.name AS name_a, t.code_b, b.name AS name_b, t.weight, t.note, t.updated_by, t.updated_at
    FROM related_trades t
    LEFT JOIN occupations a ON a.code = t.code_a
    LEFT JOIN occupations b ON b.code = t.code_b
    ORDER BY t.code_a, t.code_b
    """
)

RELATED_WEIGHTS = text("SELECT code_a, code_b, weight FROM related_trades")

RELATED_UPSERT = text(
    """
    INSERT INTO related_trades (code_a, code_b, weight, note, updated_by, updated_at)
    VALUES (:code_a, :code_b, :weight, :note, :updated_by, now())
    ON CONFLICT (code_a, code_b) DO UPDATE SET
        weight = EXCLUDED.weight, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()
    RETURNING code_a, code_b, weight, note, updated_by, updated_at
    """
)

RELATED_DELETE = text(
    "DELETE FROM related_trades WHERE code_a = :code_a AND code_b = :code_b RETURNING code_a"
)
