"""Preloading what the rows of a page will be asked for, a batch per field.

A connection resolver calls these after reading its page: each selected relation is
loaded for every row at once into this request's dataloaders, so the per-row field
resolvers answer from the cache without awaiting (see ``schema.loading.now_or_later``).
The statements sent are the ones the dataloaders would send anyway; only the waiting
per row goes away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from api.places.models import District
from api.projects.models import Project
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
    # The district table is a dozen rows: one read primes every district a page can name.
    loader = context.loader(DistrictByIdLoader)
    loader.prime_many({d.id: d for d in await District.all()})


async def _nothing() -> None:
    return None


async def projects_page(info: Info, rows: list[Project]) -> None:
    wanted = node_fields(info)
    if not rows or not wanted:
        return
    ctx = info.context
    steps: list[Awaitable[Any]] = [_nothing()]
    if "publisher" in wanted:
        steps.append(ctx.loader(PublisherByIdLoader).load_many([r.publisher_id for r in rows]))
    if "bidCount" in wanted:
        steps.append(ctx.loader(BidCountByProjectLoader).load_many([r.id for r in rows]))
    if NEEDS_DISTRICTS & wanted.keys():
        steps.append(_all_districts(ctx))
    await asyncio.gather(*steps)
    for field in wanted.get("matchingOrganizations", []):
        await _matches(ctx, rows, field)


async def _matches(ctx: Context, rows: list[Project], field: Any) -> None:
    try:  # literals arrive as written in the document, variables as values
        k = int(field.arguments.get("first", 5))
    except (TypeError, ValueError):
        return  # the field's own resolver reports the bad argument
    if not 1 <= k <= MAX_MATCHES:
        return
    districts = ctx.loader(DistrictByIdLoader)
    keys = [(project_need(r, await districts.load(r.district_id)), k) for r in rows]
    found = await ctx.loader(OrganizationMatchesByProjectLoader).load_many(keys)
    if sub_fields([field], "organization"):
        org_ids = sorted({m.organization_id for matches in found for m in matches})
        await ctx.loader(OrganizationByIdLoader).load_many(org_ids)


async def organizations_page(info: Info, ids: list[int]) -> None:
    wanted = node_fields(info)
    ctx = info.context
    steps: list[Awaitable[Any]] = [_nothing()]
    if "serviceClasses" in wanted:
        steps.append(ctx.loader(ServiceClassesByOrganizationLoader).load_many(ids))
    if "districts" in wanted:
        steps += [ctx.loader(DistrictIdsByOrganizationLoader).load_many(ids), _all_districts(ctx)]
    await asyncio.gather(*steps)


async def supervisors_page(info: Info, ids: list[int]) -> None:
    wanted = node_fields(info)
    ctx = info.context
    steps: list[Awaitable[Any]] = [_nothing()]
    if "expertise" in wanted:
        steps.append(ctx.loader(ExpertiseBySupervisorLoader).load_many(ids))
    if "districts" in wanted:
        steps += [ctx.loader(DistrictIdsBySupervisorLoader).load_many(ids), _all_districts(ctx)]
    await asyncio.gather(*steps)
