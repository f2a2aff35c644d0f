"""SQL of the records package, parameters bound. Run under the caller's scope: RLS decides what is visible."""

from __future__ import annotations

from sqlalchemy import text

AREA = text(
    """
    SELECT code, name, level, parent_code FROM admin_areas WHERE code = :code
    """
)
POINT_IN_AREA = text(
    "SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) FROM admin_areas WHERE code = :code"
)
AREA_SEAT = text(
    """
    SELECT ST_X(p), ST_Y(p) FROM (
        SELECT coalesce(seat, ST_PointOnSurface(geom)) AS p FROM admin_areas WHERE code = :code
    ) s
    """
)
OCCUPATION_EXISTS = text("SELECT 1 FROM occupations WHERE code = :code")

# --- residents -------------------------------------------------------------------------------------------

RESIDENT_COLUMNS = """
    resident_id, name, sex, birth_date, village_code, area_code, education, status, occupation_code,
    work_city, wish_to_return, income_band, household_address, skills, training_wishes, return_date,
    employer, work_place, location_source, record_status, id_cipher, phone_cipher,
    ST_X(geom) AS lon, ST_Y(geom) AS lat, updated_at
"""
RESIDENT = text(f"SELECT {RESIDENT_COLUMNS} FROM residents WHERE resident_id = :id")  # noqa: S608 (constant)
RESIDENT_FOR_UPDATE = text(
    f"SELECT {RESIDENT_COLUMNS}, id_hash FROM residents WHERE resident_id = :id FOR UPDATE"  # noqa: S608
)
RESIDENT_BY_HASH = text(
    "SELECT resident_id, name, village_code, id_cipher FROM residents WHERE id_hash = :id_hash"
)
INSERT_RESIDENT = text(
    """
    INSERT INTO residents (id_hash, id_cipher, phone_cipher, name, sex, birth_date, village_code, area_code,
                           education, status, occupation_code, work_city, wish_to_return, income_band,
                           household_address, skills, training_wishes, return_date, employer, work_place,
                           location_source, record_status, created_by, geom)
    VALUES (:id_hash, :id_cipher, :phone_cipher, :name, :sex, :birth_date, :village_code, :village_code,
            :education, :status, :occupation_code, :work_city, :wish_to_return, :income_band,
            :household_address, :skills, :training_wishes, :return_date, :employer, :work_place,
            :location_source, 'draft', :account_id, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
    RETURNING resident_id
    """
)
UPDATE_RESIDENT = text(
    """
    UPDATE residents SET
        id_hash = :id_hash, id_cipher = :id_cipher, phone_cipher = :phone_cipher, name = :name, sex = :sex,
        birth_date = :birth_date, village_code = :village_code, area_code = :village_code,
        education = :education, status = :status, occupation_code = :occupation_code, work_city = :work_city,
        wish_to_return = :wish_to_return, income_band = :income_band, household_address = :household_address,
        skills = :skills, training_wishes = :training_wishes, return_date = :return_date,
        employer = :employer, work_place = :work_place, location_source = :location_source,
        record_status = :record_status, geom = ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), updated_at = now()
    WHERE resident_id = :resident_id
    """
)

# --- enterprises and vacancies ---------------------------------------------------------------------------

ENTERPRISE_FOR_UPDATE = text(
    """
    SELECT enterprise_id, credit_code, name, industry, kind, employees, area_code, record_status,
           contact_name, contact_phone_cipher, first_approved_at
    FROM enterprises WHERE enterprise_id = :id FOR UPDATE
    """
)
INSERT_ENTERPRISE = text(
    """
    INSERT INTO enterprises (credit_code, name, industry, kind, employees, contact_name, contact_phone_cipher,
                             area_code, record_status, created_by)
    VALUES (:credit_code, :name, :industry, :kind, :employees, :contact_name, :contact_phone_cipher,
            :area_code, 'draft', :account_id)
    RETURNING enterprise_id
    """
)
INSERT_SITE = text(
    """
    INSERT INTO enterprise_sites (enterprise_id, name, area_code, geom)
    VALUES (:enterprise_id, :name, :area_code, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
    RETURNING site_id
    """
)
# Leaving 'approved' keeps what the public sees (right-hand sides read the row as it was before the update).
UPDATE_ENTERPRISE = text(
    """
    UPDATE enterprises SET credit_code = :credit_code, name = :name, industry = :industry, kind = :kind,
                           employees = :employees, contact_name = :contact_name,
                           contact_phone_cipher = :contact_phone_cipher, record_status = :record_status,
                           first_approved_at = coalesce(first_approved_at,
                                                        CASE WHEN record_status = 'approved' THEN now() END),
                           approved_name = CASE WHEN record_status = 'approved' THEN name ELSE approved_name END,
                           approved_industry = CASE WHEN record_status = 'approved' THEN industry
                                                    ELSE approved_industry END
    WHERE enterprise_id = :enterprise_id
    """
)
CREDIT_CODE_TAKEN = text("SELECT enterprise_id, name FROM enterprises WHERE credit_code = :credit_code")
SITE = text("SELECT site_id, enterprise_id, area_code FROM enterprise_sites WHERE site_id = :id")
VACANCY_FOR_UPDATE = text(
    """
    SELECT vacancy_id, enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
           full_time, status, valid_until, area_code
    FROM vacancies WHERE vacancy_id = :id FOR UPDATE
    """
)
INSERT_VACANCY = text(
    """
    INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
                           full_time, status, valid_until, area_code, created_by)
    VALUES (:enterprise_id, :site_id, :title, :occupation_code, :positions, :wage_min, :wage_max,
            :full_time, 'draft', :valid_until, :area_code, :account_id)
    RETURNING vacancy_id
    """
)
UPDATE_VACANCY = text(
    """
    UPDATE vacancies SET title = :title, occupation_code = :occupation_code, positions = :positions,
                         wage_min = :wage_min, wage_max = :wage_max, full_time = :full_time,
                         valid_until = :valid_until, status = :status, updated_at = now()
    WHERE vacancy_id = :vacancy_id
    """
)

# --- review state ----------------------------------------------------------------------------------------

SET_RESIDENT_STATUS = text(
    "UPDATE residents SET record_status = :to_status, updated_at = now() WHERE resident_id = :id"
)
# The county's approval makes the enterprise public and what it shows (name, industry) the approved values.
SET_ENTERPRISE_STATUS = text(
    """
    UPDATE enterprises SET record_status = :to_status,
        first_approved_at = coalesce(first_approved_at,
                                     CASE WHEN CAST(:to_status AS text) = 'approved' THEN now() END),
        approved_name = CASE WHEN CAST(:to_status AS text) = 'approved' THEN name ELSE approved_name END,
        approved_industry = CASE WHEN CAST(:to_status AS text) = 'approved' THEN industry
                                 ELSE approved_industry END
    WHERE enterprise_id = :id
    """
)
ENTERPRISE_IS_PUBLIC = text("SELECT enterprise_is_public(:id)")
CLOSE_VACANCY = text(
    "UPDATE vacancies SET status = 'closed', updated_at = now() WHERE vacancy_id = :id AND status <> 'closed'"
)
SET_VACANCY_STATUS = text(
    "UPDATE vacancies SET status = :to_status, updated_at = now() WHERE vacancy_id = :id"
)

# --- history ---------------------------------------------------------------------------------------------

INSERT_CHANGES = text(
    """
    INSERT INTO record_changes (table_name, record_id, area_code, enterprise_id, field, old_value, new_value,
                                sensitive, effective_date, changed_by)
    SELECT :table_name, :record_id, :area_code, :enterprise_id, f, o, n, s, :effective_date, :account_id
    FROM unnest(CAST(:fields AS text[]), CAST(:olds AS text[]), CAST(:news AS text[]),
                CAST(:sensitive AS boolean[])) AS c(f, o, n, s)
    """
)
INSERT_REVIEW_EVENT = text(
    """
    INSERT INTO review_events (table_name, record_id, area_code, enterprise_id, action, level, from_status,
                               to_status, reason, account_id)
    VALUES (:table_name, :record_id, :area_code, :enterprise_id, :action, :level, :from_status, :to_status,
            :reason, :account_id)
    """
)
HISTORY = text(
    """
    SELECT c.change_id, c.field, c.old_value, c.new_value, c.sensitive, c.effective_date, c.changed_at,
           c.changed_by, a.username AS changed_by_username
    FROM record_changes c LEFT JOIN accounts a ON a.account_id = c.changed_by
    WHERE c.table_name = :table_name AND c.record_id = :record_id
    ORDER BY c.changed_at, c.change_id
    """
)
REVIEWS = text(
    """
    SELECT e.event_id, e.action, e.level, e.from_status, e.to_status, e.reason, e.at, e.account_id,
           a.username
    FROM review_events e LEFT JOIN accounts a ON a.account_id = e.account_id
    WHERE e.table_name = :table_name AND e.record_id = :record_id
    ORDER BY e.at, e.event_id
    """
)

# --- queues ----------------------------------------------------------------------------------------------

RESIDENT_QUEUE = text(
    """
    SELECT 'residents' AS kind, r.resident_id AS record_id, r.name AS label, r.area_code,
           r.record_status AS status, r.updated_at,
           (SELECT e.reason FROM review_events e WHERE e.table_name = 'residents'
              AND e.record_id = r.resident_id AND e.action = 'return' ORDER BY e.at DESC LIMIT 1) AS reason
    FROM residents r WHERE r.record_status = ANY(:statuses)
    ORDER BY r.updated_at, r.resident_id LIMIT :limit
    """
)
ENTERPRISE_QUEUE = text(
    """
    SELECT 'enterprises' AS kind, x.enterprise_id AS record_id, x.name AS label, x.area_code,
           x.record_status AS status, x.created_at AS updated_at,
           (SELECT e.reason FROM review_events e WHERE e.table_name = 'enterprises'
              AND e.record_id = x.enterprise_id AND e.action = 'return' ORDER BY e.at DESC LIMIT 1) AS reason
    FROM enterprises x WHERE x.record_status = ANY(:statuses)
    ORDER BY x.created_at, x.enterprise_id LIMIT :limit
    """
)
VACANCY_QUEUE = text(
    """
    SELECT 'vacancies' AS kind, v.vacancy_id AS record_id, v.title AS label, v.area_code,
           v.status, v.updated_at,
           (SELECT e.reason FROM review_events e WHERE e.table_name = 'vacancies'
              AND e.record_id = v.vacancy_id AND e.action = 'return' ORDER BY e.at DESC LIMIT 1) AS reason
    FROM vacancies v WHERE v.status = ANY(:statuses)
      -- the public board makes open vacancies readable to all: only the caller's area may queue
      AND v.area_code LIKE :prefix || '%'
    ORDER BY v.updated_at, v.vacancy_id LIMIT :limit
    """
)

# --- statistics (values as of a date, from the history) ----------------------------------------------------

COUNTS_AT = text(
    """
    WITH people AS (
        SELECT CASE WHEN b.change_id IS NOT NULL THEN b.new_value
                    WHEN a.change_id IS NOT NULL THEN a.old_value
                    ELSE CASE CAST(:field AS text) WHEN 'status' THEN r.status
                                                   WHEN 'occupation_code' THEN r.occupation_code
                                                   WHEN 'work_city' THEN r.work_city
                                                   ELSE r.village_code END
               END AS value
        FROM residents r
        LEFT JOIN LATERAL (
            SELECT c.change_id, c.new_value FROM record_changes c
            WHERE c.table_name = 'residents' AND c.record_id = r.resident_id AND c.field = :field
              AND c.effective_date <= :at
            ORDER BY c.effective_date DESC, c.change_id DESC LIMIT 1
        ) b ON true
        LEFT JOIN LATERAL (
            SELECT c.change_id, c.old_value FROM record_changes c
            WHERE c.table_name = 'residents' AND c.record_id = r.resident_id AND c.field = :field
              AND c.effective_date > :at
            ORDER BY c.effective_date, c.change_id LIMIT 1
        ) a ON true
        WHERE (CAST(:record_status AS text) IS NULL OR r.record_status = :record_status)
          AND NOT EXISTS (
              SELECT 1 FROM record_changes c
              WHERE c.table_name = 'residents' AND c.record_id = r.resident_id AND c.field = 'record'
                AND c.new_value = 'created' AND c.effective_date > :at)
    ), keyed AS (
        SELECT CASE WHEN CAST(:by AS text) = 'trade' AND value IS NOT NULL
                    THEN split_part(value, '-', 1) || '-' || split_part(value, '-', 2)
                    WHEN CAST(:by AS text) = 'township' THEN left(value, 9) || '000'
                    ELSE value END AS key
        FROM people
    )
    SELECT k.key, coalesce(o.name, ar.name) AS label, count(*) AS n
    FROM keyed k
    LEFT JOIN occupations o ON CAST(:by AS text) = 'trade' AND o.code = k.key
    LEFT JOIN admin_areas ar ON CAST(:by AS text) IN ('village', 'township') AND ar.code = k.key
    GROUP BY k.key, label
    ORDER BY n DESC, k.key NULLS LAST
    """
)
MONTHLY_MOVES = text(
    """
    SELECT to_char(m.month, 'YYYY-MM') AS month,
           count(c.change_id) FILTER (WHERE c.old_value = 'working_away'
                                      AND c.new_value IS DISTINCT FROM 'working_away') AS returned_home,
           count(c.change_id) FILTER (WHERE c.new_value = 'working_away'
                                      AND c.old_value IS DISTINCT FROM 'working_away') AS left_home,
           count(c.change_id) FILTER (WHERE c.new_value = 'employed_local'
                                      AND c.old_value IS DISTINCT FROM 'employed_local') AS found_local_job
    FROM generate_series(CAST(:start AS date), CAST(:stop AS date), interval '1 month') AS m(month)
    LEFT JOIN record_changes c
           ON c.table_name = 'residents' AND c.field = 'status'
          AND date_trunc('month', c.effective_date) = m.month
    GROUP BY m.month ORDER BY m.month
    """
)

# the export: row-level security picks the caller's area; the optional village narrows it
COUNT_RESIDENTS_FOR_EXPORT = text(
    "SELECT count(*) FROM residents WHERE (CAST(:village AS text) IS NULL OR village_code = :village)"
)
RESIDENTS_FOR_EXPORT = text(
    """
    SELECT r.name, r.id_cipher, r.phone_cipher, r.sex, r.birth_date, r.village_code, a.name AS village_name,
           r.status, r.education, r.occupation_code, r.work_city, r.wish_to_return, r.income_band,
           r.record_status, r.updated_at
    FROM residents r JOIN admin_areas a ON a.code = r.village_code
    WHERE (CAST(:village AS text) IS NULL OR r.village_code = :village)
    ORDER BY r.village_code, r.resident_id
    """
)

# --- finding residents (the workbench's masked list) --------------------------------------------------------

VILLAGES_IN_SCOPE = text(
    """
    SELECT code, name FROM admin_areas
    WHERE level = 'village' AND code LIKE :prefix || '%'
    ORDER BY code
    """
)
FIND_RESIDENTS_BY_NAME = text(
    """
    SELECT resident_id, name, sex, birth_date, village_code, status, record_status, id_cipher, phone_cipher
    FROM residents
    WHERE name LIKE :pattern ESCAPE '\\'
      AND (CAST(:village AS text) IS NULL OR village_code = :village)
    ORDER BY name, resident_id LIMIT :limit
    """
)
# the ID number is stored only encrypted: its last digits are matched after decryption, in the caller's area
RESIDENT_ID_CIPHERS = text(
    """
    SELECT resident_id, id_cipher FROM residents
    WHERE CAST(:village AS text) IS NULL OR village_code = :village
    """
)
RESIDENTS_BY_IDS = text(
    """
    SELECT resident_id, name, sex, birth_date, village_code, status, record_status, id_cipher, phone_cipher
    FROM residents WHERE resident_id = ANY(:ids)
    ORDER BY name, resident_id
    """
)
RESIDENTS_IN_SCOPE = text(
    "SELECT count(*) FROM residents WHERE CAST(:village AS text) IS NULL OR village_code = :village"
)
