"""Bad input, GraphQL over HTTP, limits and permissions of the read side, as an anonymous visitor of the fair sees them.

The session's database is shared by every test, so each test builds its own fair,
districts and pool members (see ``tests.factories``) and reads through a filter on them.
"""

from __future__ import annotations

import pytest

from tests import factories
from tests.read_api import (
    ALIASES_AT_LIMIT,
    AUDIT_LOG,
    BROKEN,
    DISTRICT_NAMES,
    GRAPHQL_RESPONSE,
    MIN_BUDGET_LITERAL,
    ORGANIZATIONS,
    PROJECTS,
    TOO_DEEP,
    TOO_MANY_ALIASES,
    assert_no_internals,
    assert_refused,
    gid,
    messages,
    post,
)

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
