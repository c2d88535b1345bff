"""Claim storms: many organizations claiming at the same moment, through the ASGI app.

Every request is a real concurrent GraphQL call with its own organization's bearer
token, so the checks race exactly as they do in production. Whatever the interleaving,
a DIRECT project has exactly one winner, every COMPETITIVE bid is recorded once, and no
organization ever holds two active bids on one project.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest_asyncio

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.bidding.models import Bid, BidStatus
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

CLAIM = """
mutation Claim($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) { bid { id status } project { status } errors { code field message } }
}
"""

WITHDRAW = """
mutation Withdraw($bid: ID!) { withdrawBid(bid: $bid) { bid { id status } errors { code } } }
"""

STORM = 50
REPEATS = 10
OFFER = {
    "amount": "95000.00",
    "managementFee": "9500.00",
    "socialWorkers": 2,
    "plan": "社区为老服务方案",
}


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def crowd(app: object) -> list[tuple[int, str]]:
    """Fifty eligible organizations, each with a logged-in account: (organization id, token)."""
    members = []
    for _ in range(STORM):
        org = await factories.organization(social_workers=3, index=False)
        members.append((org.id, await token_for(Role.ORGANIZATION, organization_id=org.id)))
    return members


async def open_project(procurement: Procurement) -> Project:
    return await factories.project(
        await factories.fair(), procurement=procurement, budget="100000.00", min_social_workers=2
    )


async def storm(gql: Any, project: Project, tokens: list[str]) -> list[dict[str, Any]]:
    """Every token claims ``project`` at once; the payloads in the order of ``tokens``."""
    variables = {"project": to_global_id("Project", project.id), "bid": OFFER}
    results = await asyncio.gather(*(gql(CLAIM, variables, token=t) for t in tokens))
    for result in results:
        assert "errors" not in result, result["errors"]
    return [r["data"]["claimProject"] for r in results]


def outcomes(payloads: list[dict[str, Any]]) -> Counter[str]:
    """How many succeeded ("OK") and how many were refused, by code."""
    return Counter(p["errors"][0]["code"] if p["errors"] else "OK" for p in payloads)


async def test_fifty_claims_on_one_direct_project_have_exactly_one_winner(gql, crowd):
    # Given a published DIRECT project,
    project = await open_project(Procurement.DIRECT)
    # when fifty organizations claim it at the same moment,
    payloads = await storm(gql, project, [token for _, token in crowd])
    # then exactly one claim wins and the other 49 are told it is taken,
    assert outcomes(payloads) == {"OK": 1, "ALREADY_CLAIMED": STORM - 1}
    # and the database holds exactly the winner's bid, once, with the project CLAIMED.
    winner = next(p for p in payloads if not p["errors"])
    bids = await Bid.filter(project_id=project.id)
    assert [to_global_id("Bid", b.id) for b in bids] == [winner["bid"]["id"]]
    assert bids[0].status is BidStatus.SUBMITTED
    assert (await Project.get(id=project.id)).status is ProjectStatus.CLAIMED
    entries = await AuditEntry.filter(action="claimProject").values_list("subject_ids", flat=True)
    assert sum(f"Project:{project.id}" in subjects for subjects in entries) == 1


async def test_fifty_bids_on_one_competitive_project_are_all_recorded(gql, crowd):
    # Given a published COMPETITIVE project,
    project = await open_project(Procurement.COMPETITIVE)
    # when fifty organizations bid for it at the same moment,
    payloads = await storm(gql, project, [token for _, token in crowd])
    # then every bid is accepted and recorded once, and the project is BIDDING.
    assert outcomes(payloads) == {"OK": STORM}
    bids = await Bid.filter(project_id=project.id)
    assert len(bids) == STORM
    assert {b.organization_id for b in bids} == {org for org, _ in crowd}
    assert all(b.status is BidStatus.SUBMITTED for b in bids)
    assert (await Project.get(id=project.id)).status is ProjectStatus.BIDDING


async def test_one_organization_sending_a_bid_ten_times_at_once_bids_once(gql, crowd):
    # Given a COMPETITIVE project, when one organization sends the same bid ten times at once,
    project = await open_project(Procurement.COMPETITIVE)
    _, token = crowd[0]
    payloads = await storm(gql, project, [token] * REPEATS)
    # then one bid is recorded and the nine others are duplicates.
    assert outcomes(payloads) == {"OK": 1, "DUPLICATE_BID": REPEATS - 1}
    assert await Bid.filter(project_id=project.id).count() == 1
    assert (await Project.get(id=project.id)).status is ProjectStatus.BIDDING


async def test_one_organization_claiming_a_direct_project_ten_times_at_once_claims_once(gql, crowd):
    # Given a DIRECT project, when one organization sends its claim ten times at once,
    project = await open_project(Procurement.DIRECT)
    _, token = crowd[1]
    payloads = await storm(gql, project, [token] * REPEATS)
    # then it holds the claim once and is told the rest are duplicates, not "taken".
    assert outcomes(payloads) == {"OK": 1, "DUPLICATE_BID": REPEATS - 1}
    assert await Bid.filter(project_id=project.id).count() == 1
    assert (await Project.get(id=project.id)).status is ProjectStatus.CLAIMED


async def test_claims_racing_a_withdrawal_never_leave_two_holders(gql, crowd):
    # Given a DIRECT project claimed by one organization,
    project = await open_project(Procurement.DIRECT)
    (_, holder), others = crowd[0], [token for _, token in crowd[1:21]]
    first = (await storm(gql, project, [holder]))[0]
    assert first["errors"] == []
    # when it withdraws while twenty others claim at the same moment,
    variables = {"project": to_global_id("Project", project.id), "bid": OFFER}
    claims = [gql(CLAIM, variables, token=t) for t in others]
    withdrawal = gql(WITHDRAW, {"bid": first["bid"]["id"]}, token=holder)
    results = await asyncio.gather(withdrawal, *claims)
    assert results[0]["data"]["withdrawBid"]["errors"] == []
    won = [r for r in results[1:] if not r["data"]["claimProject"]["errors"]]
    # then at most one of them won, the database agrees with the answers, and the
    # project is CLAIMED exactly when someone holds it.
    active = await Bid.filter(project_id=project.id, active=1)
    assert len(won) == len(active) <= 1
    assert await Bid.filter(project_id=project.id).count() == 1 + len(won)
    expected = ProjectStatus.CLAIMED if active else ProjectStatus.PUBLISHED
    assert (await Project.get(id=project.id)).status is expected


async def test_one_bid_withdrawn_ten_times_at_once_is_withdrawn_once(gql, crowd):
    # Given a COMPETITIVE project with two bids,
    project = await open_project(Procurement.COMPETITIVE)
    (_, holder), (_, other) = crowd[2], crowd[3]
    first, _ = await storm(gql, project, [holder, other])
    # when the first bidder sends its withdrawal ten times at once,
    withdrawal = {"bid": first["bid"]["id"]}
    results = await asyncio.gather(
        *(gql(WITHDRAW, withdrawal, token=holder) for _ in range(REPEATS))
    )
    # then it is withdrawn once, the other nine find it in the wrong state, and the
    # project is still BIDDING on the remaining bid.
    payloads = [r["data"]["withdrawBid"] for r in results]
    assert outcomes(payloads) == {"OK": 1, "INVALID_STATE": REPEATS - 1}
    entries = await AuditEntry.filter(action="withdrawBid").values_list("subject_ids", flat=True)
    assert sum(f"Project:{project.id}" in subjects for subjects in entries) == 1
    assert (await Project.get(id=project.id)).status is ProjectStatus.BIDDING
