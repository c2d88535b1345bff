"""Who may publish, and the list as a whole: size limits, races and a city-sized list."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from api.auth.models import Role
from api.catalog.models import ServiceClass
from api.errors import DomainError, ErrorCode
from api.projects import publishing
from api.projects.models import Procurement, Project, ProjectType
from api.sqlcount import count_statements
from tests import factories
from tests.publishing_support import (  # fixtures among them are used by name
    BIG_LIST,
    BIG_LIST_STATEMENTS,
    PUBLISH_LEAN,
    Stage,
    gid,
    organizer,
    project_row,
    publish,
    publish_one,
    refusals,
    stage,
    stored,
)
from tests.sessions import make_account, token_for

# --- who may publish ------------------------------------------------------------------------


async def test_anonymous_publishing_is_refused(gql, stage):
    row = project_row(stage)
    payload = await publish(gql, None, stage.fair, [row])
    assert refusals(payload) == [("UNAUTHENTICATED", None)]
    assert await stored([row]) == 0


@pytest.mark.parametrize("role", [Role.ORGANIZATION, Role.REVIEWER, Role.SUPERVISOR])
async def test_other_roles_may_not_publish(gql, stage, role):
    row = project_row(stage)
    payload = await publish(gql, await token_for(role), stage.fair, [row])
    assert refusals(payload) == [("FORBIDDEN", None)]
    assert await stored([row]) == 0


async def test_publisher_publishes_its_own_projects(gql, stage):
    token = await token_for(Role.PUBLISHER, publisher_id=stage.community.id)
    payload = await publish_one(gql, token, stage)
    assert payload["errors"] == []
    assert payload["projects"][0]["publisher"]["id"] == gid(stage.community)


async def test_publisher_may_not_publish_for_another_publisher(gql, stage):
    # Given the street office's account and a list with one row of the community's
    token = await token_for(Role.PUBLISHER, publisher_id=stage.street.id)
    rows = [project_row(stage, publisher=gid(stage.street)), project_row(stage)]
    # When it publishes the list
    payload = await publish(gql, token, stage.fair, rows)
    # Then that row is FORBIDDEN and nothing is written
    assert refusals(payload) == [("FORBIDDEN", ["projects", "1", "publisher"])]
    assert await stored(rows) == 0


# --- the list as a whole --------------------------------------------------------------------


async def test_empty_list_is_refused(gql, organizer, stage):
    payload = await publish(gql, organizer, stage.fair, [])
    assert refusals(payload) == [("INVALID_INPUT", ["projects"])]


def draft(stage: Stage, code: str) -> publishing.ProjectDraft:
    return publishing.ProjectDraft(
        code=code,
        title="社区助老服务",
        description="为老人提供服务。",
        service_class=ServiceClass.ELDERLY,
        project_type=ProjectType.PUBLIC_WELFARE,
        procurement=Procurement.DIRECT,
        budget=Decimal("50000.00"),
        service_period_months=12,
        beneficiaries="老人",
        publisher_id=stage.community.id,
        district_id=stage.home.id,
        catalog_item=stage.elderly.code,
        community_opinion="同意。",
    )


async def test_list_longer_than_the_limit_is_refused(stage):
    # Given one row more than a call may publish
    account = await make_account(Role.ORGANIZER)
    tag = f"LIM{factories.next_number()}-"
    drafts = [draft(stage, f"{tag}{i}") for i in range(publishing.MAX_PROJECTS + 1)]
    # When it is published, then the whole list is refused with the limit named
    with pytest.raises(DomainError) as refused:
        await publishing.publish_projects(account, stage.fair.id, drafts)
    problem = refused.value.problems[0]
    assert (problem.code, problem.field) == (ErrorCode.INVALID_INPUT, ["projects"])
    assert str(publishing.MAX_PROJECTS) in problem.message
    assert not await Project.filter(code__startswith=tag).exists()


async def test_concurrent_lists_with_one_code_publish_it_once(gql, organizer, stage):
    # Given two lists sharing one code, sent at the same moment
    shared = project_row(stage)
    lists = [[project_row(stage), dict(shared)], [dict(shared), project_row(stage)]]
    payloads = await asyncio.gather(*(publish(gql, organizer, stage.fair, rows) for rows in lists))
    # Then one list is published whole, the other refused whole at the shared row
    published = [p for p in payloads if not p["errors"]]
    refused = [p for p in payloads if p["errors"]]
    assert len(published) == 1 and len(refused) == 1
    assert refusals(refused[0])[0][0] == "INVALID_INPUT"
    assert refusals(refused[0])[0][1][2] == "code"
    assert await Project.filter(fair_id=stage.fair.id, code=shared["code"]).count() == 1
    assert await stored(published[0]["projects"]) == 2


async def test_insert_losing_the_race_for_a_code_is_reported_on_its_row(
    gql, organizer, stage, monkeypatch: pytest.MonkeyPatch
):
    # Given a published code and a check of taken codes that misses it (as under a race)
    taken = project_row(stage)
    await publish(gql, organizer, stage.fair, [taken])
    real_check = publishing._taken_codes
    calls = []

    async def first_check_misses(fair_id: int | None, codes: list[str]) -> set[str]:
        calls.append(codes)
        return set() if len(calls) == 1 else await real_check(fair_id, codes)

    monkeypatch.setattr(publishing, "_taken_codes", first_check_misses)
    # When a list with that code is published, the unique index refuses the insert
    rows = [project_row(stage), dict(taken)]
    payload = await publish(gql, organizer, stage.fair, rows)
    # Then the row is reported as the check would have, and nothing of the list is written
    assert refusals(payload) == [("INVALID_INPUT", ["projects", "1", "code"])]
    assert len(calls) == 2
    assert await stored(rows[:1]) == 0


async def test_list_of_2000_projects_publishes_in_bulk(gql, organizer, stage):
    # Given a city's list of 2,000 projects
    fair = await factories.fair()
    rows = [project_row(stage, budget=f"{50_000 + i}.00") for i in range(BIG_LIST)]
    # When it is published in one call
    with count_statements() as statements:
        payload = await publish(gql, organizer, fair, rows, PUBLISH_LEAN)
    # Then all are published, with batched statements rather than one per row
    assert payload["errors"] == []
    assert len(payload["projects"]) == BIG_LIST
    assert await Project.filter(fair_id=fair.id).count() == BIG_LIST
    assert len(statements) < BIG_LIST_STATEMENTS
