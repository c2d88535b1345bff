"""The three payment tranches of a contract, and the city's calendar date they fall due on.

50% on signing, the fair's mid-term share (30–40%) after the mid-term evaluation, the
rest after the final one. Each tranche is rounded to the fen and the last one takes
whatever is left, so the three always add up to the contract amount exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from api.money import share_of
from api.settings import city_zone

SIGNING_SHARE = Decimal("0.50")
MIN_MIDTERM_SHARE = Decimal("0.30")
MAX_MIDTERM_SHARE = Decimal("0.40")


@dataclass(frozen=True)
class Tranche:
    number: int
    share: Decimal
    amount: Decimal


def split(amount: Decimal, midterm_share: Decimal) -> list[Tranche]:
    """Tranches 1–3 of ``amount``; tranche 3 is the remainder to the fen."""
    first = share_of(amount, SIGNING_SHARE)
    second = share_of(amount, midterm_share)
    last_share = Decimal(1) - SIGNING_SHARE - midterm_share
    return [
        Tranche(1, SIGNING_SHARE, first),
        Tranche(2, midterm_share, second),
        Tranche(3, last_share, amount - first - second),
    ]


def midterm_share_allowed(share: Decimal) -> bool:
    """The city's rule: 30–40% of the contract after the mid-term evaluation."""
    return MIN_MIDTERM_SHARE <= share <= MAX_MIDTERM_SHARE


def city_today() -> date:
    """Today's date in the city of the fair: due dates follow its calendar, not UTC's."""
    return datetime.now(UTC).astimezone(city_zone()).date()
