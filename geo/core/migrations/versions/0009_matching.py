"""Matching: related trades, vacancy requirements, seekers' expectations, dated surplus snapshots, 共享用工.

- ``related_trades``: pairs of detail occupations the bureau counts as related (weight 0..1), editable by county
  roles; stored once per pair with code_a < code_b. Not area-bound, so no row-level security.
- vacancies gain lawful hard requirements stated by the employer: ``min_age``/``max_age`` and
  ``required_certificates``; residents gain ``expected_wage``, ``certificates`` and ``training_codes``
  (occupation codes of completed vocational training). All nullable or with defaults.
- ``circle_snapshots``: per area, occupation group and date, seekers, positions, 2SFCA, E2SFCA and spatial
  availability, so trends show.
- ``shared_labour_offers`` / ``shared_labour_needs``: enterprises lending surplus staff for a date range and
  enterprises short of staff for one; area-scoped like enterprise_sites (HR: own enterprise only).

Revision ID: 0009_matching
Revises: 0014_records2
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0009_matching"
down_revision = "0014_records2"
branch_labels = None
depends_on = None


def _setting(name: str) -> str:
    """A caller setting, NULL when unset or empty (so it can never widen a policy)."""
    return f"nullif(current_setting('hongyan.{name}', true), '')"


IN_SCOPE = f"(area_code LIKE {_setting('scope')} || '%')"
NO_RESIDENT = f"({_setting('resident_id')} IS NULL)"
OWN_ENTERPRISE = (
    f"({_setting('enterprise_id')} IS NULL OR enterprise_id = {_setting('enterprise_id')}::bigint)"
)

TABLES = """
ALTER TABLE vacancies
    ADD COLUMN min_age smallint CHECK (min_age BETWEEN 16 AND 70),
    ADD COLUMN max_age smallint CHECK (max_age BETWEEN 16 AND 70),
    ADD COLUMN required_certificates text[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT vacancies_age_range CHECK (min_age IS NULL OR max_age IS NULL OR min_age <= max_age);

ALTER TABLE residents
    ADD COLUMN expected_wage integer CHECK (expected_wage >= 0),
    ADD COLUMN certificates text[] NOT NULL DEFAULT '{}',
    ADD COLUMN training_codes text[] NOT NULL DEFAULT '{}';

CREATE TABLE related_trades (
    code_a     text NOT NULL,
    code_b     text NOT NULL,
    weight     double precision NOT NULL CHECK (weight > 0 AND weight <= 1),
    note       text NOT NULL DEFAULT '',
    updated_by text NOT NULL DEFAULT 'seed',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code_a, code_b),
    CHECK (code_a < code_b)
);

CREATE TABLE circle_snapshots (
    snapshot_date date NOT NULL,
    mode          text NOT NULL CHECK (mode IN ('walk', 'ebike', 'car')),
    metric        text NOT NULL CHECK (metric IN ('length', 'time')),
    limit_value   double precision NOT NULL CHECK (limit_value > 0),
    area_code     varchar(12) NOT NULL REFERENCES admin_areas (code) ON DELETE CASCADE,
    level         text NOT NULL CHECK (level IN ('township', 'village')),
    "group"       text NOT NULL,
    seekers       integer NOT NULL,
    positions     integer NOT NULL,
    balance       double precision NOT NULL,
    access_2sfca  double precision NOT NULL,
    access_e2sfca double precision NOT NULL,
    spatial_availability double precision NOT NULL,
    computed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (snapshot_date, mode, metric, limit_value, area_code, "group")
);
CREATE INDEX circle_snapshots_area_idx ON circle_snapshots (area_code, "group", snapshot_date);

CREATE TABLE shared_labour_offers (
    offer_id        bigserial PRIMARY KEY,
    enterprise_id   bigint NOT NULL REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    site_id         bigint NOT NULL REFERENCES enterprise_sites (site_id) ON DELETE CASCADE,
    occupation_code text NOT NULL REFERENCES occupations (code),
    workers         integer NOT NULL CHECK (workers > 0),
    date_from       date NOT NULL,
    date_to         date NOT NULL,
    note            text NOT NULL DEFAULT '',
    area_code       varchar(12) NOT NULL REFERENCES admin_areas (code),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (date_from <= date_to)
);
CREATE INDEX shared_labour_offers_area_idx ON shared_labour_offers (area_code);

CREATE TABLE shared_labour_needs (
    need_id         bigserial PRIMARY KEY,
    enterprise_id   bigint NOT NULL REFERENCES enterprises (enterprise_id) ON DELETE CASCADE,
    site_id         bigint NOT NULL REFERENCES enterprise_sites (site_id) ON DELETE CASCADE,
    occupation_code text NOT NULL REFERENCES occupations (code),
    workers         integer NOT NULL CHECK (workers > 0),
    date_from       date NOT NULL,
    date_to         date NOT NULL,
    note            text NOT NULL DEFAULT '',
    area_code       varchar(12) NOT NULL REFERENCES admin_areas (code),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (date_from <= date_to)
);
CREATE INDEX shared_labour_needs_area_idx ON shared_labour_needs (area_code);
"""

# (code_a, code_b, weight, note): trades whose workers move between them with little retraining.
SEED: tuple[tuple[str, str, float, str], ...] = (
    ("6-18-02-04", "6-29-03-04", 0.6, "焊工与管工：管道焊接"),
    ("6-18-01-12", "6-18-02-04", 0.5, "冲压与焊接：钣金件生产线"),
    ("6-18-02-04", "6-20-01-01", 0.5, "焊工与装配钳工：结构件装配"),
    ("6-18-02-04", "6-22-02-01", 0.4, "焊工与汽车装调：车身焊装"),
    ("6-18-01-01", "6-20-01-01", 0.5, "车工与装配钳工"),
    ("6-18-01-07", "6-20-01-01", 0.4, "数控与装配"),
    ("6-20-01-01", "6-31-01-02", 0.7, "装配钳工与机修钳工"),
    ("6-20-01-01", "6-22-02-01", 0.7, "装配钳工与汽车装调工"),
    ("6-29-03-02", "6-31-01-03", 0.8, "电气设备安装与电工"),
    ("6-31-01-02", "6-31-01-03", 0.5, "机修钳工与电工：设备维修"),
    ("4-12-01-01", "6-31-01-02", 0.5, "汽车维修与机修钳工"),
    ("5-05-05-02", "6-31-01-02", 0.5, "农机修理与机修钳工"),
    ("6-22-02-01", "6-25-04-07", 0.4, "汽车装调与电子装接：流水线装配"),
    ("6-25-04-07", "6-31-03-05", 0.4, "电子装接与质检"),
    ("6-31-03-05", "6-31-05-00", 0.3, "质检与包装"),
    ("6-05-01-03", "6-05-04-01", 0.6, "缝纫与制鞋"),
    ("6-05-01-02", "6-05-04-01", 0.4, "裁剪与制鞋"),
    ("6-05-01-03", "6-25-04-07", 0.3, "缝纫与电子装接：手工流水线"),
    ("6-29-01-01", "6-29-04-01", 0.6, "砌筑与装饰装修"),
    ("6-29-01-03", "6-29-02-08", 0.5, "混凝土与防水"),
    ("6-29-01-07", "6-29-04-01", 0.6, "乡村建设工匠与装饰装修"),
    ("6-06-03-01", "6-29-04-01", 0.5, "手工木工与装饰装修"),
    ("6-06-03-01", "6-06-04-00", 0.7, "手工木工与家具制作"),
    ("6-29-03-04", "6-29-02-08", 0.4, "管工与防水"),
    ("4-02-02-02", "6-30-05-05", 0.5, "货运驾驶与工程机械司机"),
    ("4-02-02-02", "5-05-05-01", 0.5, "货运驾驶与农机驾驶"),
    ("5-05-05-01", "6-30-05-05", 0.6, "农机驾驶与挖掘铲运机械"),
    ("4-02-05-01", "6-30-05-01", 0.5, "装卸搬运与起重装卸机械"),
    ("4-02-05-01", "4-02-07-09", 0.5, "装卸搬运与快件处理"),
    ("4-02-06-01", "4-02-07-09", 0.4, "仓储与快件处理"),
    ("4-02-07-08", "4-10-08-01", 0.8, "快递员与网约配送员"),
    ("4-03-02-01", "4-03-02-02", 0.6, "中式烹调与面点"),
    ("4-03-02-01", "6-02-03-01", 0.4, "烹调与主食制作"),
    ("4-01-02-03", "4-01-02-04", 0.7, "营业员与收银员"),
    ("4-01-06-01", "4-01-06-02", 0.8, "电子商务与互联网营销"),
    ("4-10-01-05", "4-14-01-02", 0.8, "养老护理与医疗护理"),
    ("4-10-01-03", "4-10-01-06", 0.5, "保育与家政"),
    ("4-10-01-05", "4-10-01-06", 0.6, "养老护理与家政"),
    ("5-04-02-01", "5-05-06-07", 0.5, "水产养殖与水产品原料处理"),
    ("5-05-06-07", "6-01-05-01", 0.8, "水产品原料处理与水产品加工"),
    ("5-04-02-01", "5-04-03-01", 0.6, "水产养殖与捕捞"),
    ("5-03-02-01", "6-01-04-01", 0.4, "家畜饲养与屠宰加工"),
    ("5-01-02-01", "5-05-02-01", 0.6, "农艺工与植保员"),
    ("6-01-01-01", "6-01-02-00", 0.6, "制米与饲料加工"),
    ("6-16-01-01", "6-16-01-05", 0.7, "露天与井下采矿"),
    ("6-16-01-05", "6-16-01-15", 0.5, "采矿与选矿"),
)

# Enterprise HR may not read residents (0006), yet needs the masked candidate pool around its own site: this
# function returns the available residents near one site only when the site belongs to the caller's enterprise,
# with the name already masked; ID number and phone stay encrypted (the application masks them).
POOL_FUNCTION = """
CREATE FUNCTION matching_hr_pool(p_site_id bigint, p_radius_m double precision, p_srid integer)
RETURNS TABLE (resident_id bigint, name text, birth_date date, status text, occupation_code text,
               expected_wage integer, certificates text[], training_codes text[], wish_to_return boolean,
               village_code varchar(12), area_code varchar(12), x double precision, y double precision,
               id_cipher bytea, phone_cipher bytea)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT r.resident_id, left(r.name, 1) || repeat('*', greatest(char_length(r.name) - 1, 1)),
           r.birth_date, r.status, r.occupation_code, r.expected_wage, r.certificates, r.training_codes,
           r.wish_to_return, r.village_code, r.area_code,
           ST_X(ST_Transform(r.geom, p_srid)), ST_Y(ST_Transform(r.geom, p_srid)), r.id_cipher, r.phone_cipher
    FROM enterprise_sites s
    JOIN residents r ON r.geom && ST_Transform(ST_Expand(ST_Transform(s.geom, p_srid), p_radius_m + 100), 4326)
                    AND ST_DWithin(ST_Transform(r.geom, p_srid), ST_Transform(s.geom, p_srid), p_radius_m)
    WHERE s.site_id = p_site_id
      AND s.enterprise_id = nullif(current_setting('hongyan.enterprise_id', true), '')::bigint
      AND (r.status IN ('seeking', 'farming') OR (r.status = 'working_away' AND r.wish_to_return))
$$;
REVOKE ALL ON FUNCTION matching_hr_pool(bigint, double precision, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION matching_hr_pool(bigint, double precision, integer) TO hongyan_app;
"""

GRANTS = """
GRANT SELECT, INSERT, UPDATE, DELETE ON related_trades TO hongyan_app;
GRANT SELECT ON circle_snapshots TO hongyan_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON shared_labour_offers, shared_labour_needs TO hongyan_app;
GRANT USAGE, SELECT ON SEQUENCE shared_labour_offers_offer_id_seq, shared_labour_needs_need_id_seq TO hongyan_app;
"""

SCOPED_TABLES = ("circle_snapshots", "shared_labour_offers", "shared_labour_needs")
POLICIES = (
    ("circle_snapshots_scope", "circle_snapshots", "SELECT", IN_SCOPE),
    (
        "shared_offers_scope",
        "shared_labour_offers",
        "ALL",
        f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}",
    ),
    (
        "shared_needs_scope",
        "shared_labour_needs",
        "ALL",
        f"{IN_SCOPE} AND {NO_RESIDENT} AND {OWN_ENTERPRISE}",
    ),
)


def _seed_sql() -> str:
    """INSERT of the seed pairs (constants of this file, each pair ordered)."""
    rows = []
    for a, b, weight, note in SEED:
        lo, hi = sorted((a, b))
        rows.append(f"('{lo}', '{hi}', {weight}, '{note}')")
    return "INSERT INTO related_trades (code_a, code_b, weight, note) VALUES\n" + ",\n".join(rows) + ";"


def _policies_sql() -> str:
    """ENABLE + FORCE RLS on the area-bound tables and create their policies."""
    out = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY; ALTER TABLE {t} FORCE ROW LEVEL SECURITY;"
        for t in SCOPED_TABLES
    ]
    for name, table, command, expr in POLICIES:
        check = f" WITH CHECK ({expr})" if command == "ALL" else ""
        out.append(f"CREATE POLICY {name} ON {table} FOR {command} TO hongyan_app USING ({expr}){check};")
    return "\n".join(out)


def upgrade() -> None:
    """Add the matching tables and columns, seed related trades, grant and scope them."""
    op.execute(TABLES)
    op.execute(_seed_sql())
    op.execute(GRANTS)
    op.execute(_policies_sql())
    op.execute(POOL_FUNCTION)


def downgrade() -> None:
    """Drop the matching tables, columns and the pool function."""
    op.execute("DROP FUNCTION IF EXISTS matching_hr_pool(bigint, double precision, integer)")
    op.execute(
        "DROP TABLE IF EXISTS shared_labour_needs, shared_labour_offers, circle_snapshots, related_trades"
    )
    op.execute(
        "ALTER TABLE residents DROP COLUMN IF EXISTS expected_wage, DROP COLUMN IF EXISTS certificates, "
        "DROP COLUMN IF EXISTS training_codes"
    )
    op.execute(
        "ALTER TABLE vacancies DROP CONSTRAINT IF EXISTS vacancies_age_range, DROP COLUMN IF EXISTS min_age, "
        "DROP COLUMN IF EXISTS max_age, DROP COLUMN IF EXISTS required_certificates"
    )
