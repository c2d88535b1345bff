"""What a worker's subscribers share of an event, and what a subscription keeps.

A worker executes an event's selection once for every subscriber asking the same thing
as the same viewer (schema/live/execution.py): the public board's subscribers share one
answer, a signed-in viewer gets an answer of its own, and so does another document. A
subscription that lives through many events keeps nothing of the events it has passed
on. Subscribers are the schema's own subscription streams with a viewer's context; the
events go through this process's hub.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncGenerator
from typing import Any

from graphql.execution.collect_fields import FieldDetails

from api.auth.models import Account, Role
from api.live import runtime
from api.live.events import EventKind, FairEvent
from api.projects.models import Project
from api.settings import Settings
from schema.context import Context
from schema.relay import to_global_id
from schema.schema import schema
from tests import factories
from tests.claiming import bid, bidder, claim, open_project
from tests.sessions import make_account

BOARD = """
subscription Board($fair: ID!) {
  fairActivity(fair: $fair) { id kind project { id status } organization { id name } }
}
"""

TICKER = "subscription Ticker($fair: ID!) { fairActivity(fair: $fair) { id kind } }"

EVENTS = 40


async def subscribe(
    project: Project, viewer: Account | None = None, document: str = BOARD
) -> AsyncGenerator[Any, None]:
    """An open stream of the project's fair, its feed already in the hub."""
    context = Context(None, None, Settings(), viewer)  # type: ignore[arg-type]
    variables = {"fair": to_global_id("Fair", project.fair_id)}
    stream = await schema.subscribe(document, variable_values=variables, context_value=context)
    feeds = runtime.hub().count()
    first = asyncio.ensure_future(anext(stream))  # type: ignore[arg-type]
    while runtime.hub().count() == feeds:  # the resolver opens its feed when first asked
        await asyncio.sleep(0.01)
    return _starting_with(first, stream)  # type: ignore[arg-type]


async def _starting_with(first: asyncio.Future[Any], rest: AsyncGenerator[Any, None]) -> Any:
    yield await first
    async for item in rest:
        yield item


async def next_result(stream: AsyncGenerator[Any, None]) -> Any:
    result = await asyncio.wait_for(anext(stream), 5)
    assert not result.errors, result.errors
    return result


async def test_the_public_shares_one_answer_and_a_signed_in_viewer_gets_its_own(app, gql):
    # Given two anonymous subscribers, an organizer, and a third anonymous one asking less,
    project = await open_project()
    public = [await subscribe(project), await subscribe(project)]
    organizer = await subscribe(project, await make_account(Role.ORGANIZER))
    ticker = await subscribe(project, document=TICKER)
    # when an organization claims the project,
    who = await bidder()
    await claim(gql, who, project, bid())
    first, second = [await next_result(s) for s in public]
    own, short = await next_result(organizer), await next_result(ticker)
    # then the public's two subscribers received one and the same answer,
    assert first.data is second.data
    assert first.data["fairActivity"]["organization"] is None
    # the organizer its own, naming the claimant,
    assert own.data is not first.data
    claimant = own.data["fairActivity"]["organization"]["id"]
    assert claimant == to_global_id("Organization", who.organization.id)
    # and the other document its own, of the same event.
    assert short.data == {"fairActivity": {"id": own.data["fairActivity"]["id"], "kind": "CLAIMED"}}


async def test_a_long_lived_subscription_keeps_nothing_of_past_events(app):
    # Given a subscriber that has received one event,
    project = await open_project()
    stream = await subscribe(project)
    paid = FairEvent(EventKind.PAID, factories.now(), project.fair_id, project.id, 1)
    runtime.hub().deliver(paid)
    await next_result(stream)
    before = field_details()
    # when many more events have gone through it,
    for _ in range(EVENTS):
        runtime.hub().deliver(FairEvent(EventKind.PAID, paid.at, project.fair_id, project.id, 1))
        await next_result(stream)
    # then it holds no more of the executor's per-event objects than it did after one.
    assert field_details() <= before


def field_details() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, FieldDetails))
