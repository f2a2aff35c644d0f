"""The "鸿雁回归" programme: "2+N" recruitment fairs, venues, booths, fair-day outcomes, targets, county tasks.

Every table carries ``area_code`` and is bound by row-level security for ``hongyan_app`` in the style of
0006: a fair, its booths, registrations and outcomes belong to the area of the fair's venue, so township
staff see and change their township's fairs only; enterprise HR sees every fair and booth but writes only its
own; a job seeker sees fairs and their own registrations. Targets and the county's task list are written by
county staff; staff of an area below may read the rows of the areas above them (the county's targets).

Revision ID: 0010_programme
Revises: 0011_outreach_parks
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0010_programme"
down_revision = "0011_outreach_parks"
branch_labels = None
depends_on = None


def _setting(name: str) -> str:
    """A caller setting, NULL when unset or empty (so it can never widen a policy)."""
    return f"nullif(current_setting('hongyan.{name}', true), '')"


IN_SCOPE = f"(area_code LIKE {_setting('scope')} || '%')"
NO_ENTERPRISE = f"({_setting('enterprise_id')} IS NULL)"
NO_RESIDENT = f"({_setting('resident_id')} IS NULL)"
OWN_ENTERPRISE = f"({NO_ENTERPRISE} OR enterprise_id = {_setting('enterprise_id')}::bigint)"
OWN_RESIDENT = f"({NO_RESIDENT} OR resident_id = {_setting('resident_id')}::bigint)"
STAFF = f"({NO_ENTERPRISE} AND {NO_RESIDENT})"
AREA_PREFIX = (
    "(CASE WHEN area_code LIKE '%000000' THEN left(area_code, 6) "
    "WHEN area_code LIKE '%000' THEN left(area_code, 9) ELSE area_code END)"
)
# staff of a township or village may read the rows of the areas that contain theirs (the county's targets)
ABOVE_SCOPE = f"({_setting('scope')} LIKE {AREA_PREFIX} || '%')"

TABLES = """
CREATE TABLE fair_venues (
    venue_id   bigserial PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (length(btrim(name)) > 0),
    address    text NOT NULL DEFAULT '',
    capacity   integer NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    area_code  varchar(12) NOT NULL REFERENCES admin_areas (code),
    geom       geometry(Point, 4326) NOT NULL
);
CREATE INDEX fair_venues_area_idx ON fair_venues (area_code);
CREATE INDEX fair_venues_geom_idx ON fair_venues USING gist (geom);

CREATE TABLE fairs (
    fair_id    bigserial PRIMARY KEY,
    fair_date  date NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('workers', 'talents', 'special')),
    theme      text NOT NULL DEFAULT '' CHECK (theme IN ('', 'spring_breeze', 'campus', 'livestream', 'other')),
    title      text NOT NULL CHECK (length(btrim(title)) > 0),
    venue_id   bigint NOT NULL REFERENCES fair_venues (venue_id) ON DELETE CASCADE,
    area_code  varchar(12) NOT NULL REFERENCES admin_areas (code),
    status     text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),
    created_at timestamptz NOT NULL DEFAULT now(),
    -- 周三招工、周六招才: the two regular fairs keep their weekday
    CHECK (kind <> 'workers' OR extract(isodow FROM fair_date) = 3),
    CHECK (kind <> 'talents' OR extract(isodow FROM fair_date) = 6),
    UNIQUE (venue_id, fair_date, kind)
);
CREATE INDEX fairs_date_idx ON fairs (fair_date);
CREATE INDEX fairs_area_idx ON fairs (area_code);

CREATE TABLE fair_booths (
    booth_id      bigserial PRIMARY KEY,
    fair_id       bigint NOT NULL REFERENCES fairs (fair_id) ON DELETE CASCADE,
    enterprise_id bigint NOT NULL REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    -- the name as shown at the fair: staff of the fair's township may not see other townships' enterprises
    enterprise_name text NOT NULL,
    booth_no      text NOT NULL DEFAULT '',
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (fair_id, enterprise_id)
);
CREATE INDEX fair_booths_area_idx ON fair_booths (area_code);

CREATE TABLE fair_booth_positions (
    booth_id      bigint NOT NULL REFERENCES fair_booths (booth_id) ON DELETE CASCADE,
    vacancy_id    bigint NOT NULL REFERENCES vacancies (vacancy_id) ON DELETE CASCADE,
    enterprise_id bigint NOT NULL,
    title         text NOT NULL,
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    PRIMARY KEY (booth_id, vacancy_id)
);

CREATE TABLE fair_seekers (
    registration_id bigserial PRIMARY KEY,
    fair_id         bigint NOT NULL REFERENCES fairs (fair_id) ON DELETE CASCADE,
    resident_id     bigint REFERENCES residents (resident_id) ON DELETE SET NULL,
    name            text NOT NULL CHECK (length(btrim(name)) > 0),
    phone_hash      bytea NOT NULL,
    phone_cipher    bytea NOT NULL,
    area_code       varchar(12) NOT NULL REFERENCES admin_areas (code),
    registered_by   bigint,
    registered_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (fair_id, phone_hash)
);
CREATE INDEX fair_seekers_fair_idx ON fair_seekers (fair_id);

CREATE TABLE fair_outcomes (
    outcome_id      bigserial PRIMARY KEY,
    fair_id         bigint NOT NULL REFERENCES fairs (fair_id) ON DELETE CASCADE,
    booth_id        bigint NOT NULL REFERENCES fair_booths (booth_id) ON DELETE CASCADE,
    registration_id bigint NOT NULL REFERENCES fair_seekers (registration_id) ON DELETE CASCADE,
    enterprise_id   bigint NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('intention', 'hire')),
    area_code       varchar(12) NOT NULL REFERENCES admin_areas (code),
    recorded_by     bigint,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (booth_id, registration_id, kind)
);
CREATE INDEX fair_outcomes_fair_idx ON fair_outcomes (fair_id, kind);

-- 新增就业 from other channels, reported monthly per township (hires at fairs are counted from fair_outcomes)
CREATE TABLE programme_job_reports (
    area_code   varchar(12) NOT NULL REFERENCES admin_areas (code),
    month       date NOT NULL CHECK (extract(day FROM month) = 1),
    new_jobs    integer NOT NULL CHECK (new_jobs >= 0),
    reported_by bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (area_code, month)
);

CREATE TABLE programme_targets (
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    area_code  varchar(12) NOT NULL REFERENCES admin_areas (code),
    new_jobs   integer NOT NULL CHECK (new_jobs >= 0),
    fairs      integer NOT NULL CHECK (fairs >= 0),
    intentions integer NOT NULL CHECK (intentions >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (year, area_code)
);

CREATE TABLE programme_tasks (
    task_id       serial PRIMARY KEY,
    seq           integer NOT NULL UNIQUE CHECK (seq > 0),
    title         text NOT NULL CHECK (length(btrim(title)) > 0),
    content       text NOT NULL DEFAULT '',
    lead_unit     text NOT NULL CHECK (length(btrim(lead_unit)) > 0),
    partner_units text[] NOT NULL DEFAULT '{}',
    deadline      date NOT NULL,
    deadline_text text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'not_started' CHECK (status IN ('not_started', 'in_progress', 'done')),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE programme_task_notes (
    note_id    bigserial PRIMARY KEY,
    task_id    integer NOT NULL REFERENCES programme_tasks (task_id) ON DELETE CASCADE,
    area_code  varchar(12) NOT NULL REFERENCES admin_areas (code),
    at         timestamptz NOT NULL DEFAULT now(),
    account_id bigint,
    author     text NOT NULL DEFAULT '',
    note       text NOT NULL CHECK (length(btrim(note)) > 0)
);
CREATE INDEX programme_task_notes_task_idx ON programme_task_notes (task_id, at);
"""

RLS_TABLES = (
    "fair_venues",
    "fairs",
    "fair_booths",
    "fair_booth_positions",
    "fair_seekers",
    "fair_outcomes",
    "programme_job_reports",
    "programme_targets",
    "programme_tasks",
    "programme_task_notes",
)
SEQUENCES = (
    "fair_venues_venue_id_seq",
    "fairs_fair_id_seq",
    "fair_booths_booth_id_seq",
    "fair_seekers_registration_id_seq",
    "fair_outcomes_outcome_id_seq",
    "programme_tasks_task_id_seq",
    "programme_task_notes_note_id_seq",
)

POLICIES = {
    "fair_venues": [
        ("fair_venues_scope", "ALL", f"{IN_SCOPE} AND {STAFF}"),
        ("fair_venues_read", "SELECT", IN_SCOPE),
    ],
    "fairs": [("fairs_scope", "ALL", f"{IN_SCOPE} AND {STAFF}"), ("fairs_read", "SELECT", IN_SCOPE)],
    "fair_booths": [
        ("fair_booths_scope", "ALL", f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}"),
        ("fair_booths_read", "SELECT", IN_SCOPE),
    ],
    "fair_booth_positions": [
        ("fair_booth_positions_scope", "ALL", f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}"),
        ("fair_booth_positions_read", "SELECT", IN_SCOPE),
    ],
    "fair_seekers": [("fair_seekers_scope", "ALL", f"{IN_SCOPE} AND {NO_ENTERPRISE} AND {OWN_RESIDENT}")],
    "fair_outcomes": [("fair_outcomes_scope", "ALL", f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}")],
    "programme_job_reports": [("programme_job_reports_scope", "ALL", f"{IN_SCOPE} AND {STAFF}")],
    "programme_targets": [
        ("programme_targets_scope", "ALL", f"{IN_SCOPE} AND {STAFF}"),
        ("programme_targets_read", "SELECT", f"{ABOVE_SCOPE} AND {STAFF}"),
    ],
    "programme_tasks": [
        ("programme_tasks_scope", "ALL", f"{IN_SCOPE} AND {STAFF}"),
        ("programme_tasks_read", "SELECT", f"{ABOVE_SCOPE} AND {STAFF}"),
    ],
    "programme_task_notes": [
        ("programme_task_notes_scope", "ALL", f"{IN_SCOPE} AND {STAFF}"),
        ("programme_task_notes_read", "SELECT", f"{ABOVE_SCOPE} AND {STAFF}"),
    ],
}


def _policies_sql() -> str:
    """ENABLE + FORCE RLS, the policies for hongyan_app, and its grants on the new tables and sequences."""
    out = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY;"
        for t in RLS_TABLES
    ]
    for table, policies in POLICIES.items():
        for name, command, expr in policies:
            check = f" WITH CHECK ({expr})" if command in ("ALL", "UPDATE") else ""
            out.append(f"CREATE POLICY {name} ON {table} FOR {command} TO hongyan_app USING ({expr}){check};")
    out.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {', '.join(RLS_TABLES)} TO hongyan_app;")
    out.append(f"GRANT USAGE, SELECT ON SEQUENCE {', '.join(SEQUENCES)} TO hongyan_app;")
    return "\n".join(out)


def upgrade() -> None:
    """Create the programme tables, their row-level policies and the application's grants."""
    op.execute(TABLES)
    op.execute(_policies_sql())


def downgrade() -> None:
    """Drop the programme tables (their policies and grants go with them)."""
    op.execute(f"DROP TABLE IF EXISTS {', '.join(reversed(RLS_TABLES))} CASCADE")
