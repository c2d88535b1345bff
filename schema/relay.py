"""Relay plumbing: opaque global ids, keyset cursors and page information."""

from __future__ import annotations

import base64
import binascii

import strawberry

from schema.errors import QueryError

DEFAULT_PAGE = 20


@strawberry.interface(
    description="可按全局 id 取回的对象（Relay）。An object with an opaque global id."
)
class Node:
    id: strawberry.ID = strawberry.field(description="不透明的全局 id。Opaque global id.")


@strawberry.type(description="分页信息。Where a page sits in the whole result.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="后面还有数据。More rows follow.")
    has_previous_page: bool = strawberry.field(description="前面还有数据。Rows precede.")
    start_cursor: str | None = strawberry.field(description="本页第一条的游标。")
    end_cursor: str | None = strawberry.field(description="本页最后一条的游标。")


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(value: str) -> str | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


# Primary keys are 32-bit integers: a larger key names no row (and PostgreSQL would refuse
# it as a query argument instead of finding nothing).
MAX_PK = 2**31 - 1


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(_b64(f"{type_name}:{pk}"))


def parse_global_id(value: str) -> tuple[str, int]:
    """``(type name, primary key)`` of a global id; a clear error when it is not one."""
    decoded = _unb64(value.strip()) if value else None
    if decoded and ":" in decoded:
        type_name, _, pk = decoded.partition(":")
        # ASCII digits only: str.isdigit() also accepts "²", which int() cannot read.
        if pk.isascii() and pk.isdigit() and len(pk) < 12 and int(pk) <= MAX_PK:
            return type_name, int(pk)
    raise QueryError(f"无效的 id：{value!r}", "NOT_FOUND")


def pk_of(value: str, type_name: str) -> int:
    """The primary key of a global id that must name a ``type_name``."""
    kind, pk = parse_global_id(value)
    if kind != type_name:
        raise QueryError(f"id {value!r} 不是 {type_name}", "NOT_FOUND")
    return pk


def pk_or_none(value: str, type_name: str) -> int | None:
    """Like ``pk_of``, but None for an id naming no ``type_name``: mutations report it as
    NOT_FOUND at the input's own field, together with every other problem of the input."""
    try:
        return pk_of(value, type_name)
    except QueryError:
        return None


def to_cursor(pk: int) -> str:
    return _b64(f"k1:{pk}")


def parse_cursor(value: str | None) -> int | None:
    if value is None:
        return None
    decoded = _unb64(value)
    key = decoded[3:] if decoded and decoded.startswith("k1:") else ""
    # ASCII digits only: str.isdigit() also accepts characters int() cannot read ("²").
    if key.isascii() and key.isdigit() and len(key) < 13:
        return int(key)
    raise QueryError(f"无效的分页游标：{value!r}")


def to_ranked_cursor(rank: int, pk: int) -> str:
    return _b64(f"r1:{rank}:{pk}")


def parse_ranked_cursor(value: str | None) -> tuple[int, int] | None:
    """A cursor of a ranked list (a search): its rank and key."""
    if value is None:
        return None
    decoded = _unb64(value) or ""
    parts = decoded.split(":")
    if len(parts) == 3 and parts[0] == "r1" and all(_small_number(p) for p in parts[1:]):
        return int(parts[1]), int(parts[2])
    raise QueryError(f"无效的分页游标：{value!r}")


def _small_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) < 13


def page_size(first: int | None, cap: int = 100) -> int:
    """``first`` checked against the cap: 0..cap (0 asks only for counts), default 20."""
    if first is None:
        return DEFAULT_PAGE
    if not 0 <= first <= cap:
        raise QueryError(f"first 必须在 0 到 {cap} 之间，收到 {first}")
    return first


MAX_SEARCH = 50


def search_text(text: str | None) -> str | None:
    """A search string trimmed and bounded; None when empty."""
    text = (text or "").strip()
    if len(text) > MAX_SEARCH:
        raise QueryError(f"搜索词最长 {MAX_SEARCH} 个字")
    return text or None
