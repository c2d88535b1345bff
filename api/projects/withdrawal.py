"""Withdrawing a project from the fair (撤回项目) before anyone has it.

The project's publisher or an organizer may take a project off the table while it is
PUBLISHED (nobody has claimed it) or BIDDING (a COMPETITIVE project with bids, not yet
awarded), with a reason. Its active bids are released: each becomes WITHDRAWN and
inactive and carries the reason as its notice, so the bidding organizations see why.

Refusals: UNAUTHENTICATED, FORBIDDEN (another role, or another publisher's project),
NOT_FOUND, INVALID_INPUT (no reason, or too long), INVALID_STATE (claimed, awarded,
already withdrawn, draft…).

A claim and a withdrawal race on the project's row. A claim takes the project with
``UPDATE … WHERE status = PUBLISHED``; the withdrawal moves it with ``UPDATE … WHERE status
IN (PUBLISHED, BIDDING)``. Whichever updates the row first wins; the other finds the
status changed and is refused, so exactly one of them happens. A COMPETITIVE bid holds the
row in the same way until its bid is in, so the withdrawal releases it too.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Bid, BidStatus
from api.errors import DomainError, ErrorCode, Problem
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.projects.models import OPEN_STATUSES, Project, ProjectStatus

MAX_REASON = 500

_STATE_NAMES = {
    ProjectStatus.DRAFT: "尚未发布",
    ProjectStatus.CLAIMED: "已被认领",
    ProjectStatus.AWARDED: "已立项",
    ProjectStatus.IN_DELIVERY: "正在实施",
    ProjectStatus.CLOSED: "已结项",
    ProjectStatus.WITHDRAWN: "已撤回",
    ProjectStatus.TERMINATED: "已终止",
}


async def withdraw_project(
    actor: Account | None, project_id: int | None, reason: str
) -> tuple[Project, list[Bid]]:
    """Withdraw a project nobody holds yet; the project, now WITHDRAWN, and the bids it
    released. ``project_id`` None stands for an id that names no project."""
    account = require(actor, Role.ORGANIZER, Role.PUBLISHER)
    project = await Project.get_or_none(id=project_id) if project_id is not None else None
    if project is None or not _may_see(account, project):
        raise DomainError.one(ErrorCode.NOT_FOUND, "项目不存在。No such project.", ["project"])
    if account.role is Role.PUBLISHER and account.publisher_id != project.publisher_id:
        raise DomainError.one(
            ErrorCode.FORBIDDEN,
            "只能撤回本单位发布的项目。Only the project's publisher may withdraw it.",
            ["project"],
        )
    text = reason.strip()
    if not text or len(text) > MAX_REASON:
        raise DomainError.one(
            ErrorCode.INVALID_INPUT,
            f"请填写撤回理由（最多 {MAX_REASON} 个字）。A reason is required.",
            ["reason"],
        )
    if project.status not in OPEN_STATUSES:
        raise DomainError([_not_withdrawable(project.status)])

    now = datetime.now(UTC)
    async with in_transaction():
        moved = await Project.filter(id=project.id, status__in=OPEN_STATUSES).update(
            status=ProjectStatus.WITHDRAWN, withdrawn_at=now, withdrawal_reason=text
        )
        if not moved:
            # A claim or an award got there first.
            current = await Project.get(id=project.id)
            raise DomainError([_not_withdrawable(current.status)])
        released = list(await Bid.filter(project_id=project.id, status=BidStatus.SUBMITTED))
        await Bid.filter(id__in=[b.id for b in released]).update(
            status=BidStatus.WITHDRAWN, active=None, release_notice=text
        )
        project = await Project.get(id=project.id)
        detail = {
            "reason": text,
            "previousStatus": _status_before(released),
            "releasedBids": len(released),
        }
        await record(actor, "withdrawProject", [project, *released], detail)
    for bid in released:
        bid.status, bid.active, bid.release_notice = BidStatus.WITHDRAWN, None, text
    await announce(FairEvent.about(EventKind.PROJECT_WITHDRAWN, project))
    return project, released


def _may_see(account: Account, project: Project) -> bool:
    """A draft is its publisher's business: others are told it does not exist."""
    if project.status is not ProjectStatus.DRAFT:
        return True
    return account.role is Role.ORGANIZER or account.publisher_id == project.publisher_id


def _status_before(released: list[Bid]) -> str:
    return (ProjectStatus.BIDDING if released else ProjectStatus.PUBLISHED).value


def _not_withdrawable(status: ProjectStatus) -> Problem:
    return Problem(
        ErrorCode.INVALID_STATE,
        f"该项目{_STATE_NAMES.get(status, status.value)}，不能撤回；只有尚未被认领或立项的"
        "项目可以撤回。 Only a project nobody has claimed or been awarded can be withdrawn.",
        ["project"],
    )
