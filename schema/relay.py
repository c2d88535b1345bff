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


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(_b64(f"{type_name}:{pk}"))


def parse_global_id(value: str) -> tuple[str, int]:
    """``(type name, primary key)`` of a global id; a clear error when it is not one."""
    decoded = _unb64(value.strip()) if value else None
    if decoded and ":" in decoded:
        type_name, _, pk = decoded.partition(":")
        if pk.isdigit() and len(pk) < 12:
            return type_name, int(pk)
    raise QueryError(f"无效的 id：{value!r}", "NOT_FOUND")


def pk_of(value: str, type_name: str) -> int:
    """The primary key of a global id that must name a ``type_name``."""
    kind, pk = parse_global_id(value)
    if kind != type_name:
        raise QueryError(f"id {value!r} 不是 {type_name}", "NOT_FOUND")
    return pk


def to_cursor(pk: int) -> str:
    return _b64(f"k1:{pk}")


def parse_cursor(value: str | None) -> int | None:
    if value is None:
        return None
    decoded = _unb64(value)
    if decoded and decoded.startswith("k1:") and decoded[3:].isdigit() and len(decoded) < 16:
        return int(decoded[3:])
    raise QueryError(f"无效的分页游标：{value!r}")


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
