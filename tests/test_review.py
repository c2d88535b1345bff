"""Reviewers scoring bids: complete sheets, conflicts of interest, the trimmed mean and ranks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.auth.sessions import open_session
from api.bidding.models import Bid, BidStatus, ReviewScore
from api.bidding.ranking import Standing, bid_score, ranks
from api.fairs.models import Fair
from api.organizations.models import CreditEntry, CreditKind, Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.supervisors.models import Supervisor
from schema.relay import to_global_id
from tests import factories
from tests.sessions import make_account, token_for

SCORE_BID = """
mutation Score($bid: ID!, $scores: [CriterionScoreInput!]!) {
  scoreBid(bid: $bid, scores: $scores) { bid { id score rank status } errors { code field message } }
}
"""

# The default criteria and weights: need 25, plan 30, capacity 20, budget 15, innovation 10.
KEYS = ("need", "plan", "capacity", "budget", "innovation")


def sheet(*marks: float) -> list[dict[str, object]]:
    """Marks in the order of KEYS."""
    return [{"criterion": k, "score": m} for k, m in zip(KEYS, marks, strict=True)]


def even(total: float) -> list[dict[str, object]]:
    """A sheet whose weighted total is ``total`` (every criterion gets it)."""
    return sheet(*(total,) * len(KEYS))


async def competition(bidders: int = 1) -> tuple[Fair, Project, list[Bid]]:
    """A COMPETITIVE project in BIDDING with ``bidders`` bids, one minute apart."""
    fair = await factories.fair()
    project = await factories.project(
        fair, procurement=Procurement.COMPETITIVE, status=ProjectStatus.BIDDING
    )
    start = factories.now() - timedelta(hours=1)
    bids = [
        await factories.bid(
            project,
            await factories.organization(index=False),
            submitted_at=start + timedelta(minutes=i),
        )
        for i in range(bidders)
    ]
    return fair, project, bids


async def reviewer(**kwargs: object) -> tuple[Supervisor, str]:
    person = await factories.supervisor(**kwargs)  # type: ignore[arg-type]
    return person, await token_for(Role.REVIEWER, supervisor_id=person.id)


async def score(gql, bid: Bid, token: str, scores: list[dict[str, object]]) -> dict:
    result = await gql(SCORE_BID, {"bid": to_global_id("Bid", bid.id), "scores": scores}, token)
    return result["data"]["scoreBid"]


def codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


# --- the sheet --------------------------------------------------------------------------


async def test_a_complete_sheet_gives_the_weighted_total(gql) -> None:
    # Given a bid and a reviewer
    _, _, (bid,) = await competition()
    person, token = await reviewer()
    # When the reviewer marks 80, 70, 90, 60, 100 on the five criteria
    payload = await score(gql, bid, token, sheet(80, 70, 90, 60, 100))
    # Then the sheet is stored with its weighted total, which is the bid's score, rank 1
    assert payload["errors"] == []
    assert payload["bid"]["score"] == 78.0  # (80*25 + 70*30 + 90*20 + 60*15 + 100*10) / 100
    assert payload["bid"]["rank"] == 1
    stored = await ReviewScore.get(bid_id=bid.id, reviewer_id=person.id)
    assert stored.total == 78.0
    assert stored.scores == {
        "need": 80,
        "plan": 70,
        "capacity": 90,
        "budget": 60,
        "innovation": 100,
    }


async def test_marks_of_exactly_0_and_100_are_accepted(gql) -> None:
    # Given a bid
    _, _, (bid,) = await competition()
    _, token = await reviewer()
    # When the marks sit on both limits
    payload = await score(gql, bid, token, sheet(0, 100, 0, 100, 0))
    # Then they are accepted
    assert payload["errors"] == []
    assert payload["bid"]["score"] == 45.0  # plan 30 + budget 15


async def test_marks_just_outside_0_to_100_are_refused_with_their_positions(gql) -> None:
    # Given a bid
    _, _, (bid,) = await competition()
    _, token = await reviewer()
    # When one mark is -0.01 and another 100.01
    payload = await score(gql, bid, token, sheet(-0.01, 50, 50, 50, 100.01))
    # Then both are refused by position and nothing is stored
    assert codes(payload) == [
        ("INVALID_INPUT", ["scores", "0", "score"]),
        ("INVALID_INPUT", ["scores", "4", "score"]),
    ]
    # naming each criterion as the sheet shows it, and the mark as typed
    messages = [e["message"] for e in payload["errors"]]
    assert messages[0].startswith("“需求契合度”的分数必须在 0 到 100 之间，收到 -0.01")
    assert messages[1].startswith("“创新与可持续性”的分数必须在 0 到 100 之间，收到 100.01")
    assert not await ReviewScore.exists(bid_id=bid.id)


async def test_a_missing_criterion_is_refused(gql) -> None:
    # Given a bid
    _, _, (bid,) = await competition()
    _, token = await reviewer()
    # When the sheet leaves out "innovation"
    payload = await score(gql, bid, token, even(80)[:4])
    # Then it is refused on the list as a whole, naming the missing criterion
    assert codes(payload) == [("INVALID_INPUT", ["scores"])]
    assert "还有评分项没有打分：创新与可持续性" in payload["errors"][0]["message"]
    assert not await ReviewScore.exists(bid_id=bid.id)


async def test_unknown_and_repeated_criteria_are_refused(gql) -> None:
    # Given a bid
    _, _, (bid,) = await competition()
    _, token = await reviewer()
    # When the sheet names an unknown criterion and one criterion twice
    marks = [*even(80), {"criterion": "charm", "score": 90}, {"criterion": "need", "score": 70}]
    payload = await score(gql, bid, token, marks)
    # Then each is refused where it stands
    assert codes(payload) == [
        ("INVALID_INPUT", ["scores", "5", "criterion"]),
        ("INVALID_INPUT", ["scores", "6", "criterion"]),
    ]
    assert not await ReviewScore.exists(bid_id=bid.id)


# --- who may score which bid ------------------------------------------------------------


async def test_a_reviewer_linked_to_the_bidder_is_refused(gql) -> None:
    # Given a reviewer whose pool record links them to the bidding organization
    _, _, (bid,) = await competition()
    person, token = await reviewer()
    person.affiliated_organization_id = bid.organization_id
    await person.save(update_fields=["affiliated_organization_id"])
    # When they score the bid
    payload = await score(gql, bid, token, even(90))
    # Then it is a conflict of interest and nothing is stored
    assert codes(payload) == [("CONFLICT_OF_INTEREST", ["bid"])]
    assert not await ReviewScore.exists(bid_id=bid.id)


async def test_a_reviewer_whose_affiliation_is_the_bidder_by_name_is_refused(gql) -> None:
    # Given a reviewer whose affiliation text is the bidding organization's name
    _, _, (bid,) = await competition()
    bidder = await Organization.get(id=bid.organization_id)
    _, token = await reviewer(affiliation=bidder.name)
    # When they score the bid
    payload = await score(gql, bid, token, even(90))
    # Then it is a conflict of interest
    assert codes(payload) == [("CONFLICT_OF_INTEREST", ["bid"])]
    assert not await ReviewScore.exists(bid_id=bid.id)


async def test_a_bid_on_a_direct_project_cannot_be_scored(gql) -> None:
    # Given a claim on a DIRECT project
    fair = await factories.fair()
    project = await factories.project(fair, status=ProjectStatus.CLAIMED)
    claim = await factories.bid(project, await factories.organization(index=False))
    _, token = await reviewer()
    # When a reviewer scores it
    payload = await score(gql, claim, token, even(90))
    # Then it is refused: only competitive bids are reviewed
    assert codes(payload) == [("INVALID_STATE", ["bid"])]


async def test_a_withdrawn_bid_cannot_be_scored(gql) -> None:
    # Given a withdrawn bid on a competitive project
    _, project, _ = await competition()
    gone = await factories.bid(
        project, await factories.organization(index=False), status=BidStatus.WITHDRAWN
    )
    _, token = await reviewer()
    # When a reviewer scores it
    payload = await score(gql, gone, token, even(90))
    # Then it is refused
    assert codes(payload) == [("INVALID_STATE", ["bid"])]
    assert not await ReviewScore.exists(bid_id=gone.id)


@pytest.mark.parametrize(
    "bid_id",
    [to_global_id("Bid", 10**9), to_global_id("Bid", 2**31), to_global_id("Fair", 1), "no-id"],
    ids=["absent", "beyond-range", "other-type", "malformed"],
)
async def test_an_id_naming_no_bid_is_not_found(gql, bid_id) -> None:
    # Given a reviewer, when they score a bid the id does not name
    _, token = await reviewer()
    result = await gql(SCORE_BID, {"bid": bid_id, "scores": even(50)}, token)
    # Then it is not found
    assert codes(result["data"]["scoreBid"]) == [("NOT_FOUND", ["bid"])]


async def test_anonymous_scoring_is_refused(gql) -> None:
    # Given a bid, when nobody logged in scores it
    _, _, (bid,) = await competition()
    result = await gql(SCORE_BID, {"bid": to_global_id("Bid", bid.id), "scores": even(90)})
    # Then they must log in first
    assert codes(result["data"]["scoreBid"]) == [("UNAUTHENTICATED", None)]


async def test_only_reviewers_may_score(gql) -> None:
    # Given a bid and an account of every other role
    _, _, (bid,) = await competition()
    person = await factories.supervisor()
    tokens = [
        await token_for(Role.ORGANIZER),
        await token_for(Role.PUBLISHER),
        await token_for(Role.ORGANIZATION, organization_id=bid.organization_id),
        await token_for(Role.SUPERVISOR, supervisor_id=person.id),
    ]
    # When each scores the bid, then each is forbidden and nothing is stored
    for token in tokens:
        assert codes(await score(gql, bid, token, even(90))) == [("FORBIDDEN", None)]
    assert not await ReviewScore.exists(bid_id=bid.id)


async def test_a_reviewer_account_without_a_pool_person_is_refused(gql) -> None:
    # Given a reviewer account linked to nobody of the expert pool
    _, _, (bid,) = await competition()
    token = await token_for(Role.REVIEWER)
    # When it scores a bid, then it is forbidden
    assert codes(await score(gql, bid, token, even(90))) == [("FORBIDDEN", None)]


# --- scoring again, the mean over reviewers and the audit trail ---------------------------


async def test_scoring_again_replaces_the_reviewers_own_sheet(gql) -> None:
    # Given a reviewer who scored a bid 60
    _, _, (bid,) = await competition()
    person, token = await reviewer()
    await score(gql, bid, token, even(60))
    # When they score it again, 85
    payload = await score(gql, bid, token, even(85))
    # Then their one sheet now says 85, and so does the bid
    assert payload["errors"] == []
    sheets = await ReviewScore.filter(bid_id=bid.id)
    assert [(s.reviewer_id, s.total) for s in sheets] == [(person.id, 85.0)]
    assert payload["bid"]["score"] == 85.0


async def test_each_scoring_is_in_the_audit_trail(gql) -> None:
    # Given a reviewer account
    _, _, (bid,) = await competition()
    person = await factories.supervisor()
    account = await make_account(Role.REVIEWER, supervisor_id=person.id)
    token = await open_session(account)
    # When it scores a bid
    await score(gql, bid, token, even(70))
    # Then the trail names the account, the bid and the total
    entry = await AuditEntry.get(account_id=account.id, action="scoreBid")
    assert f"Bid:{bid.id}" in entry.subject_ids
    assert entry.detail["total"] == 70.0


async def test_four_reviewers_give_the_plain_mean(gql) -> None:
    # Given a bid scored by four reviewers: 50, 60, 80, 100
    _, _, (bid,) = await competition()
    for total in (50, 60, 80, 100):
        _, token = await reviewer()
        payload = await score(gql, bid, token, even(total))
    # Then its score is the mean of all four
    assert payload["bid"]["score"] == 72.5


async def test_five_reviewers_drop_the_highest_and_the_lowest(gql) -> None:
    # Given a bid scored by five reviewers: 50, 60, 70, 80, 100
    _, _, (bid,) = await competition()
    for total in (50, 60, 70, 80, 100):
        _, token = await reviewer()
        payload = await score(gql, bid, token, even(total))
    # Then 50 and 100 are dropped: the score is the mean of 60, 70, 80
    assert payload["bid"]["score"] == 70.0


def test_the_mean_of_totals_trims_only_from_five_reviewers() -> None:
    assert bid_score([]) is None
    assert bid_score([77.5]) == 77.5
    assert bid_score([50, 60, 80, 100]) == 72.5
    assert bid_score([50, 60, 70, 80, 100]) == 70.0
    # Only one highest and one lowest go, even when repeated.
    assert bid_score([50, 50, 70, 100, 100]) == 73.3333


# --- ranks -------------------------------------------------------------------------------


def _standing(bid_id: int, score: float | None, failed: int = 0, passed: int = 0, minute: int = 0):
    return Standing(
        bid_id=bid_id,
        score=score,
        evaluations_failed=failed,
        evaluations_passed=passed,
        submitted_at=factories.now().replace(minute=minute, second=0, microsecond=0),
    )


def test_ranks_go_by_score_first() -> None:
    placed = ranks([_standing(1, 70), _standing(2, 90), _standing(3, 80)])
    assert placed == {2: 1, 3: 2, 1: 3}


def test_on_equal_scores_fewer_failed_evaluations_rank_first() -> None:
    # The earlier bid and the better passed record lose to the cleaner failure record.
    placed = ranks([_standing(1, 80, failed=1, passed=9, minute=1), _standing(2, 80, minute=2)])
    assert placed == {2: 1, 1: 2}


def test_on_equal_scores_and_failures_more_passed_evaluations_rank_first() -> None:
    placed = ranks([_standing(1, 80, passed=1, minute=1), _standing(2, 80, passed=2, minute=2)])
    assert placed == {2: 1, 1: 2}


def test_on_equal_scores_and_credit_the_earlier_bid_ranks_first() -> None:
    placed = ranks([_standing(1, 80, passed=2, minute=5), _standing(2, 80, passed=2, minute=4)])
    assert placed == {2: 1, 1: 2}


def test_unscored_bids_have_no_rank() -> None:
    assert ranks([_standing(1, None), _standing(2, 60)]) == {2: 1}


async def test_equal_scores_are_ranked_by_the_bidders_credit_record(gql) -> None:
    # Given two bids scored alike; the earlier bidder once failed an evaluation
    _, _, (early, late) = await competition(bidders=2)
    await CreditEntry.create(
        organization_id=early.organization_id,
        at=factories.now(),
        kind=CreditKind.EVALUATION_FAILED,
        note="中期评估不合格",
    )
    _, token = await reviewer()
    await score(gql, early, token, even(80))
    await score(gql, late, token, even(80))
    # Then the later bidder with the clean record ranks first
    assert (await Bid.get(id=late.id)).rank == 1
    assert (await Bid.get(id=early.id)).rank == 2


async def test_every_scoring_reranks_the_projects_bids(gql) -> None:
    # Given two bids, the first scored 70 (rank 1)
    _, _, (first, second) = await competition(bidders=2)
    _, token = await reviewer()
    await score(gql, first, token, even(70))
    assert (await Bid.get(id=first.id)).rank == 1
    # When the second is scored 75
    await score(gql, second, token, even(75))
    # Then it takes rank 1 and the first moves to rank 2
    assert (await Bid.get(id=second.id)).rank == 1
    assert (await Bid.get(id=first.id)).rank == 2


async def test_concurrent_scorings_leave_consistent_scores_and_ranks(gql) -> None:
    # Given six bids and three reviewers
    _, project, bids = await competition(bidders=6)
    tokens = [(await reviewer())[1] for _ in range(3)]
    # When every reviewer scores every bid at the same moment (bid i gets 50 + 5i)
    await asyncio.gather(
        *(score(gql, bid, t, even(50 + 5 * i)) for i, bid in enumerate(bids) for t in tokens)
    )
    # Then every bid has all three sheets, its mean, and the ranks are 1..6 by score
    stored = await Bid.filter(project_id=project.id).order_by("id")
    assert [b.score for b in stored] == [50.0 + 5 * i for i in range(6)]
    assert [b.rank for b in stored] == [6, 5, 4, 3, 2, 1]
    assert await ReviewScore.filter(bid__project_id=project.id).count() == 18


# --- the reviewer's queue: what I have scored ---------------------------------------------

MY_REVIEW = """
query ($id: ID!) { project(id: $id) { bids(first: 10) { edges { node { id myReview { total } } } } } }
"""


async def test_each_reviewer_sees_only_their_own_sheet_as_scored(gql) -> None:
    # Given two bids, and a reviewer who scored only the first 70,
    _, project, (first, second) = await competition(bidders=2)
    _, token = await reviewer()
    _, other_token = await reviewer()
    await score(gql, first, token, even(70))
    project_id = to_global_id("Project", project.id)

    async def mine(viewer: str) -> dict[str, object]:
        result = await gql(MY_REVIEW, {"id": project_id}, viewer)
        edges = result["data"]["project"]["bids"]["edges"]
        return {e["node"]["id"]: e["node"]["myReview"] for e in edges}

    # then that reviewer sees the first scored (待评 1, 已评 1),
    assert await mine(token) == {
        to_global_id("Bid", first.id): {"total": 70.0},
        to_global_id("Bid", second.id): None,
    }
    # and another reviewer sees both still to score.
    assert set((await mine(other_token)).values()) == {None}
