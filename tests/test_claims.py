"""Claiming and bidding: every rule accepted at its limit and refused just past it.

A refusal must leave nothing behind: no bid row, the project's status as it was, and no
audit entry of the refused organization's account.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.bidding.models import Bid, BidStatus
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.claiming import (
    BUDGET,
    CLAIM,
    assert_nothing_written,
    bid,
    bidder,
    claim,
    codes,
    open_project,
    set_window,
)
from tests.sessions import token_for

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


async def test_negative_number_of_workers_is_invalid(gql):
    project = await open_project()
    who = await bidder()
    payload = await claim(gql, who, project, bid(workers=-1))
    assert codes(payload) == [("INVALID_INPUT", ["bid", "socialWorkers"])]
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
