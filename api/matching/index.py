"""Keeping the matching index in step with the organization pool.

Call ``rebuild`` for the organizations whose facts changed (registration, award,
evaluation, restriction); with no ids it rebuilds the whole pool.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from api.bidding.models import Award
from api.matching.models import MatchSlot
from api.matching.scoring import OrganizationFacts, quality
from api.organizations.models import (
    CreditEntry,
    CreditKind,
    Organization,
    OrganizationServiceClass,
)
from api.projects.models import ProjectStatus

CHUNK = 2000
ACTIVE_STATUSES = (ProjectStatus.AWARDED, ProjectStatus.IN_DELIVERY)


async def rebuild(organization_ids: Iterable[int] | None = None) -> int:
    """Rewrite the slots of the given organizations (all when None); returns rows written."""
    if organization_ids is None:
        ids: list[int] = await Organization.all().order_by("id").values_list("id", flat=True)  # type: ignore[assignment]
    else:
        ids = list(organization_ids)
    written = 0
    for start in range(0, len(ids), CHUNK):
        written += await _rebuild_chunk(ids[start : start + CHUNK])
    return written


async def _rebuild_chunk(ids: Sequence[int]) -> int:
    orgs = await Organization.filter(id__in=ids).prefetch_related("districts")
    classes = await _classes(ids)
    credit = await _credit(ids)
    active = await _active(ids)
    slots = [
        slot
        for org in orgs
        for slot in _slots(org, classes[org.id], credit[org.id], active.get(org.id, 0))
    ]
    async with in_transaction():
        await MatchSlot.filter(organization_id__in=ids).delete()
        await MatchSlot.bulk_create(slots, batch_size=1000)
    return len(slots)


def _slots(
    org: Organization, classes: list[str], credit: dict[str, int], active: int
) -> list[MatchSlot]:
    facts = OrganizationFacts(
        social_workers=org.social_workers,
        grade=org.grade,
        evaluations_passed=credit.get(CreditKind.EVALUATION_PASSED, 0),
        evaluations_failed=credit.get(CreditKind.EVALUATION_FAILED, 0),
        active_projects=active,
    )
    score = quality(facts)
    district_ids: list[int | None] = [None, *(d.id for d in org.districts)]
    return [
        MatchSlot(
            organization_id=org.id,
            service_class=cls,
            district_id=district_id,
            social_workers=facts.social_workers,
            grade=facts.grade,
            evaluations_passed=facts.evaluations_passed,
            evaluations_failed=facts.evaluations_failed,
            active_projects=facts.active_projects,
            quality=score,
            restricted_until=org.restricted_until,
        )
        for cls in classes
        for district_id in district_ids
    ]


async def _classes(ids: Sequence[int]) -> dict[int, list[str]]:
    rows = await OrganizationServiceClass.filter(organization_id__in=ids).values_list(
        "organization_id", "service_class"
    )
    out: dict[int, list[str]] = defaultdict(list)
    for org_id, cls in rows:
        out[org_id].append(cls)
    return out


async def _credit(ids: Sequence[int]) -> dict[int, dict[str, int]]:
    rows = (
        await CreditEntry.filter(organization_id__in=ids)
        .annotate(n=Count("id"))
        .group_by("organization_id", "kind")
        .values_list("organization_id", "kind", "n")
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, kind, n in rows:
        out[org_id][kind] = n
    return out


async def _active(ids: Sequence[int]) -> dict[int, int]:
    rows = (
        await Award.filter(organization_id__in=ids, project__status__in=ACTIVE_STATUSES)
        .annotate(n=Count("id"))
        .group_by("organization_id")
        .values_list("organization_id", "n")
    )
    return {org_id: n for org_id, n in rows}
