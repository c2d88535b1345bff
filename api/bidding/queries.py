"""Reading bids and awards, and who may see which bids."""

from __future__ import annotations

from collections.abc import Iterable

from tortoise.queryset import QuerySet

from api.auth.models import Account, Role
from api.bidding.models import Award, Bid
from api.projects.models import Project

# Roles that see every bid of every project: they run or judge the competition.
ALL_BIDS_ROLES = (Role.ORGANIZER, Role.REVIEWER)


def visible_bids(account: Account | None, project: Project) -> QuerySet[Bid] | None:
    """The bids of ``project`` that ``account`` may see, or None when it may see none."""
    bids = Bid.filter(project_id=project.id)
    if account is None:
        return None
    if account.role in ALL_BIDS_ROLES:
        return bids
    if account.role is Role.PUBLISHER and account.publisher_id == project.publisher_id:
        return bids
    if account.role is Role.ORGANIZATION and account.organization_id is not None:
        return bids.filter(organization_id=account.organization_id)
    return None


def organization_bids(account: Account | None, organization_id: int) -> QuerySet[Bid] | None:
    """An organization's own claims and bids: for itself and for organizers only."""
    if account is None:
        return None
    if account.role is Role.ORGANIZER or account.organization_id == organization_id:
        return Bid.filter(organization_id=organization_id)
    return None


async def awards_by_project(project_ids: Iterable[int]) -> dict[int, Award]:
    rows = await Award.filter(project_id__in=list(project_ids))
    return {a.project_id: a for a in rows}
