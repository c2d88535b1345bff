"""Withdrawing a claim or bid: one's own, while the fair is open, only once; the project
goes back on the table when nobody holds it any more."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.bidding.models import Bid, BidStatus
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.claiming import bid, bidder, claim, codes, open_project, set_window
from tests.sessions import token_for

WITHDRAW = """
mutation Withdraw($bid: ID!) {
  withdrawBid(bid: $bid) { bid { id status } errors { code field message } }
}
"""

OTHER_ROLES = [Role.ORGANIZER, Role.PUBLISHER, Role.REVIEWER, Role.SUPERVISOR]


async def withdraw(gql: Any, token: str | None, bid_id: str) -> dict[str, Any]:
    result = await gql(WITHDRAW, {"bid": bid_id}, token=token)
    assert "errors" not in result, result["errors"]
    return result["data"]["withdrawBid"]


async def test_withdrawn_direct_claim_makes_the_project_claimable_again(gql):
    # Given a DIRECT project claimed by one organization,
    project = await open_project()
    first = await bidder()
    bid_id = (await claim(gql, first, project, bid()))["bid"]["id"]
    # when it withdraws its claim,
    payload = await withdraw(gql, first.token, bid_id)
    # then the bid is WITHDRAWN and inactive, the project PUBLISHED, and another may claim it.
    assert payload["errors"] == []
    assert payload["bid"]["status"] == "WITHDRAWN"
    row = await Bid.get(project_id=project.id)
    assert (row.status, row.active) == (BidStatus.WITHDRAWN, None)
    assert (await Project.get(id=project.id)).status is ProjectStatus.PUBLISHED
    assert (await claim(gql, await bidder(), project, bid()))["errors"] == []


async def test_withdrawal_is_written_to_the_audit_trail(gql):
    project = await open_project()
    who = await bidder()
    bid_id = (await claim(gql, who, project, bid()))["bid"]["id"]
    assert (await withdraw(gql, who.token, bid_id))["errors"] == []
    actions = await AuditEntry.filter(account_id=who.account.id).values_list("action", flat=True)
    assert actions == ["claimProject", "withdrawBid"]


async def test_organization_may_bid_again_after_withdrawing(gql):
    project = await open_project(procurement=Procurement.COMPETITIVE)
    who = await bidder()
    bid_id = (await claim(gql, who, project, bid()))["bid"]["id"]
    assert (await withdraw(gql, who.token, bid_id))["errors"] == []
    assert (await claim(gql, who, project, bid(amount="88000.00", fee="8800.00")))["errors"] == []
    assert await Bid.filter(project_id=project.id, active=1).count() == 1


async def test_competitive_project_stays_bidding_while_a_bid_is_left(gql):
    # Given two bids on a COMPETITIVE project,
    project = await open_project(procurement=Procurement.COMPETITIVE)
    first, second = await bidder(), await bidder()
    first_bid = (await claim(gql, first, project, bid()))["bid"]["id"]
    second_bid = (await claim(gql, second, project, bid()))["bid"]["id"]
    # when one is withdrawn the project is still BIDDING; when the last is, PUBLISHED.
    assert (await withdraw(gql, first.token, first_bid))["errors"] == []
    assert (await Project.get(id=project.id)).status is ProjectStatus.BIDDING
    assert (await withdraw(gql, second.token, second_bid))["errors"] == []
    assert (await Project.get(id=project.id)).status is ProjectStatus.PUBLISHED


async def test_withdrawing_another_organizations_bid_is_forbidden(gql):
    project = await open_project()
    owner = await bidder()
    bid_id = (await claim(gql, owner, project, bid()))["bid"]["id"]
    payload = await withdraw(gql, (await bidder()).token, bid_id)
    assert codes(payload) == [("FORBIDDEN", ["bid"])]
    assert (await Bid.get(project_id=project.id)).status is BidStatus.SUBMITTED
    assert (await Project.get(id=project.id)).status is ProjectStatus.CLAIMED


async def test_withdrawing_after_the_fair_closed_is_refused(gql):
    project = await open_project()
    who = await bidder()
    bid_id = (await claim(gql, who, project, bid()))["bid"]["id"]
    await set_window(project.fair_id, timedelta(days=-30), timedelta(seconds=-1))
    payload = await withdraw(gql, who.token, bid_id)
    assert codes(payload) == [("FAIR_CLOSED", ["project"])]
    assert (await Bid.get(project_id=project.id)).status is BidStatus.SUBMITTED
    assert await AuditEntry.filter(account_id=who.account.id, action="withdrawBid").count() == 0


async def test_withdrawing_twice_is_an_invalid_state(gql):
    project = await open_project()
    who = await bidder()
    bid_id = (await claim(gql, who, project, bid()))["bid"]["id"]
    assert (await withdraw(gql, who.token, bid_id))["errors"] == []
    payload = await withdraw(gql, who.token, bid_id)
    assert codes(payload) == [("INVALID_STATE", ["bid"])]
    assert await AuditEntry.filter(account_id=who.account.id, action="withdrawBid").count() == 1


async def test_awarded_bid_cannot_be_withdrawn(gql):
    # Given a project awarded to an organization (its bid AWARDED),
    who = await bidder()
    project = await open_project()
    award = await factories.award(project, who.organization, "90000.00")
    # when it tries to withdraw the bid, then the state forbids it.
    payload = await withdraw(gql, who.token, to_global_id("Bid", award.bid_id))
    assert codes(payload) == [("INVALID_STATE", ["bid"])]
    assert (await Project.get(id=project.id)).status is ProjectStatus.AWARDED


async def test_withdrawing_an_unknown_bid_is_not_found(gql):
    payload = await withdraw(gql, (await bidder()).token, to_global_id("Bid", 10**9))
    assert codes(payload) == [("NOT_FOUND", ["bid"])]


async def test_anonymous_withdrawal_is_unauthenticated(gql):
    project = await open_project()
    who = await bidder()
    bid_id = (await claim(gql, who, project, bid()))["bid"]["id"]
    payload = await withdraw(gql, None, bid_id)
    assert [e["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("role", OTHER_ROLES)
async def test_only_organizations_may_withdraw(gql, role):
    project = await open_project()
    who = await bidder()
    bid_id = (await claim(gql, who, project, bid()))["bid"]["id"]
    payload = await withdraw(gql, await token_for(role), bid_id)
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert (await Bid.get(project_id=project.id)).status is BidStatus.SUBMITTED
