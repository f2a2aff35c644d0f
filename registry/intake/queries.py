"""SQL of the intake package, parameters bound; under the app role every statement passes the RLS policies."""

from __future__ import annotations

from sqlalchemy import text

AREAS = text(
    """
    SELECT code, name, level, parent_code,
           ST_X(coalesce(seat, ST_PointOnSurface(geom))) AS lon,
           ST_Y(coalesce(seat, ST_PointOnSurface(geom))) AS lat
    FROM admin_areas ORDER BY code
    """
)
COUNTY = text("SELECT name, ST_AsBinary(geom) AS wkb FROM admin_areas WHERE level = 'county' LIMIT 1")
OCCUPATIONS = text("SELECT code, name, level FROM occupations ORDER BY code")

VISIBLE_RESIDENTS_BY_HASH = text("SELECT id_hash, resident_id FROM residents WHERE id_hash = ANY(:hashes)")
VISIBLE_ENTERPRISES_BY_CODE = text(
    "SELECT credit_code, enterprise_id FROM enterprises WHERE credit_code = ANY(:codes)"
)
VISIBLE_SITES = text(
    """
    SELECT e.credit_code, e.enterprise_id, e.name AS enterprise_name, s.site_id, s.name, s.area_code
    FROM enterprises e JOIN enterprise_sites s ON s.enterprise_id = e.enterprise_id
    WHERE e.credit_code IS NOT NULL AND s.area_code LIKE :scope || '%'
    ORDER BY e.credit_code, s.site_id
    """
)

# Staging tables: COPY cannot write into a table under row-level security, so rows are copied into a
# temporary table first and moved with INSERT … SELECT, which the policies check row by row.
DROP_STAGE_RESIDENTS = text("DROP TABLE IF EXISTS intake_residents")
STAGE_RESIDENTS = text(
    """
    CREATE TEMP TABLE intake_residents (
        src_row integer, id_hash bytea, id_cipher bytea, phone_cipher bytea, name text, sex char(1),
        birth_date date, village_code varchar(12), area_code varchar(12), education text, status text,
        occupation_code text, work_city text, wish_to_return boolean, income_band text, location_source text,
        geom geometry
    ) ON COMMIT DROP
    """
)
DROP_STAGE_ENTERPRISES = text("DROP TABLE IF EXISTS intake_enterprises")
STAGE_ENTERPRISES = text(
    """
    CREATE TEMP TABLE intake_enterprises (
        src_row integer, credit_code varchar(18), name text, industry text, kind text, employees integer,
        area_code varchar(12), site_name text, site_area varchar(12), geom geometry
    ) ON COMMIT DROP
    """
)
DROP_STAGE_VACANCIES = text("DROP TABLE IF EXISTS intake_vacancies")
STAGE_VACANCIES = text(
    """
    CREATE TEMP TABLE intake_vacancies (
        src_row integer, vacancy_id bigint, enterprise_id bigint, site_id bigint, title text,
        occupation_code text, positions integer, wage_min integer, wage_max integer, full_time boolean,
        valid_until date, area_code varchar(12), status text
    ) ON COMMIT DROP
    """
)

# The one place residents are inserted (the review workflow adds its status column here at merge).
INSERT_RESIDENTS = text(
    """
    WITH inserted AS (
        INSERT INTO residents (id_hash, id_cipher, phone_cipher, name, sex, birth_date, village_code, area_code,
                               education, status, occupation_code, work_city, wish_to_return, income_band,
                               location_source, record_status, created_by, geom)
        SELECT id_hash, id_cipher, phone_cipher, name, sex, birth_date, village_code, area_code,
               education, status, occupation_code, work_city, wish_to_return, income_band, location_source,
               :record_status, nullif(current_setting('hongyan.account_id', true), '')::bigint,
               ST_SetSRID(geom, 4326)
        FROM intake_residents ORDER BY src_row
        ON CONFLICT (id_hash) DO NOTHING
        RETURNING resident_id, id_hash, area_code
    ), steps AS (
        -- the review trail says the record came in by a spreadsheet import, and at which level
        INSERT INTO review_events (table_name, record_id, area_code, action, level, from_status, to_status,
                                   reason, account_id)
        SELECT 'residents', resident_id, area_code, :action, :level, 'draft', :record_status, '表格导入',
               nullif(current_setting('hongyan.account_id', true), '')::bigint
        FROM inserted
    )
    SELECT id_hash FROM inserted
    """
)
# an imported enterprise starts as a draft, as one entered in the form does (the column's default is 'approved',
# for rows from before the review workflow); the import's review step moves it on
INSERT_ENTERPRISES = text(
    """
    INSERT INTO enterprises (credit_code, name, industry, kind, employees, area_code, record_status, created_by)
    SELECT DISTINCT ON (credit_code) credit_code, name, industry, kind, employees, area_code, 'draft',
           nullif(current_setting('hongyan.account_id', true), '')::bigint
    FROM intake_enterprises ORDER BY credit_code, src_row
    ON CONFLICT (credit_code) DO NOTHING
    RETURNING credit_code, enterprise_id, area_code
    """
)
INSERT_SITES = text(
    """
    INSERT INTO enterprise_sites (enterprise_id, name, area_code, geom)
    SELECT e.enterprise_id, i.site_name, i.site_area, ST_SetSRID(i.geom, 4326)
    FROM intake_enterprises i JOIN enterprises e ON e.credit_code = i.credit_code
    WHERE i.credit_code = ANY(:codes)
    ORDER BY i.src_row
    """
)
# One vacancy import at a time (a transaction-level lock): two uploads of the same file at once must not both
# find no vacancy to update and both insert one.
LOCK_VACANCY_IMPORT = text("SELECT pg_advisory_xact_lock(hashtext('hongyan.intake.vacancies'))")
# the vacancies a row may update: at the same site with the same title, not closed (a closed one is history;
# posting the job again makes a new vacancy)
MATCHING_VACANCIES = text(
    """
    SELECT v.vacancy_id, v.site_id, v.title, v.occupation_code, v.positions, v.wage_min, v.wage_max, v.full_time,
           v.valid_until, v.status
    FROM vacancies v
    JOIN unnest(CAST(:site_ids AS bigint[]), CAST(:titles AS text[])) AS k(site_id, title)
      ON v.site_id = k.site_id AND v.title = k.title
    WHERE v.status <> 'closed'
    ORDER BY v.vacancy_id
    FOR UPDATE OF v
    """
)
INSERT_VACANCIES = text(
    """
    INSERT INTO vacancies (enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
                           full_time, status, valid_until, area_code, created_by)
    SELECT enterprise_id, site_id, title, occupation_code, positions, wage_min, wage_max,
           full_time, status, valid_until, area_code,
           nullif(current_setting('hongyan.account_id', true), '')::bigint
    FROM intake_vacancies WHERE vacancy_id IS NULL ORDER BY src_row
    RETURNING vacancy_id, enterprise_id, area_code, status
    """
)
UPDATE_VACANCIES = text(
    """
    UPDATE vacancies v SET occupation_code = i.occupation_code, positions = i.positions, wage_min = i.wage_min,
                           wage_max = i.wage_max, full_time = i.full_time, valid_until = i.valid_until,
                           status = i.status, updated_at = now()
    FROM intake_vacancies i
    WHERE v.vacancy_id = i.vacancy_id
    """
)

# The history of imported records, as the review API writes it: who (the importing account), the step and
# '表格导入' as its reason; field changes of updated records with old and new values.
IMPORT_REVIEW_EVENTS = text(
    """
    INSERT INTO review_events (table_name, record_id, area_code, enterprise_id, action, level, from_status,
                               to_status, reason, account_id)
    SELECT :table_name, r.record_id, r.area_code, r.enterprise_id, :action, :level, r.from_status, :to_status,
           :reason, nullif(current_setting('hongyan.account_id', true), '')::bigint
    FROM unnest(CAST(:record_ids AS bigint[]), CAST(:area_codes AS text[]), CAST(:enterprise_ids AS bigint[]),
                CAST(:from_statuses AS text[])) AS r(record_id, area_code, enterprise_id, from_status)
    """
)
IMPORT_CHANGES = text(
    """
    INSERT INTO record_changes (table_name, record_id, area_code, enterprise_id, field, old_value, new_value,
                                effective_date, changed_by)
    SELECT :table_name, c.record_id, c.area_code, c.enterprise_id, c.field, c.old_value, c.new_value,
           :effective_date, nullif(current_setting('hongyan.account_id', true), '')::bigint
    FROM unnest(CAST(:record_ids AS bigint[]), CAST(:area_codes AS text[]), CAST(:enterprise_ids AS bigint[]),
                CAST(:fields AS text[]), CAST(:old_values AS text[]), CAST(:new_values AS text[]))
         AS c(record_id, area_code, enterprise_id, field, old_value, new_value)
    """
)

# 创新创业人才库: talents (one per ID hash) and their projects, staged like residents.
PARKS = text("SELECT code, name FROM admin_areas WHERE level = 'township' AND kind = 'park' ORDER BY code")
VISIBLE_TALENTS_BY_HASH = text("SELECT id_hash, talent_id FROM talents WHERE id_hash = ANY(:hashes)")
DROP_STAGE_TALENTS = text("DROP TABLE IF EXISTS intake_talents")
STAGE_TALENTS = text(
    """
    CREATE TEMP TABLE intake_talents (
        src_row integer, id_hash bytea, id_cipher bytea, phone_cipher bytea, kind text, name text, sex char(1),
        birth_date date, village_code varchar(12), education text, title text, skills text[],
        certificates text[], industry text, returned_on date, returned_from text
    ) ON COMMIT DROP
    """
)
DROP_STAGE_TALENT_PROJECTS = text("DROP TABLE IF EXISTS intake_talent_projects")
STAGE_TALENT_PROJECTS = text(
    """
    CREATE TEMP TABLE intake_talent_projects (
        src_row integer, id_hash bytea, name text, industry text, stage text, investment_wan numeric(12, 2),
        jobs_created integer, needs text[], park_code varchar(12), description text
    ) ON COMMIT DROP
    """
)
# a talent is linked to the resident with the same ID hash when the importer can see that resident
INSERT_TALENTS = text(
    """
    INSERT INTO talents (kind, name, sex, birth_date, id_hash, id_cipher, phone_cipher, resident_id, village_code,
                         area_code, education, title, skills, certificates, industry, returned_on, returned_from)
    SELECT i.kind, i.name, i.sex, i.birth_date, i.id_hash, i.id_cipher, i.phone_cipher,
           (SELECT r.resident_id FROM residents r WHERE r.id_hash = i.id_hash), i.village_code, i.village_code,
           i.education, i.title, i.skills, i.certificates, i.industry, i.returned_on, i.returned_from
    FROM intake_talents i ORDER BY i.src_row
    ON CONFLICT (id_hash) DO NOTHING
    RETURNING id_hash
    """
)
INSERT_TALENT_PROJECTS = text(
    """
    INSERT INTO talent_projects (talent_id, area_code, name, industry, stage, investment_wan, jobs_created, needs,
                                 park_code, description)
    SELECT t.talent_id, t.area_code, p.name, p.industry, p.stage, p.investment_wan, p.jobs_created, p.needs,
           p.park_code, p.description
    FROM intake_talent_projects p JOIN talents t ON t.id_hash = p.id_hash
    WHERE p.id_hash = ANY(:hashes)
    ORDER BY p.src_row
    """
)
