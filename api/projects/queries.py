"""Reading the project catalogue: filters and the batch look-ups behind the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from tortoise.expressions import Q, RawSQL
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
    # Drafts are their publisher's business: organizers see all (``include_drafts``), a
    # publisher account only its own (``drafts_of``), everyone else none.
    include_drafts: bool = False
    drafts_of: int | None = None


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
    wanted = list(q.statuses) if q.statuses else list(ProjectStatus)
    if q.include_drafts:
        return qs.filter(status__in=wanted) if q.statuses else qs
    public = [s for s in wanted if s in PUBLIC_STATUSES]
    if ProjectStatus.DRAFT in wanted and q.drafts_of is not None:
        own_drafts = Q(status=ProjectStatus.DRAFT, publisher_id=q.drafts_of)
        return qs.filter(Q(status__in=public) | own_drafts)
    return qs.filter(status__in=public)


def draft_visible(project: Project, organizer: bool, publisher_id: int | None) -> bool:
    """Whether a viewer sees ``project``: published ones everyone, a draft its own
    publisher and the organizers."""
    if project.status is not ProjectStatus.DRAFT:
        return True
    return organizer or (publisher_id is not None and project.publisher_id == publisher_id)


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


ACTIVE_BIDS = (
    '(SELECT COUNT(*) FROM "bid" "b" WHERE "b"."project_id" = "project"."id"'
    f" AND \"b\".\"status\" <> '{BidStatus.WITHDRAWN.value}')"
)


def with_bid_counts(qs: QuerySet[Project]) -> QuerySet[Project]:
    """Each project with its active bid count (``active_bids``) in the same statement."""
    return qs.annotate(active_bids=RawSQL(ACTIVE_BIDS))


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
