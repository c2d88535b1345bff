"""Reading the supervisor pool."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tortoise.expressions import F, Q, Subquery
from tortoise.queryset import QuerySet

from api.catalog.models import ServiceClass
from api.supervisors.models import Assignment, Supervisor, SupervisorExpertise


@dataclass
class SupervisorQuery:
    """The filters the fair hall offers over the supervisor pool."""

    expertise: list[ServiceClass] = field(default_factory=list)
    district_ids: list[int] = field(default_factory=list)
    available: bool | None = None
    search: str | None = None


def supervisor_queryset(q: SupervisorQuery) -> QuerySet[Supervisor]:
    qs = Supervisor.all()
    if q.expertise:
        experts = SupervisorExpertise.filter(service_class__in=q.expertise)
        qs = qs.filter(id__in=Subquery(experts.values("supervisor_id")))
    if q.district_ids:
        qs = qs.filter(districts__id__in=q.district_ids).distinct()
    if q.available is True:
        qs = qs.filter(load__lt=F("max_load"))
    elif q.available is False:
        qs = qs.filter(load__gte=F("max_load"))
    if q.search:
        qs = qs.filter(Q(name__icontains=q.search) | Q(affiliation__icontains=q.search))
    return qs


async def expertise_by_supervisor(ids: Iterable[int]) -> dict[int, list[ServiceClass]]:
    rows = await SupervisorExpertise.filter(supervisor_id__in=list(ids)).order_by("id")
    out: dict[int, list[ServiceClass]] = {}
    for row in rows:
        out.setdefault(row.supervisor_id, []).append(row.service_class)
    return out


async def project_ids_by_supervisor(ids: Iterable[int]) -> dict[int, list[int]]:
    rows = await Assignment.filter(supervisor_id__in=list(ids)).order_by("id")
    out: dict[int, list[int]] = {}
    for row in rows:
        out.setdefault(row.supervisor_id, []).append(row.project_id)
    return out
