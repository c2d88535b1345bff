"""Fan-out through PostgreSQL LISTEN/NOTIFY (``SHEQIA_BROKER_URL=postgres://…``).

No extra server to run: the database the workers share carries the events too. One
connection listens; publishing uses its own connection so a NOTIFY never waits behind a
listener that is reconnecting.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from api.live.brokers import Deliver
from api.live.links import LinkedBroker

CHANNEL = "sheqia_fair_events"
APPLICATION_NAME = "sheqia-live"
# The listening link is probed this often, so a dropped connection is noticed even when
# no event is flowing.
PROBE_SECONDS = 5


def driver_dsn(url: str) -> str:
    """The URL as asyncpg reads it: Tortoise's own query options left out."""
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


class PostgresBroker(LinkedBroker):
    def __init__(self, url: str, deliver: Deliver) -> None:
        super().__init__(url, deliver)
        self.dsn = driver_dsn(url)
        self._sender: asyncpg.Connection | None = None
        self._send_lock = asyncio.Lock()

    async def listen(self) -> None:
        link = await self._connect()
        lost = asyncio.Event()
        link.add_termination_listener(lambda _: lost.set())
        noticed = asyncio.ensure_future(lost.wait())
        try:
            await link.add_listener(CHANNEL, self._on_notify)
            self.listening.set()
            while not lost.is_set():
                await asyncio.wait([noticed], timeout=PROBE_SECONDS)
                if not lost.is_set():
                    await link.fetchval("SELECT 1", timeout=PROBE_SECONDS)
        finally:
            noticed.cancel()
            if not link.is_closed():
                link.terminate()

    def _on_notify(self, _link: Any, _pid: int, _channel: str, payload: str) -> None:
        self.receive(payload)

    async def send(self, data: bytes) -> None:
        async with self._send_lock:
            if self._sender is None or self._sender.is_closed():
                self._sender = await self._connect()
            try:
                await self._sender.execute("SELECT pg_notify($1, $2)", CHANNEL, data.decode())
            except (OSError, asyncpg.PostgresConnectionError, asyncpg.InterfaceError):
                self._sender.terminate()
                self._sender = None
                raise

    async def _connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(
            self.dsn, timeout=5, server_settings={"application_name": APPLICATION_NAME}
        )

    async def close(self) -> None:
        if self._sender is not None and not self._sender.is_closed():
            await self._sender.close()
