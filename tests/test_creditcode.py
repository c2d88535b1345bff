"""The unified social credit code validator (GB 32100-2015)."""

from __future__ import annotations

import pytest

from api.organizations.creditcode import (
    CHARSET,
    WEIGHTS,
    CreditCodeError,
    is_valid_credit_code,
    make_credit_code,
    validate_credit_code,
)

# Codes published by real companies: the check character must agree with them.
REAL_CODES = [
    "91350100M000100Y43",
    "9144030071526726XG",
    "91330100799655058B",
    "91110108551385082Q",
]


def test_weights_are_powers_of_three_mod_31():
    # Given the weights of the standard, when listed, then they are 3**i mod 31.
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    # Given a code printed on a real business licence
    # When it is validated
    # Then it is accepted unchanged
    assert validate_credit_code(code) == code
    assert is_valid_credit_code(code)


def test_wrong_check_character_is_rejected():
    # Given a real code whose last character is changed
    code = "91350100M000100Y44"
    # When it is validated
    # Then the error names the expected check character
    with pytest.raises(CreditCodeError, match=r"校验位错误.*“3”"):
        validate_credit_code(code)
    assert not is_valid_credit_code(code)


def test_lowercase_and_spaces_are_normalised():
    # Given a real code typed in lower case with stray spaces
    # When it is validated
    # Then the upper-case code comes back
    assert validate_credit_code("  9144030071526726xg ") == "9144030071526726XG"


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_wrong_length_is_rejected(code):
    # Given 17, 19 or no characters, when validated, then the length is the complaint
    with pytest.raises(CreditCodeError, match="应为18位"):
        validate_credit_code(code)


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_forbidden_letters_are_rejected(letter):
    # Given a code with one of the letters the standard leaves out
    code = "91350100M000100" + letter + "43"
    # When validated, then the message names the letter and its position
    with pytest.raises(CreditCodeError, match=f"第16位不能使用字母“{letter}”"):
        validate_credit_code(code)


@pytest.mark.parametrize("char", ["中", "Ａ", "-", "é"])
def test_non_ascii_and_punctuation_are_rejected(char):
    # Given a code with a Chinese, full-width or punctuation character
    code = "9135010" + char + "M000100Y43"
    # When validated, then the bad character is reported
    with pytest.raises(CreditCodeError, match="非法字符"):
        validate_credit_code(code)


def test_division_code_must_be_digits():
    # Given a code whose administrative division holds a letter (check char recomputed)
    body = "5132A102MJ5500001"
    # When a code is made from it, then it is refused
    with pytest.raises(CreditCodeError, match="行政区划码"):
        make_credit_code(body)


def test_make_appends_the_check_character():
    # Given the first 17 characters of a real code
    # When the check character is appended
    # Then the real code comes out
    assert make_credit_code("91350100M000100Y4") == "91350100M000100Y43"


def test_check_value_31_wraps_to_zero():
    # Given a body whose weighted sum is a multiple of 31 (all zeros)
    # When its check character is computed, then it is "0", not an out-of-range 31
    assert make_credit_code("0" * 17) == "0" * 18


def test_made_codes_for_social_organizations_are_valid():
    # Given bodies for Nanjing social organizations using every character of the set
    bodies = [f"52320102MJ{CHARSET[i % 31]}{CHARSET[(i * 7) % 31]}0000{i % 10}" for i in range(62)]
    # When check characters are appended, then every code validates and starts with 5
    for body in bodies:
        code = make_credit_code(body)
        assert code.startswith("5")
        assert validate_credit_code(code) == code


def test_make_rejects_a_full_code():
    # Given 18 characters where 17 are expected, then the length is the complaint
    with pytest.raises(CreditCodeError, match="应为17位"):
        make_credit_code("91350100M000100Y43")
