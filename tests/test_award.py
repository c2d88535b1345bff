"""Awarding projects: the top-ranked bid or the claim, the contract and its three tranches."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest

from api.auth.models import Role
from api.bidding.awards import bidding_closed
from api.bidding.models import Award, Bid, BidStatus
from api.contracts.models import Contract, Payment
from api.contracts.tranches import city_today, split
from api.fairs.models import Fair
from api.matching.models import MatchSlot
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

AWARD = """
mutation Award($project: ID!) {
  awardProject(project: $project) {
    award { amount bid { id status rank } organization { id } }
    project { id status payments { tranche share amount status dueOn } }
    errors { code field message }
  }
}
"""


async def competition(
    totals: tuple[float, ...], *, closed: bool = True, amounts: tuple[str, ...] = ()
) -> tuple[Fair, Project, list[Bid]]:
    """A COMPETITIVE project in BIDDING with one bid per total, each scored that total."""
    fair = await factories.fair(closed=closed)
    project = await factories.project(
        fair, procurement=Procurement.COMPETITIVE, status=ProjectStatus.BIDDING
    )
    bids = []
    for i, total in enumerate(totals):
        amount = amounts[i] if amounts else f"{90000 + i}.00"
        organization = await factories.organization(index=False)
        bid = await factories.bid(project, organization, amount=amount)
        await factories.review(bid, await factories.supervisor(), total, fair)
        bids.append(bid)
    return fair, project, bids


async def claimed(amount: str = "80000.00") -> tuple[Project, Bid]:
    """A DIRECT project held by one claim, in an open fair."""
    fair = await factories.fair()
    project = await factories.project(fair, status=ProjectStatus.CLAIMED)
    claim = await factories.bid(project, await factories.organization(index=False), amount=amount)
    return project, claim


async def award(gql, project: Project, token: str | None) -> dict:
    result = await gql(AWARD, {"project": to_global_id("Project", project.id)}, token)
    return result["data"]["awardProject"]


def codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def nothing_written(project: Project, status: ProjectStatus) -> None:
    assert (await Project.get(id=project.id)).status == status
    assert not await Award.exists(project_id=project.id)
    assert not await Contract.exists(project_id=project.id)
    assert not await Payment.exists(project_id=project.id)


@pytest.fixture
async def organizer() -> str:
    return await token_for(Role.ORGANIZER)


# --- competitive projects ------------------------------------------------------------------


async def test_the_top_ranked_bid_wins_once_bidding_has_closed(gql, organizer) -> None:
    # Given a closed fair's competitive project with bids scored 70, 90 and 80
    _, project, (b70, b90, b80) = await competition((70, 90, 80))
    # When an organizer awards it
    payload = await award(gql, project, organizer)
    # Then the 90 bid wins for its own amount; the others lose; the project is awarded
    assert payload["errors"] == []
    assert payload["award"]["bid"]["id"] == to_global_id("Bid", b90.id)
    assert payload["award"]["amount"] == "90001.00"
    assert payload["project"]["status"] == "AWARDED"
    statuses = {b.id: b.status for b in await Bid.filter(project_id=project.id)}
    assert statuses == {b70.id: BidStatus.LOST, b90.id: BidStatus.AWARDED, b80.id: BidStatus.LOST}
    contract = await Contract.get(project_id=project.id)
    assert (contract.organization_id, contract.amount) == (b90.organization_id, Decimal("90001.00"))


async def test_the_award_creates_three_tranches_the_first_due_today(gql, organizer) -> None:
    # Given a scored competitive project whose winning bid asks 100000.00
    _, project, _ = await competition((80,), amounts=("100000.00",))
    # When it is awarded
    payload = await award(gql, project, organizer)
    # Then 50% is due today, 40% and 10% wait for the evaluations
    assert [
        (p["tranche"], p["share"], p["amount"], p["status"], p["dueOn"])
        for p in payload["project"]["payments"]
    ] == [
        (1, 0.5, "50000.00", "DUE", city_today().isoformat()),
        (2, 0.4, "40000.00", "PENDING", None),
        (3, 0.1, "10000.00", "PENDING", None),
    ]


@pytest.mark.parametrize("amount", ["100000.01", "33333.33", "0.01", "99999.99", "12345.67"])
async def test_the_tranches_add_up_to_the_contract_to_the_fen(gql, organizer, amount) -> None:
    # Given a winning bid of an awkward amount
    _, project, _ = await competition((80,), amounts=(amount,))
    # When it is awarded
    await award(gql, project, organizer)
    # Then the three tranches add up to the contract amount exactly
    payments = await Payment.filter(project_id=project.id).order_by("tranche")
    assert sum(p.amount for p in payments) == Decimal(amount)
    assert all(p.amount == p.amount.quantize(Decimal("0.01")) for p in payments)


def test_the_last_tranche_takes_the_rounding_remainder() -> None:
    # 100000.01: 50000.005 rounds up, 40000.004 rounds down, the rest is 10000.00.
    assert [t.amount for t in split(Decimal("100000.01"), Decimal("0.40"))] == [
        Decimal("50000.01"),
        Decimal("40000.00"),
        Decimal("10000.00"),
    ]
    # 33333.33: 16666.665 rounds up, 13333.332 rounds down, the rest is 3333.33.
    assert [t.amount for t in split(Decimal("33333.33"), Decimal("0.40"))] == [
        Decimal("16666.67"),
        Decimal("13333.33"),
        Decimal("3333.33"),
    ]


async def test_a_fair_paying_30_percent_after_midterm_leaves_20_for_the_end(gql, organizer) -> None:
    # Given a fair whose mid-term share is 30%, the lowest allowed
    fair, project, _ = await competition((80,), amounts=("100000.00",))
    fair.midterm_share = Decimal("0.30")
    await fair.save(update_fields=["midterm_share"])
    # When the project is awarded
    payload = await award(gql, project, organizer)
    # Then the tranches are 50%, 30% and 20%
    assert [(p["share"], p["amount"]) for p in payload["project"]["payments"]] == [
        (0.5, "50000.00"),
        (0.3, "30000.00"),
        (0.2, "20000.00"),
    ]


@pytest.mark.parametrize("share", ["0.29", "0.41"])
async def test_a_fair_paying_outside_30_to_40_percent_cannot_award(gql, organizer, share) -> None:
    # Given a fair whose mid-term share is just outside 30–40%
    fair, project, _ = await competition((80,))
    fair.midterm_share = Decimal(share)
    await fair.save(update_fields=["midterm_share"])
    # When the project is awarded, then it is refused and nothing is written
    assert codes(await award(gql, project, organizer)) == [("INVALID_STATE", None)]
    await nothing_written(project, ProjectStatus.BIDDING)


async def test_awarding_before_the_window_closes_is_refused(gql, organizer) -> None:
    # Given a scored competitive project of a fair still open
    _, project, (bid,) = await competition((80,), closed=False)
    # When it is awarded, then it is refused and nothing is written
    assert codes(await award(gql, project, organizer)) == [("INVALID_STATE", ["project"])]
    await nothing_written(project, ProjectStatus.BIDDING)
    assert (await Bid.get(id=bid.id)).status == BidStatus.SUBMITTED


def test_bidding_closes_exactly_at_the_end_of_the_window() -> None:
    closes_at = factories.now()
    fair = Fair(closes_at=closes_at)
    assert bidding_closed(fair, closes_at)
    assert not bidding_closed(fair, closes_at - timedelta(microseconds=1))


async def test_awarding_with_no_scored_bid_is_refused(gql, organizer) -> None:
    # Given a closed fair's competitive project whose bid nobody has scored
    fair = await factories.fair(closed=True)
    project = await factories.project(
        fair, procurement=Procurement.COMPETITIVE, status=ProjectStatus.BIDDING
    )
    await factories.bid(project, await factories.organization(index=False))
    # When it is awarded, then it is refused and nothing is written
    assert codes(await award(gql, project, organizer)) == [("INVALID_STATE", ["project"])]
    await nothing_written(project, ProjectStatus.BIDDING)


async def test_a_withdrawn_bid_never_wins_whatever_its_score(gql, organizer) -> None:
    # Given the best-scored bid withdrawn after scoring
    _, project, (best, other) = await competition((95, 60))
    await Bid.filter(id=best.id).update(status=BidStatus.WITHDRAWN, active=None)
    # When the project is awarded
    payload = await award(gql, project, organizer)
    # Then the remaining bid wins
    assert payload["award"]["bid"]["id"] == to_global_id("Bid", other.id)
    assert payload["award"]["bid"]["rank"] == 1


# --- direct projects -----------------------------------------------------------------------


async def test_a_direct_claim_is_confirmed(gql, organizer) -> None:
    # Given a DIRECT project held by a claim of 80000.00
    project, claim = await claimed("80000.00")
    # When an organizer awards it
    payload = await award(gql, project, organizer)
    # Then the claim wins, with its contract and tranches
    assert payload["errors"] == []
    assert payload["award"]["bid"] == {
        "id": to_global_id("Bid", claim.id),
        "status": "AWARDED",
        "rank": None,
    }
    assert payload["project"]["status"] == "AWARDED"
    assert [p["amount"] for p in payload["project"]["payments"]] == [
        "40000.00",
        "32000.00",
        "8000.00",
    ]


async def test_a_direct_project_nobody_claimed_cannot_be_awarded(gql, organizer) -> None:
    # Given a published DIRECT project without a claim
    project = await factories.project(await factories.fair())
    # When it is awarded, then it is refused and nothing is written
    assert codes(await award(gql, project, organizer)) == [("INVALID_STATE", ["project"])]
    await nothing_written(project, ProjectStatus.PUBLISHED)


async def test_a_project_is_awarded_only_once(gql, organizer) -> None:
    # Given an awarded project
    project, _ = await claimed()
    await award(gql, project, organizer)
    # When it is awarded again
    payload = await award(gql, project, organizer)
    # Then it is refused; one award, one contract, three tranches remain
    assert codes(payload) == [("INVALID_STATE", ["project"])]
    assert await Award.filter(project_id=project.id).count() == 1
    assert await Payment.filter(project_id=project.id).count() == 3


async def test_simultaneous_awards_make_exactly_one(gql) -> None:
    # Given a scored competitive project and ten organizers
    _, project, _ = await competition((70, 80))
    tokens = [await token_for(Role.ORGANIZER) for _ in range(10)]
    # When all ten award it at the same moment
    results = await asyncio.gather(*(award(gql, project, t) for t in tokens))
    # Then exactly one succeeds and the others are told it is no longer awardable
    winners = [r for r in results if not r["errors"]]
    assert len(winners) == 1
    assert sorted({c for r in results for c, _ in codes(r)}) == ["INVALID_STATE"]
    assert await Award.filter(project_id=project.id).count() == 1
    assert await Contract.filter(project_id=project.id).count() == 1
    assert await Payment.filter(project_id=project.id).count() == 3
    assert await Bid.filter(project_id=project.id, status=BidStatus.AWARDED).count() == 1


async def test_the_winner_counts_one_more_active_project_for_matching(gql, organizer) -> None:
    # Given a claim by an organization in the matching index
    fair = await factories.fair()
    project = await factories.project(fair, status=ProjectStatus.CLAIMED)
    organization = await factories.organization()
    await factories.bid(project, organization)
    # When the claim is confirmed
    await award(gql, project, organizer)
    # Then the organization's match slots know about its new workload
    slots = await MatchSlot.filter(organization_id=organization.id)
    assert slots and all(s.active_projects == 1 for s in slots)


# --- who may award -------------------------------------------------------------------------


async def test_the_projects_own_publisher_may_award_it(gql) -> None:
    # Given a claimed project and its publisher's account
    project, _ = await claimed()
    token = await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)
    # When the publisher confirms the claim, then it is awarded
    payload = await award(gql, project, token)
    assert payload["errors"] == []
    assert payload["project"]["status"] == "AWARDED"


async def test_another_publisher_may_not_award_it(gql) -> None:
    # Given a claimed project and another publisher's account
    project, _ = await claimed()
    other = await factories.publisher()
    token = await token_for(Role.PUBLISHER, publisher_id=other.id)
    # When that publisher awards it, then it is forbidden and nothing is written
    assert codes(await award(gql, project, token)) == [("FORBIDDEN", ["project"])]
    await nothing_written(project, ProjectStatus.CLAIMED)


async def test_organizations_reviewers_and_supervisors_may_not_award(gql) -> None:
    # Given a claimed project and accounts of the other roles
    project, claim = await claimed()
    person = await factories.supervisor()
    tokens = [
        await token_for(Role.ORGANIZATION, organization_id=claim.organization_id),
        await token_for(Role.REVIEWER, supervisor_id=person.id),
        await token_for(Role.SUPERVISOR, supervisor_id=person.id),
    ]
    # When each awards it, then each is forbidden and nothing is written
    for token in tokens:
        assert codes(await award(gql, project, token)) == [("FORBIDDEN", None)]
    await nothing_written(project, ProjectStatus.CLAIMED)


async def test_anonymous_awarding_is_refused(gql) -> None:
    project, _ = await claimed()
    assert codes(await award(gql, project, None)) == [("UNAUTHENTICATED", None)]
    await nothing_written(project, ProjectStatus.CLAIMED)


@pytest.mark.parametrize(
    "project_id", [to_global_id("Project", 10**9), to_global_id("Bid", 1), "no-id"]
)
async def test_an_id_naming_no_project_is_not_found(gql, organizer, project_id) -> None:
    result = await gql(AWARD, {"project": project_id}, organizer)
    assert codes(result["data"]["awardProject"]) == [("NOT_FOUND", ["project"])]
