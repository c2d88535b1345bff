"""Fan-out through Redis (``SHEQIA_BROKER_URL=redis://host:6379/0``).

A Redis stream rather than plain pub/sub: every worker reads the stream from the last
entry it saw, so a worker whose link dropped (or a Redis that restarted) picks up the
events published meanwhile — including those another worker held back while Redis was
down — instead of losing whatever fell into the gap. The stream is trimmed to the last
few thousand events, so it never grows.
"""

from __future__ import annotations

from typing import Any, cast

import redis.asyncio as redis

from api.live.brokers import Deliver
from api.live.links import LinkedBroker

STREAM = "sheqia:fair-events"
KEEP = 10_000
# A blocking read returns at least this often, so a silently dead link is noticed.
BLOCK_MS = 5_000
# redis-py gives up on a reply after 5 s by default: as long as the blocking read itself,
# so an idle stream read as a dropped link. A dead link is still noticed this late.
READ_TIMEOUT = BLOCK_MS / 1000 + 5
BATCH = 500


class RedisBroker(LinkedBroker):
    def __init__(self, url: str, deliver: Deliver, namespace: str = "") -> None:
        super().__init__(url, deliver)
        # Streams are server-wide, whatever the database number: the namespace keeps
        # deployments that share a Redis apart.
        self.stream = f"{STREAM}:{namespace}" if namespace else STREAM
        self.client = redis.from_url(url, socket_connect_timeout=2, socket_timeout=READ_TIMEOUT)
        self._last_id: bytes | str | None = None

    async def listen(self) -> None:
        last_id = self._last_id or await self._newest_id()
        self._last_id = last_id
        self.listening.set()
        while True:
            batches = cast(
                list[Any],
                await self.client.xread({self.stream: self._last_id}, count=BATCH, block=BLOCK_MS),
            )
            for _, entries in batches:
                for entry_id, fields in entries:
                    self._last_id = entry_id
                    self.receive(fields[b"e"])

    async def _newest_id(self) -> bytes | str:
        # Where this worker starts: after what is already there, so it does not replay
        # history on start-up.
        newest = cast(list[Any], await self.client.xrevrange(self.stream, count=1))
        return newest[0][0] if newest else "0-0"

    async def send(self, data: bytes) -> None:
        await self.client.xadd(self.stream, {"e": data}, maxlen=KEEP, approximate=True)

    async def close(self) -> None:
        await self.client.aclose()
