"""The process's live machinery: one hub and one broker, started with the app.

Services call ``announce`` after their transaction has committed, so no subscriber ever
hears of a change that was rolled back. Outside a running app (the CLI, seeds) nothing
is started and announcing does nothing.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
from collections.abc import Iterator
from urllib.parse import urlsplit

from api.live.brokers import Broker, open_broker
from api.live.events import FairEvent
from api.live.hub import Hub

log = logging.getLogger("sheqia.live")

_hub = Hub()
_broker: Broker | None = None
# Whether the request running in this context announced an event already (which tells
# every worker of the change), so ``changed`` need not send another.
_announced: contextvars.ContextVar[bool] = contextvars.ContextVar("announced", default=False)
# Events waiting for the commit of the transaction that encloses the request (``holding``).
_held: contextvars.ContextVar[list[FairEvent] | None] = contextvars.ContextVar(
    "held", default=None
)


def hub() -> Hub:
    return _hub


async def start(broker_url: str | None, database_url: str = "") -> None:
    """Start the broker. Events are about one database's fair, so workers on the same
    database share a channel and other deployments on the same broker do not."""
    global _broker
    namespace = _database_identity(database_url)
    broker = open_broker(broker_url, _hub.deliver, namespace)
    await broker.start()
    _broker = broker


def _database_identity(url: str) -> str:
    """A short name for the database itself: host, port and name, not the spelling of the
    URL (its password, driver options or scheme alias), so every worker agrees."""
    if not url:
        return ""
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port}{parts.path}" if parts.hostname else url
    return hashlib.sha256(where.encode()).hexdigest()[:12]


async def stop() -> None:
    global _broker
    broker, _broker = _broker, None
    if broker is not None:
        await broker.stop()


async def announce(*events: FairEvent) -> None:
    """Send events to every worker. The change is already committed, so a broker fault
    is logged, never raised into the request that made it.

    This worker counts the change at once, before the request that made it answers: its
    client's next read must not meet this worker's cached answers from before.

    Inside ``holding`` (a request whose whole work is one transaction still open) the
    events wait for ``release`` after its commit."""
    _announced.set(True)
    held = _held.get()
    if held is not None:
        held.extend(events)
        return
    for event in events:
        _hub.changed(event)
    if _broker is None:
        return
    for event in events:
        try:
            await _broker.publish(event)
        except Exception:  # the broker's own reconnection deals with the cause
            log.exception("could not publish %s of project %s", event.kind, event.project_id)


@contextlib.contextmanager
def holding() -> Iterator[list[FairEvent]]:
    """Hold back the events announced inside, for a caller whose transaction encloses the
    services' own (an ``Idempotency-Key`` request): they are announced by ``release``
    once it has committed, or never if it rolls back."""
    held: list[FairEvent] = []
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


async def release(held: list[FairEvent]) -> None:
    """Announce what ``holding`` kept back, now that it is committed."""
    if held:
        await announce(*held)


def begin_request() -> None:
    """Mark the start of a request that may change the fair (see ``changed``)."""
    _announced.set(False)


async def changed() -> None:
    """A request committed a change that no event describes (publishing, settings, the
    pools): every worker's cached answers are old. Nothing more when the request has
    announced an event already."""
    if _announced.get():
        return
    await announce(FairEvent.changed())
