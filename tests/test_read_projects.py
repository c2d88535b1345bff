"""Project filters, Chinese search, keyset pagination and global ids, as an anonymous visitor of the fair sees them.

The session's database is shared by every test, so each test builds its own fair,
districts and pool members (see ``tests.factories``) and reads through a filter on them.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from api.catalog.models import ServiceClass
from api.projects.models import Procurement, ProjectStatus
from tests import factories
from tests.read_api import (
    DISTRICTS,
    FAIR,
    NODE,
    ORGANIZATIONS,
    PROJECT,
    PROJECTS,
    PUBLISHERS,
    SUPERVISORS,
    assert_refused,
    gid,
    messages,
    post,
    project_codes,
)

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
