"""Request bodies: a small limit for queries, the upload limit for multipart only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import orjson
import pytest

from api.auth.models import Role
from api.settings import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_PUBLISH_BODY_BYTES
from tests.sessions import token_for

SEARCH = "query ($text: String) { organizations(filter: {search: $text}) { totalCount } }"


def _too_large(response) -> None:
    assert response.status_code == 413, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "256 KB" in error["message"]


def _body(text: str) -> bytes:
    return orjson.dumps({"query": SEARCH, "variables": {"text": text}})


async def test_a_one_megabyte_anonymous_query_is_refused_before_it_is_parsed(client):
    # Given an anonymous JSON query carrying a 1 MB search string (under the upload limit)
    body = _body("社" * 350_000)
    assert DEFAULT_MAX_BODY_BYTES < len(body) < 10 * 1024 * 1024
    # When it is posted, then it is refused with 413 by its declared length.
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    _too_large(response)


async def test_a_streamed_query_body_is_cut_off_at_the_small_limit(client):
    # Given a JSON query sent chunked (no Content-Length), four times the small limit
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        body = _body("x" * 4 * DEFAULT_MAX_BODY_BYTES)
        for start in range(0, len(body), 65_536):
            sent += 65_536
            yield body[start : start + 65_536]

    # When it is posted, then it is refused once past the limit, the rest unread.
    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    _too_large(response)
    assert sent <= DEFAULT_MAX_BODY_BYTES + 2 * 65_536


@pytest.mark.parametrize("media", ["application/graphql", "text/plain", ""])
async def test_bodies_of_every_other_type_are_held_to_the_small_limit(client, media):
    response = await client.post(
        "/graphql", content=b" " * (DEFAULT_MAX_BODY_BYTES + 1), headers={"content-type": media}
    )
    _too_large(response)


async def test_a_query_just_under_the_limit_is_answered(client):
    # Given a query body just under the limit, when posted, then it is answered (the
    # search string itself is refused as too long, as a GraphQL error, not a 413).
    body = _body("x" * (DEFAULT_MAX_BODY_BYTES - 200))
    assert len(body) < DEFAULT_MAX_BODY_BYTES
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"].startswith("搜索词最长")


PUBLISH_SIZED = "query ($text: String) { fairs { edition } }"


def _sized_body(size: int) -> bytes:
    """A JSON query of about ``size`` bytes whose bulk is an unused variable."""
    return orjson.dumps({"query": PUBLISH_SIZED, "variables": {"text": "x" * size}})


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.ORGANIZER, True), (Role.PUBLISHER, True), (Role.ORGANIZATION, False), (None, False)],
)
async def test_only_organizers_and_publishers_may_send_a_publishing_sized_body(
    client, role, allowed
):
    # Given a 1 MB JSON body (a long publishProjects list is of that size)
    headers = {"content-type": "application/json"}
    if role is not None:
        headers["authorization"] = f"Bearer {await token_for(role)}"
    # When it is posted by each kind of account, then only those who publish get past
    # the body limit.
    response = await client.post("/graphql", content=_sized_body(1024 * 1024), headers=headers)
    assert (response.status_code != 413) is allowed, response.text


async def test_a_made_up_bearer_token_does_not_raise_the_limit(client):
    headers = {"content-type": "application/json", "authorization": "Bearer made-up-token"}
    response = await client.post("/graphql", content=_sized_body(1024 * 1024), headers=headers)
    _too_large(response)


async def test_past_the_publishing_limit_even_an_organizer_is_refused(client):
    headers = {
        "content-type": "application/json",
        "authorization": f"Bearer {await token_for(Role.ORGANIZER)}",
    }
    body = _sized_body(DEFAULT_MAX_PUBLISH_BODY_BYTES + 1)
    response = await client.post("/graphql", content=body, headers=headers)
    assert response.status_code == 413
