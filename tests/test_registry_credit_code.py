"""Unified social credit codes (GB 32100-2015) and the organisation codes inside them (GB 11714)."""

from __future__ import annotations

import numpy as np
import pytest

from geo.core.errors import InvalidInput
from registry.credit_code import credit_check_char, org_check_char, validate_credit_code
from registry.synthetic.enterprises import credit_codes

PUBLISHED = ("9144030071526726XG", "91330100716105852F", "91110108551385082Q", "91310000MA1FL1MMXL")


def test_published_codes_validate() -> None:
    for code in PUBLISHED:
        assert validate_credit_code(code.lower()) == code
        assert credit_check_char(code[:17]) == code[17]
        assert org_check_char(code[8:16]) == code[16]


def test_generated_codes_are_valid_distinct_and_local() -> None:
    codes = credit_codes(np.random.default_rng(5), ["91"] * 300 + ["93"] * 50 + ["52"] * 20)
    assert len(set(codes)) == 370
    for code in codes:
        assert validate_credit_code(code) == code
        assert code[2:8] == "341522"
        assert org_check_char(code[8:16]) == code[16]


def test_wrong_length_is_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_credit_code("9144030071526726X", row=3)
    assert str(err.value) == (
        "a unified social credit code has 18 characters, this one has 17 (row 3, field credit_code)"
    )


def test_forbidden_letters_are_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_credit_code("91440300715267260I")
    assert "credit code contains I, which never occur in credit codes" in str(err.value)


def test_region_must_be_digits() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_credit_code("91A40300715267260G")
    assert "characters 3-8 must be the 6-digit region code" in str(err.value)


def test_bad_check_character_is_rejected() -> None:
    with pytest.raises(InvalidInput) as err:
        validate_credit_code("9144030071526726XH")
    assert "check character is H but the first 17 characters give G" in str(err.value)
