"""Money as district officers write it in a spreadsheet: 80000, 80,000.50, ¥70000, 55000元,
4.5万元, 12.65万.

The amount is read exactly (``Decimal`` from the text, never through binary floating point)
and converted to 元; anything else — words (八万), ranges (4-5万), approximations (约5万),
badly grouped digits (80,00) — is refused with a message that says how to write it, rather
than guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

TEN_THOUSAND = Decimal(10_000)
HOW_TO_WRITE = "请写成数字（元），如 80000 或 80000.50，也可带单位写成 55000元、4.5万元、¥70000。"
CURRENCY_SIGNS = ("¥", "￥", "RMB", "CNY")
# A sign (publishing refuses it with its own message), digits, optionally grouped by
# thousands with a comma (ASCII or full-width).
NUMBER = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
# Full-width digits and punctuation as an input method may type them.
WIDE = str.maketrans("０１２３４５６７８９．，", "0123456789.,")


class AmountError(ValueError):
    """Text that is not an amount of money; the message says how to write one."""


def parse_amount(text: str, *, in_ten_thousands: bool = False) -> Decimal:
    """The amount in 元 of ``text``; ``in_ten_thousands`` when the column's header says 万元
    and the cell gives no unit of its own."""
    shown = text.strip().translate(WIDE).replace(" ", "")
    if not shown:
        raise AmountError(HOW_TO_WRITE)
    bare, unit = _unit(_without_currency(shown))
    if not NUMBER.fullmatch(bare):
        raise AmountError(f"无法识别金额“{text.strip()}”。{HOW_TO_WRITE}")
    amount = Decimal(bare.replace(",", ""))
    if unit == "万" or (unit is None and in_ten_thousands):
        amount *= TEN_THOUSAND
    return amount


def _without_currency(text: str) -> str:
    for sign in CURRENCY_SIGNS:
        if text.upper().startswith(sign):
            return text[len(sign) :]
    return text


def _unit(text: str) -> tuple[str, str | None]:
    """The number and its unit: 万元 / 万 → 万, 元 / 圆 → 元, none → None."""
    for suffix, unit in (("万元", "万"), ("万", "万"), ("元", "元"), ("圆", "元")):
        if text.endswith(suffix):
            return text[: -len(suffix)], unit
    return text, None
