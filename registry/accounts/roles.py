"""The six roles, the area level each one belongs to, what they may see, and the scope they act under."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from geo.core.errors import InvalidInput, PermissionDenied
from geo.core.scope import Scope, scope_prefix

Role = Literal[
    "county_admin", "county_reviewer", "township_staff", "village_collector", "enterprise_hr", "job_seeker"
]
ROLES: tuple[str, ...] = get_args(Role)
ROLE_LEVEL: dict[str, str | None] = {
    "county_admin": "county",
    "county_reviewer": "county",  # 人社局
    "township_staff": "township",  # a township or an industrial park
    "village_collector": "village",  # a village or a community
    "enterprise_hr": None,  # the enterprise's own area
    "job_seeker": None,  # the resident's own area
}
NAME_VISIBLE_ROLES = frozenset({"county_admin", "township_staff", "village_collector", "job_seeker"})
ACCOUNT_ADMIN_ROLES = frozenset({"county_admin"})

PHONE = re.compile(r"^1[3-9][0-9]{9}$")
USERNAME = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")
MIN_PASSWORD = 10


@dataclass(frozen=True)
class Account:
    """An authenticated account: who, in which role and area, bound to which enterprise or resident."""

    account_id: int
    username: str
    name: str
    role: str
    area_code: str
    enterprise_id: int | None = None
    resident_id: int | None = None

    @property
    def scope(self) -> Scope:
        """The scope the account's transactions run under (HR and job seekers: county-wide but bound)."""
        bound = self.role in ("enterprise_hr", "job_seeker")
        return Scope(
            self.area_code[:6] if bound else scope_prefix(self.area_code),
            account_id=self.account_id,
            enterprise_id=self.enterprise_id,
            resident_id=self.resident_id,
        )

    @property
    def sees_names(self) -> bool:
        """Whether residents' names are shown unmasked to this account."""
        return self.role in NAME_VISIBLE_ROLES


class UnmaskRefused(PermissionDenied):
    """The account asked for ID numbers, phones or names in full and its role may not see them (audited)."""

    def __init__(self, message: str, *, account: Account) -> None:
        super().__init__(message)
        self.account = account


def check_role(role: str) -> str:
    """The role if known, else InvalidInput listing the roles."""
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: use one of {', '.join(ROLES)}", field="role")
    return role


def check_phone(phone: str, *, field: str = "phone") -> str:
    """A mainland mobile number 1[3-9] + 9 digits (blanks removed), else InvalidInput."""
    p = phone.strip().replace(" ", "").replace("-", "")
    if not PHONE.match(p):
        raise InvalidInput(
            "a mobile number (手机号) has 11 digits starting with 13-19; check the number", field=field
        )
    return p


def check_username(username: str) -> str:
    """A lower-case login name of 3-32 letters, digits, '_', '.' or '-', starting with a letter."""
    u = username.strip()
    if not USERNAME.match(u):
        raise InvalidInput(
            "a username has 3-32 lower-case letters, digits, '_', '.' or '-' and starts with a letter",
            field="username",
        )
    return u


def check_password(password: str) -> str:
    """A password of at least MIN_PASSWORD characters that is not all one character."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters", field="password")
    if len(set(password)) < 4:
        raise InvalidInput("a password needs at least 4 different characters", field="password")
    return password
