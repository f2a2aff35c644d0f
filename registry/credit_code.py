"""Unified social credit codes (统一社会信用代码, GB 32100-2015) and their embedded organisation codes."""

from __future__ import annotations

from geo.core.errors import InvalidInput

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997, positions 9-16 of the credit code
_VALUE = {c: i for i, c in enumerate(CHARSET)}


def credit_check_char(first17: str) -> str:
    """The 18th (check) character of a credit code from its first 17 characters."""
    if len(first17) != 17 or any(c not in _VALUE for c in first17):
        raise InvalidInput(
            "need the first 17 characters of a credit code, each a digit or one of ABCDEFGHJKLMNPQRTUWXY"
        )
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def org_check_char(body8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body ('0'-'9' or 'X')."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def validate_credit_code(code: str, *, field: str = "credit_code", row: int | None = None) -> str:
    """The code upper-cased if it is a well-formed credit code; InvalidInput naming the fault otherwise."""
    s = code.strip().upper()
    if len(s) != 18:
        raise InvalidInput(
            f"a unified social credit code has 18 characters, this one has {len(s)}", row=row, field=field
        )
    bad = sorted({c for c in s if c not in _VALUE})
    if bad:
        raise InvalidInput(
            f"credit code contains {''.join(bad)}, which never occur in credit codes (I, O, S, V, Z "
            "and punctuation are not used)",
            row=row,
            field=field,
        )
    if not s[2:8].isdigit():
        raise InvalidInput("credit code characters 3-8 must be the 6-digit region code", row=row, field=field)
    expected = credit_check_char(s[:17])
    if s[17] != expected:
        raise InvalidInput(
            f"credit code check character is {s[17]} but the first 17 characters give {expected}: "
            "the code is mistyped",
            row=row,
            field=field,
        )
    return s
