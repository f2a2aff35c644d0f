"""鸿雁 outreach contact log; parks and incubators with tenants; support requests; 一窗受理 tickets.

Every table about people, enterprises or area-bound records carries ``area_code`` and is scoped by row-level
security in the style of 0006: staff accounts see the rows of their area; enterprise HR and job seekers none.
The two reference tables (ticket routing) are readable by the application and written only by migrations.
A ticket can also be created and read by its number without logging in: the request states the number in
``hongyan.ticket_no`` and the policies below let exactly that ticket (and its events) through.

Revision ID: 0011_outreach_parks
Revises: 0008_talents_policies
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0011_outreach_parks"
down_revision = "0008_talents_policies"
branch_labels = None
depends_on = None


def _setting(name: str) -> str:
    """A caller setting, NULL when unset or empty (so it can never widen a policy)."""
    return f"nullif(current_setting('hongyan.{name}', true), '')"


STAFF_IN_SCOPE = (
    f"(area_code LIKE {_setting('scope')} || '%' AND {_setting('enterprise_id')} IS NULL "
    f"AND {_setting('resident_id')} IS NULL)"
)
TICKET_NUMBER = f"(ticket_no = {_setting('ticket_no')})"
EVENT_OF_NUMBERED_TICKET = (
    "EXISTS (SELECT 1 FROM tickets t WHERE t.ticket_id = ticket_events.ticket_id "
    "AND t.ticket_no = nullif(current_setting('hongyan.ticket_no', true), ''))"
)

SCOPED_TABLES = (
    "outreach_contacts",
    "parks",
    "park_tenants",
    "support_requests",
    "support_request_steps",
    "tickets",
    "ticket_events",
)

TABLES = """
CREATE TABLE outreach_contacts (
    contact_id   bigserial PRIMARY KEY,
    resident_id  bigint NOT NULL REFERENCES residents (resident_id) ON DELETE CASCADE,
    area_code    varchar(12) NOT NULL REFERENCES admin_areas (code),
    account_id   bigint REFERENCES accounts (account_id),  -- NULL: imported or demo entries, see actor
    actor        text NOT NULL DEFAULT '',
    contacted_at timestamptz NOT NULL DEFAULT now(),
    channel      text NOT NULL CHECK (channel IN ('phone', 'wechat', 'visit', 'sms', 'fair', 'other')),
    outcome      text NOT NULL CHECK (outcome IN ('no_answer', 'reached', 'interested', 'not_interested',
                                                  'will_return', 'returned')),
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    follow_up_on date
);
CREATE INDEX outreach_contacts_resident_idx ON outreach_contacts (resident_id, contacted_at);
CREATE INDEX outreach_contacts_area_idx ON outreach_contacts (area_code);

CREATE TABLE parks (
    park_id       bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE CHECK (length(name) > 0),
    kind          text NOT NULL CHECK (kind IN ('returnee_park', 'youth_park', 'makerspace', 'incubator',
                                                'accelerator')),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    geom          geometry(Point, 4326) NOT NULL,
    capacity      integer NOT NULL CHECK (capacity >= 0),
    unit          text NOT NULL DEFAULT 'units' CHECK (unit IN ('units', 'desks')),
    operator      text NOT NULL DEFAULT '',
    contact_name  text NOT NULL DEFAULT '',
    contact_phone_cipher bytea,
    opened_on     date,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX parks_geom_idx ON parks USING gist (geom);
CREATE INDEX parks_area_idx ON parks (area_code);

CREATE TABLE park_tenants (
    tenant_id     bigserial PRIMARY KEY,
    park_id       bigint NOT NULL REFERENCES parks (park_id) ON DELETE CASCADE,
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    enterprise_id bigint REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    resident_id   bigint REFERENCES residents (resident_id) ON DELETE CASCADE,
    units         integer NOT NULL CHECK (units > 0),
    moved_in_on   date NOT NULL DEFAULT current_date,
    moved_out_on  date CHECK (moved_out_on >= moved_in_on),
    CHECK ((enterprise_id IS NULL) <> (resident_id IS NULL))
);
CREATE INDEX park_tenants_park_idx ON park_tenants (park_id) WHERE moved_out_on IS NULL;

CREATE TABLE support_requests (
    request_id    bigserial PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('guarantee_loan', 'startup_subsidy', 'premises',
                                                'rent_subsidy', 'training')),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    enterprise_id bigint REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    resident_id   bigint REFERENCES residents (resident_id) ON DELETE CASCADE,
    park_id       bigint REFERENCES parks (park_id) ON DELETE SET NULL,
    amount_yuan   integer CHECK (amount_yuan >= 0),
    status        text NOT NULL DEFAULT 'submitted'
                  CHECK (status IN ('submitted', 'reviewing', 'approved', 'rejected', 'disbursed')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((enterprise_id IS NULL) <> (resident_id IS NULL))
);
CREATE INDEX support_requests_area_idx ON support_requests (area_code, status);

CREATE TABLE support_request_steps (
    step_id     bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES support_requests (request_id) ON DELETE CASCADE,
    area_code   varchar(12) NOT NULL REFERENCES admin_areas (code),
    from_status text,
    to_status   text NOT NULL,
    account_id  bigint REFERENCES accounts (account_id),  -- NULL: imported or demo entries, see actor
    actor       text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    reason      text NOT NULL DEFAULT ''
);
CREATE INDEX support_request_steps_request_idx ON support_request_steps (request_id, at);

CREATE TABLE ticket_routes (
    category      text PRIMARY KEY,
    category_name text NOT NULL,
    unit          text NOT NULL,
    unit_name     text NOT NULL,
    level         text NOT NULL CHECK (level IN ('county', 'township'))
);

CREATE TABLE tickets (
    ticket_id      bigserial PRIMARY KEY,
    ticket_no      text NOT NULL UNIQUE,
    category       text NOT NULL REFERENCES ticket_routes (category),
    unit           text NOT NULL,
    area_code      varchar(12) NOT NULL REFERENCES admin_areas (code),
    applicant_area varchar(12) NOT NULL REFERENCES admin_areas (code),
    applicant_name text NOT NULL CHECK (length(applicant_name) BETWEEN 1 AND 40),
    phone_hash     bytea NOT NULL,
    phone_cipher   bytea NOT NULL,
    description    text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
    status         text NOT NULL DEFAULT 'submitted'
                   CHECK (status IN ('submitted', 'accepted', 'processing', 'resolved', 'returned')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_queue_idx ON tickets (unit, area_code, status);
CREATE INDEX tickets_phone_idx ON tickets (phone_hash);

CREATE TABLE ticket_events (
    event_id    bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (ticket_id) ON DELETE CASCADE,
    area_code   varchar(12) NOT NULL REFERENCES admin_areas (code),
    from_status text,
    to_status   text NOT NULL,
    account_id  bigint REFERENCES accounts (account_id),
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, at);

INSERT INTO ticket_routes (category, category_name, unit, unit_name, level) VALUES
    ('employment_registration', '就业登记/失业登记', 'labour_station', '乡镇劳动保障所', 'township'),
    ('job_referral', '求职登记与岗位推荐', 'labour_station', '乡镇劳动保障所', 'township'),
    ('social_insurance', '社会保险参保与转移', 'social_insurance_center', '县社会保险服务中心', 'county'),
    ('startup_loan', '创业担保贷款', 'startup_loan_center', '县创业担保贷款服务中心', 'county'),
    ('startup_subsidy', '一次性创业补贴', 'employment_service_center', '县公共就业服务中心', 'county'),
    ('training', '职业技能培训', 'training_center', '县职业技能培训中心', 'county'),
    ('wage_arrears', '欠薪投诉', 'labour_inspection', '县劳动保障监察大队', 'county'),
    ('returnee_service', '返乡人员服务', 'labour_station', '乡镇劳动保障所', 'township');
"""

GRANTS = """
GRANT SELECT, INSERT, UPDATE, DELETE ON outreach_contacts, parks, park_tenants, support_requests,
    support_request_steps, tickets, ticket_events TO hongyan_app;
GRANT SELECT ON ticket_routes TO hongyan_app;
GRANT USAGE, SELECT ON SEQUENCE outreach_contacts_contact_id_seq, parks_park_id_seq,
    park_tenants_tenant_id_seq, support_requests_request_id_seq, support_request_steps_step_id_seq,
    tickets_ticket_id_seq, ticket_events_event_id_seq TO hongyan_app;
-- the trails are append-only for the application
REVOKE UPDATE, DELETE ON outreach_contacts, support_request_steps, ticket_events FROM hongyan_app;
"""


def _policies_sql() -> str:
    """ENABLE + FORCE RLS, a staff-scope policy on every scoped table, the ticket-number lookups."""
    out = []
    for table in SCOPED_TABLES:
        out.append(
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY; ALTER TABLE {table} FORCE ROW LEVEL SECURITY;"
        )
        out.append(
            f"CREATE POLICY {table}_scope ON {table} FOR ALL TO hongyan_app "
            f"USING ({STAFF_IN_SCOPE}) WITH CHECK ({STAFF_IN_SCOPE});"
        )
    out.append(
        f"CREATE POLICY tickets_by_number ON tickets FOR SELECT TO hongyan_app USING ({TICKET_NUMBER});"
    )
    out.append(
        "CREATE POLICY tickets_intake ON tickets FOR INSERT TO hongyan_app "
        f"WITH CHECK ({TICKET_NUMBER} AND status = 'submitted');"
    )
    out.append(
        "CREATE POLICY ticket_events_by_number ON ticket_events FOR SELECT TO hongyan_app "
        f"USING ({EVENT_OF_NUMBERED_TICKET});"
    )
    out.append(
        "CREATE POLICY ticket_events_intake ON ticket_events FOR INSERT TO hongyan_app "
        f"WITH CHECK ({EVENT_OF_NUMBERED_TICKET} AND account_id IS NULL AND to_status = 'submitted');"
    )
    return "\n".join(out)


def upgrade() -> None:
    """Create the outreach, park, support-request and ticket tables, their grants and row-level policies."""
    op.execute(TABLES)
    op.execute(GRANTS)
    op.execute(_policies_sql())


def downgrade() -> None:
    """Drop the tables (their policies go with them)."""
    op.execute(
        "DROP TABLE IF EXISTS ticket_events, tickets, ticket_routes, support_request_steps, support_requests, "
        "park_tenants, parks, outreach_contacts CASCADE"
    )
