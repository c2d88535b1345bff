"""Withdrawing a claim or bid, and putting its project back on the table.

Allowed for one's own SUBMITTED bid while the fair is open (UNAUTHENTICATED, FORBIDDEN,
NOT_FOUND, FAIR_CLOSED, INVALID_STATE otherwise). The bid becomes WITHDRAWN and inactive,
so the organization may bid again. A withdrawn DIRECT claim makes the project claimable
again (PUBLISHED); a COMPETITIVE project whose last active bid is withdrawn goes back to
PUBLISHED too, because BIDDING means "has at least one bid".
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.claims import check_fair_open, own_organization
from api.bidding.models import Bid, BidStatus
from api.errors import DomainError, ErrorCode, Problem
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.projects.models import Procurement, Project, ProjectStatus


async def withdraw_bid(actor: Account | None, bid_id: int | None) -> Bid:
    """Withdraw one's own SUBMITTED bid while the fair is open; the bid, now WITHDRAWN.

    ``bid_id`` None stands for an id that names no bid.
    """
    organization_id = own_organization(require(actor, Role.ORGANIZATION))
    bid = None
    if bid_id is not None:
        bid = await Bid.filter(id=bid_id).select_related("project__fair").first()
    if bid is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "投标不存在。No such bid.", ["bid"])
    if bid.organization_id != organization_id:
        raise DomainError.one(
            ErrorCode.FORBIDDEN, "只能撤回本机构自己的认领或投标。Not your bid.", ["bid"]
        )
    project: Project = bid.project
    now = datetime.now(UTC)
    check_fair_open(project.fair, now)
    if bid.status is not BidStatus.SUBMITTED:
        raise DomainError([_not_withdrawable(bid.status)])

    async with in_transaction():
        # The project's row first, as a claim takes it: the two never wait on each other
        # in opposite order.
        await Project.filter(id=project.id).select_for_update().first()
        withdrawn = await Bid.filter(id=bid.id, status=BidStatus.SUBMITTED).update(
            status=BidStatus.WITHDRAWN, active=None
        )
        if not withdrawn:
            raise DomainError([_not_withdrawable((await Bid.get(id=bid.id)).status)])
        await _reopen(project)
        bid.status, bid.active = BidStatus.WITHDRAWN, None
        detail = {"procurement": project.procurement.value}
        await record(actor, "withdrawBid", [bid, project], detail)
    await announce(FairEvent.about(EventKind.WITHDRAWN, project, bid.organization_id))
    return bid


async def _reopen(project: Project) -> None:
    """Put the project back on the table when no active claim or bid is left on it."""
    if await Bid.filter(project_id=project.id, active=1).exists():
        return
    direct = project.procurement is Procurement.DIRECT
    held = ProjectStatus.CLAIMED if direct else ProjectStatus.BIDDING
    await Project.filter(id=project.id, status=held).update(status=ProjectStatus.PUBLISHED)


def _not_withdrawable(status: BidStatus) -> Problem:
    names = {BidStatus.WITHDRAWN: "已撤回", BidStatus.AWARDED: "已中标", BidStatus.LOST: "未中标"}
    return Problem(
        ErrorCode.INVALID_STATE,
        f"该投标{names.get(status, status.value)}，不能撤回。"
        " Only a submitted bid can be withdrawn.",
        ["bid"],
    )
