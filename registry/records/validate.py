"""Checks of a record against the rules and the caller's area: ID numbers, age, phone, village, location."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Connection

from geo.core.crs import converter
from geo.core.errors import InvalidInput, NotFound, PermissionDenied
from registry.accounts.roles import Account, check_phone
from registry.personal import Sex, normalise_id, validate_id_number
from registry.records import queries as q

MIN_AGE, MAX_AGE = 16, 65


def require(values: dict[str, object], fields: tuple[str, ...]) -> None:
    """InvalidInput for the first of the fields that is missing or set to null."""
    for name in fields:
        if values.get(name) is None:
            raise InvalidInput(f"{name} cannot be empty", field=name)


def age_on(born: date, day: date) -> int:
    """Full years of age on a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_person_id(
    id_number: str, *, today: date | None = None, check_age: bool = True
) -> tuple[str, date, Sex]:
    """The normalised ID number with its birth date and sex; InvalidInput if invalid or aged outside 16–65.

    The age range is a rule for entering a person (``check_age``): a record kept while its person ages past
    65 stays editable, so a status change such as not_in_labour_force can still be recorded.
    """
    number = normalise_id(id_number)
    born, sex = validate_id_number(number)
    age = age_on(born, today or date.today())
    if check_age and not MIN_AGE <= age <= MAX_AGE:
        raise InvalidInput(
            f"the ID number gives age {age} (born {born.isoformat()}); the labour-supply database holds "
            f"people aged {MIN_AGE} to {MAX_AGE}",
            field="id_number",
        )
    return number, born, sex


def check_optional_phone(phone: str | None, *, field: str = "phone") -> str | None:
    """A valid mobile number, or None for an empty one."""
    if phone is None or not phone.strip():
        return None
    return check_phone(phone, field=field)


def check_area(conn: Connection, account: Account, code: str, *, level: str, field: str) -> str:
    """The name of an area of the given level inside the account's area; InvalidInput / PermissionDenied."""
    row = conn.execute(q.AREA, {"code": code}).one_or_none()
    if row is None or (level == "village" and row.level != "village"):
        what = "村/社区 village" if level == "village" else "area"
        raise InvalidInput(f"{code} is not a known {what} code", field=field)
    if row.level == "county":
        raise InvalidInput(f"{code} is the county: give a township or village code", field=field)
    if not code.startswith(account.scope.prefix):
        raise PermissionDenied(
            f"{level} {code} ({row.name}) is outside your area {account.area_code}: you may only record "
            "inside it"
        )
    return str(row.name)


def check_occupation(conn: Connection, code: str | None) -> None:
    """InvalidInput unless the occupation code exists in the 2022 classification."""
    if code is not None and conn.execute(q.OCCUPATION_EXISTS, {"code": code}).first() is None:
        raise InvalidInput(
            f"{code} is not an occupation code of the 2022 classification (e.g. 6-18-01-01)",
            field="occupation_code",
        )


def to_wgs84(lon: float, lat: float, datum: str) -> tuple[float, float]:
    """A point in WGS84 from WGS84 or GCJ-02 (phones with AMap or WeChat maps) coordinates."""
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise InvalidInput(f"({lon}, {lat}) is not a longitude/latitude", field="lon")
    if datum == "wgs84":
        return lon, lat
    x, y = converter(datum, "wgs84")(lon, lat)
    return float(np.asarray(x)), float(np.asarray(y))


def located(
    conn: Connection, code: str, name: str, lon: float | None, lat: float | None, datum: str
) -> tuple[float, float, str]:
    """(lon, lat, source): a GPS point that must lie inside the area, or the area's seat when none is given."""
    if (lon is None) != (lat is None):
        raise InvalidInput("give both lon and lat, or neither (the village centre is used)", field="lon")
    if lon is None or lat is None:
        seat = conn.execute(q.AREA_SEAT, {"code": code}).one_or_none()
        if seat is None:
            raise NotFound(f"area {code} has no geometry")
        return float(seat[0]), float(seat[1]), "village_centroid"
    x, y = to_wgs84(lon, lat, datum)
    if not conn.execute(q.POINT_IN_AREA, {"lon": x, "lat": y, "code": code}).scalar():
        raise InvalidInput(
            f"the location ({x:.6f}, {y:.6f}) is outside {code} ({name}): check the point or the area code",
            field="lon",
        )
    return x, y, "gps"
