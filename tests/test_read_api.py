"""The read side of the API, behaviour by behaviour, as an anonymous visitor of the fair sees it.

The session's database is shared by every test, so each test builds its own fair,
districts and pool members (see ``tests.factories``) and reads through a filter on them.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest

from api.catalog.models import ServiceClass
from api.projects.models import Procurement, ProjectStatus
from schema.relay import to_global_id
from tests import factories

# --- documents -----------------------------------------------------------------------

FAIR = """
query Fair($edition: Int) {
  fair(edition: $edition) {
    id edition name isOpen opensAt closesAt
    criteria { key name weight }
    evaluationComponents { key name weight }
  }
}
"""

FAIRS = "{ fairs { id edition name isOpen } }"

FAIR_STATS = """
query FairStats($edition: Int!) {
  fair(edition: $edition) {
    stats {
      projectCount totalBudget awardedCount awardedBudget
      byServiceClass { serviceClass projectCount budget }
      byDistrict { district { id name } projectCount budget }
    }
  }
}
"""

FAIR_PROJECTS = """
query FairProjects($edition: Int!, $first: Int, $after: String, $filter: ProjectFilter) {
  fair(edition: $edition) {
    projects(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage }
      edges { node { code } }
    }
  }
}
"""

PROJECTS = """
query Projects($first: Int, $after: String, $filter: ProjectFilter) {
  projects(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges {
      cursor
      node {
        id code title status serviceClass procurement budget keySupport
        district { id name }
      }
    }
  }
}
"""

PROJECT = "query Project($id: ID!) { project(id: $id) { id code title status } }"

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Fair { edition }
    ... on District { name }
    ... on Publisher { name }
    ... on Project { code }
    ... on Organization { name }
    ... on Supervisor { name }
  }
}
"""

DISTRICTS = "{ districts { id name code } }"

PUBLISHERS = """
query Publishers($district: ID) {
  publishers(district: $district) { id name kind district { id name } }
}
"""

CATALOG_ITEMS = """
query CatalogItems($serviceClass: ServiceClass) {
  catalogItems(serviceClass: $serviceClass) { code name serviceClass negativeList }
}
"""

ORGANIZATIONS = """
query Organizations($first: Int, $after: String, $filter: OrganizationFilter) {
  organizations(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage }
    edges {
      node {
        id name socialWorkers serviceClasses contactName contactPhone
        districts { id name }
      }
    }
  }
}
"""

SUPERVISORS = """
query Supervisors($first: Int, $after: String, $filter: SupervisorFilter) {
  supervisors(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { node { id name affiliation expertise load maxLoad districts { id name } } }
  }
}
"""

MATCHING_ORGANIZATIONS = """
query MatchingOrganizations($id: ID!, $first: Int!) {
  project(id: $id) {
    matchingOrganizations(first: $first) {
      score reasons organization { id name serviceClasses socialWorkers }
    }
  }
}
"""

MATCHING_PROJECTS = """
query MatchingProjects($id: ID!, $first: Int!) {
  node(id: $id) {
    ... on Organization {
      matchingProjects(first: $first) { score reasons project { id title status } }
    }
  }
}
"""

ORGANIZATIONS_WITH_MATCHES = """
query OrganizationsWithMatches($filter: OrganizationFilter) {
  organizations(first: 10, filter: $filter) {
    edges { node { name matchingProjects(first: 3) { reasons project { id } } } }
  }
}
"""

MIN_BUDGET_LITERAL = """
query MinBudgetLiteral($fair: ID!) {
  projects(filter: {fair: $fair, minBudget: 1.5}) { totalCount }
}
"""

AUDIT_LOG = "{ auditLog(first: 5) { totalCount edges { node { action } } } }"

DISTRICT_NAMES = "{ districts { name } }"

BROKEN = "{ districts { name "

ALIASES_AT_LIMIT = "{ " + " ".join(f"d{i}: districts {{ name }}" for i in range(30)) + " }"

TOO_MANY_ALIASES = "{ " + " ".join(f"d{i}: districts {{ name }}" for i in range(31)) + " }"

# A project's matches, their projects' matches, and so on: far deeper than 12 levels.
TOO_DEEP = (
    'query TooDeep { project(id: "x") { '
    + "matchingOrganizations { organization { matchingProjects { project { " * 5
    + "id"
    + " } } } }" * 5
    + " } }"
)

GRAPHQL_RESPONSE = "application/graphql-response+json"


# --- helpers -------------------------------------------------------------------------


def gid(type_name: str, pk: int) -> str:
    return str(to_global_id(type_name, pk))


def messages(result: dict[str, Any]) -> str:
    """Every error message of a response, joined, for asserting on."""
    return " | ".join(e["message"] for e in result.get("errors") or [])


def assert_refused(result: dict[str, Any]) -> None:
    """A GraphQL error, with no internals of the server in it."""
    assert result.get("errors"), result
    assert_no_internals(str(result))
    assert "服务器内部错误" not in messages(result), "an unexpected failure, not a refusal"


def assert_no_internals(text: str) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text


async def post(client, query: str, variables: dict | None = None, accept: str | None = None):
    headers = {"accept": accept} if accept else {}
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )


async def project_codes(gql, filter: dict[str, Any], first: int = 100) -> list[str]:
    result = await gql(PROJECTS, {"first": first, "filter": filter})
    assert "errors" not in result, result["errors"]
    return [e["node"]["code"] for e in result["data"]["projects"]["edges"]]


async def organization_names(gql, filter: dict[str, Any]) -> list[str]:
    result = await gql(ORGANIZATIONS, {"first": 100, "filter": filter})
    assert "errors" not in result, result["errors"]
    return [e["node"]["name"] for e in result["data"]["organizations"]["edges"]]


async def supervisor_names(gql, filter: dict[str, Any]) -> list[str]:
    result = await gql(SUPERVISORS, {"first": 100, "filter": filter})
    assert "errors" not in result, result["errors"]
    return [e["node"]["name"] for e in result["data"]["supervisors"]["edges"]]


async def matches_for(gql, project_pk: int, first: int = 20) -> list[dict[str, Any]]:
    result = await gql(MATCHING_ORGANIZATIONS, {"id": gid("Project", project_pk), "first": first})
    assert "errors" not in result, result["errors"]
    return result["data"]["project"]["matchingOrganizations"]


# --- fairs ---------------------------------------------------------------------------


async def test_fair_by_edition(gql):
    # Given a closed fair, when it is asked for by edition, then it is found and not open.
    fair = await factories.fair(closed=True)
    result = await gql(FAIR, {"edition": fair.edition})
    assert "errors" not in result
    found = result["data"]["fair"]
    assert (found["edition"], found["name"], found["isOpen"]) == (fair.edition, fair.name, False)
    assert found["id"] == gid("Fair", fair.id)


async def test_unknown_edition_is_null(gql):
    # Given no fair of edition -1, when it is asked for, then the answer is null.
    result = await gql(FAIR, {"edition": -1})
    assert "errors" not in result
    assert result["data"]["fair"] is None


async def test_fair_without_edition_is_the_open_one(gql):
    # Given a closed fair and a fair that has opened this very moment (the latest to
    # open of all fairs in the database),
    await factories.fair(closed=True)
    current = await factories.fair(opened=timedelta(0))
    # when the fair is asked for without an edition,
    result = await gql(FAIR, {})
    # then it is the open one.
    assert "errors" not in result
    assert result["data"]["fair"]["edition"] == current.edition
    assert result["data"]["fair"]["isOpen"] is True


async def test_fairs_lists_every_edition_newest_first(gql):
    # Given an open and a closed fair, when every fair is listed,
    closed = await factories.fair(closed=True)
    opened = await factories.fair()
    result = await gql(FAIRS)
    # then both are there with their state, newest edition first.
    assert "errors" not in result
    fairs = result["data"]["fairs"]
    by_edition = {f["edition"]: f for f in fairs}
    assert by_edition[closed.edition]["isOpen"] is False
    assert by_edition[opened.edition]["isOpen"] is True
    editions = [f["edition"] for f in fairs]
    assert editions == sorted(editions, reverse=True)


async def test_fair_timestamps_carry_an_offset(gql):
    # Given a fair, when its window is read, then both ends are ISO 8601 with an offset.
    fair = await factories.fair()
    found = (await gql(FAIR, {"edition": fair.edition}))["data"]["fair"]
    assert found["opensAt"].endswith("+08:00")
    assert found["closesAt"].endswith("+08:00")


async def test_criteria_and_evaluation_weights_sum_to_100(gql):
    # Given a fair with the default rules, when its criteria are read,
    fair = await factories.fair()
    found = (await gql(FAIR, {"edition": fair.edition}))["data"]["fair"]
    # then review weights sum to 100, and so do evaluation weights, residents' >= 60.
    assert sum(c["weight"] for c in found["criteria"]) == 100
    components = {c["key"]: c["weight"] for c in found["evaluationComponents"]}
    assert sum(components.values()) == 100
    assert components["community"] + components["beneficiary"] >= 60
    assert all(c["name"] for c in found["criteria"])


async def test_stats_count_published_projects_with_exact_sums(gql):
    # Given a fair with published projects in two classes and two districts, one
    # awarded project, and one draft,
    fair = await factories.fair()
    east, west = await factories.district(), await factories.district()
    await factories.project(fair, in_district=east, budget="100000.10")
    await factories.project(fair, in_district=east, budget="49999.90")
    await factories.project(
        fair, in_district=west, budget="12345.67", service_class=ServiceClass.CHILDREN
    )
    awarded = await factories.project(fair, in_district=west, budget="30000.00")
    await factories.award(awarded, await factories.organization(), "28000.50")
    await factories.project(fair, in_district=east, budget="99999.99", status=ProjectStatus.DRAFT)
    # when the fair's figures are read,
    result = await gql(FAIR_STATS, {"edition": fair.edition})
    # then drafts are left out and every sum is an exact two-place string.
    assert "errors" not in result, result.get("errors")
    stats = result["data"]["fair"]["stats"]
    assert stats["projectCount"] == 4
    assert stats["totalBudget"] == "192345.67"
    assert (stats["awardedCount"], stats["awardedBudget"]) == (1, "28000.50")
    by_class = {
        c["serviceClass"]: (c["projectCount"], c["budget"]) for c in stats["byServiceClass"]
    }
    assert by_class == {"ELDERLY": (3, "180000.00"), "CHILDREN": (1, "12345.67")}
    by_district = {d["district"]["name"]: d for d in stats["byDistrict"]}
    assert by_district[east.name]["projectCount"] == 2
    assert by_district[east.name]["budget"] == "150000.00"
    assert by_district[west.name]["projectCount"] == 2
    assert by_district[west.name]["budget"] == "42345.67"


async def test_stats_of_an_empty_fair_are_zero(gql):
    # Given a fair without projects, when its figures are read, then they are zero.
    fair = await factories.fair()
    stats = (await gql(FAIR_STATS, {"edition": fair.edition}))["data"]["fair"]["stats"]
    assert (stats["projectCount"], stats["totalBudget"]) == (0, "0.00")
    assert (stats["awardedCount"], stats["awardedBudget"]) == (0, "0.00")
    assert stats["byServiceClass"] == stats["byDistrict"] == []


async def test_fair_projects_are_only_that_fairs(gql):
    # Given two fairs with a project each, when one fair's projects are read,
    fair, other = await factories.fair(), await factories.fair()
    mine = await factories.project(fair)
    await factories.project(other)
    result = await gql(FAIR_PROJECTS, {"edition": fair.edition, "first": 10})
    # then only its own project is there.
    projects = result["data"]["fair"]["projects"]
    assert [e["node"]["code"] for e in projects["edges"]] == [mine.code]
    assert projects["totalCount"] == 1


# --- project filters -----------------------------------------------------------------


async def test_filter_by_service_class(gql):
    # Given projects of three classes, when two classes are asked for,
    fair = await factories.fair()
    elderly = await factories.project(fair, service_class=ServiceClass.ELDERLY)
    children = await factories.project(fair, service_class=ServiceClass.CHILDREN)
    await factories.project(fair, service_class=ServiceClass.DISABILITY)
    codes = await project_codes(
        gql, {"fair": gid("Fair", fair.id), "serviceClass": ["ELDERLY", "CHILDREN"]}
    )
    # then exactly the projects of those classes come back.
    assert codes == [elderly.code, children.code]


async def test_filter_by_district(gql):
    # Given projects in two districts, when one district is asked for,
    fair = await factories.fair()
    here, there = await factories.district(), await factories.district()
    local = await factories.project(fair, in_district=here)
    await factories.project(fair, in_district=there)
    result = await gql(
        PROJECTS, {"filter": {"fair": gid("Fair", fair.id), "district": [gid("District", here.id)]}}
    )
    # then only the project delivered there comes back, with its district.
    edges = result["data"]["projects"]["edges"]
    assert [e["node"]["code"] for e in edges] == [local.code]
    assert edges[0]["node"]["district"] == {"id": gid("District", here.id), "name": here.name}


async def test_filter_by_status(gql):
    # Given a published, a bidding and a claimed project, when BIDDING is asked for,
    fair = await factories.fair()
    await factories.project(fair, status=ProjectStatus.PUBLISHED)
    bidding = await factories.project(fair, status=ProjectStatus.BIDDING)
    await factories.project(fair, status=ProjectStatus.CLAIMED)
    codes = await project_codes(gql, {"fair": gid("Fair", fair.id), "status": ["BIDDING"]})
    # then only the bidding project comes back.
    assert codes == [bidding.code]


async def test_filter_by_procurement(gql):
    # Given a direct and a competitive project, when COMPETITIVE is asked for,
    fair = await factories.fair()
    await factories.project(fair, procurement=Procurement.DIRECT)
    competitive = await factories.project(fair, procurement=Procurement.COMPETITIVE)
    codes = await project_codes(gql, {"fair": gid("Fair", fair.id), "procurement": "COMPETITIVE"})
    # then only the competitive project comes back.
    assert codes == [competitive.code]


async def test_budget_bounds_are_inclusive(gql):
    # Given projects of 50,000, 100,000, 150,000 and 200,000 yuan,
    fair = await factories.fair()
    p = [
        await factories.project(fair, budget=b)
        for b in ("50000.00", "100000.00", "150000.00", "200000.00")
    ]
    # when the budget is bounded by 100,000 and 150,000,
    codes = await project_codes(
        gql, {"fair": gid("Fair", fair.id), "minBudget": "100000.00", "maxBudget": "150000.00"}
    )
    # then the projects exactly on the bounds are included.
    assert codes == [p[1].code, p[2].code]


async def test_min_budget_alone(gql):
    # Given projects just below and exactly at 100,000.00, when at least 100,000.00 is asked,
    fair = await factories.fair()
    await factories.project(fair, budget="99999.99")
    at = await factories.project(fair, budget="100000.00")
    codes = await project_codes(gql, {"fair": gid("Fair", fair.id), "minBudget": "100000.00"})
    # then the cent below is left out.
    assert codes == [at.code]


async def test_max_budget_alone(gql):
    # Given projects exactly at and just above 100,000.00, when at most 100,000.00 is asked,
    fair = await factories.fair()
    at = await factories.project(fair, budget="100000.00")
    await factories.project(fair, budget="100000.01")
    codes = await project_codes(gql, {"fair": gid("Fair", fair.id), "maxBudget": "100000.00"})
    # then the cent above is left out.
    assert codes == [at.code]


async def test_budget_comes_back_as_two_place_string(gql):
    # Given a project of 150,000 yuan, when it is read, then its budget is "150000.00".
    fair = await factories.fair()
    await factories.project(fair, budget="150000")
    result = await gql(PROJECTS, {"filter": {"fair": gid("Fair", fair.id)}})
    assert result["data"]["projects"]["edges"][0]["node"]["budget"] == "150000.00"


@pytest.mark.parametrize("key_support", [True, False])
async def test_filter_by_key_support(gql, key_support):
    # Given a key-support project and an ordinary one, when either kind is asked for,
    fair = await factories.fair()
    key = await factories.project(fair, key_support=True)
    ordinary = await factories.project(fair, key_support=False)
    codes = await project_codes(gql, {"fair": gid("Fair", fair.id), "keySupport": key_support})
    # then only that kind comes back.
    assert codes == [key.code if key_support else ordinary.code]


async def test_search_finds_a_chinese_substring_of_the_title(gql):
    # Given a home elderly-care project and a youth project,
    fair = await factories.fair()
    care = await factories.project(fair, title="居家养老服务进社区")
    await factories.project(fair, title="青少年课后托管", service_class=ServiceClass.CHILDREN)
    # when 养老 is searched for,
    result = await gql(PROJECTS, {"filter": {"fair": gid("Fair", fair.id), "search": "养老"}})
    # then the elderly-care project is found, and only it.
    edges = result["data"]["projects"]["edges"]
    assert [(e["node"]["code"], e["node"]["title"]) for e in edges] == [
        (care.code, "居家养老服务进社区")
    ]


async def test_search_looks_in_the_description_too(gql):
    # Given a project whose title does not say what its description does,
    fair = await factories.fair()
    visits = await factories.project(
        fair, title="邻里守望", description="为独居老人提供上门探访服务"
    )
    await factories.project(fair, title="社区议事厅", description="培育居民议事能力")
    # when a phrase of the description is searched for, then that project is found.
    codes = await project_codes(gql, {"fair": gid("Fair", fair.id), "search": "独居老人"})
    assert codes == [visits.code]


async def test_search_treats_wildcards_as_text(gql):
    # Given projects without a percent sign, when "%" is searched for, then nothing matches.
    fair = await factories.fair()
    await factories.project(fair, title="助残康复服务")
    assert await project_codes(gql, {"fair": gid("Fair", fair.id), "search": "%"}) == []


async def test_drafts_are_not_listed_to_anonymous_visitors(gql):
    # Given a published and a draft project, when an anonymous visitor lists the fair,
    fair = await factories.fair()
    published = await factories.project(fair)
    await factories.project(fair, status=ProjectStatus.DRAFT)
    # then the draft is not listed, not even when asked for by status.
    assert await project_codes(gql, {"fair": gid("Fair", fair.id)}) == [published.code]
    assert await project_codes(gql, {"fair": gid("Fair", fair.id), "status": ["DRAFT"]}) == []


async def test_a_draft_cannot_be_fetched_by_id_anonymously(gql):
    # Given a draft project, when an anonymous visitor asks for it by id, then it is null.
    fair = await factories.fair()
    draft = await factories.project(fair, status=ProjectStatus.DRAFT)
    for document in (PROJECT, NODE):
        result = await gql(document, {"id": gid("Project", draft.id)})
        assert "errors" not in result
        assert next(iter(result["data"].values())) is None


# --- pagination ----------------------------------------------------------------------


async def test_pages_walk_through_every_row_once(gql):
    # Given a fair with 7 projects,
    fair = await factories.fair()
    made = [(await factories.project(fair)).code for _ in range(7)]
    # when they are read 3 at a time, following endCursor,
    seen: list[str] = []
    pages = []
    after = None
    while True:
        result = await gql(
            PROJECTS, {"first": 3, "after": after, "filter": {"fair": gid("Fair", fair.id)}}
        )
        page = result["data"]["projects"]
        pages.append(page)
        seen += [e["node"]["code"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # then every project comes exactly once, in three pages.
    assert seen == made
    assert [len(p["edges"]) for p in pages] == [3, 3, 1]
    assert all(p["totalCount"] == 7 for p in pages)


async def test_page_info_says_what_lies_before_and_after(gql):
    # Given a fair with 4 projects, when the first and then the second page of 2 is read,
    fair = await factories.fair()
    for _ in range(4):
        await factories.project(fair)
    variables: dict[str, Any] = {"first": 2, "filter": {"fair": gid("Fair", fair.id)}}
    first = (await gql(PROJECTS, variables))["data"]["projects"]
    second = await gql(PROJECTS, {**variables, "after": first["pageInfo"]["endCursor"]})
    second = second["data"]["projects"]
    # then page info says so, and the cursors are those of the edges.
    assert (first["pageInfo"]["hasPreviousPage"], first["pageInfo"]["hasNextPage"]) == (
        False,
        True,
    )
    assert (second["pageInfo"]["hasPreviousPage"], second["pageInfo"]["hasNextPage"]) == (
        True,
        False,
    )
    assert first["pageInfo"]["startCursor"] == first["edges"][0]["cursor"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]


async def test_cursor_stays_valid_when_a_row_is_inserted_between_pages(gql):
    # Given a fair with 4 projects and the first page of 2 already read,
    fair = await factories.fair()
    made = [(await factories.project(fair)).code for _ in range(4)]
    variables: dict[str, Any] = {"first": 2, "filter": {"fair": gid("Fair", fair.id)}}
    first = (await gql(PROJECTS, variables))["data"]["projects"]
    # when a new project is published before the next page is fetched,
    added = await factories.project(fair)
    rest = await gql(PROJECTS, {**variables, "first": 10, "after": first["pageInfo"]["endCursor"]})
    # then the next page holds the rest and the new row: nothing repeated, nothing lost.
    codes = [e["node"]["code"] for e in first["edges"]]
    codes += [e["node"]["code"] for e in rest["data"]["projects"]["edges"]]
    assert codes == [*made, added.code]


async def test_cursor_stays_valid_when_a_seen_row_leaves_the_list(gql):
    # Given a fair with 6 projects and the first page of 3 already read,
    fair = await factories.fair()
    made = [await factories.project(fair) for _ in range(6)]
    variables: dict[str, Any] = {"first": 3, "filter": {"fair": gid("Fair", fair.id)}}
    first = (await gql(PROJECTS, variables))["data"]["projects"]
    # when a project of that page is withdrawn to draft before the next page is fetched,
    made[0].status = ProjectStatus.DRAFT
    await made[0].save(update_fields=["status"])
    second = await gql(PROJECTS, {**variables, "after": first["pageInfo"]["endCursor"]})
    # then the next page still starts right after the last row seen: none is skipped.
    assert [e["node"]["code"] for e in second["data"]["projects"]["edges"]] == [
        p.code for p in made[3:]
    ]


async def test_first_zero_gives_only_the_count(gql):
    # Given a fair with 3 projects, when first: 0 is asked for,
    fair = await factories.fair()
    for _ in range(3):
        await factories.project(fair)
    result = await gql(PROJECTS, {"first": 0, "filter": {"fair": gid("Fair", fair.id)}})
    # then there are no edges but the total is counted.
    page = result["data"]["projects"]
    assert page["edges"] == []
    assert page["totalCount"] == 3
    assert page["pageInfo"]["hasNextPage"] is True


async def test_default_page_is_twenty_rows(gql):
    # Given a fair with 21 projects, when no first is given, then 20 come back.
    fair = await factories.fair()
    for _ in range(21):
        await factories.project(fair)
    result = await gql(PROJECTS, {"filter": {"fair": gid("Fair", fair.id)}})
    assert len(result["data"]["projects"]["edges"]) == 20
    assert result["data"]["projects"]["pageInfo"]["hasNextPage"] is True


async def test_a_page_of_100_is_allowed(gql):
    # Given the page-size cap of 100, when exactly 100 are asked for, then no error.
    result = await gql(PROJECTS, {"first": 100, "filter": {"fair": gid("Fair", 0)}})
    assert "errors" not in result


@pytest.mark.parametrize("first", [101, 10_000, -1])
async def test_page_size_out_of_range_is_refused(client, first):
    # Given the cap of 100 rows a page, when more (or a negative number) is asked for,
    response = await post(client, PROJECTS, {"first": first})
    # then the answer is a GraphQL error naming the range, never a server failure.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert "first" in messages(result)
    assert result["data"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "",
        base64.urlsafe_b64encode(b"k1:abc").decode(),
        base64.urlsafe_b64encode(b"Project:1").decode(),
        base64.urlsafe_b64encode(b"k1:-5").decode(),
        base64.urlsafe_b64encode("k1:²".encode()).decode(),
    ],
    ids=["garbage", "empty", "not-a-number", "a-global-id", "negative", "superscript-digit"],
)
async def test_malformed_cursor_is_refused(client, cursor):
    # Given a cursor the server never issued, when a page after it is asked for,
    response = await post(client, PROJECTS, {"first": 5, "after": cursor})
    # then the answer is a clear GraphQL error.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert "游标" in messages(result)


async def test_forged_cursor_with_a_huge_key_is_not_a_server_failure(client):
    # Given a well-formed cursor whose key is beyond any row id,
    cursor = base64.urlsafe_b64encode(b"k1:999999999999").decode().rstrip("=")
    # when a page after it is asked for,
    response = await post(client, PROJECTS, {"first": 5, "after": cursor})
    # then the answer is an empty page or a clear refusal, never an internal error.
    assert response.status_code == 200
    result = response.json()
    if result.get("errors"):
        assert_refused(result)
    else:
        assert result["data"]["projects"]["edges"] == []


# --- global ids ----------------------------------------------------------------------


async def _listed_id(gql, type_name: str) -> tuple[str, str, Any]:
    """A new object of ``type_name``, its id as the API lists it, and its name or code."""
    place = await factories.district()
    if type_name == "District":
        result = await gql(DISTRICTS)
        found = next(d for d in result["data"]["districts"] if d["name"] == place.name)
        return found["id"], "name", place.name
    if type_name == "Publisher":
        publisher = await factories.publisher(place)
        result = await gql(PUBLISHERS, {"district": gid("District", place.id)})
        return result["data"]["publishers"][0]["id"], "name", publisher.name
    if type_name in ("Fair", "Project"):
        fair = await factories.fair()
        project = await factories.project(fair, in_district=place)
        if type_name == "Fair":
            result = await gql(FAIR, {"edition": fair.edition})
            return result["data"]["fair"]["id"], "edition", fair.edition
        result = await gql(PROJECTS, {"filter": {"fair": gid("Fair", fair.id)}})
        return result["data"]["projects"]["edges"][0]["node"]["id"], "code", project.code
    if type_name == "Organization":
        org = await factories.organization(districts=(place,))
        result = await gql(ORGANIZATIONS, {"filter": {"district": [gid("District", place.id)]}})
        return result["data"]["organizations"]["edges"][0]["node"]["id"], "name", org.name
    person = await factories.supervisor(districts=(place,))
    result = await gql(SUPERVISORS, {"filter": {"district": [gid("District", place.id)]}})
    return result["data"]["supervisors"]["edges"][0]["node"]["id"], "name", person.name


@pytest.mark.parametrize(
    "type_name", ["Fair", "District", "Publisher", "Project", "Organization", "Supervisor"]
)
async def test_node_round_trips_a_listed_id(gql, type_name):
    # Given an object and the id the API lists it under,
    listed_id, field, value = await _listed_id(gql, type_name)
    # when node(id) is asked for that id,
    result = await gql(NODE, {"id": listed_id})
    # then the same object comes back, with the same id.
    assert "errors" not in result, result.get("errors")
    node = result["data"]["node"]
    assert node["__typename"] == type_name
    assert node["id"] == listed_id
    assert node[field] == value


@pytest.mark.parametrize(
    "type_name", ["Fair", "District", "Publisher", "Project", "Organization", "Supervisor", "Nope"]
)
async def test_node_of_an_unknown_row_is_null(gql, type_name):
    # Given a well-formed id naming no row (or no type), when node(id) is asked for,
    result = await gql(NODE, {"id": gid(type_name, 987_654_321)})
    # then the answer is null, without error.
    assert "errors" not in result, result.get("errors")
    assert result["data"]["node"] is None


@pytest.mark.parametrize(
    "bad_id",
    [
        "garbage!!",
        "",
        "   ",
        "UHJvamVjdA",
        "UHJvamVjdDphYmM",
        "UHJvamVjdDotMQ",
        "🙂",
        base64.urlsafe_b64encode("Project:²".encode()).decode(),
        base64.urlsafe_b64encode("Project:١٢".encode()).decode(),
    ],
    ids=[
        "punctuation",
        "empty",
        "blank",
        "no-key",
        "key-not-a-number",
        "negative",
        "emoji",
        "superscript-digit",
        "arabic-indic-digits",
    ],
)
async def test_node_of_a_garbage_id_is_a_clear_error(client, bad_id):
    # Given something that is not a global id, when node(id) is asked for it,
    response = await post(client, NODE, {"id": bad_id})
    # then the answer is null or a clear GraphQL error, never a server failure.
    assert response.status_code == 200
    result = response.json()
    if result.get("errors"):
        assert_refused(result)
    else:
        assert result["data"]["node"] is None


@pytest.mark.parametrize("pk", [2**31, 99_999_999_999])
async def test_node_with_a_key_beyond_the_id_range_is_not_a_server_failure(client, pk):
    # Given a well-formed project id whose key no row can have,
    response = await post(client, NODE, {"id": gid("Project", pk)})
    # when node(id) is asked for it, then it is null or a clear error, not an internal one.
    assert response.status_code == 200
    result = response.json()
    if result.get("errors"):
        assert_refused(result)
    else:
        assert result["data"]["node"] is None


async def test_project_by_an_id_of_another_type_is_a_clear_error(gql):
    # Given the id of a district, when it is passed as a project's id,
    place = await factories.district()
    result = await gql(PROJECT, {"id": gid("District", place.id)})
    # then the answer is a clear error saying it is not a project.
    assert_refused(result)
    assert "Project" in messages(result)
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_project_by_id(gql):
    # Given a published project, when it is asked for by id, then it comes back.
    fair = await factories.fair()
    made = await factories.project(fair, title="助残康复训练")
    result = await gql(PROJECT, {"id": gid("Project", made.id)})
    assert result["data"]["project"] == {
        "id": gid("Project", made.id),
        "code": made.code,
        "title": "助残康复训练",
        "status": "PUBLISHED",
    }


# --- organizations -------------------------------------------------------------------


async def test_organizations_filter_by_service_class(gql):
    # Given an elderly-care and a children's organization in one district,
    place = await factories.district()
    elderly = await factories.organization(
        service_classes=(ServiceClass.ELDERLY, ServiceClass.HARDSHIP), districts=(place,)
    )
    await factories.organization(service_classes=(ServiceClass.CHILDREN,), districts=(place,))
    # when that district's ELDERLY organizations are asked for,
    result = await gql(
        ORGANIZATIONS,
        {"filter": {"district": [gid("District", place.id)], "serviceClass": ["ELDERLY"]}},
    )
    # then only the elderly-care one comes back, with all its classes.
    edges = result["data"]["organizations"]["edges"]
    assert [e["node"]["name"] for e in edges] == [elderly.name]
    assert edges[0]["node"]["serviceClasses"] == ["ELDERLY", "HARDSHIP"]


async def test_organizations_filter_by_district(gql):
    # Given organizations serving one district, another, and both,
    here, there = await factories.district(), await factories.district()
    local = await factories.organization(districts=(here,))
    await factories.organization(districts=(there,))
    both = await factories.organization(districts=(here, there))
    # when the first district is asked for, then the ones serving it come back,
    assert await organization_names(gql, {"district": [gid("District", here.id)]}) == [
        local.name,
        both.name,
    ]
    # and the districts each serves are listed.
    result = await gql(ORGANIZATIONS, {"filter": {"district": [gid("District", here.id)]}})
    served = {
        e["node"]["name"]: e["node"]["districts"] for e in result["data"]["organizations"]["edges"]
    }
    assert [d["name"] for d in served[both.name]] == [here.name, there.name]


async def test_organization_serving_two_asked_districts_is_counted_once(gql):
    # Given an organization serving two districts,
    here, there = await factories.district(), await factories.district()
    both = await factories.organization(districts=(here, there))
    # when both districts are asked for,
    result = await gql(
        ORGANIZATIONS,
        {"filter": {"district": [gid("District", here.id), gid("District", there.id)]}},
    )
    # then it comes back once, and is counted once.
    page = result["data"]["organizations"]
    assert [e["node"]["name"] for e in page["edges"]] == [both.name]
    assert page["totalCount"] == 1


async def test_organizations_filter_by_min_social_workers(gql):
    # Given organizations with 1, 3 and 5 social workers in one district,
    place = await factories.district()
    orgs = [await factories.organization(social_workers=n, districts=(place,)) for n in (1, 3, 5)]
    # when at least 3 are asked for, then the organization with exactly 3 is included.
    names = await organization_names(
        gql, {"district": [gid("District", place.id)], "minSocialWorkers": 3}
    )
    assert names == [orgs[1].name, orgs[2].name]


async def test_organizations_search_by_chinese_name(gql):
    # Given an organization with a distinctive name, when part of the name is searched,
    n = factories.next_number()
    found = await factories.organization(name=f"鼓楼区乐龄{n}号社会工作服务中心")
    await factories.organization()
    # then it is found.
    assert await organization_names(gql, {"search": f"乐龄{n}号"}) == [found.name]


async def test_organization_contacts_are_hidden_from_anonymous_visitors(gql):
    # Given an organization with a contact phone, when an anonymous visitor reads it,
    place = await factories.district()
    await factories.organization(districts=(place,), contact_phone="025-84000000")
    result = await gql(ORGANIZATIONS, {"filter": {"district": [gid("District", place.id)]}})
    # then the contact phone and person are null.
    node = result["data"]["organizations"]["edges"][0]["node"]
    assert node["contactPhone"] is None
    assert node["contactName"] is None


# --- supervisors ---------------------------------------------------------------------


async def test_supervisors_filter_by_expertise(gql):
    # Given an expert in disability and one in mediation serving one district,
    place = await factories.district()
    disability = await factories.supervisor(
        expertise=(ServiceClass.DISABILITY,), districts=(place,)
    )
    await factories.supervisor(expertise=(ServiceClass.MEDIATION,), districts=(place,))
    # when disability expertise is asked for, then only that expert comes back.
    names = await supervisor_names(
        gql, {"district": [gid("District", place.id)], "expertise": ["DISABILITY"]}
    )
    assert names == [disability.name]


async def test_supervisors_filter_by_district(gql):
    # Given supervisors of two districts, when one district is asked for,
    here, there = await factories.district(), await factories.district()
    local = await factories.supervisor(districts=(here,))
    await factories.supervisor(districts=(there,))
    # then only the supervisor serving it comes back.
    assert await supervisor_names(gql, {"district": [gid("District", here.id)]}) == [local.name]


@pytest.mark.parametrize("available", [True, False])
async def test_supervisors_filter_by_availability(gql, available):
    # Given a supervisor with room (2 of 5) and one at full load (5 of 5),
    place = await factories.district()
    free = await factories.supervisor(districts=(place,), load=2, max_load=5)
    full = await factories.supervisor(districts=(place,), load=5, max_load=5)
    # when available (or unavailable) supervisors are asked for,
    names = await supervisor_names(
        gql, {"district": [gid("District", place.id)], "available": available}
    )
    # then only the supervisor of that kind comes back.
    assert names == [free.name if available else full.name]


async def test_supervisors_search_name_and_affiliation(gql):
    # Given supervisors known by a distinctive name and by a distinctive affiliation,
    n = factories.next_number()
    by_name = await factories.supervisor(name=f"钱{n}老师")
    by_affiliation = await factories.supervisor(affiliation=f"金陵{n}学院社会工作系")
    # when either is searched for, then each is found.
    assert await supervisor_names(gql, {"search": f"钱{n}"}) == [by_name.name]
    assert await supervisor_names(gql, {"search": f"金陵{n}学院"}) == [by_affiliation.name]


async def test_supervisor_load_and_expertise_are_read(gql):
    # Given a supervisor of two fields with 3 of 6 projects,
    place = await factories.district()
    await factories.supervisor(
        expertise=(ServiceClass.ELDERLY, ServiceClass.MEDIATION),
        districts=(place,),
        load=3,
        max_load=6,
    )
    # when it is read, then its load, maximum, fields and districts are as stored.
    result = await gql(SUPERVISORS, {"filter": {"district": [gid("District", place.id)]}})
    node = result["data"]["supervisors"]["edges"][0]["node"]
    assert (node["load"], node["maxLoad"]) == (3, 6)
    assert node["expertise"] == ["ELDERLY", "MEDIATION"]
    assert node["districts"] == [{"id": gid("District", place.id), "name": place.name}]


# --- matching ------------------------------------------------------------------------


async def test_organization_serving_the_district_ranks_above_an_equal_one(gql):
    # Given a project in one district, and two equally strong organizations of its class,
    # one serving that district and one serving another,
    fair = await factories.fair()
    here, elsewhere = await factories.district(), await factories.district()
    project = await factories.project(
        fair, in_district=here, service_class=ServiceClass.PARTICIPATION
    )
    local = await factories.elite_organization(
        service_classes=(ServiceClass.PARTICIPATION,), districts=(here,)
    )
    remote = await factories.elite_organization(
        service_classes=(ServiceClass.PARTICIPATION,), districts=(elsewhere,)
    )
    # when the project's matching organizations are asked for,
    matches = await matches_for(gql, project.id)
    ranked = [m["organization"]["name"] for m in matches]
    # then the local one comes first and the other after it, with a lower score.
    assert ranked[0] == local.name
    assert remote.name in ranked
    scores = {m["organization"]["name"]: m["score"] for m in matches}
    assert scores[local.name] > scores[remote.name]


async def test_match_reasons_are_chinese_and_name_the_district(gql):
    # Given a project and an organization serving its district,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.ELDERLY)
    local = await factories.elite_organization(districts=(here,))
    # when the project's matches are read,
    matches = await matches_for(gql, project.id)
    # then the local organization's reasons are Chinese and name the district,
    reasons = next(m["reasons"] for m in matches if m["organization"]["name"] == local.name)
    assert any(here.name in r for r in reasons)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r) for r in reasons)
    # and every score lies in [0, 1].
    assert all(0 <= m["score"] <= 1 for m in matches)


async def test_organization_without_enough_social_workers_is_never_recommended(gql):
    # Given a project needing 8 social workers, and local organizations with 7 and 8,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(
        fair, in_district=here, service_class=ServiceClass.HARDSHIP, min_social_workers=8
    )
    short = await factories.elite_organization(
        service_classes=(ServiceClass.HARDSHIP,), districts=(here,), social_workers=7
    )
    enough = await factories.elite_organization(
        service_classes=(ServiceClass.HARDSHIP,), districts=(here,), social_workers=8
    )
    # when the project's matches are asked for,
    matches = await matches_for(gql, project.id)
    names = [m["organization"]["name"] for m in matches]
    # then the one with too few is not among them, and none has fewer than 8.
    assert enough.name in names
    assert short.name not in names
    assert all(m["organization"]["socialWorkers"] >= 8 for m in matches)


async def test_organization_under_credit_restriction_is_never_recommended(gql):
    # Given a project and a strong local organization that is recommended for it,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.DISABILITY)
    org = await factories.elite_organization(
        service_classes=(ServiceClass.DISABILITY,), districts=(here,)
    )
    assert org.name in [m["organization"]["name"] for m in await matches_for(gql, project.id)]
    # when it falls under a credit restriction and the index is rebuilt,
    org.restricted_until = factories.now() + timedelta(days=180)
    await org.save(update_fields=["restricted_until"])
    await factories.index_organizations([org.id])
    # then it is no longer recommended.
    names = [m["organization"]["name"] for m in await matches_for(gql, project.id)]
    assert org.name not in names


async def test_organization_whose_restriction_has_ended_is_recommended_again(gql):
    # Given a local organization whose credit restriction ended an hour ago,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.MEDIATION)
    org = await factories.elite_organization(
        service_classes=(ServiceClass.MEDIATION,),
        districts=(here,),
        restricted_until=factories.now() - timedelta(hours=1),
    )
    # when the project's matches are asked for, then it is recommended.
    names = [m["organization"]["name"] for m in await matches_for(gql, project.id)]
    assert org.name in names


async def test_organization_of_another_service_class_is_never_recommended(gql):
    # Given a mediation project and a strong local organization working for children only,
    fair = await factories.fair()
    here = await factories.district()
    project = await factories.project(fair, in_district=here, service_class=ServiceClass.MEDIATION)
    other = await factories.elite_organization(
        service_classes=(ServiceClass.CHILDREN,), districts=(here,)
    )
    # when the project's matches are asked for,
    matches = await matches_for(gql, project.id)
    # then it is not among them, and every recommended organization works in mediation.
    assert other.name not in [m["organization"]["name"] for m in matches]
    assert all("MEDIATION" in m["organization"]["serviceClasses"] for m in matches)


@pytest.mark.parametrize("first", [0, -1, 21, 1000])
async def test_matching_count_out_of_range_is_refused(client, first):
    # Given a project, when 0, negative or more than 20 matches are asked for,
    fair = await factories.fair()
    project = await factories.project(fair)
    response = await post(
        client, MATCHING_ORGANIZATIONS, {"id": gid("Project", project.id), "first": first}
    )
    # then the answer is a clear error.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert "first" in messages(result)


async def test_matching_projects_are_open_projects_of_its_classes(gql):
    # Given an elderly-care organization serving one district, and in that district an
    # open elderly project, a children's project, a claimed elderly project and an
    # elderly project of a closed fair,
    fair, past = await factories.fair(), await factories.fair(closed=True)
    here = await factories.district()
    org = await factories.elite_organization(districts=(here,))
    wanted = await factories.project(fair, in_district=here, title="老年助餐点运营")
    children = await factories.project(fair, in_district=here, service_class=ServiceClass.CHILDREN)
    claimed = await factories.project(fair, in_district=here, status=ProjectStatus.CLAIMED)
    closed = await factories.project(past, in_district=here)
    # when its matching projects are asked for,
    result = await gql(MATCHING_PROJECTS, {"id": gid("Organization", org.id), "first": 5})
    assert "errors" not in result, result.get("errors")
    matches = result["data"]["node"]["matchingProjects"]
    ids = [m["project"]["id"] for m in matches]
    # then the open elderly project leads, with reasons naming the district,
    assert ids[0] == gid("Project", wanted.id)
    assert any(here.name in r for r in matches[0]["reasons"])
    # and the others are not recommended.
    for left_out in (children, claimed, closed):
        assert gid("Project", left_out.id) not in ids
    assert all(m["project"]["status"] in ("PUBLISHED", "BIDDING") for m in matches)
    assert all(0 <= m["score"] <= 1 for m in matches)


async def test_matching_projects_for_a_page_of_organizations(gql):
    # Given an elderly-care and a children's organization serving one district, and an
    # open project of each class there,
    fair = await factories.fair()
    here = await factories.district()
    elderly_org = await factories.elite_organization(districts=(here,))
    children_org = await factories.elite_organization(
        service_classes=(ServiceClass.CHILDREN,), districts=(here,)
    )
    elderly = await factories.project(fair, in_district=here)
    children = await factories.project(fair, in_district=here, service_class=ServiceClass.CHILDREN)
    # when the district's organizations are listed with their matching projects,
    result = await gql(
        ORGANIZATIONS_WITH_MATCHES, {"filter": {"district": [gid("District", here.id)]}}
    )
    assert "errors" not in result, result.get("errors")
    # then each organization is matched first to the local project of its own class.
    first_match = {
        e["node"]["name"]: e["node"]["matchingProjects"][0]["project"]["id"]
        for e in result["data"]["organizations"]["edges"]
    }
    assert first_match == {
        elderly_org.name: gid("Project", elderly.id),
        children_org.name: gid("Project", children.id),
    }


async def test_matching_projects_of_a_restricted_organization_is_empty(gql):
    # Given an organization under credit restriction and an open project of its class,
    fair = await factories.fair()
    here = await factories.district()
    await factories.project(fair, in_district=here)
    org = await factories.elite_organization(
        districts=(here,), restricted_until=factories.now() + timedelta(days=90)
    )
    # when its matching projects are asked for, then there are none.
    result = await gql(MATCHING_PROJECTS, {"id": gid("Organization", org.id), "first": 5})
    assert "errors" not in result, result.get("errors")
    assert result["data"]["node"]["matchingProjects"] == []


async def test_matching_works_for_a_fair_that_has_just_opened(gql):
    # Given a fair that opened a minute ago, with a project, and a local organization,
    fair = await factories.fair(opened=timedelta(minutes=1))
    here = await factories.district()
    project = await factories.project(fair, in_district=here)
    org = await factories.elite_organization(districts=(here,))
    # when the organization's matching projects are asked for, then the project is there.
    result = await gql(MATCHING_PROJECTS, {"id": gid("Organization", org.id), "first": 5})
    ids = [m["project"]["id"] for m in result["data"]["node"]["matchingProjects"]]
    assert gid("Project", project.id) in ids


# --- bad input -----------------------------------------------------------------------


async def test_bad_enum_value_in_a_filter_is_a_graphql_error(client):
    # Given a service class that does not exist, when projects are filtered by it,
    response = await post(client, PROJECTS, {"filter": {"serviceClass": ["NOPE"]}})
    # then the answer is a GraphQL error about the variable, not a server failure.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert "NOPE" in messages(result)


@pytest.mark.parametrize(
    ("min_budget", "said"),
    [
        (1.5, "字符串"),
        (150000, "字符串"),
        ("1.234", "两位小数"),
        ("abc", "金额"),
        ("NaN", "金额"),
        ("Infinity", "金额"),
        ("", "金额"),
    ],
    ids=["float", "integer", "three-decimals", "text", "nan", "infinity", "empty"],
)
async def test_bad_min_budget_is_a_clear_error(client, min_budget, said):
    # Given a budget bound that is not an exact amount as a string,
    response = await post(client, PROJECTS, {"filter": {"minBudget": min_budget}})
    # when projects are filtered by it, then the error says what is wrong with it.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert said in messages(result)


async def test_float_budget_literal_in_the_document_is_refused(gql):
    # Given a document that writes the budget bound as a float literal,
    fair = await factories.fair()
    result = await gql(MIN_BUDGET_LITERAL, {"fair": gid("Fair", fair.id)})
    # when it is sent, then it is refused with the same clear message.
    assert_refused(result)
    assert "字符串" in messages(result)


async def test_min_budget_above_max_budget_is_refused(gql):
    # Given a lower bound above the upper one, when projects are filtered,
    result = await gql(PROJECTS, {"filter": {"minBudget": "200000.00", "maxBudget": "100000.00"}})
    # then the error says so.
    assert_refused(result)
    assert "minBudget" in messages(result)


@pytest.mark.parametrize("district", ["no-such-district", ""])
async def test_garbage_district_id_in_a_filter_is_refused(gql, district):
    # Given a district id that is not an id at all, when projects are filtered by it,
    result = await gql(PROJECTS, {"filter": {"district": [district]}})
    # then the answer is a clear error.
    assert_refused(result)


async def test_district_filter_with_an_id_of_another_type_is_refused(gql):
    # Given a fair's id where a district id belongs, when projects are filtered by it,
    fair = await factories.fair()
    result = await gql(PROJECTS, {"filter": {"district": [gid("Fair", fair.id)]}})
    # then the error says it is not a district.
    assert_refused(result)
    assert "District" in messages(result)


async def test_organization_filter_with_a_garbage_district_is_refused(gql):
    # Given a garbage district id, when organizations are filtered by it, then it is refused.
    result = await gql(ORGANIZATIONS, {"filter": {"district": ["garbage"]}})
    assert_refused(result)


async def test_overlong_search_is_refused(gql):
    # Given a search text of 51 characters, when projects are searched, then it is refused.
    result = await gql(PROJECTS, {"filter": {"search": "养" * 51}})
    assert_refused(result)


# --- GraphQL over HTTP ---------------------------------------------------------------


async def test_graphql_response_media_type_is_honoured(client):
    # Given a client that accepts application/graphql-response+json,
    response = await post(client, DISTRICT_NAMES, accept=GRAPHQL_RESPONSE)
    # when it asks a valid question, then the answer is of that media type.
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "districts" in response.json()["data"]


async def test_unparsable_document_is_400_for_graphql_response_clients(client):
    # Given a client that accepts application/graphql-response+json,
    response = await post(client, BROKEN, accept=GRAPHQL_RESPONSE)
    # when its document does not parse, then the answer is 400 without a data entry.
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    result = response.json()
    assert "data" not in result
    assert result["errors"]
    assert_no_internals(response.text)


async def test_unparsable_document_is_200_for_json_clients(client):
    # Given a client that accepts application/json, when its document does not parse,
    response = await post(client, BROKEN, accept="application/json")
    # then the answer is the legacy 200 with errors.
    assert response.status_code == 200
    assert response.json()["errors"]
    assert_no_internals(response.text)


async def test_query_by_get(client):
    # Given a district, when districts are asked for with GET,
    place = await factories.district()
    response = await client.get("/graphql", params={"query": "{districts{name}}"})
    # then the answer lists it.
    assert response.status_code == 200
    assert {"name": place.name} in response.json()["data"]["districts"]


async def test_health_check(client):
    # Given the running app, when /healthz is asked, then it is ok.
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


# --- limits and permissions ----------------------------------------------------------


async def test_query_deeper_than_the_limit_is_refused(client):
    # Given a document nested far deeper than 12 levels, when it is sent,
    response = await post(client, TOO_DEEP)
    # then it is refused before it runs.
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert result.get("data") is None
    assert "depth" in messages(result)


async def test_thirty_aliases_are_allowed(gql):
    # Given a document with exactly 30 aliases, when it is sent, then it is answered.
    result = await gql(ALIASES_AT_LIMIT)
    assert "errors" not in result
    assert len(result["data"]) == 30


async def test_more_than_thirty_aliases_are_refused(client):
    # Given a document with 31 aliases, when it is sent, then it is refused.
    response = await post(client, TOO_MANY_ALIASES)
    assert response.status_code == 200
    result = response.json()
    assert_refused(result)
    assert result.get("data") is None


async def test_audit_log_needs_a_login(gql):
    # Given an anonymous visitor, when the audit log is asked for,
    result = await gql(AUDIT_LOG)
    # then it is refused as unauthenticated.
    assert_refused(result)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert result["data"] is None


# --- places and the catalogue --------------------------------------------------------


async def test_catalog_items_by_service_class(gql):
    # Given catalogue items of two classes, one on the negative list,
    mediation = await factories.catalog_item(ServiceClass.MEDIATION)
    banned = await factories.catalog_item(ServiceClass.MEDIATION, negative_list=True)
    children = await factories.catalog_item(ServiceClass.CHILDREN)
    # when the mediation class is asked for,
    result = await gql(CATALOG_ITEMS, {"serviceClass": "MEDIATION"})
    items = {i["code"]: i for i in result["data"]["catalogItems"]}
    # then only mediation items come back, the negative list marked.
    assert {i["serviceClass"] for i in items.values()} == {"MEDIATION"}
    assert items[mediation.code]["negativeList"] is False
    assert items[banned.code]["negativeList"] is True
    assert children.code not in items


async def test_catalog_items_without_a_class_are_all_items(gql):
    # Given items of two classes, when no class is given, then both are listed.
    a = await factories.catalog_item(ServiceClass.DISABILITY)
    b = await factories.catalog_item(ServiceClass.PARTICIPATION)
    codes = {i["code"] for i in (await gql(CATALOG_ITEMS))["data"]["catalogItems"]}
    assert {a.code, b.code} <= codes


async def test_districts_are_listed(gql):
    # Given a new district, when districts are listed, then it is there with its code.
    place = await factories.district()
    result = await gql(DISTRICTS)
    assert {"id": gid("District", place.id), "name": place.name, "code": place.code} in result[
        "data"
    ]["districts"]


async def test_publishers_of_one_district(gql):
    # Given publishers in two districts, when one district's publishers are asked for,
    here, there = await factories.district(), await factories.district()
    mine = await factories.publisher(here)
    theirs = await factories.publisher(there)
    result = await gql(PUBLISHERS, {"district": gid("District", here.id)})
    # then only that district's publishers come back, with their district.
    publishers = result["data"]["publishers"]
    assert [p["name"] for p in publishers] == [mine.name]
    assert publishers[0]["district"]["name"] == here.name
    assert publishers[0]["kind"] == "COMMUNITY"
    everyone = {p["name"] for p in (await gql(PUBLISHERS))["data"]["publishers"]}
    assert {mine.name, theirs.name} <= everyone


async def test_publishers_of_a_garbage_district_is_refused(gql):
    # Given a garbage district id, when publishers are asked for, then it is refused.
    result = await gql(PUBLISHERS, {"district": "garbage"})
    assert_refused(result)
