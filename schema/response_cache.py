"""Answers to read-only requests, kept per worker until the fair changes.

The fair hall sends the same few documents with the same variables all morning; most of
its readers share one answer. An answer is kept under the request's bytes (the document,
its variables and operation name as sent) and whom it may be shown to, which the
execution itself tells (``Context.consulted_*``):

- ``PUBLIC`` — no resolver asked who was asking: anyone may have it, signed in or not,
  and no session needs looking up to serve it;
- ``role:<ROLE>`` or ``role:-`` (the public) — resolvers asked only for the role;
- otherwise (a resolver read the account itself: its bids, its contacts) the answer is
  that viewer's own and is never kept — except for the public, which has no identity:
  what one visitor was shown, every visitor would be (``role:-``).

Freshness: every committed change reaches every worker as a fair event (api/live), and
each is counted by the hub before any subscriber hears of it (api/live/hub.py). An
answer is kept with the counts it was made under and never served once they moved: any
event retires every answer, except that a project's own page (a request asking only for
``project(id)`` of one project) outlives claims, bids and withdrawn bids on *other*
projects, which change nothing it shows. An answer whose execution saw any event is
never kept. The worker where a change is made counts it before its request answers.
Writes from outside the app (the command line, the database itself) send no event:
``ttl`` bounds how long an answer is kept at all, as it bounds answers that depend on
the clock (whether a fair is open).

Identical requests that arrive while the first is being answered wait for its answer
instead of computing the same thing again.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from api.live.hub import Hub

PUBLIC = "public"
# Larger answers are not kept: they are rare, and memory stays bounded by entries × this.
MAX_ENTRY_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Answer:
    """A response as sent: status, media type and body."""

    status: int
    media_type: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Stamp:
    """The hub's counts an answer was made under; ``project`` when it is one project's
    page, which only that project's events and broad ones can make old."""

    generation: int
    broad: int
    project: int | None = None
    of_project: int = 0

    @classmethod
    def now(cls, hub: Hub, project: int | None = None) -> Stamp:
        of_project = hub.of_project.get(project, 0) if project is not None else 0
        return cls(hub.generation, hub.broad, project, of_project)

    def current(self, hub: Hub) -> bool:
        if self.project is None:
            return self.generation == hub.generation
        return self.broad == hub.broad and self.of_project == hub.of_project.get(self.project, 0)


@dataclass(slots=True)
class Entry:
    answer: Answer
    stamp: Stamp
    expires: float


@dataclass(slots=True)
class Outcome:
    """What one execution produced, to whom it may be shown (None: to nobody else), and
    the one project it is the page of, if it is one."""

    answer: Answer
    audience: str | None
    project: int | None = None


def request_key(method: str, media: bool, payload: bytes) -> bytes:
    """The request as a short key: method, which media type it wants, and its bytes."""
    digest = hashlib.blake2b(payload, digest_size=20)
    digest.update(b"\x00G" if method == "GET" else b"\x00P")
    digest.update(b"1" if media else b"0")
    return digest.digest()


def audience_of(role: str | None, consulted_role: bool, consulted_identity: bool) -> str | None:
    """Whom an answer may be shown to, by what its resolvers asked of the viewer. The
    public has no identity: whatever it was shown, every visitor would be."""
    if consulted_identity and role is not None:
        return None
    if consulted_role or consulted_identity:
        return role_audience(role)
    return PUBLIC


def role_audience(role: str | None) -> str:
    return f"role:{role or '-'}"


class ResponseCache:
    """A bounded, least-recently-used map of answers, checked against ``hub``."""

    def __init__(self, hub: Hub, ttl: float, capacity: int = 2048) -> None:
        self.hub = hub
        self.ttl = ttl
        self.capacity = capacity
        self._entries: OrderedDict[tuple[bytes, str], Entry] = OrderedDict()
        self._running: dict[tuple[bytes, str, int], asyncio.Future[Outcome | None]] = {}
        self.hits = self.misses = 0

    def get(self, key: bytes, audience: str) -> Answer | None:
        entry = self._entries.get((key, audience))
        if entry is None:
            return None
        if not entry.stamp.current(self.hub) or entry.expires < time.monotonic():
            del self._entries[(key, audience)]
            return None
        self._entries.move_to_end((key, audience))
        self.hits += 1
        return entry.answer

    def put(self, key: bytes, outcome: Outcome, generation: int) -> None:
        """Keep ``outcome`` if it may be shared and nothing changed while it was made."""
        if outcome.audience is None or generation != self.hub.generation:
            return
        if len(outcome.answer.body) > MAX_ENTRY_BYTES:
            return
        expires = time.monotonic() + self.ttl
        stamp = Stamp.now(self.hub, outcome.project)
        self._entries[(key, outcome.audience)] = Entry(outcome.answer, stamp, expires)
        self._entries.move_to_end((key, outcome.audience))
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    async def answer(
        self, key: bytes, audience: str, compute: Callable[[], Awaitable[Outcome | None]]
    ) -> Outcome | None:
        """``compute``'s outcome, or the one an identical request already computing in
        this generation arrives at, when that one may be shown to ``audience``."""
        generation = self.hub.generation
        flight = (key, audience, generation)
        leader = self._running.get(flight)
        if leader is not None:
            shared = await asyncio.shield(leader)
            if shared is not None and shared.audience in (PUBLIC, audience):
                self.hits += 1
                return shared
        self.misses += 1
        if leader is not None:
            return await compute()
        future: asyncio.Future[Outcome | None] = asyncio.get_running_loop().create_future()
        self._running[flight] = future
        try:
            outcome = await compute()
        except BaseException:
            future.set_result(None)
            raise
        finally:
            if self._running.get(flight) is future:
                del self._running[flight]
        future.set_result(outcome)
        if outcome is not None:
            self.put(key, outcome, generation)
        return outcome

    def __len__(self) -> int:
        return len(self._entries)
