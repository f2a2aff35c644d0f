"""Who a park tenant or a support applicant is: an enterprise, a talent (人才库) or, in older data, a resident."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from geo.core.errors import InvalidInput, NotFound
from programme.parks import queries as q


@dataclass(frozen=True)
class Party:
    """Exactly one of the three ids is set; area_code is that record's area."""

    enterprise_id: int | None
    talent_id: int | None
    resident_id: int | None
    area_code: str


def resolve_party(
    conn: Connection,
    *,
    enterprise_id: int | None,
    talent_id: int | None,
    resident_id: int | None,
    what: tuple[str, str],
) -> Party:
    """The one party named (it must exist in the caller's area); InvalidInput unless exactly one is given.

    ``what`` is the (Chinese, English) name of the role the party plays, for the message.
    """
    given = [x for x in (enterprise_id, talent_id, resident_id) if x is not None]
    if len(given) != 1:
        raise InvalidInput(
            f"{what[0]}须是企业、人才或居民之一，请只填 enterprise_id、talent_id、resident_id 中的一个 "
            f"({what[1]} is an enterprise, a talent or a resident: give exactly one of enterprise_id, talent_id, "
            "resident_id)"
        )
    if enterprise_id is not None:
        row = conn.execute(q.ENTERPRISE, {"id": enterprise_id}).one_or_none()
        if row is None:
            raise NotFound(f"enterprise {enterprise_id} does not exist or is outside your area")
    elif talent_id is not None:
        row = conn.execute(q.TALENT, {"id": talent_id}).one_or_none()
        if row is None:
            raise NotFound(
                f"人才 {talent_id} 不存在或不在您的辖区 (talent {talent_id} does not exist or is outside your area)"
            )
    else:
        row = conn.execute(q.RESIDENT, {"id": resident_id}).one_or_none()
        if row is None:
            raise NotFound(f"talent (resident) {resident_id} does not exist or is outside your area")
    return Party(enterprise_id, talent_id, resident_id, str(row.area_code))
