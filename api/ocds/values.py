"""OCDS values: money as exact numbers in CNY, moments in ISO 8601 with the city's offset."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from api.money import CENT
from api.settings import city_zone

CURRENCY = "CNY"
OCDS_VERSION = "1.1"
# The data are written in Chinese (BCP 47 / ISO 639-1).
LANGUAGE = "zh"
# The organization identifier scheme of the unified social credit code (org-id.guide).
CREDIT_CODE_SCHEME = "CN-USCI"


def amount(money: Decimal) -> int | float:
    """``money`` as a JSON number with exactly its value.

    Amounts have two places and at most 12 digits, so the shortest float that reads back
    as the same double prints as the same decimal text: nothing is rounded on the way.
    The check below makes that an invariant rather than a hope.
    """
    exact = money.quantize(CENT)
    if exact == exact.to_integral_value():
        return int(exact)
    number = float(exact)
    if Decimal(repr(number)) != exact:
        raise ValueError(f"{money} cannot be written exactly as a JSON number")
    return number


def value(money: Decimal) -> dict[str, Any]:
    """An OCDS Value: the amount and its currency."""
    return {"amount": amount(money), "currency": CURRENCY}


def moment(at: datetime) -> str:
    """A stored (UTC) moment in the city's time, with its offset: ``2026-03-01T09:30:00+08:00``."""
    return at.astimezone(city_zone()).isoformat(timespec="seconds")


def day_start(day: date) -> str:
    """The first second of a calendar day in the city."""
    return datetime.combine(day, time(0, 0), tzinfo=city_zone()).isoformat(timespec="seconds")


def day_end(day: date) -> str:
    """The last second of a calendar day in the city (a period's inclusive end)."""
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=city_zone())
    return (end - timedelta(seconds=1)).isoformat(timespec="seconds")


def stamp(at: datetime) -> str:
    """A compact stamp of a moment in the city's time, for identifiers: ``20260301T093000``."""
    return at.astimezone(city_zone()).strftime("%Y%m%dT%H%M%S")


def yuan(money: Decimal) -> str:
    """Money for a Chinese sentence: ``50,000.00 元``."""
    return f"{money.quantize(CENT):,} 元"
