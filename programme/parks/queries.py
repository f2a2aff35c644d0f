"""SQL of the parks package, parameters bound; under the app role the row-level policies pick the rows."""

from __future__ import annotations

from sqlalchemy import text

AREA = text(
    "SELECT code, level, ST_Contains(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)) AS inside "
    "FROM admin_areas WHERE code = :code"
)
PARK_NAME_TAKEN = text("SELECT 1 FROM parks WHERE name = :name")
INSERT_PARK = text(
    """
    INSERT INTO parks (name, kind, area_code, geom, capacity, unit, operator, contact_name,
                       contact_phone_cipher, opened_on)
    VALUES (:name, :kind, :area_code, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :capacity, :unit, :operator,
            :contact_name, :contact_phone_cipher, :opened_on)
    RETURNING park_id
    """
)
_OCCUPANCY = """
    coalesce((SELECT sum(t.units) FROM park_tenants t WHERE t.park_id = p.park_id AND t.moved_out_on IS NULL), 0)
"""
_TENANT_COUNT = """
    (SELECT count(*) FROM park_tenants t WHERE t.park_id = p.park_id AND t.moved_out_on IS NULL)
"""
LIST_PARKS = text(
    f"""
    SELECT p.park_id, p.name, p.kind, p.area_code, a.name AS area_name, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
           p.capacity, p.unit, p.operator, p.contact_name, p.contact_phone_cipher, p.opened_on,
           {_OCCUPANCY} AS occupancy, {_TENANT_COUNT} AS tenants
    FROM parks p LEFT JOIN admin_areas a ON a.code = p.area_code
    WHERE (CAST(:kind AS text) IS NULL OR p.kind = :kind)
      AND (CAST(:park AS bigint) IS NULL OR p.park_id = :park)
    ORDER BY p.area_code, p.name
    """  # noqa: S608 - constant SQL fragments, no user values
)
LOCK_PARK = text(
    f"""
    SELECT p.park_id, p.area_code, p.capacity, {_OCCUPANCY} AS occupancy FROM parks p
    WHERE p.park_id = :id FOR UPDATE OF p
    """  # noqa: S608 - constant SQL fragment
)
ENTERPRISE = text("SELECT enterprise_id, name, area_code FROM enterprises WHERE enterprise_id = :id")
RESIDENT = text("SELECT resident_id, name, area_code FROM residents WHERE resident_id = :id")
TALENT = text("SELECT talent_id, name, area_code FROM talents WHERE talent_id = :id")
INSERT_TENANT = text(
    """
    INSERT INTO park_tenants (park_id, area_code, enterprise_id, talent_id, resident_id, units, moved_in_on)
    VALUES (:park_id, :area_code, :enterprise_id, :talent_id, :resident_id, :units,
            coalesce(:moved_in_on, current_date))
    RETURNING tenant_id
    """
)
MOVE_OUT = text(
    """
    UPDATE park_tenants SET moved_out_on = greatest(current_date, moved_in_on)
    WHERE tenant_id = :tenant AND park_id = :park AND moved_out_on IS NULL
    RETURNING tenant_id
    """
)
TENANTS = text(
    """
    SELECT t.tenant_id, t.enterprise_id, t.talent_id, t.resident_id, t.units, t.moved_in_on, t.moved_out_on,
           e.name AS enterprise_name, coalesce(tl.name, r.name) AS person_name
    FROM park_tenants t
    LEFT JOIN enterprises e ON e.enterprise_id = t.enterprise_id
    LEFT JOIN talents tl ON tl.talent_id = t.talent_id
    LEFT JOIN residents r ON r.resident_id = t.resident_id
    WHERE t.park_id = :park
    ORDER BY t.moved_out_on IS NOT NULL, t.tenant_id
    """
)
STATS = text(
    f"""
    SELECT CASE WHEN :by = 'kind' THEN p.kind ELSE left(p.area_code, 9) || '000' END AS key,
           count(*) AS parks, sum(p.capacity) AS capacity, sum({_OCCUPANCY}) AS occupancy,
           sum({_TENANT_COUNT}) AS tenants
    FROM parks p
    GROUP BY 1 ORDER BY 1
    """  # noqa: S608 - constant SQL fragments
)
AREA_NAMES = text("SELECT code, name FROM admin_areas WHERE code = ANY(:codes)")
PUBLIC_MAP = text(
    f"""
    SELECT p.park_id, p.name, p.kind, p.area_code, a.name AS area_name, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
           p.capacity, p.unit, p.operator, {_OCCUPANCY} AS occupancy
    FROM parks p LEFT JOIN admin_areas a ON a.code = p.area_code
    WHERE (CAST(:kind AS text) IS NULL OR p.kind = :kind)
    ORDER BY p.park_id
    """  # noqa: S608 - constant SQL fragments
)

SUPPORT_INSERT = text(
    """
    INSERT INTO support_requests (kind, area_code, enterprise_id, talent_id, resident_id, park_id, amount_yuan)
    VALUES (:kind, :area_code, :enterprise_id, :talent_id, :resident_id, :park_id, :amount)
    RETURNING request_id, status, created_at
    """
)
SUPPORT_STEP = text(
    """
    INSERT INTO support_request_steps (request_id, area_code, from_status, to_status, account_id, actor, reason)
    VALUES (:request_id, :area_code, :from_status, :to_status, :account_id, :actor, :reason)
    """
)
SUPPORT_LOCK = text(
    "SELECT request_id, area_code, status FROM support_requests WHERE request_id = :id FOR UPDATE"
)
SUPPORT_SET_STATUS = text(
    "UPDATE support_requests SET status = :status, updated_at = now() WHERE request_id = :id"
)
SUPPORT_LIST = text(
    """
    SELECT s.request_id, s.kind, s.area_code, s.enterprise_id, s.talent_id, s.resident_id, s.park_id,
           s.amount_yuan, s.status, s.created_at, s.updated_at, e.name AS enterprise_name,
           coalesce(tl.name, r.name) AS person_name
    FROM support_requests s
    LEFT JOIN enterprises e ON e.enterprise_id = s.enterprise_id
    LEFT JOIN talents tl ON tl.talent_id = s.talent_id
    LEFT JOIN residents r ON r.resident_id = s.resident_id
    WHERE (CAST(:status AS text) IS NULL OR s.status = :status)
      AND (CAST(:id AS bigint) IS NULL OR s.request_id = :id)
    ORDER BY s.created_at DESC, s.request_id DESC
    LIMIT :limit
    """
)
SUPPORT_STEPS = text(
    """
    SELECT st.from_status, st.to_status, st.account_id, coalesce(a.name, nullif(st.actor, '')) AS by_name, st.at, st.reason
    FROM support_request_steps st LEFT JOIN accounts a ON a.account_id = st.account_id
    WHERE st.request_id = :id ORDER BY st.at, st.step_id
    """
)
