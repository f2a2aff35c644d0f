"""Which staff roles may do what in the outreach, park, support and one-window services."""

from __future__ import annotations

from collections.abc import Iterable

from geo.core.errors import InvalidInput, PermissionDenied
from geo.core.scope import scope_prefix
from registry.accounts.roles import Account, UnmaskRefused

STAFF_ROLES = frozenset({"county_admin", "county_reviewer", "township_staff", "village_collector"})
MANAGER_ROLES = frozenset({"county_admin", "township_staff"})
COUNTY_ROLES = frozenset({"county_admin", "county_reviewer"})
HANDLER_ROLES = frozenset({"county_admin", "county_reviewer", "township_staff"})
UNMASK_ROLES = frozenset({"county_admin", "township_staff", "village_collector"})


def require_role(account: Account, roles: Iterable[str], action: str) -> Account:
    """The account if its role is one of roles; PermissionDenied naming the action otherwise."""
    allowed = sorted(roles)
    if account.role not in allowed:
        raise PermissionDenied(f"{action} needs the role {' or '.join(allowed)}; you are {account.role}")
    return account


def require_unmask_role(account: Account, action: str) -> Account:
    """require_role for names and phones in full: the refusal is an UnmaskRefused, which is audited."""
    try:
        return require_role(account, UNMASK_ROLES, action)
    except PermissionDenied as exc:
        raise UnmaskRefused(exc.message, account=account) from None


def require_area(account: Account, area_code: str) -> str:
    """The area code if it lies inside the account's area; PermissionDenied otherwise."""
    scope_prefix(area_code)  # a malformed code is InvalidInput, not a permission question
    prefix = account.scope.prefix
    if not area_code.startswith(prefix):
        raise PermissionDenied(f"area {area_code} is outside your area {account.area_code}")
    return area_code


def check_choice(value: str, choices: Iterable[str], *, field: str, what: str) -> str:
    """The value if it is one of choices; InvalidInput listing them otherwise."""
    options = list(choices)
    if value not in options:
        raise InvalidInput(f"unknown {what} {value!r}: use one of {', '.join(options)}", field=field)
    return value
