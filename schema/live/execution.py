"""Executing a subscription's selection once per event for every subscriber alike.

A worker hands each event to all its subscribers at once (``api.live.hub``). Most of them
ask the same thing as the same viewer — the public fair board: the same document, the
same variables, signed in as nobody — so their answers are equal, and executing the
selection for each of them was most of what an event cost (``bench/live.py``: 1,000
subscribers on two workers). Here the first subscriber of a kind executes it and the
others of that kind take its answer: the kind is the operation, its variables and the
viewer (the account, or nobody). Everything a resolver reads that differs between
subscribers comes from the viewer, so nothing one viewer may see reaches another. The
answers live in the event's ``Delivery.shared`` and go with it.

graphql-core (3.3.2) also runs every event on a shallow copy of the subscription's
executor, so all the copies share one memo of collected subfields keyed by the identity
of field lists that are made afresh for each event: the memo never hits across events and
keeps every event's lists, ~30 objects per subscriber and event, for the subscription's
whole life — a leak that made the collector's full passes take most of a worker's time.
Each event gets a memo of its own here.
"""

from __future__ import annotations

import asyncio
from copy import copy
from typing import Any

import orjson
from graphql import ExecutionResult
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class SubscriptionEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor; a live event's selection runs once per kind of subscriber."""

    def build_per_event_executor(self, payload: Any) -> Any:
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor

    def execute_operation(self, serially: bool | None = None) -> Any:
        shared = getattr(self.root_value, "shared", None)
        if shared is None:  # not a live event: queries, mutations, other subscriptions
            return super().execute_operation(serially)
        answers: dict[tuple[Any, ...], Any] = shared.setdefault("answers", {})
        key = (id(self.operation), self._variables_key(), self._viewer_key())
        found = answers.get(key)
        if found is None:
            answer = super().execute_operation(serially)
            if self.is_awaitable(answer):
                answer = asyncio.ensure_future(answer)
            # The operation is kept with its answer, so its id is not reused meanwhile.
            answers[key] = found = (self.operation, answer)
        answer = found[1]
        if isinstance(answer, asyncio.Future):
            return _own_copy_when_done(answer)
        return _own_copy(answer)

    def _variables_key(self) -> bytes:
        return orjson.dumps(self.variable_values.coerced, option=orjson.OPT_SORT_KEYS, default=str)

    def _viewer_key(self) -> tuple[Any, ...] | None:
        account = getattr(self.context_value, "account", None)
        return None if account is None else (account.id, account.role)


async def _own_copy_when_done(answer: asyncio.Future[Any]) -> Any:
    return _own_copy(await asyncio.shield(answer))


def _own_copy(answer: Any) -> Any:
    """The answer for one subscriber: the data shared (it is only read from here on),
    the list of errors its own, since error masking replaces that list per subscriber."""
    if isinstance(answer, ExecutionResult) and answer.errors is not None:
        answer = copy(answer)
        answer.errors = list(answer.errors)
    return answer
