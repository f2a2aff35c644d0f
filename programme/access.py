"""Who may do what in the programme (the rows they may touch are decided by row-level security)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg.errors import InsufficientPrivilege
from sqlalchemy.exc import ProgrammingError

from geo.core.errors import PermissionDenied
from registry.accounts.roles import Account

COUNTY_ROLES = frozenset({"county_admin", "county_reviewer"})
FAIR_ORGANISERS = COUNTY_ROLES | {"township_staff"}
FAIR_DAY_STAFF = FAIR_ORGANISERS | {"village_collector"}
ROLE_ZH = {
    "county_admin": "县级管理员",
    "county_reviewer": "县人社局审核员",
    "township_staff": "乡镇（园区）工作人员",
    "village_collector": "村（社区）信息员",
    "enterprise_hr": "企业人事",
    "job_seeker": "求职者",
}


def require(account: Account, allowed: frozenset[str], action_zh: str, action: str) -> None:
    """PermissionDenied unless the account's role is one of ``allowed``."""
    if account.role not in allowed:
        raise PermissionDenied(
            f"{ROLE_ZH.get(account.role, account.role)}不能{action_zh} ({account.role} may not {action})"
        )


@contextmanager
def outside_area(message: str) -> Iterator[None]:
    """Turn the row-level policy's refusal of a write (in a savepoint) into PermissionDenied(message)."""
    try:
        yield
    except ProgrammingError as exc:
        if isinstance(exc.orig, InsufficientPrivilege):
            raise PermissionDenied(message) from exc
        raise
