"""Building blocks for the per-request dataloaders of every domain."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
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


async def load_all(loader: DataLoader[K, Any], keys: Sequence[K]) -> list[Any]:
    return await loader.load_many(list(keys))


BatchFn = Callable[[list[K]], Awaitable[dict[K, Any]]]
