"""Building blocks for the per-request dataloaders of every domain."""

from __future__ import annotations

import asyncio
import inspect
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

K = TypeVar("K", bound=Hashable)
M = TypeVar("M", bound=Model)


class RowByIdLoader(DataLoader[int, M | None], Generic[M]):
    """Rows of ``model`` by primary key, one statement per batch."""

    model: type[M]

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: list[int]) -> list[M | None]:
        rows = await self.model.in_bulk(keys, "id")
        return [rows.get(k) for k in keys]


class MappedLoader(DataLoader[K, Any], Generic[K]):
    """Values by key from a batch function returning a mapping; ``default`` when absent."""

    default: Any = None

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def fetch(self, keys: list[K]) -> dict[K, Any]:
        raise NotImplementedError

    async def _load(self, keys: list[K]) -> list[Any]:
        found = await self.fetch(keys)
        return [found.get(k, self._default()) for k in keys]

    def _default(self) -> Any:
        return list(self.default) if isinstance(self.default, list) else self.default


def group_by(rows: Iterable[Any], key: Callable[[Any], K]) -> dict[K, list[Any]]:
    """Rows grouped into lists by ``key``, keeping their order."""
    grouped: dict[K, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key(row)].append(row)
    return grouped


def now_or_later(loader: DataLoader[K, Any], key: K) -> Any:
    """The value when this request has already loaded it, else an awaitable of it.

    Resolvers return this from plain (sync) functions: a value that was preloaded for a
    whole page costs no coroutine, no task and no await per row.
    """
    future = loader.cache_map.get(key) if loader.cache else None
    # A failed or cancelled load is not an answer: it goes through the loader again.
    if _answered(future):
        return future.result()  # type: ignore[union-attr]
    return loader.load(key)


def _answered(future: asyncio.Future[Any] | None) -> bool:
    if future is None or not future.done() or future.cancelled():
        return False
    return future.exception() is None


def pending(value: Any) -> bool:
    """Whether ``value`` is still to be awaited.

    Asks for futures and coroutines only: Tortoise model instances are awaitable too,
    and a loaded row must count as at hand.
    """
    return isinstance(value, asyncio.Future) or inspect.iscoroutine(value)


def then(value: Any, fn: Callable[[Any], Any]) -> Any:
    """``fn(value)``, now when ``value`` is at hand, later when it is still pending."""
    if pending(value):

        async def later() -> Any:
            result = fn(await value)
            return await result if pending(result) else result

        return later()
    return fn(value)
