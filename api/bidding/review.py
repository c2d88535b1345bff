"""Reviewers scoring the bids of competitive projects (评审打分).

A reviewer who scores a bid again replaces their own earlier sheet: reviewers do
correct slips, and until the award nothing depends on a single sheet. The audit trail
keeps every version. Once the project is awarded its bids are no longer SUBMITTED and
scoring is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Bid, BidStatus, ReviewScore
from api.bidding.ranking import refresh_standings
from api.errors import DomainError, ErrorCode, Problem
from api.fairs.models import Fair
from api.fairs.scoresheet import names_of, sheet_problems, weighted_total, weights_of
from api.organizations.affiliation import names_organization
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.supervisors.models import Supervisor

Marks = Sequence[tuple[str, float]]


async def score_bid(actor: Account | None, bid_id: int | None, marks: Marks) -> Bid:
    """Record the acting reviewer's sheet for a bid and re-rank the project's bids.

    ``bid_id`` None stands for an id that names no bid.
    """
    account = require(actor, Role.REVIEWER)
    reviewer = await _reviewer(account)
    bid = await Bid.get_or_none(id=bid_id) if bid_id is not None else None
    if bid is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "投标不存在。No such bid.", ["bid"])
    project = await Project.get(id=bid.project_id)
    fair = await Fair.get(id=project.fair_id)
    organization = await Organization.get(id=bid.organization_id)
    weights = weights_of(fair.criteria)

    problems = sheet_problems(
        marks, weights, "scores", "criterion", names_of(fair.criteria)
    )
    problems += _state_problems(project, bid)
    if _conflicted(reviewer, organization):
        message = (
            f"您与投标机构“{organization.name}”存在关联，须回避，不能为其投标打分。"
            " Conflict of interest."
        )
        problems.append(Problem(ErrorCode.CONFLICT_OF_INTEREST, message, ["bid"]))
    if problems:
        raise DomainError(problems)

    total = weighted_total(marks, weights)
    sheet = {key: float(score) for key, score in marks}
    async with in_transaction():
        # The project's row lock serialises every scoring and the award of this
        # project: the checks below and the re-ranking see a settled set of bids.
        locked = await Project.filter(id=project.id).select_for_update().get()
        current = await Bid.get(id=bid.id)
        problems = _state_problems(locked, current)
        if problems:
            raise DomainError(problems)
        review, replaced = await _save_sheet(bid.id, reviewer.id, sheet, total)
        bids = await refresh_standings(project.id)
        await record(
            actor,
            "scoreBid",
            [current, review],
            {"total": total, "scores": sheet, "replaced": replaced},
        )
    return next(b for b in bids if b.id == bid.id)


async def _reviewer(account: Account) -> Supervisor:
    """The expert-pool person the reviewer account speaks for."""
    person = None
    if account.supervisor_id is not None:
        person = await Supervisor.get_or_none(id=account.supervisor_id)
    if person is None:
        message = "评审账号没有关联督导专家库中的人员，不能打分。Account not linked to an expert."
        raise DomainError.one(ErrorCode.FORBIDDEN, message)
    return person


def _state_problems(project: Project, bid: Bid) -> list[Problem]:
    if project.procurement != Procurement.COMPETITIVE:
        message = "只有竞争性评审项目的投标需要评审打分。Only competitive projects are scored."
        return [Problem(ErrorCode.INVALID_STATE, message, ["bid"])]
    if project.status != ProjectStatus.BIDDING or bid.status != BidStatus.SUBMITTED:
        message = "该投标已撤回或项目已立项，不能再打分。The bid is no longer under review."
        return [Problem(ErrorCode.INVALID_STATE, message, ["bid"])]
    return []


def _conflicted(reviewer: Supervisor, organization: Organization) -> bool:
    """Works for the bidder, by the pool's link or by an affiliation naming it."""
    if reviewer.affiliated_organization_id == organization.id:
        return True
    return names_organization(reviewer.affiliation, organization.name, organization.credit_code)


async def _save_sheet(
    bid_id: int, reviewer_id: int, sheet: dict[str, float], total: float
) -> tuple[ReviewScore, bool]:
    """Create the reviewer's sheet or replace their earlier one; True when replaced."""
    at = datetime.now(UTC)
    existing = await ReviewScore.get_or_none(bid_id=bid_id, reviewer_id=reviewer_id)
    if existing is None:
        review = await ReviewScore.create(
            bid_id=bid_id, reviewer_id=reviewer_id, scores=sheet, total=total, at=at
        )
        return review, False
    existing.scores, existing.total, existing.at = sheet, total, at
    await existing.save(update_fields=["scores", "total", "at"])
    return existing, True
