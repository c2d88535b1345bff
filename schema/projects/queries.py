"""Queries over the project catalogue."""

from __future__ import annotations

import strawberry

from api.auth.models import Role
from api.projects.models import Project as ProjectRow
from api.projects.queries import ProjectQuery, draft_visible, project_queryset
from api.projects.search import RANK
from schema import preload
from schema.connections import connection, fetch_page, fetch_ranked_page
from schema.context import Info
from schema.errors import QueryError
from schema.projects.types import Project, ProjectConnection, ProjectFilter
from schema.relay import pk_of, search_text


def _drafts_of(info: Info) -> int | None:
    """The publisher whose drafts the viewer may see (its own), if any. The role is asked
    first: only a publisher's answer depends on who it is (schema/response_cache.py)."""
    if info.context.role is not Role.PUBLISHER:
        return None
    account = info.context.account
    return account.publisher_id if account is not None else None


def project_query(info: Info, f: ProjectFilter | None, fair_id: int | None) -> ProjectQuery:
    """The domain query for a GraphQL filter, with every value checked."""
    q = ProjectQuery(
        fair_id=fair_id,
        include_drafts=info.context.role is Role.ORGANIZER,
        drafts_of=_drafts_of(info),
    )
    if f is None:
        return q
    if f.fair is not None:
        q.fair_id = pk_of(f.fair, "Fair")
    q.service_classes = list(f.service_class or [])
    q.district_ids = [pk_of(d, "District") for d in f.district or []]
    q.statuses = list(f.status or [])
    q.procurement, q.key_support = f.procurement, f.key_support
    q.min_budget, q.max_budget = f.min_budget, f.max_budget
    if q.min_budget is not None and q.max_budget is not None and q.min_budget > q.max_budget:
        raise QueryError("预算下限不能大于上限（minBudget > maxBudget）")
    q.search = search_text(f.search)
    return q


async def project_connection(
    info: Info,
    first: int | None,
    after: str | None,
    filter: ProjectFilter | None,
    fair_id: int | None = None,
) -> ProjectConnection:
    q = project_query(info, filter, fair_id)
    query = preload.shape_projects(info, project_queryset(q))
    if q.search:  # a search is ranked: best matches first
        page = await fetch_ranked_page(query, RANK, first, after)
    else:
        page = await fetch_page(query, first, after, info)
    await preload.projects_page(info, page.rows)
    return connection(page, Project.from_row)


@strawberry.type
class ProjectsQuery:
    @strawberry.field(description="按 id 取一个项目。One project by id.")
    async def project(self, info: Info, id: strawberry.ID) -> Project | None:
        pk = pk_of(id, "Project")
        info.context.root_projects.add(pk)
        row = await ProjectRow.get_or_none(id=pk)
        organizer = info.context.role is Role.ORGANIZER
        if row is None or not draft_visible(row, organizer, _drafts_of(info)):
            return None
        return Project.from_row(row)

    @strawberry.field(description="项目库，可筛选、搜索、分页（每页至多 100）。The catalogue.")
    async def projects(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        filter: ProjectFilter | None = None,
    ) -> ProjectConnection:
        return await project_connection(info, first, after, filter)
