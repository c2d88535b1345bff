"""Turning a keyset page of rows into a Relay connection of GraphQL nodes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from tortoise.queryset import QuerySet

from api.pagination import Page, keyset_page
from schema.relay import PageInfo, page_size, parse_cursor, to_cursor

C = TypeVar("C")


async def fetch_page(query: QuerySet[Any], first: int | None, after: str | None) -> Page[Any]:
    """Check ``first`` and ``after`` as the contract asks, then read the page."""
    return await keyset_page(query, page_size(first), parse_cursor(after))


def connection(
    connection_type: type[C],
    edge_type: type,
    page: Page[Any],
    to_node: Callable[[Any], Any],
) -> C:
    edges = [edge_type(cursor=to_cursor(row.id), node=to_node(row)) for row in page.rows]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return connection_type(edges=edges, page_info=info, count=page.total)  # type: ignore[call-arg]
