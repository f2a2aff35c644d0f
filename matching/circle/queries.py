"""SQL of the circle service: the loaded network and sites, the open-positions board, data versions."""

from __future__ import annotations

from sqlalchemy import text

SITES_SINCE = text(
    """
    SELECT site_id,
           ST_X(ST_Transform(geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(geom, CAST(:srid AS integer))) AS y
    FROM enterprise_sites WHERE site_id > :after ORDER BY site_id
    """
)

# one round trip per circle request: is the network still the loaded one, has any site been added since?
NETWORK_AND_LAST_SITE = text(
    """
    SELECT (SELECT version FROM road_network_info WHERE network_id = 1) AS version,
           (SELECT max(site_id) FROM enterprise_sites) AS last_site
    """
)

COUNTY_EXTENT = text(
    """
    SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (
        SELECT coalesce(
            (SELECT ST_Extent(geom)::geometry FROM admin_areas WHERE level = 'county'),
            (SELECT ST_Extent(geom)::geometry FROM road_nodes)
        ) AS e
    ) s
    """
)

ENTERPRISE_SITES = text(
    """
    SELECT s.site_id,
           ST_X(ST_Transform(s.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(s.geom, CAST(:srid AS integer))) AS y,
           e.name
    FROM enterprises e JOIN enterprise_sites s ON s.enterprise_id = e.enterprise_id
    WHERE e.enterprise_id = :enterprise_id ORDER BY s.site_id
    """
)

ENTERPRISE_EXISTS = text("SELECT name FROM enterprises WHERE enterprise_id = :enterprise_id")

PUBLIC_ENTERPRISE = text("SELECT name FROM public_enterprises WHERE enterprise_id = :enterprise_id")

RESIDENT_PROFILES = text(
    """
    SELECT r.resident_id, r.name, r.sex, date_part('year', age(r.birth_date))::int AS age, r.status,
           r.occupation_code, o.name AS occupation, r.village_code, a.name AS village,
           ST_X(coalesce(a.seat, ST_PointOnSurface(a.geom))) AS village_lon,
           ST_Y(coalesce(a.seat, ST_PointOnSurface(a.geom))) AS village_lat
    FROM residents r
    LEFT JOIN occupations o ON o.code = r.occupation_code
    JOIN admin_areas a ON a.code = r.village_code
    WHERE r.resident_id = ANY(:ids)
    """
)

# run on the caller's scoped transaction: row-level security keeps only the residents it may read
VISIBLE_RESIDENTS = text("SELECT resident_id FROM residents WHERE resident_id = ANY(:ids)")

ALL_RESIDENTS = text(
    """
    SELECT r.resident_id,
           ST_X(ST_Transform(r.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(r.geom, CAST(:srid AS integer))) AS y,
           (r.status IN ('seeking', 'farming') OR (r.status = 'working_away' AND r.wish_to_return)) AS available,
           coalesce(split_part(r.occupation_code, '-', 1) || '-' || split_part(r.occupation_code, '-', 2), '')
               AS occupation_group,
           r.village_code, v.parent_code AS township_code
    FROM residents r JOIN admin_areas v ON v.code = r.village_code
    WHERE CAST(:resident_id AS bigint) IS NULL OR r.resident_id = :resident_id
    ORDER BY r.resident_id
    """
)

# --- cache validity (migration 0017: data_changes, one row per writing transaction and table) -----------------
# The snapshot an aggregate is read under; a transaction that has written itself must not cache what it reads.
SNAPSHOT_STAMP = text(
    "SELECT pg_current_snapshot()::text, current_date, pg_current_xact_id_if_assigned() IS NOT NULL"
)

# Has a transaction the cached snapshot did not see committed a change since? (primary key range scan)
CHANGED_SINCE = text(
    """
    SELECT EXISTS (
        SELECT 1 FROM data_changes
        WHERE txid >= pg_snapshot_xmin(CAST(:snap AS pg_snapshot))
          AND NOT pg_visible_in_snapshot(txid, CAST(:snap AS pg_snapshot))
    ), current_date, pg_current_xact_id_if_assigned() IS NOT NULL
    """
)

DATABASE_IDENTITY = text(
    "SELECT (SELECT system_identifier FROM pg_control_system())::text || '-' "
    "|| (SELECT oid FROM pg_database WHERE datname = current_database())::text"
)

# one round trip per circle request: the network version, the last site, today's date and whether any job
# row changed since the board's snapshot; the statement's own snapshot comes back to advance the board to
CHECK = text(
    """
    SELECT (SELECT version FROM road_network_info WHERE network_id = 1) AS version,
           (SELECT max(site_id) FROM enterprise_sites) AS last_site,
           current_date - DATE '1970-01-01' AS today,
           CAST(pg_current_snapshot() AS text) AS snap,
           EXISTS (
               SELECT 1 FROM row_changes c
               WHERE c.txid >= pg_snapshot_xmin(CAST(:snap AS pg_snapshot))
                 AND NOT pg_visible_in_snapshot(c.txid, CAST(:snap AS pg_snapshot))
           ) AS changed
    """
)

# in one statement, so under one snapshot (returned as `snap`): what changed since :snap, and the current rows
# of every open position it touches (all of them with :all, e.g. the first time). Every row repeats the
# summary; a row with no position (vacancy_id NULL) when none is open. With `everything` set (a bulk change,
# a TRUNCATE, occupations renamed) no rows come back: the caller asks again with :all.
BOARD = text(
    """
    WITH changed AS (
        SELECT table_name, row_id FROM row_changes
        WHERE NOT CAST(:all AS boolean)
          AND txid >= pg_snapshot_xmin(CAST(:snap AS pg_snapshot))
          AND NOT pg_visible_in_snapshot(txid, CAST(:snap AS pg_snapshot))
    ), summary AS (
        SELECT coalesce(bool_or(row_id IS NULL), false) AS everything,
               coalesce(bool_or(row_id IS NULL AND table_name = 'enterprise_sites'), false) AS all_sites,
               coalesce(array_agg(DISTINCT row_id) FILTER (WHERE table_name = 'vacancies'
                                                            AND row_id IS NOT NULL), '{}') AS vacancies,
               coalesce(array_agg(DISTINCT row_id) FILTER (WHERE table_name = 'enterprises'
                                                            AND row_id IS NOT NULL), '{}') AS enterprises,
               coalesce(array_agg(DISTINCT row_id) FILTER (WHERE table_name = 'enterprise_sites'
                                                            AND row_id IS NOT NULL), '{}') AS sites
        FROM changed
    )
    SELECT c.everything, c.all_sites, c.vacancies, c.enterprises, c.sites,
           CAST(pg_current_snapshot() AS text) AS snap, b.*
    FROM summary c
    LEFT JOIN LATERAL (
        SELECT v.vacancy_id, v.site_id, v.enterprise_id, e.name AS enterprise, v.title, v.occupation_code,
               o.name AS occupation, v.positions, v.wage_min, v.wage_max, v.full_time,
               coalesce(v.wage_max, v.wage_min) AS wage, v.valid_until - DATE '1970-01-01' AS valid_until,
               ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
        FROM vacancies v
        JOIN public_enterprises e ON e.enterprise_id = v.enterprise_id
        JOIN enterprise_sites s ON s.site_id = v.site_id
        LEFT JOIN occupations o ON o.code = v.occupation_code
        WHERE v.status = 'open'  -- expired ones too: the date is checked per query
          AND (CAST(:all AS boolean)
               OR NOT c.everything
                  AND (v.vacancy_id = ANY(c.vacancies) OR v.enterprise_id = ANY(c.enterprises)
                       OR v.site_id = ANY(c.sites)))
    ) b ON true
    """
)
