"""Rate limits per client, counted with the ``limits`` library.

Counters live in this process's memory by default, or in Redis when
``SHEQIA_RATE_LIMIT_URL`` is ``redis://…``, so that several workers share them. The
strategy is the sliding window counter: two counters per key (cheap in memory and in
Redis), and a burst up to the whole limit is allowed at once.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError

log = logging.getLogger(__name__)

KEY_PREFIX = "sheqia-limits"
# A Redis that does not answer at once must not hold up the fair: see ``acquire``.
REDIS_TIMEOUT_SECONDS = 1.0


def parse_limits(text: str) -> tuple[RateLimitItem, ...]:
    """``"10/minute; 100/hour"`` as limits; an empty string is no limit."""
    return tuple(parse_many(text)) if text.strip() else ()


@dataclass(frozen=True)
class Hit:
    """What one request takes from one client's bucket: ``cost`` under each limit."""

    limits: tuple[RateLimitItem, ...]
    key: tuple[str, ...]
    cost: int = 1


def _storage(url: str) -> Storage:
    if url.startswith(("redis://", "rediss://")):
        return RedisStorage(
            "async+" + url,
            implementation="redispy",
            key_prefix=KEY_PREFIX,
            wrap_exceptions=True,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
    if url in ("memory://", ""):
        return MemoryStorage(wrap_exceptions=True)
    raise ValueError(f"SHEQIA_RATE_LIMIT_URL 须为 memory:// 或 redis://…，收到 {url!r}")


class RateLimiter:
    """Counts hits against limits in one storage (made on first use, inside the event
    loop that will use its connections)."""

    def __init__(self, url: str) -> None:
        self.url = url
        _storage(url)  # a bad URL fails at start-up, not at the first request
        self._strategy: SlidingWindowCounterRateLimiter | None = None

    @property
    def strategy(self) -> SlidingWindowCounterRateLimiter:
        if self._strategy is None:
            self._strategy = SlidingWindowCounterRateLimiter(_storage(self.url))
        return self._strategy

    async def acquire(self, hits: Iterable[Hit]) -> int | None:
        """Takes every hit in turn; None when all fit, else the seconds to wait for the
        first that does not (hits taken before it stay taken).

        When the storage fails (Redis down), the request goes through: an unreachable
        counter must not close the fair. The failure is logged for the operators.
        """
        try:
            for hit in hits:
                for limit in hit.limits:
                    if not await self.strategy.hit(limit, *hit.key, cost=hit.cost):
                        return await self._retry_after(limit, hit.key)
        except StorageError as error:
            log.warning("rate limit storage failed, request let through: %s", error)
        return None

    async def _retry_after(self, limit: RateLimitItem, key: tuple[str, ...]) -> int:
        stats = await self.strategy.get_window_stats(limit, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))
