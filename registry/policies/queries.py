"""SQL of the policies package, parameters bound (f-strings only splice the fixed column lists: noqa S608).

Policies are public to read; writes pass the RLS policy.
"""

from __future__ import annotations

from sqlalchemy import text

POLICY_COLUMNS = """
    policy_id, code, title, category, issuer, issued_on, summary, body, amount, contact_unit, contact_phone,
    valid_from, valid_until, applicants, min_age, max_age, statuses, returnee, educations, enterprise_kinds,
    max_employees, townships
"""

_VALUES = """
    :code, :title, :category, :issuer, :issued_on, :summary, :body, :amount, :contact_unit, :contact_phone,
    :valid_from, :valid_until, :applicants, :min_age, :max_age, :statuses, :returnee, :educations,
    :enterprise_kinds, :max_employees, :townships,
    setweight(to_tsvector('simple', :title_words), 'A') || setweight(to_tsvector('simple', :summary_words), 'B')
        || setweight(to_tsvector('simple', :body_words), 'C')
"""

INSERT_POLICY = text(
    f"""
    INSERT INTO policies (code, title, category, issuer, issued_on, summary, body, amount, contact_unit,
                          contact_phone, valid_from, valid_until, applicants, min_age, max_age, statuses,
                          returnee, educations, enterprise_kinds, max_employees, townships, search_tsv)
    VALUES ({_VALUES})
    RETURNING policy_id
    """  # noqa: S608
)

UPDATE_POLICY = text(
    f"""
    UPDATE policies SET (code, title, category, issuer, issued_on, summary, body, amount, contact_unit,
                         contact_phone, valid_from, valid_until, applicants, min_age, max_age, statuses,
                         returnee, educations, enterprise_kinds, max_employees, townships, search_tsv)
        = ({_VALUES}), updated_at = now()
    WHERE policy_id = :policy_id
    RETURNING policy_id
    """  # noqa: S608
)

POLICY_BY_CODE = text("SELECT policy_id FROM policies WHERE code = :code")
# a policy without a code is known by its title (a re-imported file replaces it instead of adding it again)
UNCODED_POLICIES_BY_TITLE = text(
    "SELECT policy_id FROM policies WHERE code IS NULL AND title = :title ORDER BY policy_id"
)
POLICY_BY_ID = text(f"SELECT {POLICY_COLUMNS} FROM policies WHERE policy_id = :policy_id")  # noqa: S608

# Ranked search: title and category words weigh most (A), the summary (B), the body (C); a title holding the
# whole search text goes first. Without a search text: every policy of the category, by category and id.
SEARCH_POLICIES = text(
    f"""
    WITH q AS (SELECT CASE WHEN CAST(:tsquery AS text) IS NULL THEN NULL
                           ELSE to_tsquery('simple', :tsquery) END AS query)
    SELECT {POLICY_COLUMNS},
           coalesce(ts_rank(search_tsv, q.query), 0)
             + CASE WHEN title ILIKE :pattern ESCAPE '\\' THEN 1 ELSE 0 END AS rank
    FROM policies, q
    WHERE (CAST(:category AS text) IS NULL OR category = :category)
      AND (CAST(:q AS text) IS NULL OR search_tsv @@ q.query
           OR title ILIKE :pattern ESCAPE '\\' OR summary ILIKE :pattern ESCAPE '\\')
      AND (CAST(:ids AS bigint[]) IS NULL OR policy_id = ANY(:ids))
    ORDER BY rank DESC, category, policy_id
    LIMIT :limit OFFSET :offset
    """  # noqa: S608
)

CATEGORY_COUNTS = text("SELECT category, count(*) AS n FROM policies GROUP BY category ORDER BY category")

# SQL prefilter of the policies a person may apply for on a day: the same conditions as
# registry.policies.eligibility.assess_person (a test holds the two equal), so only the eligible need checking.
PERSON_CANDIDATES = text(
    f"""
    SELECT {POLICY_COLUMNS} FROM policies
    WHERE 'person' = ANY(applicants)
      AND (valid_from IS NULL OR valid_from <= :on) AND (valid_until IS NULL OR valid_until >= :on)
      AND (CAST(:eligible_only AS boolean) IS NOT TRUE OR (
            (min_age IS NULL OR :age >= min_age) AND (max_age IS NULL OR :age <= max_age)
        AND (cardinality(statuses) = 0 OR :status = ANY(statuses))
        AND (returnee IS NULL OR returnee = :returnee)
        AND (cardinality(educations) = 0 OR :education = ANY(educations))
        AND (cardinality(townships) = 0
             OR EXISTS (SELECT 1 FROM unnest(townships) t WHERE starts_with(:area_code, left(t, 9))))))
    ORDER BY policy_id
    """  # noqa: S608
)

ENTERPRISE_CANDIDATES = text(
    f"""
    SELECT {POLICY_COLUMNS} FROM policies
    WHERE 'enterprise' = ANY(applicants)
      AND (valid_from IS NULL OR valid_from <= :on) AND (valid_until IS NULL OR valid_until >= :on)
      AND (CAST(:eligible_only AS boolean) IS NOT TRUE OR (
            (cardinality(enterprise_kinds) = 0 OR :kind = ANY(enterprise_kinds))
        AND (max_employees IS NULL OR :employees <= max_employees)
        AND (cardinality(townships) = 0
             OR EXISTS (SELECT 1 FROM unnest(townships) t WHERE starts_with(:area_code, left(t, 9))))))
    ORDER BY policy_id
    """  # noqa: S608
)

RESIDENT_FACTS = text(
    """
    SELECT r.resident_id, r.birth_date, r.status, r.education, r.area_code,
           EXISTS (SELECT 1 FROM talents t WHERE t.id_hash = r.id_hash AND t.kind = 'returnee_entrepreneur')
               AS returnee
    FROM residents r WHERE r.resident_id = :id
    """
)
ENTERPRISE_FACTS = text(
    "SELECT enterprise_id, name, kind, employees, area_code FROM enterprises WHERE enterprise_id = :id"
)
TOWNSHIP_NAMES = text("SELECT code, name FROM admin_areas WHERE level = 'township'")
