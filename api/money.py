"""Money: CNY as ``Decimal`` with two places, stored as whole fen.

Storing fen as a 64-bit integer keeps every SUM exact on every engine (SQLite has no
decimal type and would add text columns as floats); the model layer only ever sees
``Decimal``.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tortoise.fields import BigIntField

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
# An amount as people write it: ASCII digits (after NFKC has turned full-width ones into
# them), thousands separators in their places, at most one decimal point. Decimal() alone
# also reads "1e5", "Infinity" and digits of every script ("١٢٣"), which no form means.
WRITTEN_AMOUNT = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


class MoneyError(ValueError):
    """A value that is not an amount of money in CNY."""


def to_money(value: Any) -> Decimal:
    """Parse ``value`` into CNY with two places; refuse floats, junk and too many decimals."""
    if isinstance(value, float):
        raise MoneyError("金额必须是精确的小数，不能是浮点数")
    text = _written(value) if isinstance(value, str) else str(value).strip()
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise MoneyError(f"不是有效的金额：{value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"不是有效的金额：{value!r}")
    # The range first, by comparison (exact at any exponent, unlike abs()): quantizing an
    # amount of more than 28 digits (1e30) raises decimal.InvalidOperation, not MoneyError.
    if not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
        raise MoneyError("金额超出范围")
    if amount != amount.quantize(CENT):
        raise MoneyError("金额最多保留两位小数（分）")
    return amount.quantize(CENT)


def _written(value: str) -> str:
    """Text a person typed as a plain decimal: full-width digits, point and comma (NFKC),
    spaces around and thousands separators allowed; exponents and other scripts refused."""
    text = unicodedata.normalize("NFKC", value).strip()
    if not WRITTEN_AMOUNT.fullmatch(text):
        raise MoneyError(f"不是有效的金额：{value!r}（请写作如 150000.00 或 150,000.00）")
    return text.replace(",", "")


def fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_fen(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def share_of(amount: Decimal, share: Decimal) -> Decimal:
    """``share`` of ``amount``, rounded half-up to the fen."""
    return (amount * share).quantize(CENT, rounding=ROUND_HALF_UP)


class MoneyField(BigIntField):
    """A ``Decimal`` CNY amount kept in the database as integer fen."""

    def to_db_value(self, value: Any, instance: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        return fen(to_money(value))

    def to_python_value(self, value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        return from_fen(int(value))
