"""Brokers carry events from the worker where they happen to every worker.

``SHEQIA_BROKER_URL`` chooses one: unset (or ``memory://``) keeps events inside the one
process — right for the embedded default, wrong for several workers; ``redis://…`` uses
Redis pub/sub; ``postgres://…`` uses PostgreSQL LISTEN/NOTIFY.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable

from api.live.events import FairEvent

log = logging.getLogger("sheqia.live")

Deliver = Callable[[FairEvent], None]


class Broker(ABC):
    """Publishes this worker's events and hands every event received to ``deliver``."""

    def __init__(self, deliver: Deliver) -> None:
        self.deliver = deliver

    @abstractmethod
    async def start(self) -> None:
        """Connect, and start listening (reconnecting by itself when the link drops)."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop listening and close the connections."""

    @abstractmethod
    async def publish(self, event: FairEvent) -> None: ...


class LocalBroker(Broker):
    """One process: an event is delivered where it happened."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, event: FairEvent) -> None:
        self.deliver(event)


def open_broker(url: str | None, deliver: Deliver, namespace: str = "") -> Broker:
    """The broker that ``url`` names; ``namespace`` keeps apart deployments that share a
    broker (Redis channels are server-wide, whatever the database number)."""
    if not url or url.startswith("memory://"):
        return LocalBroker(deliver)
    scheme = url.split("://", 1)[0]
    if scheme in ("redis", "rediss"):
        from api.live.redis_broker import RedisBroker

        return RedisBroker(url, deliver, namespace)
    if scheme in ("postgres", "postgresql"):
        from api.live.postgres_broker import PostgresBroker

        return PostgresBroker(url, deliver)
    raise ValueError(
        f"不支持的消息代理地址 / unsupported broker URL scheme {scheme!r} "
        "(SHEQIA_BROKER_URL: memory://, redis://…, postgres://…)"
    )
