"""One encoding of a live event's answer, sent as it is to every subscriber of a kind.

A worker hands each event to all its subscribers; most ask the same thing as the same
viewer (the public board). The first subscriber of a kind to take an event (the leader)
goes the whole way: executes the selection (shared, schema/live/execution.py), and its
transport encodes the payload once, into the event's ``Delivery.shared``. Every other
subscriber of that kind writes its own frame around those bytes straight to its socket:
``{"id":<its operation>,"type":"next","payload":<the bytes>}``, without Strawberry's
result processing, graphql-core's iterator or a second encoding.

The kind is the parsed operation (documents are parsed once and cached, so the same
text is the same object), its variables and the viewer. A leader answer that carries
errors is not shared (errors are masked per subscriber), and a follower never waits on
another subscriber's socket: the payload is published before the leader sends.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Hashable
from typing import Any

import orjson
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

# The graphql-transport-ws operation id of the running subscription's task.
OPERATION_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "operation_id", default=None
)
# Where the leader's transport publishes the next payload it encodes.
_LEADING: contextvars.ContextVar[asyncio.Future[str | None] | None] = contextvars.ContextVar(
    "leading", default=None
)


class LiveTransportHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """Strawberry's graphql-transport-ws handler, telling each operation's task its id."""

    async def handle_subscribe(self, message: Any) -> None:
        # The operation's task is created inside and copies this context.
        token = OPERATION_ID.set(message["id"])
        try:
            await super().handle_subscribe(message)
        finally:
            OPERATION_ID.reset(token)


def frame(operation_id: str, payload: str) -> str:
    """A ``next`` message around an encoded payload."""
    return f'{{"id":{orjson.dumps(operation_id).decode()},"type":"next","payload":{payload}}}'


def encode_message(message: Any) -> str:
    """The text of an outgoing message; a leader's payload is published on the way."""
    leading = _LEADING.get()
    if leading is None or message.get("type") != "next" or leading.done():
        return orjson.dumps(message).decode()
    _LEADING.set(None)
    payload = message["payload"]
    encoded = orjson.dumps(payload).decode()
    leading.set_result(None if payload.get("errors") else encoded)
    return frame(message["id"], encoded)


class Leadership:
    """A subscriber's share of one event: lead it, or send what its leader encoded."""

    def __init__(self, shared: dict[str, Any], kind: Hashable) -> None:
        slots: dict[Hashable, asyncio.Future[str | None]] = shared.setdefault("frames", {})
        found = slots.get(kind)
        self.leads = found is None
        if found is None:
            found = slots[kind] = asyncio.get_running_loop().create_future()
        self.slot = found

    def __enter__(self) -> Leadership:
        if self.leads:
            _LEADING.set(self.slot)
        return self

    def __exit__(self, *_: object) -> None:
        # A leader that stopped short (an error, a closed socket) shares nothing.
        if self.leads and not self.slot.done():
            self.slot.set_result(None)
        if self.leads:
            _LEADING.set(None)

    async def payload(self) -> str | None:
        """The leader's encoded payload, once its execution is done; None: go alone."""
        return await asyncio.shield(self.slot)
