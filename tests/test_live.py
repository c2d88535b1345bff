"""Subscription.fairActivity in one process: what each viewer hears, and when.

The subscriber here is the schema's own subscription stream with a viewer's context, the
events come from real mutations through the app; the WebSocket transport and several
workers are covered by tests/test_live_workers.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from api.auth.models import Account, Role
from api.live import runtime
from api.live.events import EventKind, FairEvent
from api.live.hub import Hub, SubscriberTooSlow
from api.projects.models import Procurement, ProjectStatus
from api.settings import Settings
from schema.context import Context
from schema.relay import to_global_id
from schema.schema import schema
from tests import factories
from tests.claiming import bid, bidder, claim, open_project
from tests.sessions import make_account

ACTIVITY = """
subscription Activity($fair: ID!) {
  fairActivity(fair: $fair) {
    id kind at
    project { id status }
    organization { id name contactPhone }
  }
}
"""


class Subscriber:
    """A viewer's open fairActivity stream."""

    def __init__(self, stream: AsyncGenerator[Any, None]) -> None:
        self.stream = stream

    async def next(self, timeout: float = 5) -> dict[str, Any]:
        result = await asyncio.wait_for(anext(self.stream), timeout)
        assert not result.errors, result.errors
        return result.data["fairActivity"]

    async def nothing_within(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(anext(self.stream), seconds)
        except TimeoutError:
            return True
        return False


async def subscribe(fair_id: int, viewer: Account | None = None) -> Subscriber:
    context = Context(None, None, Settings(), viewer)  # type: ignore[arg-type]
    stream = await schema.subscribe(
        ACTIVITY, variable_values={"fair": to_global_id("Fair", fair_id)}, context_value=context
    )
    assert not isinstance(stream, type(None))
    subscriber = Subscriber(stream)  # type: ignore[arg-type]
    # The resolver opens its feed when first asked for an event: ask, and give it the
    # moment to do so before anything happens.
    waiting = asyncio.ensure_future(anext(subscriber.stream))
    await asyncio.sleep(0.05)
    subscriber.stream = _prepend(waiting, subscriber.stream)
    return subscriber


async def _prepend(first: asyncio.Future[Any], rest: AsyncGenerator[Any, None]) -> AsyncGenerator:
    yield await first
    async for item in rest:
        yield item


async def test_a_claim_reaches_the_public_without_the_claimant(app, gql):
    # Given an anonymous subscriber to an open fair,
    project = await open_project()
    public = await subscribe(project.fair_id)
    who = await bidder()
    # when an organization claims a project,
    assert (await claim(gql, who, project, bid()))["errors"] == []
    # then the public hears of it with the project already taken, and no organization.
    event = await public.next()
    assert event["kind"] == "CLAIMED"
    assert event["project"] == {"id": to_global_id("Project", project.id), "status": "CLAIMED"}
    assert event["organization"] is None


async def test_the_claimant_and_the_organizer_see_who_claimed(app, gql):
    # Given the claiming organization and an organizer subscribed,
    project = await open_project()
    who = await bidder()
    own = await subscribe(project.fair_id, who.account)
    organizer = await subscribe(project.fair_id, await make_account(Role.ORGANIZER))
    # when it claims,
    await claim(gql, who, project, bid())
    # then both learn which organization it was; contacts follow the usual rules.
    mine, theirs = await own.next(), await organizer.next()
    assert mine["organization"]["id"] == to_global_id("Organization", who.organization.id)
    assert mine["organization"]["contactPhone"] == who.organization.contact_phone
    assert theirs["organization"]["id"] == mine["organization"]["id"]


async def test_a_refused_claim_is_never_announced(app, gql):
    # Given a project already claimed and a subscriber,
    project = await open_project()
    await claim(gql, await bidder(), project, bid())
    public = await subscribe(project.fair_id)
    # when a second organization tries to claim it and is refused,
    refused = await claim(gql, await bidder(), project, bid())
    assert [e["code"] for e in refused["errors"]] == ["ALREADY_CLAIMED"]
    # then nothing is announced.
    assert await public.nothing_within(0.3)


async def test_a_competitive_bid_names_no_bidder_to_other_organizations(app, gql):
    # Given a competitive project and another organization subscribed,
    project = await open_project(procurement=Procurement.COMPETITIVE)
    rival = await bidder()
    watching = await subscribe(project.fair_id, rival.account)
    # when a bid comes in,
    await claim(gql, await bidder(), project, bid())
    # then the rival sees a bid arrive and the project in BIDDING, but not whose it is.
    event = await watching.next()
    assert (event["kind"], event["project"]["status"]) == ("BID", "BIDDING")
    assert event["organization"] is None


async def test_events_of_another_fair_are_not_delivered(app, gql):
    # Given a subscriber to one fair,
    mine = await open_project()
    other = await open_project()
    subscriber = await subscribe(mine.fair_id)
    # when a project of another fair is claimed, then claims of its own fair,
    await claim(gql, await bidder(), other, bid())
    await claim(gql, await bidder(), mine, bid())
    # only its own fair's event arrives.
    event = await subscriber.next()
    assert event["project"]["id"] == to_global_id("Project", mine.id)
    assert await subscriber.nothing_within(0.2)


async def test_an_unknown_or_malformed_fair_is_a_clear_error(app):
    for fair in (to_global_id("Fair", 2**31 - 1), "nonsense", to_global_id("Project", 1)):
        context = Context(None, None, Settings())  # type: ignore[arg-type]
        stream = await schema.subscribe(
            ACTIVITY, variable_values={"fair": fair}, context_value=context
        )
        result = await anext(stream)  # type: ignore[arg-type]
        assert result.errors and result.errors[0].extensions["code"] == "NOT_FOUND"


async def test_every_subscriber_of_a_worker_shares_one_load_of_the_event(app, gql):
    # Given three subscribers,
    project = await open_project()
    subscribers = [await subscribe(project.fair_id) for _ in range(3)]
    # when a project is claimed, every one of them gets the same event id.
    await claim(gql, await bidder(), project, bid())
    events = [await s.next() for s in subscribers]
    assert len({e["id"] for e in events}) == 1


def test_a_subscriber_that_falls_behind_is_cut_off_without_holding_up_others():
    # Given a hub whose queues hold two events, a stalled subscriber and a live one,
    hub = Hub(capacity=2)
    stalled, live = hub.open(1), hub.open(1)
    event = FairEvent(EventKind.PAID, factories.now(), 1, 1, 1)

    async def scenario() -> None:
        # when three events arrive while the stalled one reads nothing,
        for _ in range(2):
            hub.deliver(event)
            await anext(live)
        hub.deliver(event)
        # then the live one still gets every event and the stalled one is told to go.
        assert (await anext(live)).event is event
        with pytest.raises(SubscriberTooSlow):
            await anext(stalled)

    asyncio.run(scenario())


def test_an_event_survives_the_trip_through_a_broker():
    event = FairEvent(EventKind.AWARDED, factories.now(), 3, 5, 7, 11)
    assert FairEvent.decode(event.encode()) == event
