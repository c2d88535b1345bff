"""Keyset pagination: pages that stay valid while rows are inserted.

Rows are ordered by primary key and a page starts after the last key seen, so an insert
never shifts or repeats rows the way OFFSET would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

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

    async def total(self) -> int:
        return await self.query.count()


async def keyset_page(
    query: QuerySet[M], first: int, after: int | None, *, descending: bool = False
) -> Page[M]:
    """The ``first`` rows of ``query`` whose key is greater than ``after`` (smaller, and
    the largest first, when ``descending``)."""
    if after is not None:
        # A key beyond what the column can hold comes after every row; PostgreSQL would
        # refuse it as a query argument instead of finding nothing.
        after = min(after, query.model._meta.pk.constraints.get("le", after))
    if after is None:
        page_query = query
    else:
        page_query = query.filter(id__lt=after) if descending else query.filter(id__gt=after)
    rows = await page_query.order_by("-id" if descending else "id").limit(first + 1)
    return Page(rows[:first], len(rows) > first, after is not None, query)
