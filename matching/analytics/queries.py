"""SQL of the circle analytics: residents and sites read in bulk, stored runs, live updates, snapshots."""

from __future__ import annotations

from psycopg import sql
from sqlalchemy import text

SITE_POSITIONS = text(
    """
    SELECT s.site_id,
           ST_X(ST_Transform(s.geom, CAST(:srid AS integer))) AS x,
           ST_Y(ST_Transform(s.geom, CAST(:srid AS integer))) AS y,
           s.area_code,
           CASE WHEN a.level = 'village' THEN a.parent_code ELSE a.code END AS township_code,
           coalesce(split_part(v.occupation_code, '-', 1) || '-' || split_part(v.occupation_code, '-', 2), '')
               AS occupation_group,
           coalesce(sum(v.positions), 0)::int AS positions
    FROM enterprise_sites s
    JOIN admin_areas a ON a.code = s.area_code
    LEFT JOIN vacancies v ON v.site_id = s.site_id AND v.status = 'open'
         AND (v.valid_until IS NULL OR v.valid_until >= current_date)
    WHERE CAST(:site_id AS bigint) IS NULL OR s.site_id = :site_id
    GROUP BY s.site_id, s.geom, s.area_code, township_code, occupation_group
    ORDER BY s.site_id
    """
)

AREA_PARENTS = text("SELECT code, level, parent_code FROM admin_areas WHERE level IN ('village', 'township')")

UPSERT_RUN = text(
    """
    INSERT INTO circle_runs (mode, metric, limit_value, decay, network_version, seconds)
    VALUES (:mode, :metric, :limit_value, :decay, :version, 0)
    ON CONFLICT (mode, metric, limit_value, decay)
    DO UPDATE SET network_version = EXCLUDED.network_version, computed_at = now()
    RETURNING run_id
    """
)

# the per-resident rows are replaced by swapping the run's partition (migration 0019), not deleted here
CLEAR_RUN = [
    text("DELETE FROM circle_site_stats WHERE run_id = :run_id"),
    text("DELETE FROM circle_area_stats WHERE run_id = :run_id"),
]

FINISH_RUN = text("UPDATE circle_runs SET seconds = :seconds WHERE run_id = :run_id")

RUNS_FOR_VERSION = text(
    "SELECT run_id, mode, metric, limit_value, decay FROM circle_runs WHERE network_version = :version ORDER BY run_id"
)

SITE_STATS = text(
    """
    SELECT positions, group_positions, weighted_demand, supply_ratio
    FROM circle_site_stats WHERE run_id = :run_id AND site_id = :site_id
    """
)

UPSERT_SITE_STATS = text(
    """
    INSERT INTO circle_site_stats (run_id, site_id, on_network, positions, group_positions, candidates,
                                   weighted_demand, supply_ratio)
    VALUES (:run_id, :site_id, :on_network, :positions, CAST(:group_positions AS jsonb), :candidates,
            :weighted_demand, :supply_ratio)
    ON CONFLICT (run_id, site_id) DO UPDATE SET
        on_network = EXCLUDED.on_network, positions = EXCLUDED.positions,
        group_positions = EXCLUDED.group_positions, candidates = EXCLUDED.candidates,
        weighted_demand = EXCLUDED.weighted_demand, supply_ratio = EXCLUDED.supply_ratio
    """
)

DELETE_SITE_STATS = text("DELETE FROM circle_site_stats WHERE run_id = :run_id AND site_id = :site_id")

ADD_RESIDENT_DELTAS = text(
    """
    UPDATE circle_resident_stats AS c
    SET positions_in_reach = c.positions_in_reach + d.dp,
        matching_positions = c.matching_positions + d.dm,
        access_index = c.access_index + d.da
    FROM unnest(CAST(:ids AS bigint[]), CAST(:dp AS integer[]), CAST(:dm AS integer[]), CAST(:da AS float8[]))
         AS d(resident_id, dp, dm, da)
    WHERE c.run_id = :run_id AND c.resident_id = d.resident_id
    """
)

ADD_AREA_DELTAS = text(
    """
    UPDATE circle_area_stats AS a
    SET positions = a.positions + d.dpos,
        positions_in_reach = a.positions_in_reach + CASE WHEN a.seekers > 0 THEN d.dreach / a.seekers ELSE 0 END,
        access_index = a.access_index + CASE WHEN a.seekers > 0 THEN d.dclaim / a.seekers ELSE 0 END,
        balance = a.balance + d.dclaim
    FROM unnest(CAST(:codes AS text[]), CAST(:dpos AS integer[]), CAST(:dreach AS float8[]),
                CAST(:dclaim AS float8[])) AS d(code, dpos, dreach, dclaim)
    WHERE a.run_id = :run_id AND a.area_code = d.code
    """
)

SITE_STATS_MANY = text(
    """
    SELECT site_id, positions, group_positions, supply_ratio FROM circle_site_stats
    WHERE run_id = :run_id AND site_id = ANY(CAST(:site_ids AS bigint[]))
    """
)

UPSERT_RESIDENT_STATS = text(
    """
    INSERT INTO circle_resident_stats (run_id, resident_id, on_network, positions_in_reach, matching_positions,
                                       access_index)
    VALUES (:run_id, :resident_id, :on_network, :positions_in_reach, :matching_positions, :access_index)
    ON CONFLICT (run_id, resident_id) DO UPDATE SET
        on_network = EXCLUDED.on_network, positions_in_reach = EXCLUDED.positions_in_reach,
        matching_positions = EXCLUDED.matching_positions, access_index = EXCLUDED.access_index
    """
)

DELETE_RESIDENT_STATS = text(
    "DELETE FROM circle_resident_stats WHERE run_id = :run_id AND resident_id = :resident_id"
)

REFRESH_AREA_PEOPLE = text(
    """
    WITH people AS (
        SELECT r.village_code, v.parent_code AS township_code,
               (r.status IN ('seeking', 'farming') OR (r.status = 'working_away' AND r.wish_to_return)) AS available,
               c.positions_in_reach, c.access_index
        FROM residents r
        JOIN admin_areas v ON v.code = r.village_code
        JOIN circle_resident_stats c ON c.resident_id = r.resident_id AND c.run_id = :run_id
        WHERE r.village_code = ANY(CAST(:codes AS text[])) OR v.parent_code = ANY(CAST(:codes AS text[]))
    ), per_area AS (
        SELECT code, count(*) AS residents, count(*) FILTER (WHERE available) AS seekers,
               coalesce(sum(positions_in_reach) FILTER (WHERE available), 0) AS reach,
               coalesce(sum(access_index) FILTER (WHERE available), 0) AS claim
        FROM people, LATERAL (VALUES (village_code), (township_code)) AS a(code)
        WHERE code = ANY(CAST(:codes AS text[]))
        GROUP BY code
    )
    UPDATE circle_area_stats AS s
    SET residents = coalesce(p.residents, 0), seekers = coalesce(p.seekers, 0),
        positions_in_reach = CASE WHEN p.seekers > 0 THEN CAST(p.reach AS float8) / p.seekers ELSE 0 END,
        access_index = CASE WHEN p.seekers > 0 THEN p.claim / p.seekers ELSE 0 END,
        balance = coalesce(p.claim, 0) - coalesce(p.seekers, 0)
    FROM (SELECT unnest(CAST(:codes AS text[])) AS code) AS wanted
    LEFT JOIN per_area p ON p.code = wanted.code
    WHERE s.run_id = :run_id AND s.area_code = wanted.code
    """
)

LATEST_CIRCLE_RUN = text(
    """
    SELECT run_id, mode, metric, limit_value, decay, computed_at
    FROM circle_runs
    WHERE mode = :mode AND metric = :metric AND abs(limit_value - :limit_value) < 1e-6
    ORDER BY computed_at DESC, run_id DESC
    LIMIT 1
    """
)

# One run's figures per area of a level, with the area's name and its parent's.
CIRCLE_AREA_STATS = text(
    """
    SELECT s.area_code AS code, a.name, a.parent_code, p.name AS parent_name,
           s.residents, s.seekers, s.positions, s.positions_in_reach, s.access_index, s.balance
    FROM circle_area_stats s
    JOIN admin_areas a ON a.code = s.area_code
    LEFT JOIN admin_areas p ON p.code = a.parent_code
    WHERE s.run_id = :run_id AND s.level = :level
    ORDER BY s.area_code
    """
)

# One row of arrays for a binary COPY (matching/analytics/inputs.py): homes in WGS84, availability, the
# village code as an integer and the index of the occupation code in the sorted occupation list (0 = none).
# Residents as packed binary rows (geo.core.copy_binary.copy_packed_rows), one range of heap pages at a time:
# {first} and {stop} are tid literals, so two connections sharing one snapshot can each read half the table.
RESIDENT_ROWS = sql.SQL(
    """
    SELECT string_agg(
        int8send(r.resident_id) || float8send(ST_X(r.geom)) || float8send(ST_Y(r.geom))
        || boolsend(coalesce(r.status IN ('seeking', 'farming')
                             OR (r.status = 'working_away' AND r.wish_to_return), false))
        || int8send(CAST(r.village_code AS bigint)) || int4send(CAST(coalesce(o.i, 0) AS integer)), '')
    FROM residents r
    LEFT JOIN (SELECT code, row_number() OVER (ORDER BY code) AS i FROM occupations) o
           ON o.code = r.occupation_code
    WHERE r.ctid >= CAST({first} AS tid) AND r.ctid < CAST({stop} AS tid)
    """
)

RESIDENT_ROW_KINDS = ["int8", "float8", "float8", "bool", "int8", "int4"]

RESIDENT_PAGES = text("SELECT pg_relation_size('residents') / current_setting('block_size')::bigint")

OCCUPATION_CODES = text("SELECT code FROM occupations ORDER BY code")

EXPORT_SNAPSHOT = text("SELECT pg_export_snapshot()")

IMPORT_SNAPSHOT = sql.SQL("SET TRANSACTION SNAPSHOT {}")

AREA_PARENT_CODES = text("SELECT code, parent_code FROM admin_areas")

# A run's per-resident rows: COPY into a fresh unlogged table, index it, then swap it in for the run's partition.
# {fresh} and {part} are identifiers built from the run id (an integer from circle_runs), {run_id} a literal.
RESIDENT_PARTITION_FRESH = sql.SQL(
    "CREATE UNLOGGED TABLE {fresh} (LIKE circle_resident_stats INCLUDING DEFAULTS); "
    "ALTER TABLE {fresh} ADD CHECK (run_id = {run_id})"
)

RESIDENT_PARTITION_SWAP = sql.SQL(
    "DROP TABLE IF EXISTS {part}; "
    "ALTER TABLE {fresh} ADD CONSTRAINT {part_key} PRIMARY KEY (run_id, resident_id); "
    "ALTER TABLE {fresh} RENAME TO {part}; "
    "ALTER TABLE circle_resident_stats ATTACH PARTITION {part} FOR VALUES IN ({run_id})"
)

CLEAR_SNAPSHOT = text(
    """
    DELETE FROM circle_snapshots
    WHERE snapshot_date = :day AND mode = :mode AND metric = :metric AND abs(limit_value - :limit_value) < 1e-6
    """
)

SNAPSHOT_DATES = text(
    """
    SELECT DISTINCT snapshot_date FROM circle_snapshots
    WHERE mode = :mode AND metric = :metric AND abs(limit_value - :limit_value) < 1e-6
    ORDER BY snapshot_date
    """
)

SNAPSHOT_GROUPS = text(
    """
    SELECT s."group", coalesce(o.name, '') AS name, sum(s.positions) AS positions
    FROM circle_snapshots s LEFT JOIN occupations o ON o.code = s."group"
    WHERE s.snapshot_date = :day AND s.mode = :mode AND s.metric = :metric
      AND abs(s.limit_value - :limit_value) < 1e-6 AND s.level = 'township'
    GROUP BY s."group", o.name ORDER BY s."group" <> 'all', s."group"
    """
)

SNAPSHOT_AREAS = text(
    """
    SELECT s.area_code AS code, a.name, a.parent_code, s.seekers, s.positions, s.balance, s.access_2sfca,
           s.access_e2sfca, s.spatial_availability
    FROM circle_snapshots s JOIN admin_areas a ON a.code = s.area_code
    WHERE s.snapshot_date = :day AND s.mode = :mode AND s.metric = :metric
      AND abs(s.limit_value - :limit_value) < 1e-6 AND s.level = :level AND s."group" = :group
    ORDER BY s.area_code
    """
)

SNAPSHOT_TREND = text(
    """
    SELECT s.snapshot_date, s.seekers, s.positions, s.balance, s.access_2sfca, s.access_e2sfca,
           s.spatial_availability
    FROM circle_snapshots s
    WHERE s.area_code = :area AND s."group" = :group AND s.mode = :mode AND s.metric = :metric
      AND abs(s.limit_value - :limit_value) < 1e-6
    ORDER BY s.snapshot_date
    """
)

AREA_NAME = text("SELECT name, level FROM admin_areas WHERE code = :code")

# --- the township report (web_map/report.py) ---------------------------------------------------------------
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
