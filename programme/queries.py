"""SQL of the programme package, parameters bound. Under the app role every statement passes the RLS policies."""

from __future__ import annotations

from sqlalchemy import text

# --- venues and fairs -----------------------------------------------------------------------------------
AREA_AT = text(
    """
    SELECT code FROM admin_areas
    WHERE level IN ('village', 'township') AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
    ORDER BY level = 'village' DESC LIMIT 1
    """
)
INSERT_VENUE = text(
    """
    INSERT INTO fair_venues (name, address, capacity, area_code, geom)
    VALUES (:name, :address, :capacity, :area_code, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
    ON CONFLICT (name) DO NOTHING
    RETURNING venue_id
    """
)
VENUE_COLUMNS = """
    v.venue_id, v.name, v.address, v.capacity, v.area_code, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat,
    coalesce(t.name, '') AS township
"""
LIST_VENUES = text(
    f"""
    SELECT {VENUE_COLUMNS} FROM fair_venues v
    LEFT JOIN admin_areas t ON t.code = left(v.area_code, 9) || '000'
    ORDER BY v.venue_id
    """  # noqa: S608 (constant column list)
)
VENUE_BY_ID = text(
    f"""
    SELECT {VENUE_COLUMNS} FROM fair_venues v
    LEFT JOIN admin_areas t ON t.code = left(v.area_code, 9) || '000'
    WHERE v.venue_id = :id
    """  # noqa: S608 (constant column list)
)
VENUE_BY_NAME = text("SELECT venue_id FROM fair_venues WHERE name = :name")
INSERT_FAIR = text(
    """
    INSERT INTO fairs (fair_date, kind, theme, title, venue_id, area_code, status)
    VALUES (:fair_date, :kind, :theme, :title, :venue_id, :area_code, :status)
    ON CONFLICT (venue_id, fair_date, kind) DO NOTHING
    RETURNING fair_id
    """
)
FAIR_COLUMNS = """
    f.fair_id, f.fair_date, f.kind, f.theme, f.title, f.status, f.area_code, f.venue_id,
    v.name AS venue, ST_X(v.geom) AS lon, ST_Y(v.geom) AS lat,
    (SELECT count(*) FROM fair_booths b WHERE b.fair_id = f.fair_id) AS booths,
    (SELECT count(*) FROM fair_seekers s WHERE s.fair_id = f.fair_id) AS seekers,
    (SELECT count(*) FROM fair_outcomes o WHERE o.fair_id = f.fair_id AND o.kind = 'intention') AS intentions,
    (SELECT count(*) FROM fair_outcomes o WHERE o.fair_id = f.fair_id AND o.kind = 'hire') AS hires
"""
LIST_FAIRS = text(
    f"""
    SELECT {FAIR_COLUMNS} FROM fairs f JOIN fair_venues v ON v.venue_id = f.venue_id
    WHERE f.fair_date BETWEEN :start AND :end
    ORDER BY f.fair_date, f.kind, f.fair_id
    """  # noqa: S608 (constant column list)
)
FAIR_BY_ID = text(
    f"""
    SELECT {FAIR_COLUMNS} FROM fairs f JOIN fair_venues v ON v.venue_id = f.venue_id WHERE f.fair_id = :id
    """  # noqa: S608 (constant column list)
)
MARK_HELD = text("UPDATE fairs SET status = 'held' WHERE fair_id = :id AND status = 'planned'")
SET_FAIR_STATUS = text("UPDATE fairs SET status = :status WHERE fair_id = :id RETURNING fair_id")

# --- booths and positions --------------------------------------------------------------------------------
ENTERPRISE = text("SELECT enterprise_id, name FROM enterprises WHERE enterprise_id = :id")
BOOTH_OF = text(
    "SELECT booth_id FROM fair_booths WHERE fair_id = :fair_id AND enterprise_id = :enterprise_id"
)
INSERT_BOOTH = text(
    """
    INSERT INTO fair_booths (fair_id, enterprise_id, enterprise_name, booth_no, area_code)
    VALUES (:fair_id, :enterprise_id, :enterprise_name, :booth_no, :area_code)
    RETURNING booth_id
    """
)
VACANCIES_OF = text(
    """
    SELECT vacancy_id, title FROM vacancies
    WHERE enterprise_id = :enterprise_id AND vacancy_id = ANY(:ids) AND status <> 'closed'
    """
)
INSERT_POSITION = text(
    """
    INSERT INTO fair_booth_positions (booth_id, vacancy_id, enterprise_id, title, area_code)
    VALUES (:booth_id, :vacancy_id, :enterprise_id, :title, :area_code)
    ON CONFLICT DO NOTHING
    """
)
LIST_BOOTHS = text(
    """
    SELECT b.booth_id, b.enterprise_id, b.enterprise_name, b.booth_no,
           coalesce((SELECT array_agg(p.title ORDER BY p.vacancy_id) FROM fair_booth_positions p
                     WHERE p.booth_id = b.booth_id), '{}') AS positions,
           (SELECT count(*) FROM fair_outcomes o WHERE o.booth_id = b.booth_id AND o.kind = 'intention')
               AS intentions,
           (SELECT count(*) FROM fair_outcomes o WHERE o.booth_id = b.booth_id AND o.kind = 'hire') AS hires
    FROM fair_booths b WHERE b.fair_id = :fair_id ORDER BY b.booth_no, b.booth_id
    """
)
BOOTH = text("SELECT booth_id, fair_id, enterprise_id FROM fair_booths WHERE booth_id = :id")

# --- seekers and outcomes --------------------------------------------------------------------------------
INSERT_SEEKER = text(
    """
    INSERT INTO fair_seekers (fair_id, resident_id, name, phone_hash, phone_cipher, area_code, registered_by)
    VALUES (:fair_id, :resident_id, :name, :phone_hash, :phone_cipher, :area_code, :registered_by)
    ON CONFLICT (fair_id, phone_hash) DO NOTHING
    RETURNING registration_id
    """
)
LIST_SEEKERS = text(
    """
    SELECT s.registration_id, s.name, s.phone_cipher, s.resident_id, s.registered_at,
           EXISTS (SELECT 1 FROM fair_outcomes o WHERE o.registration_id = s.registration_id
                   AND o.kind = 'intention') AS intention,
           EXISTS (SELECT 1 FROM fair_outcomes o WHERE o.registration_id = s.registration_id
                   AND o.kind = 'hire') AS hired
    FROM fair_seekers s WHERE s.fair_id = :fair_id ORDER BY s.registration_id DESC
    """
)
SEEKER = text("SELECT registration_id, fair_id FROM fair_seekers WHERE registration_id = :id")
INSERT_OUTCOME = text(
    """
    INSERT INTO fair_outcomes (fair_id, booth_id, registration_id, enterprise_id, kind, area_code, recorded_by)
    VALUES (:fair_id, :booth_id, :registration_id, :enterprise_id, :kind, :area_code, :recorded_by)
    ON CONFLICT (booth_id, registration_id, kind) DO NOTHING
    RETURNING outcome_id
    """
)

# --- targets and the dashboard ---------------------------------------------------------------------------
UPSERT_TARGETS = text(
    """
    INSERT INTO programme_targets (year, area_code, new_jobs, fairs, intentions)
    VALUES (:year, :area_code, :new_jobs, :fairs, :intentions)
    ON CONFLICT (year, area_code) DO UPDATE SET new_jobs = EXCLUDED.new_jobs, fairs = EXCLUDED.fairs,
        intentions = EXCLUDED.intentions, updated_at = now()
    RETURNING year
    """
)
TARGETS_FOR = text(
    """
    SELECT year, area_code, new_jobs, fairs, intentions FROM programme_targets
    WHERE year = :year AND area_code IN (:own, :county)
    ORDER BY area_code = :own DESC LIMIT 1
    """
)
MONTHLY = text(
    """
    SELECT extract(month FROM f.fair_date)::int AS month,
           count(*) FILTER (WHERE f.fair_date <= :on) AS fairs,
           count(*) FILTER (WHERE f.fair_date > :on AND f.status = 'planned') AS scheduled,
           coalesce(sum(o.intentions) FILTER (WHERE f.fair_date <= :on), 0)::int AS intentions,
           coalesce(sum(o.hires) FILTER (WHERE f.fair_date <= :on), 0)::int AS new_jobs
    FROM fairs f
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE kind = 'intention') AS intentions,
               count(*) FILTER (WHERE kind = 'hire') AS hires
        FROM fair_outcomes WHERE fair_id = f.fair_id) o ON true
    WHERE f.status <> 'cancelled' AND f.fair_date BETWEEN make_date(:year, 1, 1) AND make_date(:year, 12, 31)
    GROUP BY 1 ORDER BY 1
    """
)
BY_TOWNSHIP = text(
    """
    SELECT left(f.area_code, 9) || '000' AS code, coalesce(t.name, left(f.area_code, 9) || '000') AS name,
           count(*) AS fairs,
           coalesce(sum(o.intentions), 0)::int AS intentions, coalesce(sum(o.hires), 0)::int AS new_jobs
    FROM fairs f
    LEFT JOIN admin_areas t ON t.code = left(f.area_code, 9) || '000'
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE kind = 'intention') AS intentions,
               count(*) FILTER (WHERE kind = 'hire') AS hires
        FROM fair_outcomes WHERE fair_id = f.fair_id) o ON true
    WHERE f.status <> 'cancelled' AND f.fair_date BETWEEN make_date(:year, 1, 1) AND :on
    GROUP BY 1, 2 ORDER BY new_jobs DESC, code
    """
)

# --- tasks -----------------------------------------------------------------------------------------------
INSERT_TASK = text(
    """
    INSERT INTO programme_tasks (seq, title, content, lead_unit, partner_units, deadline, deadline_text, status,
                                 area_code)
    VALUES (:seq, :title, :content, :lead_unit, :partner_units, :deadline, :deadline_text, :status, :area_code)
    ON CONFLICT (seq) DO NOTHING
    RETURNING task_id
    """
)
NEXT_SEQ = text("SELECT coalesce(max(seq), 0) + 1 FROM programme_tasks")
TASK_SEQ_TAKEN = text("SELECT task_id FROM programme_tasks WHERE seq = :seq")
LIST_TASKS = text(
    """
    SELECT t.task_id, t.seq, t.title, t.content, t.lead_unit, t.partner_units, t.deadline, t.deadline_text,
           t.status, t.area_code, t.updated_at,
           coalesce((SELECT json_agg(json_build_object('at', n.at, 'author', n.author, 'note', n.note)
                                     ORDER BY n.at DESC, n.note_id DESC)
                     FROM programme_task_notes n WHERE n.task_id = t.task_id), '[]'::json) AS notes
    FROM programme_tasks t ORDER BY t.seq
    """
)
TASK = text("SELECT task_id, area_code FROM programme_tasks WHERE task_id = :id")
UPDATE_TASK = text(
    """
    UPDATE programme_tasks SET status = coalesce(:status, status), deadline = coalesce(:deadline, deadline),
        updated_at = now()
    WHERE task_id = :id
    RETURNING task_id
    """
)
INSERT_NOTE = text(
    """
    INSERT INTO programme_task_notes (task_id, area_code, account_id, author, note, at)
    VALUES (:task_id, :area_code, :account_id, :author, :note, coalesce(:at, now()))
    """
)

# --- new jobs reported from other channels ---------------------------------------------------------------
UPSERT_JOB_REPORT = text(
    """
    INSERT INTO programme_job_reports (area_code, month, new_jobs, reported_by)
    VALUES (:area_code, :month, :new_jobs, :reported_by)
    ON CONFLICT (area_code, month) DO UPDATE SET new_jobs = EXCLUDED.new_jobs,
        reported_by = EXCLUDED.reported_by, updated_at = now()
    """
)
AREA_NAME = text("SELECT name FROM admin_areas WHERE code = :code")
TOWNSHIP_AREA = text("SELECT name FROM admin_areas WHERE code = :code AND level = 'township'")
REPORTED_MONTHLY = text(
    """
    SELECT extract(month FROM month)::int AS month, sum(new_jobs)::int AS new_jobs
    FROM programme_job_reports
    WHERE month BETWEEN make_date(:year, 1, 1) AND :on
    GROUP BY 1
    """
)
REPORTED_BY_TOWNSHIP = text(
    """
    SELECT left(r.area_code, 9) || '000' AS code, coalesce(t.name, left(r.area_code, 9) || '000') AS name,
           sum(r.new_jobs)::int AS new_jobs
    FROM programme_job_reports r LEFT JOIN admin_areas t ON t.code = left(r.area_code, 9) || '000'
    WHERE r.month BETWEEN make_date(:year, 1, 1) AND :on
    GROUP BY 1, 2
    """
)

RESET_PROGRAMME = text(
    """
    TRUNCATE fair_outcomes, fair_seekers, fair_booth_positions, fair_booths, fairs, fair_venues,
             programme_job_reports, programme_targets, programme_task_notes, programme_tasks RESTART IDENTITY
    """
)
