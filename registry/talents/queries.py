"""SQL of the talents package, parameters bound (f-strings only splice the fixed column lists: noqa S608)."""

from __future__ import annotations

from sqlalchemy import text

AREA = text("SELECT level, kind FROM admin_areas WHERE code = :code")
RESIDENT_BY_ID_HASH = text("SELECT resident_id FROM residents WHERE id_hash = :id_hash")

INSERT_TALENT = text(
    """
    INSERT INTO talents (kind, name, sex, birth_date, id_hash, id_cipher, phone_cipher, resident_id,
                         village_code, area_code, education, title, skills, certificates, industry,
                         returned_on, returned_from)
    VALUES (:kind, :name, :sex, :birth_date, :id_hash, :id_cipher, :phone_cipher, :resident_id,
            :village_code, :village_code, :education, :title, :skills, :certificates, :industry,
            :returned_on, :returned_from)
    RETURNING talent_id
    """
)
UPDATE_TALENT = text(
    """
    UPDATE talents SET kind = :kind, name = :name, phone_cipher = :phone_cipher, village_code = :village_code,
        area_code = :village_code, education = :education, title = :title, skills = :skills,
        certificates = :certificates, industry = :industry, returned_on = :returned_on,
        returned_from = :returned_from, updated_at = now()
    WHERE talent_id = :talent_id
    RETURNING talent_id
    """
)
# a talent's projects follow the talent's area (RLS checks the new area too)
MOVE_PROJECTS = text("UPDATE talent_projects SET area_code = :village_code WHERE talent_id = :talent_id")
DELETE_TALENT = text("DELETE FROM talents WHERE talent_id = :talent_id RETURNING talent_id")

TALENT_COLUMNS = """
    t.talent_id, t.kind, t.name, t.sex, t.birth_date, t.id_cipher, t.phone_cipher, t.resident_id,
    t.village_code, t.area_code, t.education, t.title, t.skills, t.certificates, t.industry, t.returned_on,
    t.returned_from, v.name AS village_name, tw.name AS township_name
"""
_FROM = """
    FROM talents t
    LEFT JOIN admin_areas v ON v.code = t.village_code
    LEFT JOIN admin_areas tw ON tw.code = left(t.area_code, 9) || '000'
"""
TALENT_BY_ID = text(f"SELECT {TALENT_COLUMNS} {_FROM} WHERE t.talent_id = :talent_id")
LIST_TALENTS = text(
    f"""
    SELECT {TALENT_COLUMNS}, count(*) OVER () AS total {_FROM}
    WHERE (CAST(:kind AS text) IS NULL OR t.kind = :kind)
      AND (CAST(:prefix AS text) IS NULL OR starts_with(t.area_code, :prefix))
      AND (CAST(:pattern AS text) IS NULL OR t.name ILIKE :pattern ESCAPE '\\' OR t.industry ILIKE :pattern ESCAPE '\\'
           OR t.title ILIKE :pattern ESCAPE '\\'
           OR EXISTS (SELECT 1 FROM unnest(t.skills || t.certificates) s WHERE s ILIKE :pattern ESCAPE '\\')
           OR EXISTS (SELECT 1 FROM talent_projects p WHERE p.talent_id = t.talent_id
                      AND (p.name ILIKE :pattern ESCAPE '\\' OR p.industry ILIKE :pattern ESCAPE '\\')))
    ORDER BY t.talent_id LIMIT :limit OFFSET :offset
    """  # noqa: S608
)

PROJECT_COLUMNS = """
    p.project_id, p.talent_id, p.area_code, p.name, p.industry, p.stage, p.investment_wan, p.jobs_created,
    p.needs, p.park_code, pk.name AS park_name, p.description
"""
PROJECTS_OF = text(
    f"""
    SELECT {PROJECT_COLUMNS} FROM talent_projects p LEFT JOIN admin_areas pk ON pk.code = p.park_code
    WHERE p.talent_id = ANY(:talent_ids) ORDER BY p.project_id
    """  # noqa: S608
)
INSERT_PROJECT = text(
    """
    INSERT INTO talent_projects (talent_id, area_code, name, industry, stage, investment_wan, jobs_created,
                                 needs, park_code, description)
    SELECT t.talent_id, t.area_code, :name, :industry, :stage, :investment_wan, :jobs_created, :needs,
           :park_code, :description
    FROM talents t WHERE t.talent_id = :talent_id
    RETURNING project_id
    """
)
UPDATE_PROJECT = text(
    """
    UPDATE talent_projects SET name = :name, industry = :industry, stage = :stage,
        investment_wan = :investment_wan, jobs_created = :jobs_created, needs = :needs, park_code = :park_code,
        description = :description, updated_at = now()
    WHERE project_id = :project_id AND talent_id = :talent_id
    RETURNING project_id
    """
)
DELETE_PROJECT = text(
    "DELETE FROM talent_projects WHERE project_id = :project_id AND talent_id = :talent_id RETURNING project_id"
)

STATS_BY_KIND = text("SELECT kind AS key, count(*) AS n FROM talents GROUP BY kind ORDER BY n DESC, kind")
STATS_BY_TOWNSHIP = text(
    """
    SELECT left(t.area_code, 9) || '000' AS key, min(a.name) AS name, count(*) AS n
    FROM talents t LEFT JOIN admin_areas a ON a.code = left(t.area_code, 9) || '000'
    GROUP BY 1 ORDER BY n DESC, key
    """
)
STATS_BY_INDUSTRY = text(
    """
    SELECT industry AS key, count(*) AS n, sum(jobs_created) AS jobs, sum(investment_wan) AS investment_wan
    FROM talent_projects GROUP BY industry ORDER BY n DESC, industry
    """
)
STATS_BY_NEED = text(
    "SELECT need AS key, count(*) AS n FROM talent_projects, unnest(needs) need GROUP BY need ORDER BY n DESC, need"
)
STATS_TOTALS = text(
    """
    SELECT (SELECT count(*) FROM talents) AS talents, count(*) AS projects,
           coalesce(sum(jobs_created), 0) AS jobs_created, coalesce(sum(investment_wan), 0) AS investment_wan
    FROM talent_projects
    """
)
