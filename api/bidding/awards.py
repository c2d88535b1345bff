"""Awarding a project (立项): the winning bid, its contract and the three payment tranches.

COMPETITIVE projects go to the top-ranked bid once the fair's window is over; DIRECT
projects confirm their one claim. Two awards of one project can never both happen:
the project's status moves by a conditional update, and the award is one-to-one with
the project in the database as the last line of defence.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Award, Bid, BidStatus, ReviewScore
from api.bidding.ranking import refresh_standings
from api.contracts.models import Contract, Payment, PaymentStatus
from api.contracts.tranches import city_today, midterm_share_allowed, split
from api.errors import DomainError, ErrorCode, Problem
from api.fairs.models import Fair
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.matching import index
from api.projects.models import Procurement, Project, ProjectStatus

# The status a project must be in to be awarded, by procurement.
AWARDABLE = {
    Procurement.COMPETITIVE: ProjectStatus.BIDDING,
    Procurement.DIRECT: ProjectStatus.CLAIMED,
}


def bidding_closed(fair: Fair, at: datetime) -> bool:
    """Bidding is over once the fair's window has closed."""
    return at >= fair.closes_at


async def award_project(actor: Account | None, project_id: int | None) -> Award:
    """Award the project to its winning bid, with the contract and its tranches.

    ``project_id`` None stands for an id that names no project.
    """
    account = require(actor, Role.ORGANIZER, Role.PUBLISHER)
    project = await Project.get_or_none(id=project_id) if project_id is not None else None
    if project is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "项目不存在。No such project.", ["project"])
    if account.role is Role.PUBLISHER and account.publisher_id != project.publisher_id:
        message = "只能为本单位发布的项目立项。Only the project's own publisher may award it."
        raise DomainError.one(ErrorCode.FORBIDDEN, message, ["project"])
    fair = await Fair.get(id=project.fair_id)
    problems = await _problems(project, fair)
    if problems:
        raise DomainError(problems)

    async with in_transaction():
        award = await _award(project, fair)
        contract = await _contract(project, award)
        payments = await _payments(contract, fair)
        bid = await Bid.get(id=award.bid_id)
        await record(
            actor,
            "awardProject",
            [project, award, bid, contract],
            {
                "amount": str(award.amount),
                "tranches": [str(p.amount) for p in payments],
                "rank": bid.rank,
            },
        )
    await announce(FairEvent.about(EventKind.AWARDED, project, award.organization_id))
    # The organization's workload changed, and with it how it matches other projects.
    await index.rebuild([award.organization_id])
    return award


async def _problems(project: Project, fair: Fair) -> list[Problem]:
    """Why the project cannot be awarded now, read before anything is written."""
    expected = AWARDABLE[project.procurement]
    if project.status != expected:
        return [_not_awardable(project)]
    problems = []
    if not midterm_share_allowed(fair.midterm_share):
        message = (
            f"本届中期拨付比例为 {fair.midterm_share:.0%}，应在 30% 到 40% 之间，请先更正届次设置。"
            " The fair's mid-term share is outside 30–40%."
        )
        problems.append(Problem(ErrorCode.INVALID_STATE, message, None))
    if project.procurement == Procurement.COMPETITIVE:
        if not bidding_closed(fair, datetime.now(UTC)):
            message = "本届社洽会的投标期尚未结束，结束后才能确定中标机构。Bidding is still open."
            problems.append(Problem(ErrorCode.INVALID_STATE, message, ["project"]))
        # The reviewers' sheets are the source of truth; the bids' scores derive from them.
        scored = ReviewScore.filter(bid__project_id=project.id, bid__status=BidStatus.SUBMITTED)
        if not await scored.exists():
            problems.append(_no_winner(project))
    return problems


async def _award(project: Project, fair: Fair) -> Award:
    """Move the project to AWARDED, settle the bids and write the award row."""
    moved = await Project.filter(id=project.id, status=AWARDABLE[project.procurement]).update(
        status=ProjectStatus.AWARDED
    )
    if not moved:
        # Another award (or a withdrawal) got there first since the checks.
        raise DomainError([_not_awardable(await Project.get(id=project.id))])
    winner = await _winner(project)
    if winner is None:
        raise DomainError([_no_winner(project)])
    await Bid.filter(id=winner.id).update(status=BidStatus.AWARDED)
    await (
        Bid.filter(project_id=project.id, status=BidStatus.SUBMITTED)
        .exclude(id=winner.id)
        .update(status=BidStatus.LOST)
    )
    try:
        return await Award.create(
            project_id=project.id,
            bid_id=winner.id,
            organization_id=winner.organization_id,
            amount=winner.amount,
            awarded_at=datetime.now(UTC),
        )
    except IntegrityError as exc:
        raise DomainError([_not_awardable(project)]) from exc


async def _winner(project: Project) -> Bid | None:
    """The top-ranked bid (ranks refreshed: the credit record may have changed), or the
    DIRECT project's claim."""
    if project.procurement == Procurement.COMPETITIVE:
        bids = await refresh_standings(project.id)
        return next((b for b in bids if b.rank == 1), None)
    return (
        await Bid.filter(project_id=project.id, status=BidStatus.SUBMITTED)
        .order_by("submitted_at", "id")
        .first()
    )


async def _contract(project: Project, award: Award) -> Contract:
    starts_on = city_today()
    return await Contract.create(
        project_id=project.id,
        organization_id=award.organization_id,
        amount=award.amount,
        signed_at=award.awarded_at,
        starts_on=starts_on,
        ends_on=_months_later(starts_on, project.service_period_months) - timedelta(days=1),
    )


async def _payments(contract: Contract, fair: Fair) -> list[Payment]:
    """Tranche 1 falls due at once; the others wait for their evaluations."""
    payments = [
        Payment(
            contract_id=contract.id,
            project_id=contract.project_id,
            tranche=t.number,
            share=t.share,
            amount=t.amount,
            status=PaymentStatus.DUE if t.number == 1 else PaymentStatus.PENDING,
            due_on=city_today() if t.number == 1 else None,
        )
        for t in split(contract.amount, fair.midterm_share)
    ]
    await Payment.bulk_create(payments)
    return payments


def _months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _not_awardable(project: Project) -> Problem:
    if project.status == ProjectStatus.PUBLISHED:
        message = "该项目还没有机构认领或投标，不能立项。Nobody has claimed or bid yet."
    else:
        message = "该项目已经立项、撤回或结束，不能再立项。The project is not awaiting an award."
    return Problem(ErrorCode.INVALID_STATE, message, ["project"])


def _no_winner(project: Project) -> Problem:
    if project.procurement == Procurement.COMPETITIVE:
        message = "还没有任何投标经过评审打分，无法确定中标机构。No bid has been scored."
    else:
        message = "该项目没有有效的认领，无法确认。The claim is gone."
    return Problem(ErrorCode.INVALID_STATE, message, ["project"])
