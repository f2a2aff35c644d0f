"""SQL of the labour plans: rebalancing between areas (用工余缺调剂) and shared employment (共享用工)."""

from __future__ import annotations

from sqlalchemy import text

# 共享用工: offers and needs through the caller's scoped connection (RLS by area, HR: own enterprise).
SITE_FOR_CALLER = text(
    "SELECT site_id, enterprise_id, area_code FROM enterprise_sites WHERE site_id = :site_id"
)

INSERT_OFFER = text(
    """
    INSERT INTO shared_labour_offers (enterprise_id, site_id, occupation_code, workers, date_from, date_to, note,
                                      area_code)
    VALUES (:enterprise_id, :site_id, :occupation_code, :workers, :date_from, :date_to, :note, :area_code)
    RETURNING offer_id AS id, created_at
    """
)

INSERT_NEED = text(
    """
    INSERT INTO shared_labour_needs (enterprise_id, site_id, occupation_code, workers, date_from, date_to, note,
                                     area_code)
    VALUES (:enterprise_id, :site_id, :occupation_code, :workers, :date_from, :date_to, :note, :area_code)
    RETURNING need_id AS id, created_at
    """
)

# identifiers only from the two literal table names below; every value is bound
_SHARED_ROWS = """
    SELECT t.{id} AS id, t.enterprise_id, e.name AS enterprise, t.site_id, t.occupation_code, o.name AS occupation,
           t.workers, t.date_from, t.date_to, t.area_code,
           ST_X(ST_Transform(s.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(s.geom, CAST(:srid AS integer))) AS y
    FROM {table} t
    JOIN enterprise_sites s ON s.site_id = t.site_id
    LEFT JOIN enterprises e ON e.enterprise_id = t.enterprise_id
    LEFT JOIN occupations o ON o.code = t.occupation_code
    WHERE CASE WHEN CAST(:day AS date) IS NULL THEN t.date_to >= CAST(:today AS date)
               ELSE CAST(:day AS date) BETWEEN t.date_from AND t.date_to END
    ORDER BY t.{id}
"""

OFFERS_FOR_PLAN = text(_SHARED_ROWS.format(id="offer_id", table="shared_labour_offers"))

NEEDS_FOR_PLAN = text(_SHARED_ROWS.format(id="need_id", table="shared_labour_needs"))

# The area of a village-level code at a level: the village itself, or its township; any other code (a
# township-level unit recorded directly) stays itself at both levels.
_AREA_AT_LEVEL = """coalesce(CASE WHEN CAST(:level AS text) = 'township' AND a.level = 'village'
                         THEN a.parent_code END, {code})"""

# Residents per area of the level and medium occupation group of the *available* ones (NULL group: everybody
# else), with coordinate sums for the population-weighted centre, from the trigger-kept counts (migration 0018).
AREA_PEOPLE = text(
    f"""
    SELECT {_AREA_AT_LEVEL.format(code="c.village_code")} AS area, nullif(c.grp, '') AS grp,
           sum(c.people)::bigint AS people, (sum(c.sum_lon_e7) / 1e7)::float8 AS sum_lon,
           (sum(c.sum_lat_e7) / 1e7)::float8 AS sum_lat
    FROM resident_group_counts c LEFT JOIN admin_areas a ON a.code = c.village_code
    GROUP BY 1, 2
    """  # noqa: S608 (a constant)
)

# Open, unexpired positions per area of the level (the site's area) and medium occupation group.
AREA_POSITIONS = text(
    f"""
    SELECT {_AREA_AT_LEVEL.format(code="j.code")} AS area, j.grp, sum(j.positions)::bigint AS positions
    FROM (
        SELECT s.area_code AS code,
               split_part(v.occupation_code, '-', 1) || '-' || split_part(v.occupation_code, '-', 2) AS grp,
               sum(v.positions) AS positions
        FROM vacancies v JOIN enterprise_sites s ON s.site_id = v.site_id
        WHERE v.status = 'open' AND (v.valid_until IS NULL OR v.valid_until >= current_date)
        GROUP BY 1, 2
    ) j LEFT JOIN admin_areas a ON a.code = j.code
    GROUP BY 1, 2
    """  # noqa: S608 (a constant)
)

# Townships and villages: names, parents, and a fallback centre (seat, else a point inside the polygon).
AREAS = text(
    """
    SELECT code, name, level, parent_code,
           ST_X(coalesce(seat, ST_PointOnSurface(geom))) AS lon,
           ST_Y(coalesce(seat, ST_PointOnSurface(geom))) AS lat
    FROM admin_areas WHERE level IN ('township', 'village')
    ORDER BY code
    """
)

MEDIUM_GROUPS = text("SELECT code, name FROM occupations WHERE level = 'medium' ORDER BY code")

# --- the planted welder scenario (tests and demos only) -------------------------------------------------------
BIGGEST_VILLAGE = text(
    """
    SELECT v.code, ST_X(v.seat) AS lon, ST_Y(v.seat) AS lat
    FROM admin_areas v LEFT JOIN residents r ON r.village_code = v.code
    WHERE v.parent_code = :township AND v.seat IS NOT NULL
    GROUP BY v.code ORDER BY count(r.resident_id) DESC, v.code LIMIT 1
    """
)

PLANT_RESIDENTS = text(
    """
    INSERT INTO residents (id_hash, id_cipher, name, sex, birth_date, village_code, area_code, status,
                           occupation_code, geom)
    SELECT decode(md5(:tag || '-' || g), 'hex'), decode(md5(:tag || '-' || g), 'hex'), '焊工' || g, 'M',
           DATE '1990-01-01', :village, :village, 'seeking', :occupation,
           ST_SetSRID(ST_MakePoint(:lon + 0.002 * cos(g), :lat + 0.002 * sin(g)), 4326)
    FROM generate_series(1, CAST(:n AS integer)) AS g
    """
)

ZONE_SEAT = text("SELECT ST_X(seat), ST_Y(seat) FROM admin_areas WHERE code = :zone AND seat IS NOT NULL")

PLANT_ENTERPRISE = text(
    "INSERT INTO enterprises (name, industry, area_code) VALUES (:name, '装备制造', :zone) RETURNING enterprise_id"
)

PLANT_SITE = text(
    """
    INSERT INTO enterprise_sites (enterprise_id, name, area_code, geom)
    VALUES (:enterprise_id, :name, :zone, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) RETURNING site_id
    """
)

PLANT_VACANCY = text(
    """
    INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, status, area_code)
    VALUES (:enterprise_id, :site_id, '焊工', :occupation, :positions, 'open', :zone)
    """
)
