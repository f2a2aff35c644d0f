"""SQL of the in-memory vacancy board (matching/vacancy_board.py), parameters bound."""

from __future__ import annotations

from sqlalchemy import text

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
