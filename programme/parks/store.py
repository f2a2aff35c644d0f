"""The park registry: parks with capacity, tenants (an enterprise or a talent) and occupancy, map and stats."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from geo.core.errors import Conflict, InvalidInput, NotFound
from programme.parks import queries as q
from programme.parks.parties import resolve_party
from registry.accounts.roles import Account, check_phone
from registry.personal import PersonalDataCipher, mask_name, mask_phone
from registry.staff import MANAGER_ROLES, check_choice, require_area, require_role

KINDS = {
    "returnee_park": "返乡创业园",
    "youth_park": "青年创业园",
    "makerspace": "众创空间",
    "incubator": "孵化器",
    "accelerator": "加速器",
}
UNITS = {"units": "间/套", "desks": "工位"}


@dataclass(frozen=True)
class NewPark:
    """A park as registered: where it is, how many units or desks it has, who runs it."""

    name: str
    kind: str
    area_code: str
    lon: float
    lat: float
    capacity: int
    unit: str = "units"
    operator: str = ""
    contact_name: str = ""
    contact_phone: str | None = None
    opened_on: date | None = None


@dataclass(frozen=True)
class NewTenant:
    """A tenant moving in: an enterprise or a talent (人才库; a bare resident in older data), taking units."""

    enterprise_id: int | None = None
    talent_id: int | None = None
    resident_id: int | None = None
    units: int = 1
    moved_in_on: date | None = None


def create_park(conn: Connection, account: Account, park: NewPark, *, cipher: PersonalDataCipher) -> int:
    """Register a park inside the account's area; InvalidInput says which field is wrong."""
    require_role(account, MANAGER_ROLES, "registering a park")
    name = park.name.strip()
    if not name:
        raise InvalidInput("a park needs a name", field="name")
    check_choice(park.kind, KINDS, field="kind", what="park kind")
    check_choice(park.unit, UNITS, field="unit", what="capacity unit")
    if park.capacity < 0:
        raise InvalidInput(f"capacity must not be negative, got {park.capacity}", field="capacity")
    require_area(account, park.area_code)
    area = conn.execute(q.AREA, {"code": park.area_code, "lon": park.lon, "lat": park.lat}).one_or_none()
    if area is None or area.level == "county":
        raise InvalidInput(
            f"area {park.area_code} is not a township or village of the county", field="area_code"
        )
    if not area.inside:
        raise InvalidInput(
            f"the location {park.lon:.5f}, {park.lat:.5f} lies outside area {park.area_code}", field="lon/lat"
        )
    if conn.execute(q.PARK_NAME_TAKEN, {"name": name}).first() is not None:
        raise Conflict(f"a park named {name} is already registered")
    phone = check_phone(park.contact_phone, field="contact_phone") if park.contact_phone else None
    return int(
        conn.execute(
            q.INSERT_PARK,
            {
                "name": name,
                "kind": park.kind,
                "area_code": park.area_code,
                "lon": park.lon,
                "lat": park.lat,
                "capacity": park.capacity,
                "unit": park.unit,
                "operator": park.operator.strip(),
                "contact_name": park.contact_name.strip(),
                "contact_phone_cipher": cipher.encrypt(phone) if phone else None,
                "opened_on": park.opened_on,
            },
        ).scalar_one()
    )


def add_tenant(conn: Connection, account: Account, park_id: int, tenant: NewTenant) -> int:
    """Move a tenant in; InvalidInput when the park's occupancy would exceed its capacity."""
    require_role(account, MANAGER_ROLES, "adding a park tenant")
    if tenant.units <= 0:
        raise InvalidInput(f"a tenant takes at least 1 unit, got {tenant.units}", field="units")
    park = conn.execute(q.LOCK_PARK, {"id": park_id}).one_or_none()
    if park is None:
        raise NotFound(f"park {park_id} does not exist or is outside your area")
    party = resolve_party(
        conn,
        enterprise_id=tenant.enterprise_id,
        talent_id=tenant.talent_id,
        resident_id=tenant.resident_id,
        what=("入驻主体", "a tenant"),
    )
    if park.occupancy + tenant.units > park.capacity:
        raise InvalidInput(
            f"occupancy would be {park.occupancy + tenant.units}, above the park's capacity {park.capacity} "
            f"({park.capacity - park.occupancy} free)",
            field="units",
        )
    return int(
        conn.execute(
            q.INSERT_TENANT,
            {
                "park_id": park_id,
                "area_code": park.area_code,
                "enterprise_id": party.enterprise_id,
                "talent_id": party.talent_id,
                "resident_id": party.resident_id,
                "units": tenant.units,
                "moved_in_on": tenant.moved_in_on,
            },
        ).scalar_one()
    )


def move_out(conn: Connection, account: Account, park_id: int, tenant_id: int) -> None:
    """A tenant leaves the park (its units become free)."""
    require_role(account, MANAGER_ROLES, "moving a park tenant out")
    if conn.execute(q.MOVE_OUT, {"tenant": tenant_id, "park": park_id}).first() is None:
        raise NotFound(f"park {park_id} has no current tenant {tenant_id} in your area")


def _park(row: Any, cipher: PersonalDataCipher) -> dict[str, Any]:
    phone = cipher.decrypt(bytes(row.contact_phone_cipher)) if row.contact_phone_cipher is not None else None
    return {
        "park_id": row.park_id,
        "name": row.name,
        "kind": row.kind,
        "kind_name": KINDS[row.kind],
        "area_code": row.area_code,
        "area_name": row.area_name,
        "lon": row.lon,
        "lat": row.lat,
        "capacity": row.capacity,
        "unit": row.unit,
        "occupancy": int(row.occupancy),
        "tenants": int(row.tenants),
        "free": row.capacity - int(row.occupancy),
        "operator": row.operator,
        "contact_name": row.contact_name,
        "contact_phone": mask_phone(phone) if phone else None,
        "opened_on": row.opened_on.isoformat() if row.opened_on else None,
    }


def list_parks(
    conn: Connection, *, cipher: PersonalDataCipher, kind: str | None = None
) -> list[dict[str, Any]]:
    """The parks the transaction can see with their occupancy (contact phones masked)."""
    if kind is not None:
        check_choice(kind, KINDS, field="kind", what="park kind")
    return [_park(r, cipher) for r in conn.execute(q.LIST_PARKS, {"kind": kind, "park": None})]


def get_park(
    conn: Connection, park_id: int, *, cipher: PersonalDataCipher, sees_names: bool
) -> dict[str, Any]:
    """One park with its tenants (names of talents masked unless the role sees names)."""
    row = conn.execute(q.LIST_PARKS, {"kind": None, "park": park_id}).one_or_none()
    if row is None:
        raise NotFound(f"park {park_id} does not exist or is outside your area")
    park = _park(row, cipher)
    park["tenant_list"] = [
        {
            "tenant_id": t.tenant_id,
            "enterprise_id": t.enterprise_id,
            "talent_id": t.talent_id,
            "resident_id": t.resident_id,
            "name": t.enterprise_name
            if t.enterprise_id
            else (t.person_name if sees_names or t.person_name is None else mask_name(t.person_name)),
            "units": t.units,
            "moved_in_on": t.moved_in_on.isoformat(),
            "moved_out_on": t.moved_out_on.isoformat() if t.moved_out_on else None,
        }
        for t in conn.execute(q.TENANTS, {"park": park_id})
    ]
    return park


def park_stats(conn: Connection, *, by: str = "kind") -> list[dict[str, Any]]:
    """Parks, capacity, occupancy, tenants and occupancy rate by kind or by township."""
    check_choice(by, ("kind", "township"), field="by", what="grouping")
    rows = conn.execute(q.STATS, {"by": by}).all()
    names = (
        dict(conn.execute(q.AREA_NAMES, {"codes": [r.key for r in rows]}).all())
        if by == "township"
        else KINDS
    )
    return [
        {
            "key": r.key,
            "name": names.get(r.key, r.key),
            "parks": int(r.parks),
            "capacity": int(r.capacity),
            "occupancy": int(r.occupancy),
            "tenants": int(r.tenants),
            "rate": round(int(r.occupancy) / int(r.capacity), 4) if r.capacity else None,
        }
        for r in rows
    ]


def parks_geojson(conn: Connection, *, kind: str | None = None) -> dict[str, Any]:
    """Every park as a GeoJSON point with its public facts (no contacts, no tenants)."""
    if kind is not None:
        check_choice(kind, KINDS, field="kind", what="park kind")
    features = [
        {
            "type": "Feature",
            "id": r.park_id,
            "geometry": {"type": "Point", "coordinates": [round(r.lon, 6), round(r.lat, 6)]},
            "properties": {
                "park_id": r.park_id,
                "name": r.name,
                "kind": r.kind,
                "kind_name": KINDS[r.kind],
                "area_code": r.area_code,
                "area_name": r.area_name,
                "capacity": r.capacity,
                "unit": r.unit,
                "occupancy": int(r.occupancy),
                "operator": r.operator,
            },
        }
        for r in conn.execute(q.PUBLIC_MAP, {"kind": kind})
    ]
    return {"type": "FeatureCollection", "features": features}
