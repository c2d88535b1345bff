"""``Subscription.fairActivity``: a fair's events as they happen."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.fairs.models import Fair
from api.live import runtime
from api.live.hub import SubscriberTooSlow
from schema.context import Info
from schema.errors import QueryError
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
        try:
            async for delivery in feed:
                # Every subscriber of this worker resolves the event through the same
                # loaders, so the project is read once per event, not once per subscriber;
                # those asking alike share one answer (schema/live/execution.py).
                info.context.share_loaders(delivery.shared)
                yield FairEvent.of(delivery.event, info.context.account, delivery.shared)
        except SubscriberTooSlow:
            raise QueryError(
                "订阅接收过慢，已断开，请重新订阅。Too slow to keep up; subscribe again.",
                "SUBSCRIBER_TOO_SLOW",
            ) from None
        finally:
            hub.close(feed)
