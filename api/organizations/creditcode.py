"""The unified social credit code (统一社会信用代码, GB 32100-2015).

Layout of the 18 characters:

* 1      registration authority (5 = civil affairs, i.e. social organizations)
* 2      type within that authority (for civil affairs: 1 社会团体, 2 民办非企业单位,
         3 基金会, 9 其他)
* 3–8    administrative division code (digits; Nanjing's districts are 3201xx)
* 9–17   organization code (GB 11714; its own last character is a check character that
         we deliberately do not verify — codes issued before 2015 carry legacy values)
* 18     check character over the first 17

The check character: each of the first 17 characters has a value (its index in
``CHARSET``) and a weight ``3**i mod 31``; the check value is ``31 - (sum mod 31)``,
where 31 wraps to 0.
"""

from __future__ import annotations

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# I, O, Z, S and V are left out of the standard to avoid confusion with 1, 0, 2, 5 and U.
FORBIDDEN_LETTERS = "IOZSV"
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

_VALUES = {char: value for value, char in enumerate(CHARSET)}


class CreditCodeError(ValueError):
    """A string that is not a valid unified social credit code."""


def check_char(body17: str) -> str:
    """The check character for the first 17 characters (assumed already validated)."""
    total = sum(_VALUES[char] * weight for char, weight in zip(body17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def _check_characters(code: str) -> None:
    for position, char in enumerate(code, start=1):
        if char in _VALUES:
            continue
        if char in FORBIDDEN_LETTERS:
            raise CreditCodeError(
                f"统一社会信用代码第{position}位不能使用字母“{char}”（标准不使用 I、O、Z、S、V）"
            )
        raise CreditCodeError(f"统一社会信用代码第{position}位含有非法字符“{char}”")


def _normalise(code: str, length: int) -> str:
    if not isinstance(code, str):
        raise CreditCodeError("统一社会信用代码必须是字符串")
    normalised = code.strip().upper()
    if len(normalised) != length:
        raise CreditCodeError(f"统一社会信用代码应为{length}位，实际为{len(normalised)}位")
    _check_characters(normalised)
    return normalised


def _check_division(code: str) -> None:
    # Positions 3–8 are an administrative division code, always six digits.
    if not code[2:8].isdigit():
        raise CreditCodeError("统一社会信用代码第3至8位（行政区划码）必须是数字")


def validate_credit_code(code: str) -> str:
    """Return ``code`` trimmed and upper-cased, or raise ``CreditCodeError`` saying why not."""
    normalised = _normalise(code, LENGTH)
    _check_division(normalised)
    expected = check_char(normalised[:17])
    if normalised[17] != expected:
        raise CreditCodeError(
            f"统一社会信用代码校验位错误：第18位应为“{expected}”，实际为“{normalised[17]}”"
        )
    return normalised


def is_valid_credit_code(code: str) -> bool:
    try:
        validate_credit_code(code)
    except CreditCodeError:
        return False
    return True


def make_credit_code(body17: str) -> str:
    """Append the check character to the first 17 characters of a code."""
    body = _normalise(body17, LENGTH - 1)
    _check_division(body)
    return body + check_char(body)
