"""Foundation schema: areas, water, road network, occupations, enterprises, vacancies, residents, policies.

Revision ID: 0001_foundation
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pgrouting;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE admin_areas (
    code        varchar(12) PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
    name        text NOT NULL,
    level       text NOT NULL CHECK (level IN ('county', 'township', 'village')),
    kind        text NOT NULL DEFAULT '',
    parent_code varchar(12) REFERENCES admin_areas (code) ON DELETE CASCADE,
    seat        geometry(Point, 4326),
    geom        geometry(MultiPolygon, 4326) NOT NULL,
    CHECK ((level = 'county') = (parent_code IS NULL))
);
CREATE INDEX admin_areas_geom_idx ON admin_areas USING gist (geom);
CREATE INDEX admin_areas_seat_idx ON admin_areas USING gist (seat);
CREATE INDEX admin_areas_parent_idx ON admin_areas (parent_code);
CREATE INDEX admin_areas_level_idx ON admin_areas (level);

CREATE TABLE water_areas (
    water_id serial PRIMARY KEY,
    name     text NOT NULL,
    kind     text NOT NULL CHECK (kind IN ('lake', 'river', 'reservoir', 'pond')),
    geom     geometry(MultiPolygon, 4326) NOT NULL
);
CREATE INDEX water_areas_geom_idx ON water_areas USING gist (geom);

CREATE TABLE road_network_info (
    network_id     integer PRIMARY KEY DEFAULT 1 CHECK (network_id = 1),
    version        integer NOT NULL,
    source         text NOT NULL,
    imported_at    timestamptz NOT NULL DEFAULT now(),
    node_count     integer NOT NULL,
    edge_count     integer NOT NULL,
    total_length_m double precision NOT NULL,
    main_component_nodes integer NOT NULL,
    island_count   integer NOT NULL
);

CREATE TABLE road_nodes (
    node_id   bigint PRIMARY KEY,
    osm_id    bigint,
    component integer NOT NULL DEFAULT 0,
    in_main_component boolean NOT NULL DEFAULT true,
    geom      geometry(Point, 4326) NOT NULL
);
CREATE INDEX road_nodes_geom_idx ON road_nodes USING gist (geom);

CREATE TABLE road_edges (
    edge_id     bigint PRIMARY KEY,
    source      bigint NOT NULL,
    target      bigint NOT NULL,
    osm_way_id  bigint,
    name        text,
    highway     text NOT NULL,
    oneway      boolean NOT NULL DEFAULT false,
    length_m    double precision NOT NULL CHECK (length_m >= 0),
    cost_walk          double precision NOT NULL,
    reverse_cost_walk  double precision NOT NULL,
    cost_ebike         double precision NOT NULL,
    reverse_cost_ebike double precision NOT NULL,
    cost_car           double precision NOT NULL,
    reverse_cost_car   double precision NOT NULL,
    component   integer NOT NULL DEFAULT 0,
    in_main_component boolean NOT NULL DEFAULT true,
    geom        geometry(LineString, 4326) NOT NULL
);
CREATE INDEX road_edges_geom_idx ON road_edges USING gist (geom);
CREATE INDEX road_edges_source_idx ON road_edges (source);
CREATE INDEX road_edges_target_idx ON road_edges (target);

CREATE TABLE occupations (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    level       text NOT NULL CHECK (level IN ('major', 'medium', 'minor', 'detail')),
    parent_code text REFERENCES occupations (code)
);

CREATE TABLE enterprises (
    enterprise_id bigserial PRIMARY KEY,
    credit_code   varchar(18) UNIQUE,
    name          text NOT NULL,
    industry      text NOT NULL DEFAULT '',
    kind          text NOT NULL DEFAULT '',
    employees     integer NOT NULL DEFAULT 0 CHECK (employees >= 0),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enterprises_area_idx ON enterprises (area_code);

CREATE TABLE enterprise_sites (
    site_id       bigserial PRIMARY KEY,
    enterprise_id bigint NOT NULL REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    name          text NOT NULL DEFAULT '',
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code),
    geom          geometry(Point, 4326) NOT NULL
);
CREATE INDEX enterprise_sites_geom_idx ON enterprise_sites USING gist (geom);
CREATE INDEX enterprise_sites_enterprise_idx ON enterprise_sites (enterprise_id);

CREATE TABLE vacancies (
    vacancy_id      bigserial PRIMARY KEY,
    enterprise_id   bigint NOT NULL REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    site_id         bigint NOT NULL REFERENCES enterprise_sites (site_id) ON DELETE CASCADE,
    title           text NOT NULL,
    occupation_code text NOT NULL REFERENCES occupations (code),
    positions       integer NOT NULL CHECK (positions > 0),
    wage_min        integer CHECK (wage_min >= 0),
    wage_max        integer CHECK (wage_max >= wage_min),
    full_time       boolean NOT NULL DEFAULT true,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('draft', 'submitted', 'open', 'closed')),
    valid_until     date,
    area_code       varchar(12) NOT NULL REFERENCES admin_areas (code),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX vacancies_site_idx ON vacancies (site_id);
CREATE INDEX vacancies_open_idx ON vacancies (status, occupation_code);
CREATE INDEX vacancies_area_idx ON vacancies (area_code);

CREATE TABLE residents (
    resident_id     bigserial PRIMARY KEY,
    id_hash         bytea NOT NULL UNIQUE,
    id_cipher       bytea NOT NULL,
    phone_cipher    bytea,
    name            text NOT NULL,
    sex             char(1) NOT NULL CHECK (sex IN ('M', 'F')),
    birth_date      date NOT NULL,
    village_code    varchar(12) NOT NULL REFERENCES admin_areas (code),
    area_code       varchar(12) NOT NULL REFERENCES admin_areas (code),
    education       text NOT NULL DEFAULT '',
    status          text NOT NULL CHECK (status IN
                    ('employed_local', 'working_away', 'farming', 'seeking', 'student', 'not_in_labour_force')),
    occupation_code text REFERENCES occupations (code),
    work_city       text,
    wish_to_return  boolean NOT NULL DEFAULT false,
    income_band     text NOT NULL DEFAULT '',
    geom            geometry(Point, 4326) NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX residents_geom_idx ON residents USING gist (geom);
CREATE INDEX residents_village_idx ON residents (village_code);
CREATE INDEX residents_area_status_idx ON residents (area_code, status);

CREATE TABLE policies (
    policy_id   serial PRIMARY KEY,
    title       text NOT NULL,
    issuer      text NOT NULL DEFAULT '',
    issued_on   date,
    body        text NOT NULL DEFAULT '',
    eligibility jsonb NOT NULL DEFAULT '{}'::jsonb
);
"""

DOWNGRADE = """
DROP TABLE IF EXISTS policies, residents, vacancies, enterprise_sites, enterprises, occupations,
    road_edges, road_nodes, road_network_info, water_areas, admin_areas CASCADE;
"""


def upgrade() -> None:
    """Create the foundation tables."""
    op.execute(UPGRADE)


def downgrade() -> None:
    """Drop the foundation tables."""
    op.execute(DOWNGRADE)
