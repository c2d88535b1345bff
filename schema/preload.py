"""Preloading what the rows of a page will be asked for, in the page's own statement.

A connection resolver shapes its query with ``shape_*`` before reading the page: each
selected relation that is one value per row (a project's publisher and bid count, an
organization's districts and fields) rides along in the same statement, and the total
comes from a window over it. After reading, ``*_page`` primes this request's
dataloaders from the rows, so the per-row field resolvers answer from the cache without
awaiting (see ``schema.loading.now_or_later``). Recommendations take one more statement
for the whole page, their organizations included; districts come from the worker's
directory (api/places/directory.py).
"""

from __future__ import annotations

from typing import Any

from tortoise.queryset import QuerySet

from api.catalog.models import ServiceClass
from api.child_lists import child_list, read_list
from api.matching.search import matches_for
from api.places.directory import districts
from api.projects.models import Project
from api.projects.queries import with_bid_counts
from schema.context import Context, Info
from schema.organizations.loaders import (
    DistrictIdsByOrganizationLoader,
    OrganizationByIdLoader,
    ServiceClassesByOrganizationLoader,
)
from schema.organizations.types import MAX_MATCHES
from schema.places.loaders import DistrictByIdLoader, PublisherByIdLoader
from schema.projects.loaders import (
    BidCountByProjectLoader,
    OrganizationMatchesByProjectLoader,
    project_need,
)
from schema.selection import node_fields, sub_fields
from schema.supervisors.loaders import DistrictIdsBySupervisorLoader, ExpertiseBySupervisorLoader

# Fields of a project whose answer needs the district table.
NEEDS_DISTRICTS = {"district", "publisher", "matchingOrganizations"}


async def _all_districts(context: Context) -> None:
    loader = context.loader(DistrictByIdLoader)
    loader.prime_many(await districts())


# --- projects --------------------------------------------------------------------------


def shape_projects(info: Info, query: QuerySet[Project]) -> QuerySet[Project]:
    wanted = node_fields(info)
    if "publisher" in wanted:
        query = query.select_related("publisher")
    if "bidCount" in wanted:
        query = with_bid_counts(query)
    return query


async def projects_page(info: Info, rows: list[Project]) -> None:
    wanted = node_fields(info)
    if not rows or not wanted:
        return
    ctx = info.context
    if "publisher" in wanted:
        ctx.loader(PublisherByIdLoader).prime_many({r.publisher_id: r.publisher for r in rows})
    if "bidCount" in wanted:
        counts = {r.id: r.active_bids for r in rows}  # type: ignore[attr-defined]
        ctx.loader(BidCountByProjectLoader).prime_many(counts)
    if NEEDS_DISTRICTS & wanted.keys():
        await _all_districts(ctx)
    for field in wanted.get("matchingOrganizations", []):
        await _matches(ctx, rows, field)


async def _matches(ctx: Context, rows: list[Project], field: Any) -> None:
    try:  # literals arrive as written in the document, variables as values
        k = int(field.arguments.get("first", 5))
    except (TypeError, ValueError):
        return  # the field's own resolver reports the bad argument
    if not 1 <= k <= MAX_MATCHES:
        return
    loader = ctx.loader(OrganizationMatchesByProjectLoader)
    names = ctx.loader(DistrictByIdLoader)
    needs = [project_need(r, await names.load(r.district_id)) for r in rows]
    with_rows = bool(sub_fields([field], "organization"))
    found = await matches_for(needs, k, with_rows)
    loader.prime_many({(n, k): found.by_project[n.project_id] for n in needs})
    ctx.loader(OrganizationByIdLoader).prime_many(found.organizations)


# --- the pools -------------------------------------------------------------------------


def shape_organizations(info: Info, query: QuerySet[Any]) -> QuerySet[Any]:
    wanted = node_fields(info)
    if "serviceClasses" in wanted:
        query = query.annotate(
            class_list=child_list(
                "organization_service_class", "service_class", "organization_id",
                "organization", "id",
            )
        )  # fmt: skip
    if "districts" in wanted:
        query = query.annotate(
            district_list=child_list(
                "organization_district", "district_id", "organization_id",
                "organization", "district_id",
            )
        )  # fmt: skip
    return query


async def organizations_page(info: Info, rows: list[Any]) -> None:
    wanted = node_fields(info)
    ctx = info.context
    if "serviceClasses" in wanted:
        classes = {r.id: [ServiceClass(c) for c in read_list(r.class_list)] for r in rows}
        ctx.loader(ServiceClassesByOrganizationLoader).prime_many(classes)
    if "districts" in wanted:
        ids = {r.id: read_list(r.district_list) for r in rows}
        ctx.loader(DistrictIdsByOrganizationLoader).prime_many(ids)
        await _all_districts(ctx)


def shape_supervisors(info: Info, query: QuerySet[Any]) -> QuerySet[Any]:
    wanted = node_fields(info)
    if "expertise" in wanted:
        query = query.annotate(
            expertise_list=child_list(
                "supervisor_expertise", "service_class", "supervisor_id", "supervisor", "id"
            )
        )
    if "districts" in wanted:
        query = query.annotate(
            district_list=child_list(
                "supervisor_district", "district_id", "supervisor_id", "supervisor",
                "district_id",
            )
        )  # fmt: skip
    return query


async def supervisors_page(info: Info, rows: list[Any]) -> None:
    wanted = node_fields(info)
    ctx = info.context
    if "expertise" in wanted:
        fields = {r.id: [ServiceClass(c) for c in read_list(r.expertise_list)] for r in rows}
        ctx.loader(ExpertiseBySupervisorLoader).prime_many(fields)
    if "districts" in wanted:
        ids = {r.id: read_list(r.district_list) for r in rows}
        ctx.loader(DistrictIdsBySupervisorLoader).prime_many(ids)
        await _all_districts(ctx)
