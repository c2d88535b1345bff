"""Relay connections: one generic page type for every list, filled from a keyset page.

``Connection[Project]`` is served as ``ProjectConnection`` with ``ProjectEdge`` items,
the names the contract uses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from tortoise.queryset import QuerySet

from api.pagination import Page, keyset_page, ranked_page
from schema.relay import (
    PageInfo,
    page_size,
    parse_cursor,
    parse_ranked_cursor,
    to_cursor,
    to_ranked_cursor,
)
from schema.selection import asks_for

T = TypeVar("T")


@strawberry.type(description="列表中的一条及其游标。One item of a list and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="本条的游标。Cursor of this item.")
    node: T = strawberry.field(description="本条的对象。The item.")


@strawberry.type(description="一页结果（Relay 连接）。A page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="本页的各条。The items of this page.")
    page_info: PageInfo = strawberry.field(description="分页信息。Where this page sits.")
    count: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="符合条件的总数。Items matching the filter.")
    async def total_count(self) -> int:
        return await self.count()


async def fetch_page(
    query: QuerySet[Any],
    first: int | None,
    after: str | None,
    info: Any = None,
    *,
    descending: bool = False,
) -> Page[Any]:
    """Check ``first`` and ``after`` as the contract asks, then read the page (with its
    total in the same statement when ``info`` shows the query asks for it)."""
    with_total = info is not None and asks_for(info, "totalCount")
    return await keyset_page(
        query, page_size(first), parse_cursor(after), descending=descending, with_total=with_total
    )


async def fetch_ranked_page(
    query: QuerySet[Any], rank: str, first: int | None, after: str | None
) -> Page[Any]:
    """As ``fetch_page``, for a result ranked by the annotation ``rank`` (a search)."""
    return await ranked_page(query, rank, page_size(first), parse_ranked_cursor(after))


def _cursor(page: Page[Any], row: Any) -> str:
    if page.rank is None:
        return to_cursor(row.id)
    return to_ranked_cursor(int(getattr(row, page.rank)), row.id)


def connection(page: Page[Any], to_node: Callable[[Any], T]) -> Connection[T]:
    edges = [Edge(cursor=_cursor(page, row), node=to_node(row)) for row in page.rows]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, count=page.total)


async def visible_connection(
    query: QuerySet[Any] | None, first: int | None, after: str | None, to_node: Callable[[Any], T]
) -> Connection[T]:
    """A page of ``query``, or an empty page when the viewer may see none of it (None).
    Bad ``first`` or ``after`` are refused either way."""
    if query is None:
        page_size(first), parse_cursor(after)
        return empty_connection()
    return connection(await fetch_page(query, first, after), to_node)


async def _none() -> int:
    return 0


def empty_connection() -> Connection[Any]:
    """A page with nothing on it, for a list the viewer may not see."""
    info = PageInfo(
        has_next_page=False, has_previous_page=False, start_cursor=None, end_cursor=None
    )
    return Connection(edges=[], page_info=info, count=_none)
