"""One encoding of a live event's answer for every subscriber of a kind
(schema/live/frames.py): the leader publishes the payload it sends, followers frame the
same bytes with their own operation id, and nothing is shared that should not be."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from schema.live.frames import Leadership, encode_message, frame

PUBLIC = ("board", b"{}", None)


def next_message(operation: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"id": operation, "type": "next", "payload": payload}


async def test_followers_send_the_leaders_encoding_with_their_own_id() -> None:
    # Given one delivery shared by a leader and a follower of the same kind
    shared: dict[str, Any] = {}
    payload = {"data": {"fairActivity": {"kind": "CLAIMED", "project": {"status": "CLAIMED"}}}}
    with Leadership(shared, PUBLIC) as leader:
        assert leader.leads
        # When the leader's transport sends its answer
        sent = encode_message(next_message("1", payload))
    follower = Leadership(shared, PUBLIC)
    assert not follower.leads
    published = await follower.payload()
    # Then the follower's frame is the leader's, but for its own operation
    assert published is not None
    assert orjson.loads(frame("7", published)) == next_message("7", payload)
    assert orjson.loads(sent) == next_message("1", payload)


async def test_an_answer_with_errors_is_not_shared() -> None:
    # Given a leader whose answer carries errors (masked for each subscriber)
    shared: dict[str, Any] = {}
    with Leadership(shared, PUBLIC):
        encode_message(next_message("1", {"data": None, "errors": [{"message": "x"}]}))
    # Then its followers are told to go alone
    assert await Leadership(shared, PUBLIC).payload() is None


async def test_a_leader_that_stops_short_releases_its_followers() -> None:
    # Given a follower waiting on a leader that never sends (its socket closed)
    shared: dict[str, Any] = {}
    leader = Leadership(shared, PUBLIC)
    follower = Leadership(shared, PUBLIC)
    waiting = asyncio.ensure_future(follower.payload())
    with leader:
        pass
    # Then the follower goes alone instead of waiting for ever
    assert await asyncio.wait_for(waiting, 5) is None


async def test_other_kinds_lead_for_themselves() -> None:
    # Given a leader of the public board
    shared: dict[str, Any] = {}
    with Leadership(shared, PUBLIC):
        encode_message(next_message("1", {"data": {"fairActivity": {"organization": None}}}))
    # When a signed-in viewer takes the same event
    signed_in = Leadership(shared, ("board", b"{}", (42, "ORGANIZER")))
    # Then it leads its own kind rather than taking the public's answer
    assert signed_in.leads


async def test_messages_other_than_a_leaders_next_are_encoded_as_they_are() -> None:
    # Given no leadership in this task, a message goes out as plain JSON
    message = {"type": "connection_ack"}
    assert orjson.loads(encode_message(message)) == message
