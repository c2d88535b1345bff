"""The matchmaking hall: supply and demand in one request, at a constant number of statements.

The front end asks for a page of projects with their publishers, districts, bid counts
and best-fitting organizations, plus organizations and available supervisors, in one
GraphQL document. However long the page, the server must answer it with the same small
number of SQL statements (every relation is batched, no N+1).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import pytest_asyncio

from api.catalog.models import ServiceClass
from api.places.directory import districts
from api.projects.models import Procurement, ProjectStatus
from api.sqlcount import count_statements
from schema.relay import to_global_id
from tests import factories

FAIR_HALL = """
query FairHall($first: Int!, $filter: ProjectFilter) {
  fair { edition name isOpen stats { projectCount totalBudget byServiceClass { serviceClass projectCount budget } } }
  projects(first: $first, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id code title serviceClass procurement status budget bidCount
      publisher { name district { name } } district { name }
      matchingOrganizations(first: 3) { score reasons organization { id name socialWorkers } } } }
  }
  organizations(first: 20, filter: {serviceClass: [ELDERLY]}) { totalCount edges { node { id name socialWorkers districts { name } } } }
  supervisors(first: 20, filter: {available: true}) { totalCount edges { node { id name expertise load maxLoad } } }
}
"""

PROJECTS = 60
ORGANIZATIONS = 40
SUPERVISORS = 10
# The fair, its totals, the page of projects (publishers, bid counts and the total in
# the same statement), the page's recommendations with their organizations, the
# organizations and the supervisors (each with their lists and total).
STATEMENT_LIMIT = 6

CLASSES = list(ServiceClass)
STATUSES = [ProjectStatus.PUBLISHED, ProjectStatus.BIDDING, ProjectStatus.CLAIMED]


@dataclass
class Hall:
    fair_id: str
    edition: int


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def hall(app: object) -> Hall:
    """One open fair: 60 projects over every class and four districts, 40 organizations
    of various classes and districts (indexed for matching), 10 supervisors."""
    fair = await factories.fair()
    districts_made = [await factories.district() for _ in range(4)]
    publishers = [await factories.publisher(d) for d in districts_made]
    items = {c: await factories.catalog_item(c) for c in CLASSES}
    for i in range(PROJECTS):
        cls = CLASSES[i % len(CLASSES)]
        await factories.project(
            fair,
            title=f"大厅项目{i}：{cls.value}",
            service_class=cls,
            by_publisher=publishers[i % len(publishers)],
            in_district=districts_made[i % len(districts_made)],
            item=items[cls],
            budget=f"{50_000 + 1_000 * i}.50",
            status=STATUSES[i % len(STATUSES)],
            procurement=Procurement.COMPETITIVE if i % 2 else Procurement.DIRECT,
            min_social_workers=2 if i % 5 == 0 else 0,
            key_support=i % 7 == 0,
        )
    org_ids = []
    for i in range(ORGANIZATIONS):
        org = await factories.organization(
            service_classes=(CLASSES[i % len(CLASSES)], CLASSES[(i + 1) % len(CLASSES)]),
            districts=tuple(districts_made[j % len(districts_made)] for j in range(i, i + 1 + i % 3)),
            social_workers=i % 8,
            grade=["3A", "4A", "5A", None][i % 4],
            index=False,
        )
        org_ids.append(org.id)
    await factories.index_organizations(org_ids)
    for i in range(SUPERVISORS):
        await factories.supervisor(
            expertise=(CLASSES[i % len(CLASSES)],),
            districts=(districts_made[i % len(districts_made)],),
            load=5 if i % 4 == 0 else i % 3,
            max_load=5,
        )
    # The worker's district directory learns of the new districts once, here.
    await districts([d.id for d in districts_made])
    return Hall(fair_id=to_global_id("Fair", fair.id), edition=fair.edition)


async def fair_hall(gql, hall: Hall, first: int) -> tuple[dict, int]:
    """The hall document for a page of ``first`` projects, and how many statements it sent."""
    variables = {"first": first, "filter": {"fair": hall.fair_id}}
    with count_statements() as statements:
        result = await gql(FAIR_HALL, variables)
    return result, len(statements)


async def test_fair_hall_answers_without_errors(gql, hall):
    # Given a fair with 60 projects, 40 organizations and 10 supervisors,
    # when the hall asks for 50 projects with everything around them,
    result, _ = await fair_hall(gql, hall, 50)
    # then the answer has no errors and holds the page with its matches.
    assert "errors" not in result, result.get("errors")
    projects = result["data"]["projects"]
    assert projects["totalCount"] == PROJECTS
    assert len(projects["edges"]) == 50
    assert projects["pageInfo"]["hasNextPage"] is True
    for edge in projects["edges"]:
        node = edge["node"]
        assert node["publisher"]["district"]["name"] == node["district"]["name"]
        assert len(node["matchingOrganizations"]) <= 3
        for match in node["matchingOrganizations"]:
            assert 0 <= match["score"] <= 1
            assert match["reasons"]
    assert result["data"]["fair"]["isOpen"] is True
    assert result["data"]["organizations"]["edges"]
    supervisors = result["data"]["supervisors"]["edges"]
    assert all(e["node"]["load"] < e["node"]["maxLoad"] for e in supervisors)


async def test_fair_hall_statement_count_does_not_grow_with_the_page(gql, hall):
    # Given the same fair, and the statement count of a page of 5 projects,
    result, small = await fair_hall(gql, hall, 5)
    assert "errors" not in result, result.get("errors")
    assert len(result["data"]["projects"]["edges"]) == 5
    # when a page ten times as long is asked for,
    result, large = await fair_hall(gql, hall, 50)
    assert "errors" not in result, result.get("errors")
    assert len(result["data"]["projects"]["edges"]) == 50
    print(f"fair hall: {small} statements for first: 5, {large} for first: 50")
    # then it takes exactly as many statements, and few of them.
    assert large == small
    assert small <= STATEMENT_LIMIT


@pytest.mark.parametrize("first", [20, 100])
async def test_fair_hall_statement_count_is_the_same_for_any_page_size(gql, hall, first):
    # Given the statement count of a page of 5 projects,
    _, baseline = await fair_hall(gql, hall, 5)
    # when a page of another size is asked for,
    result, measured = await fair_hall(gql, hall, first)
    # then the count is the same.
    assert "errors" not in result, result.get("errors")
    assert len(result["data"]["projects"]["edges"]) == min(first, PROJECTS)
    assert measured == baseline
