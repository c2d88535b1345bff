"""``Subscription.fairActivity``: a fair's events as they happen."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

import orjson
import strawberry
from starlette.websockets import WebSocket

from api.fairs.models import Fair
from api.live import runtime
from api.live.hub import SubscriberTooSlow
from schema.context import Info
from schema.errors import QueryError
from schema.live.frames import OPERATION_ID, Leadership, frame
from schema.live.types import FairEvent
from schema.relay import pk_of


@strawberry.type
class LiveSubscription:
    @strawberry.subscription(
        description=(
            "一届洽谈会的实时动态：认领、投标、撤回、立项、配备督导、评估、拨付。"
            " A fair's claims, bids, awards, assignments, evaluations and payments as they happen."
        )
    )
    async def fair_activity(
        self, info: Info, fair: strawberry.ID
    ) -> AsyncGenerator[FairEvent, None]:
        fair_id = pk_of(fair, "Fair")
        if not await Fair.exists(id=fair_id):
            raise QueryError("届次不存在。No such fair.", "NOT_FOUND")
        hub = runtime.hub()
        feed = hub.open(fair_id)
        direct = _direct_sender(info)
        kind = _kind(info)
        try:
            async for delivery in feed:
                # Every subscriber of this worker resolves the event through the same
                # loaders, so the project is read once per event, not once per subscriber;
                # those asking alike share one answer (schema/live/execution.py) and one
                # encoding of it (schema/live/frames.py).
                info.context.share_loaders(delivery.shared)
                with Leadership(delivery.shared, kind) as lead:
                    if direct is not None and not lead.leads:
                        payload = await lead.payload()
                        if payload is not None:
                            await direct(payload)
                            continue
                    yield FairEvent.of(delivery.event, info.context.account, delivery.shared)
        except SubscriberTooSlow:
            raise QueryError(
                "订阅接收过慢，已断开，请重新订阅。Too slow to keep up; subscribe again.",
                "SUBSCRIBER_TOO_SLOW",
            ) from None
        finally:
            hub.close(feed)


def _direct_sender(info: Info) -> Callable[[str], Awaitable[None]] | None:
    """Sends a payload straight to this subscriber's socket, when it has one (a
    graphql-transport-ws operation), else None."""
    socket, operation_id = info.context.request, OPERATION_ID.get()
    if not isinstance(socket, WebSocket) or operation_id is None:
        return None

    start = frame(operation_id, "")[:-1]  # the frame up to its payload, made once

    async def send(payload: str) -> None:
        await socket.send_text(f"{start}{payload}}}")

    return send


def _kind(info: Info) -> tuple[Any, ...]:
    """Who asks what: the parsed operation, its variables and the viewer."""
    variables = orjson.dumps(info.variable_values, option=orjson.OPT_SORT_KEYS, default=str)
    account = info.context.account
    viewer = None if account is None else (account.id, account.role)
    # A live subscription holds its operation, so the id names one document meanwhile.
    return (id(info.operation), variables, viewer)
