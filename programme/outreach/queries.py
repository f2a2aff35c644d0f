"""SQL of the outreach package, parameters bound; under the app role the residents' RLS picks the rows."""

from __future__ import annotations

from sqlalchemy import text

OCCUPATION_EXISTS = text("SELECT name FROM occupations WHERE code = :code")
MEDIUM_GROUPS = text("SELECT code, name FROM occupations WHERE level = 'medium'")
COUNTY_SEAT = text(
    """
    SELECT name, ST_X(coalesce(seat, ST_PointOnSurface(geom))) AS lon,
           ST_Y(coalesce(seat, ST_PointOnSurface(geom))) AS lat
    FROM admin_areas WHERE level = 'county' ORDER BY code LIMIT 1
    """
)

# People working away by destination city and occupation medium group ('6-04' from '6-04-01-02').
FLOWS = text(
    """
    SELECT r.work_city AS city,
           coalesce(substring(r.occupation_code from '^[0-9]-[0-9]{2}'), '') AS grp,
           count(*) AS people,
           count(*) FILTER (WHERE r.wish_to_return) AS wishing
    FROM residents r
    WHERE r.status = 'working_away' AND r.work_city IS NOT NULL
      AND (CAST(:trade AS text) IS NULL OR r.occupation_code LIKE :trade || '%')
      AND (NOT :wish OR r.wish_to_return)
    GROUP BY 1, 2
    ORDER BY 1, 2
    """
)

TARGET_PEOPLE = text(
    """
    SELECT r.resident_id, r.name, r.sex, r.birth_date, r.village_code, v.name AS village_name,
           r.occupation_code, o.name AS occupation_name, r.work_city, r.wish_to_return, r.phone_cipher,
           c.contacted_at AS last_contacted_at, c.outcome AS last_outcome, c.follow_up_on,
           coalesce(j.positions, 0) AS home_positions
    FROM residents r
    LEFT JOIN admin_areas v ON v.code = r.village_code
    LEFT JOIN occupations o ON o.code = r.occupation_code
    LEFT JOIN LATERAL (
        SELECT contacted_at, outcome, follow_up_on FROM outreach_contacts oc
        WHERE oc.resident_id = r.resident_id ORDER BY contacted_at DESC, contact_id DESC LIMIT 1
    ) c ON true
    LEFT JOIN LATERAL (
        SELECT sum(x.positions) AS positions FROM vacancies x
        WHERE x.status = 'open' AND x.occupation_code = r.occupation_code
    ) j ON true
    WHERE r.status = 'working_away' AND r.work_city = :city
      AND (CAST(:trade AS text) IS NULL OR r.occupation_code LIKE :trade || '%')
      AND (NOT :wish OR r.wish_to_return)
    ORDER BY r.wish_to_return DESC, r.occupation_code, r.resident_id
    LIMIT :limit
    """
)

# Open positions at home in the trades of the listed people (or the trade filter when given).
HOME_POSITIONS = text(
    """
    SELECT x.vacancy_id, x.title, x.occupation_code, o.name AS occupation_name, x.positions, x.wage_min,
           x.wage_max, x.full_time, x.area_code, a.name AS area_name, e.name AS enterprise_name
    FROM vacancies x
    LEFT JOIN occupations o ON o.code = x.occupation_code
    LEFT JOIN admin_areas a ON a.code = x.area_code
    LEFT JOIN enterprises e ON e.enterprise_id = x.enterprise_id
    WHERE x.status = 'open' AND x.occupation_code = ANY(:codes)
    ORDER BY x.occupation_code, x.positions DESC, x.vacancy_id
    LIMIT :limit
    """
)

HOME_POSITIONS_TOTAL = text(
    """
    SELECT count(*) AS vacancies, coalesce(sum(positions), 0) AS positions FROM vacancies
    WHERE status = 'open' AND occupation_code = ANY(:codes)
    """
)

# Returnee entrepreneurs' projects that need workers (用工): destinations at home beside the vacancies.
# talent_projects is scoped by row-level security, so staff see the projects of their own area.
PROJECTS_NEEDING_WORKERS = text(
    """
    SELECT p.project_id, p.name, p.industry, p.stage, p.jobs_created, p.area_code, a.name AS area_name,
           t.name AS talent_name, t.kind AS talent_kind
    FROM talent_projects p
    JOIN talents t ON t.talent_id = p.talent_id
    LEFT JOIN admin_areas a ON a.code = p.area_code
    WHERE '用工' = ANY(p.needs)
    ORDER BY p.stage IN ('operating', 'expanding') DESC, p.jobs_created DESC, p.project_id
    LIMIT :limit
    """
)

RESIDENT_FOR_CONTACT = text("SELECT resident_id, area_code, status FROM residents WHERE resident_id = :id")
INSERT_CONTACT = text(
    """
    INSERT INTO outreach_contacts (resident_id, area_code, account_id, actor, contacted_at, channel, outcome, note,
                                   follow_up_on)
    VALUES (:resident_id, :area_code, :account_id, :actor, coalesce(:contacted_at, now()), :channel, :outcome, :note,
            :follow_up_on)
    RETURNING contact_id, contacted_at
    """
)
LIST_CONTACTS = text(
    """
    SELECT c.contact_id, c.resident_id, c.area_code, c.account_id, coalesce(a.name, nullif(c.actor, '')) AS contacted_by, c.contacted_at,
           c.channel, c.outcome, c.note, c.follow_up_on
    FROM outreach_contacts c
    LEFT JOIN accounts a ON a.account_id = c.account_id
    WHERE (CAST(:resident AS bigint) IS NULL OR c.resident_id = :resident)
      AND (NOT :due OR (c.follow_up_on IS NOT NULL AND c.follow_up_on <= current_date))
    ORDER BY c.contacted_at DESC, c.contact_id DESC
    LIMIT :limit
    """
)
