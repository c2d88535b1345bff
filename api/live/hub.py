"""This worker's subscribers, and handing each of them the events of its fair.

Delivery never waits on a subscriber: each has a bounded queue, and one that falls that
far behind (a dead phone, a stalled network) is cut off with a clear message instead of
slowing the others or growing memory without end.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from api.live.events import EventKind, FairEvent

QUEUE_CAPACITY = 1_000
# Events that change nothing beyond their own project's page (and the fair's lists).
PROJECT_LOCAL_KINDS = frozenset({EventKind.CLAIMED, EventKind.BID, EventKind.WITHDRAWN})


class SubscriberTooSlow(Exception):
    """The subscriber's queue overflowed; it must subscribe again."""


@dataclass(eq=False, slots=True)
class Delivery:
    """One event as this worker hands it out; ``shared`` is for the transport to cache
    what every subscriber would otherwise load again (rows, loaders)."""

    event: FairEvent
    shared: dict[str, Any] = field(default_factory=dict)


class Feed:
    """One subscriber's events, in order."""

    def __init__(self, fair_id: int, capacity: int) -> None:
        self.fair_id = fair_id
        self._queue: asyncio.Queue[Delivery | None] = asyncio.Queue(capacity)
        self._overflowed = False

    def offer(self, delivery: Delivery) -> None:
        if self._overflowed:
            return
        try:
            self._queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self._cut_off()

    def _cut_off(self) -> None:
        self._overflowed = True
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)  # wakes the reader, which then raises

    def __aiter__(self) -> AsyncIterator[Delivery]:
        return self

    async def __anext__(self) -> Delivery:
        delivery = await self._queue.get()
        if delivery is None:
            raise SubscriberTooSlow
        return delivery


class Hub:
    """Every open feed of this worker, by fair, and the count of changes it has heard of.

    The counts tell a cache which answers may be old (schema/response_cache.py):
    ``generation`` moves on with every event delivered (or announced here); ``broad``
    with every event that may change more than its own project; ``of_project`` counts
    the events that change only their project (a claim, a bid, a withdrawn bid: its
    status, its bids, the fair's totals and lists, nothing on another project's page).
    """

    def __init__(self, capacity: int = QUEUE_CAPACITY) -> None:
        self.capacity = capacity
        self._feeds: defaultdict[int, set[Feed]] = defaultdict(set)
        self.generation = 0
        self.broad = 0
        self.of_project: defaultdict[int, int] = defaultdict(int)

    def changed(self, event: FairEvent | None = None) -> None:
        self.generation += 1
        if event is not None and event.kind in PROJECT_LOCAL_KINDS:
            self.of_project[event.project_id] += 1
        else:
            self.broad += 1

    def open(self, fair_id: int) -> Feed:
        feed = Feed(fair_id, self.capacity)
        self._feeds[fair_id].add(feed)
        return feed

    def close(self, feed: Feed) -> None:
        feeds = self._feeds.get(feed.fair_id)
        if feeds is not None:
            feeds.discard(feed)
            if not feeds:
                del self._feeds[feed.fair_id]

    def deliver(self, event: FairEvent) -> None:
        # Before any subscriber hears of it: a client that reloads on the event must not
        # be served the state before it.
        self.changed(event)
        feeds = self._feeds.get(event.fair_id)
        if not feeds or event.kind is EventKind.CHANGED:
            return
        delivery = Delivery(event)
        for feed in list(feeds):
            feed.offer(delivery)

    def count(self) -> int:
        return sum(len(feeds) for feeds in self._feeds.values())
