"""Personal data: ID-number rules (GB 11643-1999), encryption, keyed hashes and masks.

ID numbers (居民身份证号) and phone numbers are never stored or logged in plain text: they are kept as
AES-256-GCM ciphertexts, and ID numbers additionally as an HMAC-SHA256 keyed hash for duplicate lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence
from datetime import date
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from geo.core.errors import InvalidInput

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)
NONCE_BYTES = 12
_HKDF_SALT = b"hongyan/personal-data"
_AAD = b"hongyan-pd-v1"  # binds ciphertexts to this scheme version

Sex = Literal["M", "F"]


class DecryptionFailed(InvalidInput):
    """A ciphertext was tampered with, truncated, or made under another secret key."""


def id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character ('0'-'9' or 'X') for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidInput(f"need the first 17 digits of an ID number, got {len(first17)} characters")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalise_id(id_number: str) -> str:
    """The ID number without surrounding blanks and with a lower-case 'x' check character upper-cased."""
    return id_number.strip().upper()


def validate_id_number(
    id_number: str, *, field: str = "id_number", row: int | None = None
) -> tuple[date, Sex]:
    """Check an 18-character ID number and return its (birth date, sex); InvalidInput says what is wrong."""
    s = normalise_id(id_number)
    if len(s) != 18:
        raise InvalidInput(
            f"an ID number (身份证号) has 18 characters, this one has {len(s)}: check for missing digits",
            row=row,
            field=field,
        )
    if not (s[:17].isascii() and s[:17].isdigit()) or not (s[17].isdigit() or s[17] == "X"):
        raise InvalidInput(
            "an ID number is 17 digits followed by a digit or X; it contains other characters",
            row=row,
            field=field,
        )
    expected = id_check_digit(s[:17])
    if s[17] != expected:
        raise InvalidInput(
            f"ID number check digit is {s[17]} but the first 17 digits give {expected}: "
            "the number is mistyped",
            row=row,
            field=field,
        )
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        raise InvalidInput(
            f"ID number holds an impossible birth date {s[6:10]}-{s[10:12]}-{s[12:14]}",
            row=row,
            field=field,
        ) from None
    if born.year < 1900 or born > date.today():
        raise InvalidInput(
            f"ID number holds birth date {born.isoformat()}, which is before 1900 or in the future",
            row=row,
            field=field,
        )
    sex: Sex = "M" if int(s[16]) % 2 == 1 else "F"
    return born, sex


def mask_id(id_number: str) -> str:
    """The ID number with only its first and last four characters shown: 3415**********1234."""
    s = normalise_id(id_number)
    if len(s) <= 8:
        return "*" * len(s)
    return s[:4] + "*" * (len(s) - 8) + s[-4:]


def mask_name(name: str) -> str:
    """The family name kept, the rest hidden: 张** (names of four or more characters keep two: 欧阳**)."""
    n = name.strip()
    keep = 2 if len(n) >= 4 else 1
    return n[:keep] + "*" * max(len(n) - keep, 1)


def mask_phone(phone: str) -> str:
    """The phone number with its middle four digits hidden: 138****5678."""
    p = phone.strip()
    if len(p) <= 7:
        return "*" * len(p)
    return p[:3] + "*" * (len(p) - 7) + p[-4:]


class PersonalDataCipher:
    """Encrypts personal fields (AES-256-GCM, one random nonce per value) and hashes ID numbers (HMAC)."""

    def __init__(self, secret_key: str) -> None:
        if len(secret_key) < 16:
            raise InvalidInput("the secret key must have at least 16 characters (HONGYAN_SECRET_KEY)")
        material = HKDF(algorithm=hashes.SHA256(), length=64, salt=_HKDF_SALT, info=b"aes-gcm|hmac").derive(
            secret_key.encode("utf-8")
        )
        self._aead = AESGCM(material[:32])
        self._hmac_key = material[32:]

    def encrypt(self, text: str) -> bytes:
        """Nonce (12 random bytes) followed by the AES-GCM ciphertext and tag of ``text``."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, text.encode("utf-8"), _AAD)

    def encrypt_many(self, texts: Sequence[str | None]) -> list[bytes | None]:
        """``encrypt`` for many values at once (None stays None); nonces come from one urandom call."""
        pool = os.urandom(NONCE_BYTES * len(texts))
        enc = self._aead.encrypt
        out: list[bytes | None] = []
        for i, text in enumerate(texts):
            if text is None:
                out.append(None)
                continue
            nonce = pool[i * NONCE_BYTES : (i + 1) * NONCE_BYTES]
            out.append(nonce + enc(nonce, text.encode("utf-8"), _AAD))
        return out

    def decrypt(self, blob: bytes) -> str:
        """The text inside an ``encrypt`` result; DecryptionFailed if it was altered or is not ours."""
        if len(blob) < NONCE_BYTES + 16:
            raise DecryptionFailed("encrypted value is too short: it was truncated or is not a ciphertext")
        try:
            plain = self._aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], _AAD)
        except InvalidTag:
            raise DecryptionFailed(
                "encrypted value failed its integrity check: it was altered, or HONGYAN_SECRET_KEY "
                "is not the key it was encrypted with"
            ) from None
        return plain.decode("utf-8")

    def keyed_hash(self, id_number: str) -> bytes:
        """HMAC-SHA256 of the normalised ID number: equal IDs give equal hashes, without revealing them."""
        return hmac.digest(self._hmac_key, normalise_id(id_number).encode("utf-8"), hashlib.sha256)

    def keyed_hashes(self, id_numbers: Sequence[str]) -> list[bytes]:
        """``keyed_hash`` for many ID numbers."""
        key = self._hmac_key
        return [hmac.digest(key, normalise_id(s).encode("utf-8"), hashlib.sha256) for s in id_numbers]
