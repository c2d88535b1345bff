"""What every networked broker does alike: keep a link up, and keep events while it is down.

A link is (re)opened in a loop with capped exponential back-off, so a broker restart or a
network blip heals by itself. Events published while the link is down wait in a bounded
outbox, in order, and go out when it is back; an event is only dropped when the outbox
overflows (logged), because a change that already committed cannot be taken back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import abstractmethod
from collections import deque
from collections.abc import Awaitable, Callable

from api.live.brokers import Broker, Deliver
from api.live.events import BadEvent, FairEvent

log = logging.getLogger("sheqia.live")

FIRST_RETRY = 0.1
LAST_RETRY = 5.0
OUTBOX_CAPACITY = 10_000
# How long start() waits for the first link before serving anyway (it keeps trying).
START_WAIT = 5.0


class LinkedBroker(Broker):
    """A broker reached over the network: a listening link and a publishing link."""

    def __init__(self, url: str, deliver: Deliver) -> None:
        super().__init__(deliver)
        self.url = url
        self.listening = asyncio.Event()
        self._outbox: deque[FairEvent] = deque()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flushing: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        self._spawn(self._keep_listening())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.listening.wait(), START_WAIT)

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.close()

    async def publish(self, event: FairEvent) -> None:
        if self._outbox:  # keep order behind what is already waiting
            self._hold(event)
            return
        try:
            await self.send(event.encode())
        except Exception as exc:
            log.warning("broker unreachable (%s); holding events until it is back", exc)
            self._hold(event)

    def receive(self, data: bytes | str) -> None:
        """Hand a message from the broker to this worker's subscribers."""
        try:
            event = FairEvent.decode(data)
        except BadEvent:
            log.warning("ignored a message that is not a fair event")
            return
        self.deliver(event)

    # --- the links ----------------------------------------------------------------

    async def _keep_listening(self) -> None:
        await self._retrying(self._listen_once, "listen")

    async def _listen_once(self) -> None:
        try:
            await self.listen()
        finally:
            self.listening.clear()

    async def _retrying(self, attempt: Callable[[], Awaitable[None]], what: str) -> None:
        wait = FIRST_RETRY
        while not self._stopping:
            try:
                await attempt()
                wait = FIRST_RETRY
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("broker %s failed (%s); retrying in %.1f s", what, exc, wait)
            await asyncio.sleep(wait)
            wait = min(wait * 2, LAST_RETRY)

    def _hold(self, event: FairEvent) -> None:
        if len(self._outbox) >= OUTBOX_CAPACITY:
            lost = self._outbox.popleft()
            log.error("outbox full: event %s of project %s dropped", lost.kind, lost.project_id)
        self._outbox.append(event)
        if self._flushing is None or self._flushing.done():
            self._flushing = self._spawn(self._flush())

    async def _flush(self) -> None:
        wait = FIRST_RETRY
        while self._outbox and not self._stopping:
            try:
                await self.send(self._outbox[0].encode())
                self._outbox.popleft()
                wait = FIRST_RETRY
            except Exception:
                await asyncio.sleep(wait)
                wait = min(wait * 2, LAST_RETRY)

    def _spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- what each broker provides ------------------------------------------------

    @abstractmethod
    async def listen(self) -> None:
        """Subscribe, set ``listening``, pass every message to ``receive``; return or
        raise when the link is lost."""

    @abstractmethod
    async def send(self, data: bytes) -> None:
        """Publish one message; raise when the broker cannot be reached."""

    @abstractmethod
    async def close(self) -> None: ...
