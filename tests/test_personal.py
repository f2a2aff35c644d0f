"""Personal data: GB 11643 ID numbers, AES-GCM encryption, keyed hashes and masks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from geo.core.errors import InvalidInput
from registry.personal import (
    DecryptionFailed,
    PersonalDataCipher,
    id_check_digit,
    mask_id,
    mask_name,
    mask_phone,
    validate_id_number,
)

KEY = "a-test-secret-key-of-some-length"


def with_check(first17: str) -> str:
    """first17 completed with its correct check character."""
    return first17 + id_check_digit(first17)


def test_check_digits_of_published_examples() -> None:
    assert id_check_digit("11010519491231002") == "X"  # the standard's own example
    assert id_check_digit("44052418800101001") == "4"
    assert id_check_digit("34152219900101123") == "4"  # weighted sum 217, 217 mod 11 = 8 -> "4"


def test_valid_id_gives_birth_date_and_sex() -> None:
    assert validate_id_number("11010519491231002X") == (date(1949, 12, 31), "F")
    assert validate_id_number("341522199001011234") == (date(1990, 1, 1), "M")
    assert validate_id_number(" 11010519491231002x ") == (date(1949, 12, 31), "F")


def test_wrong_length_is_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_id_number("34152219900101123", row=7)
    assert str(err.value) == (
        "an ID number (身份证号) has 18 characters, this one has 17: check for missing digits "
        "(row 7, field id_number)"
    )


def test_letters_inside_the_number_are_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_id_number("3415221990O1011231")
    assert "17 digits followed by a digit or X" in str(err.value)


def test_bad_check_digit_is_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_id_number("341522199001011232", field="身份证号")
    assert str(err.value) == (
        "ID number check digit is 2 but the first 17 digits give 4: the number is mistyped (field 身份证号)"
    )


def test_impossible_birth_date_is_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_id_number(with_check("34152219900230123"))
    assert "impossible birth date 1990-02-30" in str(err.value)


def test_future_birth_date_is_rejected() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(InvalidInput) as err:
        validate_id_number(with_check(f"341522{tomorrow:%Y%m%d}123"))
    assert "before 1900 or in the future" in str(err.value)


def test_masks_hide_the_middle() -> None:
    assert mask_id("341522199001011234") == "3415**********1234"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("1234") == "****"


def test_encryption_round_trip_uses_a_fresh_nonce_each_time() -> None:
    cipher = PersonalDataCipher(KEY)
    a, b = cipher.encrypt("341522199001011231"), cipher.encrypt("341522199001011231")
    assert a != b and a[:12] != b[:12]
    assert len(a) == 12 + 18 + 16
    assert cipher.decrypt(a) == cipher.decrypt(b) == "341522199001011231"
    assert b"341522" not in a
    many = cipher.encrypt_many(["13812345678", None, "13912345678"])
    assert many[1] is None
    assert [cipher.decrypt(x) for x in many if x is not None] == ["13812345678", "13912345678"]


def test_tampered_ciphertext_is_refused() -> None:
    cipher = PersonalDataCipher(KEY)
    blob = bytearray(cipher.encrypt("13812345678"))
    blob[15] ^= 0x01
    with pytest.raises(DecryptionFailed) as err:
        cipher.decrypt(bytes(blob))
    assert "failed its integrity check" in str(err.value)


def test_ciphertext_from_another_key_is_refused() -> None:
    blob = PersonalDataCipher(KEY).encrypt("13812345678")
    with pytest.raises(DecryptionFailed) as err:
        PersonalDataCipher(KEY + "-other").decrypt(blob)
    assert "HONGYAN_SECRET_KEY is not the key it was encrypted with" in str(err.value)


def test_truncated_ciphertext_is_refused() -> None:
    with pytest.raises(DecryptionFailed) as err:
        PersonalDataCipher(KEY).decrypt(b"\x00" * 20)
    assert "too short" in str(err.value)


def test_keyed_hash_is_stable_normalised_and_key_dependent() -> None:
    cipher = PersonalDataCipher(KEY)
    h = cipher.keyed_hash("11010519491231002X")
    assert len(h) == 32
    assert cipher.keyed_hash(" 11010519491231002x") == h
    assert PersonalDataCipher(KEY).keyed_hashes(["11010519491231002X"]) == [h]
    assert PersonalDataCipher(KEY + "-other").keyed_hash("11010519491231002X") != h


def test_short_secret_key_is_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        PersonalDataCipher("short")
    assert "at least 16 characters" in str(err.value)


@pytest.mark.parametrize(
    ("name", "masked"),
    [("李", "李*"), ("张三", "张*"), ("王小明", "王**"), ("欧阳小明", "欧阳**"), (" 赵六 ", "赵*")],
)
def test_one_name_mask_everywhere(name: str, masked: str) -> None:
    assert mask_name(name) == masked
