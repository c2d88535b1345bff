"""Idempotency-Key: a retried mutation gets the first answer and changes nothing twice."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import orjson
import pytest

from api.audit.models import AuditEntry
from api.bidding.models import Bid
from api.idempotency.models import IdempotentResponse
from schema.relay import to_global_id
from tests.claiming import CLAIM, bid, bidder, open_project


def claim_body(project_id: int, amount: str = "90000.00") -> bytes:
    variables = {"project": to_global_id("Project", project_id), "bid": bid(amount=amount)}
    return orjson.dumps({"query": CLAIM, "variables": variables})


async def send(client: httpx.AsyncClient, body: bytes, token: str, key: str) -> httpx.Response:
    headers = {
        "content-type": "application/json",
        "authorization": f"Bearer {token}",
        "idempotency-key": key,
    }
    response = await client.post("/graphql", content=body, headers=headers)
    client.cookies.clear()
    return response


async def test_a_retried_claim_gets_the_first_answer_and_claims_once(client):
    # Given an organization that claimed a project with a key, and whose answer was lost
    project, who, key = await open_project(), await bidder(), uuid.uuid4().hex
    first = await send(client, claim_body(project.id), who.token, key)
    assert first.json()["data"]["claimProject"]["errors"] == []
    # When it sends the same request with the same key again
    retry = await send(client, claim_body(project.id), who.token, key)
    # Then it gets the first answer (not ALREADY_CLAIMED), marked as replayed,
    assert retry.content == first.content and retry.status_code == first.status_code
    assert retry.headers["idempotent-replayed"] == "true"
    # and there is one bid and one audit entry.
    assert await Bid.filter(project_id=project.id).count() == 1
    assert await AuditEntry.filter(account_id=who.account.id, action="claimProject").count() == 1


async def test_a_request_that_died_before_its_answer_was_stored_changed_nothing(
    client, monkeypatch
):
    # Given a claim whose request fails after the claim was made but before its answer
    # is stored (as when the worker dies there)
    project, who, key = await open_project(), await bidder(), uuid.uuid4().hex
    real_create = IdempotentResponse.create

    async def dying(*args: object, **kwargs: object) -> None:
        raise RuntimeError("worker killed")

    monkeypatch.setattr(IdempotentResponse, "create", dying)
    with pytest.raises(RuntimeError):
        await send(client, claim_body(project.id), who.token, key)
    # Then nothing of it was kept,
    assert await Bid.filter(project_id=project.id).count() == 0
    # and the retry with the same key claims the project, once.
    monkeypatch.setattr(IdempotentResponse, "create", real_create)
    retry = await send(client, claim_body(project.id), who.token, key)
    assert retry.json()["data"]["claimProject"]["errors"] == []
    assert await Bid.filter(project_id=project.id).count() == 1


async def test_the_same_key_with_another_body_is_refused(client):
    project, who, key = await open_project(), await bidder(), uuid.uuid4().hex
    await send(client, claim_body(project.id), who.token, key)
    other = await send(client, claim_body(project.id, amount="80000.00"), who.token, key)
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert await Bid.filter(project_id=project.id).count() == 1


async def test_another_client_with_the_same_key_is_not_given_the_first_answer(client):
    # Given one organization's claim with a key
    project, key = await open_project(), uuid.uuid4().hex
    first, second = await bidder(), await bidder()
    await send(client, claim_body(project.id), first.token, key)
    # When another organization sends the same body with the same key
    answer = await send(client, claim_body(project.id), second.token, key)
    # Then its own request runs: the project is taken already.
    assert "idempotent-replayed" not in answer.headers
    codes = [e["code"] for e in answer.json()["data"]["claimProject"]["errors"]]
    assert codes == ["ALREADY_CLAIMED"] or codes == ["NOT_CLAIMABLE"]


async def test_parallel_retries_with_one_key_claim_once_and_answer_alike(client):
    # Given a claim sent five times at once with one key (an impatient double click)
    project, who, key = await open_project(), await bidder(), uuid.uuid4().hex
    answers = await asyncio.gather(
        *(send(client, claim_body(project.id), who.token, key) for _ in range(5))
    )
    # Then the project is claimed once and every answer is the first one.
    assert await Bid.filter(project_id=project.id).count() == 1
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["data"]["claimProject"]["errors"] == []


@pytest.mark.parametrize("key", ["short", "x" * 129, "with space in it!!"])
async def test_an_ill_formed_key_is_refused(client, key):
    project, who = await open_project(), await bidder()
    answer = await send(client, claim_body(project.id), who.token, key)
    assert answer.status_code == 400
    assert await Bid.filter(project_id=project.id).count() == 0
