"""创新创业人才库 talents and their projects; 稳岗就业政策库 policies with structured eligibility and search.

``talents`` (returnee entrepreneurs, skilled and professional talents: ID number and phone only encrypted plus
a keyed hash) and ``talent_projects`` are scoped by ``area_code`` exactly like residents (migration 0006):
staff see their area, enterprise HR sees nothing, a job seeker only the talent record bound to them.
``policies`` (from 0001) gains a code, category, validity dates, amount, contact unit, structured eligibility
columns and a jieba-tokenised ``search_tsv`` ('simple' configuration, weights A title/category, B summary,
C body); its free-form ``eligibility`` jsonb is replaced by the columns. Everybody may read policies (also
anonymous requests on the app role); only county staff (a 6-digit scope, not bound to an enterprise or a
resident) may write them.

Revision ID: 0008_talents_policies
Revises: 0007_review_history
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0008_talents_policies"
down_revision = "0007_review_history"
branch_labels = None
depends_on = None


def _setting(name: str) -> str:
    """A caller setting, NULL when unset or empty (so it can never widen a policy)."""
    return f"nullif(current_setting('hongyan.{name}', true), '')"


IN_SCOPE = f"(area_code LIKE {_setting('scope')} || '%')"
NO_ENTERPRISE = f"({_setting('enterprise_id')} IS NULL)"
NO_RESIDENT = f"({_setting('resident_id')} IS NULL)"
OWN_RESIDENT = f"({NO_RESIDENT} OR resident_id = {_setting('resident_id')}::bigint)"
COUNTY_STAFF = f"(length({_setting('scope')}) = 6 AND {NO_ENTERPRISE} AND {NO_RESIDENT})"

CATEGORIES = (
    "创业担保贷款",
    "一次性创业补贴",
    "社保补贴",
    "稳岗返还",
    "培训补贴",
    "以工代训",
    "岗位补贴",
    "就业见习",
    "场地支持",
    "其他",
)
STATUSES = ("employed_local", "working_away", "farming", "seeking", "student", "not_in_labour_force")
NEEDS = ("资金", "场地", "用工", "技术", "政策")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


TABLES = f"""
CREATE TABLE talents (
    talent_id     bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('returnee_entrepreneur', 'skilled', 'professional')),
    name          text NOT NULL CHECK (length(name) > 0),
    sex           char(1) NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date    date NOT NULL,
    id_hash       bytea NOT NULL UNIQUE,
    id_cipher     bytea NOT NULL,
    phone_cipher  bytea,
    -- no foreign key to residents: the demo builder truncates residents; the link is the same id_hash
    resident_id   bigint,
    village_code  varchar(12) NOT NULL REFERENCES admin_areas (code),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    education     text NOT NULL DEFAULT '',
    title         text NOT NULL DEFAULT '',
    skills        text[] NOT NULL DEFAULT '{{}}',
    certificates  text[] NOT NULL DEFAULT '{{}}',
    industry      text NOT NULL DEFAULT '',
    returned_on   date,
    returned_from text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'returnee_entrepreneur' OR returned_on IS NOT NULL)
);
CREATE INDEX talents_area_idx ON talents (area_code, kind);
CREATE INDEX talents_resident_idx ON talents (resident_id);

CREATE TABLE talent_projects (
    project_id    bigserial PRIMARY KEY,
    talent_id     bigint NOT NULL REFERENCES talents (talent_id) ON DELETE CASCADE,
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    name          text NOT NULL CHECK (length(name) > 0),
    industry      text NOT NULL DEFAULT '',
    stage         text NOT NULL CHECK (stage IN ('idea', 'preparing', 'operating', 'expanding')),
    investment_wan numeric(12, 2) NOT NULL DEFAULT 0 CHECK (investment_wan >= 0),
    jobs_created  integer NOT NULL DEFAULT 0 CHECK (jobs_created >= 0),
    needs         text[] NOT NULL DEFAULT '{{}}' CHECK (needs <@ ARRAY[{_quoted(NEEDS)}]::text[]),
    park_code     varchar(12) REFERENCES admin_areas (code),
    description   text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX talent_projects_talent_idx ON talent_projects (talent_id);
CREATE INDEX talent_projects_area_idx ON talent_projects (area_code);

ALTER TABLE policies DROP COLUMN eligibility;
ALTER TABLE policies
    ADD COLUMN code            text UNIQUE CHECK (code ~ '^[A-Za-z0-9_.-]{{2,40}}$'),
    ADD COLUMN category        text NOT NULL DEFAULT '其他' CHECK (category IN ({_quoted(CATEGORIES)})),
    ADD COLUMN summary         text NOT NULL DEFAULT '',
    ADD COLUMN amount          text NOT NULL DEFAULT '',
    ADD COLUMN contact_unit    text NOT NULL DEFAULT '',
    ADD COLUMN contact_phone   text NOT NULL DEFAULT '',
    ADD COLUMN valid_from      date,
    ADD COLUMN valid_until     date,
    ADD COLUMN area_code       varchar(12) NOT NULL DEFAULT '341522000000' CHECK (area_code ~ '^[0-9]{{12}}$'),
    ADD COLUMN applicants      text[] NOT NULL DEFAULT '{{person}}'
                               CHECK (cardinality(applicants) > 0 AND applicants <@ ARRAY['person', 'enterprise']),
    ADD COLUMN min_age         integer CHECK (min_age BETWEEN 0 AND 120),
    ADD COLUMN max_age         integer CHECK (max_age BETWEEN 0 AND 120),
    ADD COLUMN statuses        text[] NOT NULL DEFAULT '{{}}' CHECK (statuses <@ ARRAY[{_quoted(STATUSES)}]),
    ADD COLUMN returnee        boolean,
    ADD COLUMN educations      text[] NOT NULL DEFAULT '{{}}',
    ADD COLUMN enterprise_kinds text[] NOT NULL DEFAULT '{{}}',
    ADD COLUMN max_employees   integer CHECK (max_employees >= 0),
    ADD COLUMN townships       text[] NOT NULL DEFAULT '{{}}',
    ADD COLUMN search_tsv      tsvector NOT NULL DEFAULT ''::tsvector,
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT policies_age_range CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age),
    ADD CONSTRAINT policies_validity CHECK (valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until);
CREATE INDEX policies_search_idx ON policies USING gin (search_tsv);
CREATE INDEX policies_category_idx ON policies (category);
"""

TALENT_POLICY = f"{IN_SCOPE} AND {NO_ENTERPRISE} AND {OWN_RESIDENT}"
PROJECT_POLICY = f"{IN_SCOPE} AND {NO_ENTERPRISE} AND {NO_RESIDENT}"

RLS = f"""
ALTER TABLE talents ENABLE ROW LEVEL SECURITY; ALTER TABLE talents FORCE ROW LEVEL SECURITY;
ALTER TABLE talent_projects ENABLE ROW LEVEL SECURITY; ALTER TABLE talent_projects FORCE ROW LEVEL SECURITY;
ALTER TABLE policies ENABLE ROW LEVEL SECURITY; ALTER TABLE policies FORCE ROW LEVEL SECURITY;
CREATE POLICY talents_scope ON talents FOR ALL TO hongyan_app
    USING ({TALENT_POLICY}) WITH CHECK ({TALENT_POLICY});
CREATE POLICY talent_projects_scope ON talent_projects FOR ALL TO hongyan_app
    USING ({PROJECT_POLICY}) WITH CHECK ({PROJECT_POLICY});
CREATE POLICY policies_public_read ON policies FOR SELECT TO hongyan_app USING (true);
CREATE POLICY policies_county_insert ON policies FOR INSERT TO hongyan_app WITH CHECK ({COUNTY_STAFF});
CREATE POLICY policies_county_update ON policies FOR UPDATE TO hongyan_app
    USING ({COUNTY_STAFF}) WITH CHECK ({COUNTY_STAFF});
CREATE POLICY policies_county_delete ON policies FOR DELETE TO hongyan_app USING ({COUNTY_STAFF});
GRANT SELECT, INSERT, UPDATE, DELETE ON talents, talent_projects, policies TO hongyan_app;
GRANT USAGE, SELECT ON SEQUENCE talents_talent_id_seq, talent_projects_project_id_seq,
    policies_policy_id_seq TO hongyan_app;
"""

DOWNGRADE = """
DROP TABLE IF EXISTS talent_projects, talents CASCADE;
DROP POLICY IF EXISTS policies_public_read ON policies;
DROP POLICY IF EXISTS policies_county_insert ON policies;
DROP POLICY IF EXISTS policies_county_update ON policies;
DROP POLICY IF EXISTS policies_county_delete ON policies;
ALTER TABLE policies NO FORCE ROW LEVEL SECURITY;
ALTER TABLE policies DISABLE ROW LEVEL SECURITY;
DROP INDEX IF EXISTS policies_search_idx, policies_category_idx;
ALTER TABLE policies
    DROP CONSTRAINT policies_age_range, DROP CONSTRAINT policies_validity,
    DROP COLUMN code, DROP COLUMN category, DROP COLUMN summary, DROP COLUMN amount, DROP COLUMN contact_unit,
    DROP COLUMN contact_phone, DROP COLUMN valid_from, DROP COLUMN valid_until, DROP COLUMN area_code,
    DROP COLUMN applicants, DROP COLUMN min_age, DROP COLUMN max_age, DROP COLUMN statuses, DROP COLUMN returnee,
    DROP COLUMN educations, DROP COLUMN enterprise_kinds, DROP COLUMN max_employees, DROP COLUMN townships,
    DROP COLUMN search_tsv, DROP COLUMN updated_at,
    ADD COLUMN eligibility jsonb NOT NULL DEFAULT '{}'::jsonb;
"""


def upgrade() -> None:
    """Create talents and projects, evolve policies, and scope them with row-level security."""
    op.execute(TABLES)
    op.execute(RLS)


def downgrade() -> None:
    """Drop talents and projects; policies back to the 0001 shape (structured eligibility is lost)."""
    op.execute(DOWNGRADE)
