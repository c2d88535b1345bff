"""Reading the organization pool: filters and the batch look-ups behind the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from api.bidding.models import Award
from api.catalog.models import ServiceClass
from api.organizations.models import Organization, OrganizationServiceClass


@dataclass
class OrganizationQuery:
    """The filters the fair hall offers over the organization pool."""

    service_classes: list[ServiceClass] = field(default_factory=list)
    district_ids: list[int] = field(default_factory=list)
    search: str | None = None
    min_social_workers: int | None = None


def organization_queryset(q: OrganizationQuery) -> QuerySet[Organization]:
    qs = Organization.all()
    if q.service_classes:
        in_class = OrganizationServiceClass.filter(service_class__in=q.service_classes)
        qs = qs.filter(id__in=Subquery(in_class.values("organization_id")))
    if q.district_ids:
        qs = qs.filter(districts__id__in=q.district_ids).distinct()
    if q.min_social_workers is not None:
        qs = qs.filter(social_workers__gte=q.min_social_workers)
    if q.search:
        qs = qs.filter(Q(name__icontains=q.search) | Q(introduction__icontains=q.search))
    return qs


async def service_classes_by_organization(ids: Iterable[int]) -> dict[int, list[ServiceClass]]:
    rows = await OrganizationServiceClass.filter(organization_id__in=list(ids)).order_by("id")
    out: dict[int, list[ServiceClass]] = {}
    for row in rows:
        out.setdefault(row.organization_id, []).append(row.service_class)
    return out


async def awarded_project_ids(ids: Iterable[int]) -> dict[int, list[int]]:
    rows = await Award.filter(organization_id__in=list(ids)).order_by("id")
    out: dict[int, list[int]] = {}
    for row in rows:
        out.setdefault(row.organization_id, []).append(row.project_id)
    return out
