"""Reading the project catalogue: filters and the batch look-ups behind the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from api.bidding.models import Bid, BidStatus
from api.catalog.models import ServiceClass
from api.projects import search
from api.projects.models import Procurement, Project, ProjectStatus

# Statuses the public sees: a draft is its publisher's business until published.
PUBLIC_STATUSES = tuple(s for s in ProjectStatus if s is not ProjectStatus.DRAFT)


@dataclass
class ProjectQuery:
    """The filters the fair hall offers over the catalogue."""

    fair_id: int | None = None
    service_classes: list[ServiceClass] = field(default_factory=list)
    district_ids: list[int] = field(default_factory=list)
    statuses: list[ProjectStatus] = field(default_factory=list)
    procurement: Procurement | None = None
    min_budget: Decimal | None = None
    max_budget: Decimal | None = None
    key_support: bool | None = None
    search: str | None = None
    include_drafts: bool = False


def project_queryset(q: ProjectQuery) -> QuerySet[Project]:
    qs = Project.all()
    if q.fair_id is not None:
        qs = qs.filter(fair_id=q.fair_id)
    qs = _filter_status(qs, q)
    if q.service_classes:
        qs = qs.filter(service_class__in=q.service_classes)
    if q.district_ids:
        qs = qs.filter(district_id__in=q.district_ids)
    return _filter_terms(qs, q)


def _filter_status(qs: QuerySet[Project], q: ProjectQuery) -> QuerySet[Project]:
    visible = set(ProjectStatus) if q.include_drafts else set(PUBLIC_STATUSES)
    wanted = [s for s in q.statuses if s in visible] if q.statuses else None
    if wanted is not None:
        return qs.filter(status__in=wanted)
    return qs if q.include_drafts else qs.filter(status__in=PUBLIC_STATUSES)


def _filter_terms(qs: QuerySet[Project], q: ProjectQuery) -> QuerySet[Project]:
    if q.procurement is not None:
        qs = qs.filter(procurement=q.procurement)
    if q.min_budget is not None:
        qs = qs.filter(budget__gte=q.min_budget)
    if q.max_budget is not None:
        qs = qs.filter(budget__lte=q.max_budget)
    if q.key_support is not None:
        qs = qs.filter(key_support=q.key_support)
    if q.search:
        # What people mean: synonyms, class and catalogue names, ranked (see the module).
        words = search.words_of(q.search)
        qs = qs.filter(search.condition(words)).annotate(**{search.RANK: search.rank(words)})
    return qs


async def bid_counts(project_ids: Iterable[int]) -> dict[int, int]:
    """Active (not withdrawn) bids per project."""
    rows = (
        await Bid.filter(project_id__in=list(project_ids))
        .exclude(status=BidStatus.WITHDRAWN)
        .annotate(n=Count("id"))
        .group_by("project_id")
        .values_list("project_id", "n")
    )
    return {int(pid): int(n) for pid, n in rows}
