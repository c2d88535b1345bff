"""Claiming and bidding: every rule accepted at its limit and refused just past it.

A refusal must leave nothing behind: no bid row, the project's status as it was, and no
audit entry of the refused organization's account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Account, Role
from api.auth.sessions import open_session
from api.bidding.models import Bid, BidStatus
from api.fairs.models import Fair
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.sessions import make_account, token_for

CLAIM = """
mutation Claim($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) {
    bid { id status amount managementFee socialWorkers plan organization { id } }
    project { id status }
    errors { code field message }
  }
}
"""

WITHDRAW = """
mutation Withdraw($bid: ID!) {
  withdrawBid(bid: $bid) { bid { id status } errors { code field message } }
}
"""

BUDGET = "100000.00"
PLAN = "每周两次上门探访独居老人，建立服务档案，每月开展一次社区活动。"


@dataclass
class Bidder:
    """A social organization with a logged-in ORGANIZATION account."""

    organization: Organization
    account: Account
    token: str


async def bidder(**organization: Any) -> Bidder:
    org = await factories.organization(index=False, **organization)
    account = await make_account(Role.ORGANIZATION, organization_id=org.id)
    return Bidder(org, account, await open_session(account))


async def open_project(**kwargs: Any) -> Project:
    """A PUBLISHED project of CNY 100,000 in a fair open now."""
    kwargs.setdefault("budget", BUDGET)
    return await factories.project(await factories.fair(), **kwargs)


def bid(
    amount: str = "90000.00", fee: str = "9000.00", workers: int = 3, plan: str = PLAN
) -> dict[str, Any]:
    return {"amount": amount, "managementFee": fee, "socialWorkers": workers, "plan": plan}


async def claim(gql: Any, who: Bidder, project: Project, offer: dict[str, Any]) -> dict[str, Any]:
    variables = {"project": to_global_id("Project", project.id), "bid": offer}
    result = await gql(CLAIM, variables, token=who.token)
    assert "errors" not in result, result["errors"]
    return result["data"]["claimProject"]


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def assert_nothing_written(project: Project, status: ProjectStatus, who: Bidder) -> None:
    assert await Bid.filter(project_id=project.id, organization_id=who.organization.id).count() == 0
    assert (await Project.get(id=project.id)).status is status
    assert await AuditEntry.filter(account_id=who.account.id).count() == 0


async def set_window(fair_id: int, opens_in: timedelta, closes_in: timedelta) -> None:
    now = factories.now()
    await Fair.filter(id=fair_id).update(opens_at=now + opens_in, closes_at=now + closes_in)


# --- success ---------------------------------------------------------------------------


async def test_direct_claim_takes_the_project(gql):
    # Given a published DIRECT project and an eligible organization,
    project = await open_project()
    who = await bidder()
    # when it claims the project,
    payload = await claim(gql, who, project, bid())
    # then the claim is recorded as a submitted bid and the project is CLAIMED.
    assert payload["errors"] == []
    assert payload["bid"]["status"] == "SUBMITTED"
    assert payload["bid"]["amount"] == "90000.00"
    assert payload["bid"]["organization"]["id"] == to_global_id("Organization", who.organization.id)
    assert payload["project"]["status"] == "CLAIMED"
    row = await Bid.get(project_id=project.id)
    assert (row.organization_id, row.status, row.active) == (
        who.organization.id,
        BidStatus.SUBMITTED,
        1,
    )
    assert row.management_fee == Decimal("9000.00")
    assert (await Project.get(id=project.id)).status is ProjectStatus.CLAIMED


async def test_claim_is_written_to_the_audit_trail(gql):
    # Given a published project, when an organization claims it,
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid())
    assert payload["errors"] == []
    # then one audit entry names the project, the bid and the organization.
    entry = await AuditEntry.get(account_id=who.account.id)
    bid_row = await Bid.get(project_id=project.id)
    assert entry.action == "claimProject"
    assert entry.subject_ids == [
        f"Project:{project.id}",
        f"Bid:{bid_row.id}",
        f"Organization:{who.organization.id}",
    ]


async def test_first_competitive_bid_moves_the_project_to_bidding(gql):
    # Given a published COMPETITIVE project,
    project = await open_project(procurement=Procurement.COMPETITIVE)
    # when a first and then a second organization bid for it,
    first = await claim(gql, await bidder(), project, bid())
    second = await claim(gql, await bidder(), project, bid(amount="80000.00", fee="4000.00"))
    # then both bids are recorded and the project is BIDDING.
    assert first["errors"] == [] and second["errors"] == []
    assert first["project"]["status"] == second["project"]["status"] == "BIDDING"
    assert await Bid.filter(project_id=project.id, status=BidStatus.SUBMITTED).count() == 2


# --- the bid's limits ------------------------------------------------------------------


async def test_fee_of_exactly_ten_percent_is_accepted(gql):
    project = await open_project()
    payload = await claim(gql, await bidder(), project, bid(amount="99999.99", fee="9999.99"))
    assert payload["errors"] == []


async def test_fee_a_fen_over_ten_percent_is_refused(gql):
    # Given a bid of 99,999.90 (10% is 9,999.99), when its fee is 10,000.00,
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid(amount="99999.90", fee="10000.00"))
    # then the fee is refused and nothing is written.
    assert codes(payload) == [("MANAGEMENT_FEE_OVER_LIMIT", ["bid", "managementFee"])]
    assert "10%" in payload["errors"][0]["message"]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


async def test_fee_of_ten_percent_plus_a_fen_is_refused(gql):
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid(amount="90000.00", fee="9000.01"))
    assert codes(payload) == [("MANAGEMENT_FEE_OVER_LIMIT", ["bid", "managementFee"])]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


async def test_amount_equal_to_the_budget_is_accepted(gql):
    project = await open_project()
    payload = await claim(gql, await bidder(), project, bid(amount=BUDGET, fee="10000.00"))
    assert payload["errors"] == []
    assert payload["bid"]["amount"] == BUDGET


async def test_amount_a_fen_over_the_budget_is_refused(gql):
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid(amount="100000.01", fee="0.00"))
    assert codes(payload) == [("BID_OVER_BUDGET", ["bid", "amount"])]
    assert "预算" in payload["errors"][0]["message"]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


@pytest.mark.parametrize(
    ("amount", "fee", "field"),
    [
        ("0.00", "0.00", "amount"),
        ("-1.00", "0.00", "amount"),
        ("50000.00", "-0.01", "managementFee"),
    ],
)
async def test_non_positive_amount_or_negative_fee_is_invalid(gql, amount, fee, field):
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid(amount=amount, fee=fee))
    assert codes(payload) == [("INVALID_INPUT", ["bid", field])]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


@pytest.mark.parametrize("plan", ["", "   \n "])
async def test_empty_plan_is_refused(gql, plan):
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid(plan=plan))
    assert codes(payload) == [("INVALID_INPUT", ["bid", "plan"])]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


async def test_every_problem_of_a_bid_is_reported_at_once(gql):
    # Given a bid over the budget, with too high a fee, too few workers and no plan,
    project = await open_project(min_social_workers=2)
    who = await bidder(social_workers=4)
    offer = bid(amount="100000.10", fee="10000.02", workers=1, plan="")
    # when it is sent, then each problem is reported with its field.
    payload = await claim(gql, who, project, offer)
    assert codes(payload) == [
        ("BID_OVER_BUDGET", ["bid", "amount"]),
        ("MANAGEMENT_FEE_OVER_LIMIT", ["bid", "managementFee"]),
        ("INSUFFICIENT_SOCIAL_WORKERS", ["bid", "socialWorkers"]),
        ("INVALID_INPUT", ["bid", "plan"]),
    ]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


# --- social workers --------------------------------------------------------------------


async def test_organization_with_exactly_the_required_social_workers_is_accepted(gql):
    project = await open_project(min_social_workers=2)
    payload = await claim(gql, await bidder(social_workers=2), project, bid(workers=2))
    assert payload["errors"] == []


async def test_organization_one_social_worker_short_is_refused(gql):
    project = await open_project(min_social_workers=2)
    who = await bidder(social_workers=1)
    payload = await claim(gql, who, project, bid(workers=1))
    assert codes(payload) == [("INSUFFICIENT_SOCIAL_WORKERS", ["bid", "socialWorkers"])]
    assert "社工" in payload["errors"][0]["message"]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


async def test_bid_committing_fewer_workers_than_the_project_needs_is_refused(gql):
    # Given an organization that has enough social workers,
    project = await open_project(min_social_workers=3)
    who = await bidder(social_workers=5)
    # when its bid commits one fewer than the project needs, then it is refused.
    payload = await claim(gql, who, project, bid(workers=2))
    assert codes(payload) == [("INSUFFICIENT_SOCIAL_WORKERS", ["bid", "socialWorkers"])]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


async def test_bid_committing_more_workers_than_the_organization_has_is_invalid(gql):
    project = await open_project()
    who = await bidder(social_workers=3)
    payload = await claim(gql, who, project, bid(workers=4))
    assert codes(payload) == [("INVALID_INPUT", ["bid", "socialWorkers"])]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


# --- credit restriction ----------------------------------------------------------------


async def test_restriction_that_ended_a_second_ago_is_no_obstacle(gql):
    project = await open_project()
    who = await bidder(restricted_until=factories.now() - timedelta(seconds=1))
    payload = await claim(gql, who, project, bid())
    assert payload["errors"] == []


async def test_organization_under_restriction_is_refused(gql):
    project = await open_project()
    who = await bidder(restricted_until=factories.now() + timedelta(minutes=1))
    payload = await claim(gql, who, project, bid())
    assert codes(payload) == [("CREDIT_RESTRICTED", None)]
    assert "信用" in payload["errors"][0]["message"]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


# --- the fair's window -----------------------------------------------------------------


async def test_fair_opened_a_second_ago_accepts_claims(gql):
    project = await open_project()
    await set_window(project.fair_id, timedelta(seconds=-1), timedelta(days=1))
    payload = await claim(gql, await bidder(), project, bid())
    assert payload["errors"] == []


async def test_fair_closed_a_second_ago_refuses_claims(gql):
    project = await open_project()
    await set_window(project.fair_id, timedelta(days=-30), timedelta(seconds=-1))
    who = await bidder()
    payload = await claim(gql, who, project, bid())
    assert codes(payload) == [("FAIR_CLOSED", ["project"])]
    assert "结束" in payload["errors"][0]["message"]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


async def test_fair_not_open_yet_refuses_claims(gql):
    project = await open_project()
    await set_window(project.fair_id, timedelta(minutes=1), timedelta(days=30))
    who = await bidder()
    payload = await claim(gql, who, project, bid())
    assert codes(payload) == [("FAIR_CLOSED", ["project"])]
    assert "开始" in payload["errors"][0]["message"]
    await assert_nothing_written(project, ProjectStatus.PUBLISHED, who)


# --- the project's state ---------------------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [ProjectStatus.DRAFT, ProjectStatus.WITHDRAWN, ProjectStatus.AWARDED, ProjectStatus.CLOSED],
)
@pytest.mark.parametrize("procurement", [Procurement.DIRECT, Procurement.COMPETITIVE])
async def test_project_that_is_not_open_is_not_claimable(gql, status, procurement):
    project = await open_project(status=status, procurement=procurement)
    who = await bidder()
    payload = await claim(gql, who, project, bid())
    assert codes(payload) == [("NOT_CLAIMABLE", ["project"])]
    await assert_nothing_written(project, status, who)


async def test_direct_project_claimed_by_another_is_already_claimed(gql):
    # Given a DIRECT project claimed by one organization,
    project = await open_project()
    assert (await claim(gql, await bidder(), project, bid()))["errors"] == []
    # when another claims it, then it is told the project is taken.
    who = await bidder()
    payload = await claim(gql, who, project, bid())
    assert codes(payload) == [("ALREADY_CLAIMED", ["project"])]
    await assert_nothing_written(project, ProjectStatus.CLAIMED, who)


async def test_claiming_ones_own_direct_project_again_is_a_duplicate(gql):
    project = await open_project()
    who = await bidder()
    assert (await claim(gql, who, project, bid()))["errors"] == []
    payload = await claim(gql, who, project, bid())
    assert codes(payload) == [("DUPLICATE_BID", ["project"])]
    assert await Bid.filter(project_id=project.id).count() == 1


async def test_second_competitive_bid_of_one_organization_is_a_duplicate(gql):
    project = await open_project(procurement=Procurement.COMPETITIVE)
    who = await bidder()
    assert (await claim(gql, who, project, bid()))["errors"] == []
    payload = await claim(gql, who, project, bid(amount="85000.00", fee="100.00"))
    assert codes(payload) == [("DUPLICATE_BID", ["project"])]
    assert await Bid.filter(project_id=project.id).count() == 1


async def test_unknown_project_is_not_found(gql):
    who = await bidder()
    result = await gql(
        CLAIM, {"project": to_global_id("Project", 10**9), "bid": bid()}, token=who.token
    )
    assert codes(result["data"]["claimProject"]) == [("NOT_FOUND", ["project"])]


@pytest.mark.parametrize("project_id", ["not-an-id", to_global_id("Organization", 1)])
async def test_id_that_names_no_project_is_not_found(gql, project_id):
    who = await bidder()
    result = await gql(CLAIM, {"project": project_id, "bid": bid()}, token=who.token)
    assert codes(result["data"]["claimProject"]) == [("NOT_FOUND", ["project"])]
    assert await AuditEntry.filter(account_id=who.account.id).count() == 0


# --- roles -----------------------------------------------------------------------------


async def test_anonymous_claim_is_unauthenticated(gql):
    project = await open_project()
    variables = {"project": to_global_id("Project", project.id), "bid": bid()}
    payload = (await gql(CLAIM, variables))["data"]["claimProject"]
    assert [e["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]
    assert await Bid.filter(project_id=project.id).count() == 0


OTHER_ROLES = [Role.ORGANIZER, Role.PUBLISHER, Role.REVIEWER, Role.SUPERVISOR]


@pytest.mark.parametrize("role", OTHER_ROLES)
async def test_only_organizations_may_claim(gql, role):
    project = await open_project()
    variables = {"project": to_global_id("Project", project.id), "bid": bid()}
    payload = (await gql(CLAIM, variables, token=await token_for(role)))["data"]["claimProject"]
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]
    assert await Bid.filter(project_id=project.id).count() == 0
    assert (await Project.get(id=project.id)).status is ProjectStatus.PUBLISHED


# --- withdrawing -----------------------------------------------------------------------


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
