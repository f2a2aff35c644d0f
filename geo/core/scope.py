"""Area scoping: the caller's scope set per transaction for PostgreSQL row-level security (migration 0006).

The policies read transaction-local settings: ``hongyan.scope`` (area-code prefix), ``hongyan.account_id``,
``hongyan.enterprise_id`` (enterprise HR) and ``hongyan.resident_id`` (job seeker). Values are always bound
parameters of ``set_config``; an unset or empty setting matches no row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from geo.core.errors import InvalidInput, PermissionDenied

SET_SCOPE = text(
    """
    SELECT set_config('hongyan.scope', :scope, true),
           set_config('hongyan.account_id', :account_id, true),
           set_config('hongyan.enterprise_id', :enterprise_id, true),
           set_config('hongyan.resident_id', :resident_id, true)
    """
)
SET_SETTING = text("SELECT set_config(:name, :value, true)")
ROLE_FLAGS = text("SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")

_AREA_CODE = re.compile(r"^[0-9]{12}$")
_PREFIX = re.compile(r"^(?:[0-9]{6}|[0-9]{9}|[0-9]{12})$")
LOOKUP_SETTINGS = ("login", "login_hash", "token_hash", "account_id")


def scope_prefix(area_code: str) -> str:
    """The prefix shared by every code inside an area: county 6 digits, township 9, village all 12."""
    if not _AREA_CODE.match(area_code):
        raise InvalidInput(f"an area code has 12 digits, got {area_code!r}", field="area_code")
    if area_code.endswith("000000"):
        return area_code[:6]
    if area_code.endswith("000"):
        return area_code[:9]
    return area_code


@dataclass(frozen=True)
class Scope:
    """Who the transaction acts for: an area prefix, and for HR / job seekers their enterprise / record."""

    prefix: str
    account_id: int | None = None
    enterprise_id: int | None = None
    resident_id: int | None = None

    def __post_init__(self) -> None:
        if not _PREFIX.match(self.prefix):
            raise InvalidInput(
                f"a scope is an area-code prefix of 6, 9 or 12 digits, got {self.prefix!r}", field="scope"
            )


def _text(value: int | None) -> str:
    return "" if value is None else str(int(value))


def scoped(conn: Connection, scope: Scope) -> Connection:
    """Set the caller's scope for the current transaction only (lost at commit or rollback)."""
    if not conn.in_transaction():
        raise InvalidInput(
            "scoped() needs an open transaction: the scope would outlive the request otherwise"
        )
    conn.execute(
        SET_SCOPE,
        {
            "scope": scope.prefix,
            "account_id": _text(scope.account_id),
            "enterprise_id": _text(scope.enterprise_id),
            "resident_id": _text(scope.resident_id),
        },
    )
    return conn


def set_lookup(conn: Connection, name: str, value: str) -> None:
    """Set one lookup setting (login, login_hash, token_hash, account_id) for the current transaction."""
    if name not in LOOKUP_SETTINGS:
        raise InvalidInput(f"unknown lookup setting {name!r}; use one of {', '.join(LOOKUP_SETTINGS)}")
    conn.execute(SET_SETTING, {"name": f"hongyan.{name}", "value": value})


def assert_unprivileged(engine: Engine) -> str:
    """The engine's role name; PermissionDenied if it is a superuser or may bypass row-level security."""
    with engine.connect() as conn:
        role, superuser, bypass = conn.execute(ROLE_FLAGS).one()
    if superuser or bypass:
        raise PermissionDenied(
            f"the application database role {role!r} is a superuser or has BYPASSRLS, so area scoping "
            "would not apply: set HONGYAN_APP_DATABASE_URL to a role in hongyan_app (e.g. hongyan_web)"
        )
    return str(role)
