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

SNAPSHOT = text("SELECT CAST(pg_current_snapshot() AS text), current_date - DATE '1970-01-01'")

# the rows the board needs to bring itself from snapshot :snap to this transaction's (REPEATABLE READ)
CHANGES_SINCE = text(
    """
    SELECT coalesce(bool_or(row_id IS NULL), false) AS everything,
           coalesce(bool_or(row_id IS NULL AND table_name = 'enterprise_sites'), false) AS all_sites,
           array_agg(DISTINCT row_id) FILTER (WHERE table_name = 'vacancies') AS vacancies,
           array_agg(DISTINCT row_id) FILTER (WHERE table_name = 'enterprises') AS enterprises,
           array_agg(DISTINCT row_id) FILTER (WHERE table_name = 'enterprise_sites') AS sites
    FROM row_changes
    WHERE txid >= pg_snapshot_xmin(CAST(:snap AS pg_snapshot))
      AND NOT pg_visible_in_snapshot(txid, CAST(:snap AS pg_snapshot))
    """
)

_BOARD_ROWS = """
    SELECT v.vacancy_id, v.site_id, v.enterprise_id, e.name AS enterprise, v.title, v.occupation_code,
           o.name AS occupation, v.positions, v.wage_min, v.wage_max, v.full_time,
           v.valid_until - DATE '1970-01-01' AS valid_until, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
    FROM vacancies v
    JOIN public_enterprises e ON e.enterprise_id = v.enterprise_id
    JOIN enterprise_sites s ON s.site_id = v.site_id
    LEFT JOIN occupations o ON o.code = v.occupation_code
    WHERE v.status = 'open'
"""

# every open position of a public enterprise (expired ones too: the date is checked per query)
BOARD_ROWS = text(_BOARD_ROWS)

BOARD_ROWS_OF = text(
    _BOARD_ROWS
    + """
      AND (v.vacancy_id = ANY(CAST(:vacancies AS bigint[]))
           OR v.enterprise_id = ANY(CAST(:enterprises AS bigint[]))
           OR v.site_id = ANY(CAST(:sites AS bigint[])))
    """
)
