"""Keyset pagination: pages that stay valid while rows are inserted.

Rows are ordered by primary key and a page starts after the last key seen, so an insert
never shifts or repeats rows the way OFFSET would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


@dataclass
class Page(Generic[M]):
    """One page of rows and where it sits in the whole result."""

    rows: list[M]
    has_next: bool
    has_previous: bool
    query: QuerySet[M]
    # The annotation the rows are ranked by (highest first), None when ordered by key.
    rank: str | None = None

    async def total(self) -> int:
        return await self.query.count()


async def keyset_page(query: QuerySet[M], first: int, after: int | None) -> Page[M]:
    """The ``first`` rows of ``query`` whose key is greater than ``after``."""
    if after is not None:
        # A key beyond what the column can hold comes after every row; PostgreSQL would
        # refuse it as a query argument instead of finding nothing.
        after = min(after, query.model._meta.pk.constraints.get("le", after))
    page_query = query.filter(id__gt=after) if after is not None else query
    rows = await page_query.order_by("id").limit(first + 1)
    return Page(rows[:first], len(rows) > first, after is not None, query)


async def ranked_page(
    query: QuerySet[M], rank: str, first: int, after: tuple[int, int] | None
) -> Page[M]:
    """The ``first`` rows of ``query`` by the annotation ``rank`` (highest first), then by
    key, after the row ``(rank, key)`` seen last: a keyset page over a ranked result."""
    page_query = query
    if after is not None:
        after_rank, after_key = after
        lower: dict[str, Any] = {f"{rank}__lt": after_rank}
        same: dict[str, Any] = {rank: after_rank, "id__gt": after_key}
        page_query = query.filter(Q(**lower) | Q(**same))
    rows = await page_query.order_by(f"-{rank}", "id").limit(first + 1)
    return Page(rows[:first], len(rows) > first, after is not None, query, rank)
