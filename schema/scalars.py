"""The contract's scalars: ``Decimal`` money as a two-place string, ``DateTime`` with offset."""

from __future__ import annotations

import datetime as dt
import decimal

import dateutil.parser
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition

from api.money import CENT, MoneyError, to_money
from api.settings import city_zone


def _serialize_money(value: decimal.Decimal) -> str:
    return str(value.quantize(CENT))


def _parse_money(value: object) -> decimal.Decimal:
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(
            f'金额必须以字符串表示，例如 "150000.00"，收到：{value!r}'
        )
    try:
        return to_money(value)
    except MoneyError as exc:
        raise StrawberryInputCoercionError(str(exc)) from None


def _serialize_datetime(value: dt.datetime) -> str:
    # Shown to people in the city's own time; stored and compared in UTC.
    return value.astimezone(city_zone()).isoformat()


def _parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(f"时间必须是 ISO 8601 字符串，收到：{value!r}")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise StrawberryInputCoercionError(f"不是有效的 ISO 8601 时间：{value!r}") from None
    if parsed.tzinfo is None:
        raise StrawberryInputCoercionError(f"时间必须带时区偏移，例如 +08:00：{value!r}")
    try:
        # Stored in UTC and shown in the city's time: an instant at the calendar's edge
        # (9999-12-31T23:59-12:00) has no UTC year and would fail there, not here.
        parsed.astimezone(dt.UTC)
        parsed.astimezone(city_zone())
    except OverflowError:
        raise StrawberryInputCoercionError(f"时间超出可表示的范围：{value!r}") from None
    return parsed


Money = ScalarDefinition(
    name="Decimal",
    description='人民币金额，两位小数的字符串，例如 "150000.00"；从不使用浮点数。'
    " CNY as a string with two decimals.",
    specified_by_url=None,
    serialize=_serialize_money,
    parse_value=_parse_money,
    parse_literal=None,
    origin=decimal.Decimal,
)

DateTime = ScalarDefinition(
    name="DateTime",
    description="ISO 8601 时间，带时区偏移（北京时间 +08:00）。ISO 8601 with offset.",
    specified_by_url=None,
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
    parse_literal=None,
    origin=dt.datetime,
)

SCALAR_OVERRIDES = {decimal.Decimal: Money, dt.datetime: DateTime}
