"""The response cache: shared answers to read requests, never stale after a committed
change, never showing one viewer's private fields to another.

The suite's shared app runs without the cache (tests write rows behind its back); these
tests serve the same database through a second app with the cache on.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio
from starlette.applications import Starlette

from api.app import create_app
from api.auth.models import Role
from api.settings import Settings
from api.sqlcount import count_statements
from schema.relay import to_global_id
from tests import factories
from tests.claiming import CLAIM, bid, bidder, claim
from tests.conftest import GraphQLClient
from tests.sessions import token_for

FAIR_PROJECTS = """
query FairProjects($fair: ID!) {
  projects(first: 10, filter: {fair: $fair}) {
    totalCount edges { node { id title status bidCount } }
  }
}
"""

ORGANIZATION_CONTACT = """
query Contact($id: ID!) { node(id: $id) { ... on Organization { name contactPhone } } }
"""

UPDATE_FAIR_NAME = """
mutation Rename($fair: ID!, $input: FairInput!) {
  updateFair(fair: $fair, input: $input) { fair { name } errors { code } }
}
"""

FAIR_NAME = "query FairName($edition: Int!) { fair(edition: $edition) { name } }"


@pytest_asyncio.fixture(scope="module")
async def cached_app(app: Starlette, settings: Settings) -> Starlette:
    # The suite's app has opened the database and the live hub; this one shares them.
    return create_app(dataclasses.replace(settings, response_cache=True))


@pytest_asyncio.fixture(scope="module")
async def cached(cached_app: Starlette) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=cached_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)


def first_project(answer: dict[str, Any]) -> dict[str, Any]:
    return answer["data"]["projects"]["edges"][0]["node"]


async def test_a_repeated_public_read_is_answered_without_the_database(cached: Any) -> None:
    # Given a fair with a project, read once
    fair = await factories.fair()
    await factories.project(fair)
    variables = {"fair": to_global_id("Fair", fair.id)}
    first = await cached(FAIR_PROJECTS, variables)
    # When the same request comes again
    with count_statements() as statements:
        again = await cached(FAIR_PROJECTS, variables)
    # Then it gets the same answer and no statement is sent
    assert again == first
    assert statements == []


async def test_a_claim_is_seen_by_the_next_read_after_its_answer(cached: Any, gql: Any) -> None:
    # Given a hall page read (and cached) while the project is open
    project = await factories.project(await factories.fair())
    variables = {"fair": to_global_id("Fair", project.fair_id)}
    assert first_project(await cached(FAIR_PROJECTS, variables))["status"] == "PUBLISHED"
    # When an organization claims it and its answer comes back
    who = await bidder()
    assert (await claim(cached, who, project, bid()))["errors"] == []
    # Then the next read shows the claim, not the cached page
    node = first_project(await cached(FAIR_PROJECTS, variables))
    assert (node["status"], node["bidCount"]) == ("CLAIMED", 1)


async def test_a_change_through_another_app_reaches_this_cache(cached: Any, gql: Any) -> None:
    # Given a cached fair name
    fair = await factories.fair(name="旧名称")
    await cached(FAIR_NAME, {"edition": fair.edition})
    # When an organizer renames it through another worker (the suite's app, same hub)
    organizer = await token_for(Role.ORGANIZER)
    renamed = {
        "edition": fair.edition,
        "name": "新名称",
        "opensAt": fair.opens_at.isoformat(),
        "closesAt": fair.closes_at.isoformat(),
    }
    variables = {"fair": to_global_id("Fair", fair.id), "input": renamed}
    assert (await gql(UPDATE_FAIR_NAME, variables, token=organizer))["data"]["updateFair"][
        "errors"
    ] == []
    # Then this app answers with the new name
    answer = await cached(FAIR_NAME, {"edition": fair.edition})
    assert answer["data"]["fair"]["name"] == "新名称"


async def test_a_refused_mutation_leaves_the_cache_warm(cached: Any) -> None:
    # Given a cached page
    fair = await factories.fair()
    await factories.project(fair)
    variables = {"fair": to_global_id("Fair", fair.id)}
    await cached(FAIR_PROJECTS, variables)
    # When a mutation is refused (it wrote nothing)
    publisher = await token_for(Role.PUBLISHER)
    same = {"edition": fair.edition, "name": "x", "opensAt": fair.opens_at.isoformat(),
            "closesAt": fair.closes_at.isoformat()}
    refused = {"fair": to_global_id("Fair", fair.id), "input": same}
    answer = await cached(UPDATE_FAIR_NAME, refused, token=publisher)
    assert answer["data"]["updateFair"]["errors"]
    # Then the page is still served from the cache
    with count_statements() as statements:
        await cached(FAIR_PROJECTS, variables)
    assert statements == []


async def test_a_private_field_never_comes_out_of_a_shared_entry(cached: Any) -> None:
    # Given an organization whose contact only organizers and itself may read
    org = await factories.organization(contact_phone="13900001111")
    other = await bidder()
    own = await token_for(Role.ORGANIZATION, organization_id=org.id)
    organizer = await token_for(Role.ORGANIZER)
    variables = {"id": to_global_id("Organization", org.id)}

    async def phone(token: str | None) -> str | None:
        answer = await cached(ORGANIZATION_CONTACT, variables, token=token)
        return answer["data"]["node"]["contactPhone"]

    # When the organizer, the organization itself, the public and another organization
    # ask the same question in turn, twice over
    for _ in range(2):
        seen = [await phone(organizer), await phone(own), await phone(None), await phone(other.token)]
        # Then each sees only what it may
        assert seen == ["13900001111", "13900001111", None, None]


async def test_identical_reads_at_once_are_computed_once(cached: Any) -> None:
    # Given a page nobody has read yet
    fair = await factories.fair()
    for _ in range(3):
        await factories.project(fair)
    variables = {"fair": to_global_id("Fair", fair.id)}
    other = {"fair": to_global_id("Fair", (await factories.fair()).id)}
    await cached(FAIR_PROJECTS, {"fair": to_global_id("Fair", (await factories.fair()).id)})
    with count_statements() as alone:
        await cached(FAIR_PROJECTS, other)
    # When ten visitors ask for it at the same moment
    with count_statements() as statements:
        answers = await asyncio.gather(*(cached(FAIR_PROJECTS, variables) for _ in range(10)))
    # Then they all get the same answer, computed once
    assert all(a == answers[0] for a in answers)
    assert len(statements) == len(alone)


HALL = """
query Hall($fair: ID!) {
  projects(first: 20, filter: {fair: $fair}) {
    totalCount edges { node { id title status bidCount publisher { name } district { name }
      matchingOrganizations(first: 3) { score reasons organization { id name } } } }
  }
  organizations(first: 6) { totalCount edges { node { id name grade serviceClasses districts { name } } } }
  supervisors(first: 6) { totalCount edges { node { id name expertise load maxLoad } } }
  districts { id name }
}
"""


async def test_the_hall_is_shared_by_everyone_of_a_role(cached: Any) -> None:
    # Given the hall as one organization's staff read it
    fair = await factories.fair()
    await factories.project(fair)
    first, second = await bidder(), await bidder()
    variables = {"fair": to_global_id("Fair", fair.id)}
    mine = await cached(HALL, variables, token=first.token)
    # When another organization's staff read it
    with count_statements() as statements:
        theirs = await cached(HALL, variables, token=second.token)
    # Then they get the same answer with no more than their session looked up
    assert theirs == mine
    assert len(statements) <= 1


PROJECT_WITH_BIDS = """
query Page($id: ID!) {
  project(id: $id) { id status bids(first: 10) { totalCount edges { node { id amount } } } }
}
"""


async def test_a_page_that_asks_who_is_reading_is_shared_by_the_public_only(cached: Any) -> None:
    # Given a project with a bid, whose bids only some viewers may see
    project = await factories.project(await factories.fair())
    who = await bidder()
    await claim(cached, who, project, bid())
    variables = {"id": to_global_id("Project", project.id)}
    public = await cached(PROJECT_WITH_BIDS, variables)
    # When another visitor reads the page, and then the bidder itself
    with count_statements() as statements:
        again = await cached(PROJECT_WITH_BIDS, variables)
    own = await cached(PROJECT_WITH_BIDS, variables, token=who.token)
    # Then the visitor gets the public's answer without the database
    assert again == public and statements == []
    # and the bidder its own, with the bid the public is not shown
    assert own["data"]["project"]["bids"]["totalCount"] == 1
    assert own != public


PAGE = "query Page($id: ID!) { project(id: $id) { id status bidCount } }"


async def test_a_projects_page_outlives_claims_on_other_projects_only(cached: Any) -> None:
    # Given two open projects whose pages have been read
    fair = await factories.fair()
    mine, other = await factories.project(fair), await factories.project(fair)
    page = {"id": to_global_id("Project", mine.id)}
    await cached(PAGE, page)
    # When the other project is claimed
    assert (await claim(cached, await bidder(), other, bid()))["errors"] == []
    # Then this project's page is still answered from the cache
    with count_statements() as statements:
        unchanged = await cached(PAGE, page)
    assert statements == [] and unchanged["data"]["project"]["status"] == "PUBLISHED"
    # and when this project is claimed, its page shows it at once
    assert (await claim(cached, await bidder(), mine, bid()))["errors"] == []
    assert (await cached(PAGE, page))["data"]["project"]["status"] == "CLAIMED"


async def test_events_inside_an_enclosing_transaction_wait_for_its_commit() -> None:
    # Given a request whose work is one transaction still open (an Idempotency-Key)
    from api.live import runtime
    from api.live.events import FairEvent

    hub = runtime.hub()
    before = hub.generation
    with runtime.holding() as held:
        # When a service inside announces its change
        await runtime.announce(FairEvent.changed())
        # Then no cached answer is retired yet: a read now would still see the old rows
        assert hub.generation == before
    # and they are, once the transaction has committed
    await runtime.release(held)
    assert hub.generation > before


async def test_a_claim_with_an_idempotency_key_is_seen_by_the_next_read(cached: Any) -> None:
    # Given a project's page kept in the cache
    project = await factories.project(await factories.fair())
    page = {"id": to_global_id("Project", project.id)}
    await cached(PAGE, page)
    # When it is claimed with an Idempotency-Key and the answer is back
    who = await bidder()
    variables = {"project": to_global_id("Project", project.id), "bid": bid()}
    response = await cached.http.post(
        "/graphql",
        json={"query": CLAIM, "variables": variables},
        headers={"authorization": f"Bearer {who.token}", "idempotency-key": "k" * 20},
    )
    assert response.json()["data"]["claimProject"]["errors"] == []
    # Then the page shows the claim
    assert (await cached(PAGE, page))["data"]["project"]["status"] == "CLAIMED"
