"""The query cost limit: a document estimated to return too many objects is refused before
it runs, with the limit named; the front end's and the benchmarks' documents pass."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import get_introspection_query, parse
from strawberry.types.execution import PreExecutionError

from api.settings import Settings, load_settings
from schema.cost import FIRST_CAPS, LIST_SIZES, MAX_COST, TYPE_SIZES, operation_costs
from schema.schema import build_schema
from tests.browser.test_documents import DOCUMENTS
from tests.publishing_support import gid, organizer, project_row, publish, stage, stored

ROOT = Path(__file__).resolve().parents[1]
LIMIT = Settings().max_query_cost
SERVED = build_schema(Settings(database_url="sqlite://:memory:", env="test"))

FLAT = "{ fair { id name } }"
DISTRICTS = "{ districts { id name } }"
PAGE_OF_TEN = (
    "{ projects(first: 10) { totalCount pageInfo { hasNextPage } edges { node { id } } } }"
)
DEFAULT_PAGE = "{ projects { edges { node { id } } } }"
NESTED = """
{ projects(first: 10) { edges { node { id
    bids(first: 5) { edges { node { id organization { id name } } } } } } } }
"""
VARIABLE_FIRST = """
query ($n: Int, $k: Int!) { projects(first: $n) { edges { node { id
    matchingOrganizations(first: $k) { score organization { id } } } } } }
"""
BEYOND_THE_CAP = "{ projects(first: 1000) { edges { node { id } } } }"
WITH_FRAGMENTS = """
query { projects(first: 10) { edges { node { ...Card } } } }
fragment Card on Project { id publisher { name } ... on Project { district { name } } }
"""
INLINED = "{ projects(first: 10) { edges { node { id publisher { name } district { name } } } } }"
ON_AN_INTERFACE = """
query ($id: ID!) { node(id: $id) {
  ... on Project { bids(first: 10) { edges { node { id } } } }
  ... on Organization { bids(first: 40) { edges { node { id } } } } } }
"""
SUBSCRIPTION = """
subscription ($fair: ID!) { fairActivity(fair: $fair) { id kind
  project { id bids(first: 10) { edges { node { id } } } } } }
"""
# 10 000 projects with 100 bids each: the shape the limit is for.
TOO_COSTLY = (
    "{ projects(first: 100) { edges { node { id bids(first: 100) { edges { node { id } } } } } } }"
)
TOO_COSTLY_SUBSCRIPTION = """
subscription ($fair: ID!) { fairActivity(fair: $fair) { id project { id
  bids(first: 100) { edges { node { id project { bids(first: 100) { edges { node { id } } } } } } } } } }
"""
TOO_COSTLY_MUTATION = """
mutation ($fair: ID!, $projects: [ProjectInput!]!) { publishProjects(fair: $fair, projects: $projects) {
  projects { id fair { projects(first: 100) { edges { node { bids(first: 100) { edges { node { id } } } } } } } }
  errors { code } } }
"""
NESTED_INTROSPECTION = (
    "{ __schema { types { fields { type { ofType { fields { type { ofType {"
    " fields { type { ofType { fields { name } } } } } } } } } } } } }"
)


def cost(document: str) -> int:
    costs = operation_costs(SERVED._schema, parse(document))
    assert len(costs) == 1
    return next(iter(costs.values()))


def test_every_object_counts_one_and_scalars_nothing():
    # Given a single object with scalar fields, then a list of the city's districts
    # Then the object counts one, and the list its size (20 districts at most)
    assert cost(FLAT) == 1
    assert cost(DISTRICTS) == LIST_SIZES["Query.districts"] == 20


def test_a_connection_counts_its_first_edges_and_nodes():
    # Given a page of ten projects with its count and page information
    # Then the connection, its page information and ten edges with their nodes count
    assert cost(PAGE_OF_TEN) == 1 + 1 + 10 * 2
    # And without `first` the default page of 20 counts
    assert cost(DEFAULT_PAGE) == 1 + 20 * 2


def test_nested_connections_multiply():
    # Given ten projects with five bids each, and each bid's organization
    per_bid = 1 + 1 + 1  # edge, bid, organization
    per_project = 1 + 1 + (1 + 5 * per_bid)  # edge, project, its bid connection
    # Then every level multiplies the one below it
    assert cost(NESTED) == 1 + 10 * per_project == 181


def test_a_first_given_by_a_variable_counts_at_its_cap():
    # Given `first` from variables, unknown while the document is validated
    # Then a page counts the page cap (100) and recommendations theirs (20): the cost
    # holds whatever the variables are, so it is computed once per document
    cap = FIRST_CAPS["Project.matchingOrganizations"]
    assert cost(VARIABLE_FIRST) == 1 + 100 * (2 + cap * 2)


def test_a_first_beyond_the_cap_counts_the_cap_and_is_refused_by_the_resolver():
    assert cost(BEYOND_THE_CAP) == 1 + 100 * 2


def test_fragments_and_inline_fragments_count_where_they_are_spread():
    assert cost(WITH_FRAGMENTS) == cost(INLINED) == 1 + 10 * 4


def test_on_an_interface_the_costliest_type_counts():
    # Given a node that may be a project (10 bids asked) or an organization (40)
    # Then the organization's branch counts, not both
    assert cost(ON_AN_INTERFACE) == 1 + 1 + 40 * 2


def test_a_subscription_counts_what_each_event_returns():
    assert cost(SUBSCRIPTION) == 1 + 1 + 1 + 10 * 2


def test_spreads_doubling_at_every_level_are_counted_without_walking_every_copy():
    # Given fragments each spreading the next twice, forty levels deep
    # Then the count is 2^40 (each spread counts), found by counting each fragment once
    assert cost(spreads(40, 2)) == 2**40


def spreads(levels: int, width: int) -> str:
    """A document whose fragments each spread the next ``width`` times, ``levels`` deep."""
    fragments = "".join(
        f"fragment F{i} on Query {{ {f' ...F{i + 1}' * width} }}\n" for i in range(levels)
    )
    return f"query {{ ...F0 }}\n{fragments}fragment F{levels} on Query {{ fair {{ id }} }}"


def test_counts_past_what_a_float_holds_or_too_deep_to_follow_are_beyond_any_limit():
    # Given spreads multiplying by 100 at each of 160 levels (100^160 is no float), and a
    # chain of 2000 single spreads (deeper than counting follows)
    # Then both count as the largest cost there is, not an error
    assert cost(spreads(160, 100)) == MAX_COST
    assert cost(spreads(2000, 1)) == MAX_COST


def test_the_full_introspection_query_passes_and_nested_introspection_does_not():
    # Given GraphiQL's introspection query: the schema's own size, counted from averages
    full = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    assert cost(full) < LIMIT
    # But fields { type { ofType { fields … multiplies like any list
    assert cost(NESTED_INTROSPECTION) > LIMIT


def test_every_size_names_a_field_or_type_of_the_served_schema():
    types = SERVED._schema.type_map
    for key in [*LIST_SIZES, *FIRST_CAPS]:
        type_name, field_name = key.split(".")
        assert type_name in types and field_name in types[type_name].fields, key  # type: ignore[attr-defined]
    assert set(TYPE_SIZES) <= set(types)


async def test_a_costly_query_is_refused_with_400_naming_the_limit(client):
    # Given a client of the GraphQL-over-HTTP media type
    headers = {"accept": "application/graphql-response+json"}
    # When it asks for 100 projects with 100 bids each
    response = await client.post("/graphql", json={"query": TOO_COSTLY}, headers=headers)
    # Then it is refused before running: 400, no data, the estimate and the limit named
    assert response.status_code == 400, response.text
    body = response.json()
    assert "data" not in body
    [error] = body["errors"]
    estimate = cost(TOO_COSTLY)
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": estimate, "limit": LIMIT}
    assert error["message"] == (
        f"查询预计返回约 {estimate} 个对象，超过上限 {LIMIT}（SHEQIA_MAX_QUERY_COST）。"
        f"Query cost {estimate} exceeds the limit {LIMIT}."
    )


async def test_a_legacy_json_client_gets_the_refusal_with_200(gql):
    body = await gql(TOO_COSTLY)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_a_costly_mutation_is_refused_before_it_writes_anything(gql, stage, organizer):
    # Given a valid project list for an open fair
    row = project_row(stage)
    variables = {"fair": gid(stage.fair), "projects": [row]}
    # When an organizer publishes it asking, for each project, for 100 projects of its
    # fair with 100 bids each
    body = await gql(TOO_COSTLY_MUTATION, variables, token=organizer)
    # Then it is refused and nothing is published
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert await stored([row]) == 0
    # While the same list with a modest selection is published
    assert (await publish(gql, organizer, stage.fair, [row]))["errors"] == []
    assert await stored([row]) == 1


async def test_a_costly_subscription_is_refused_before_it_subscribes():
    # Given a subscription asking, for every event, 100 bids with 100 bids each
    stream = await SERVED.subscribe(TOO_COSTLY_SUBSCRIPTION, variable_values={"fair": "x"})
    # Then the first thing it yields is the refusal, before the resolver looks at the fair
    refused = await anext(stream)  # type: ignore[call-overload]
    assert isinstance(refused, PreExecutionError)
    assert refused.errors and refused.errors[0].extensions["code"] == "QUERY_TOO_COSTLY"  # type: ignore[index]
    # While a modest one reaches the resolver (which finds no such fair)
    stream = await SERVED.subscribe(SUBSCRIPTION, variable_values={"fair": "x"})
    answered = await anext(stream)  # type: ignore[call-overload]
    assert answered.errors and answered.errors[0].extensions["code"] == "NOT_FOUND"


def test_the_limit_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SHEQIA_MAX_QUERY_COST", "1234")
    assert load_settings().max_query_cost == 1234
    assert Settings().max_query_cost == 5000


# The benchmarks keep their documents as module constants: triple-quoted or one line.
BENCH_DOCUMENT = re.compile(
    r'^([A-Z_]+) = (?:"""\s*((?:query|mutation|subscription|\{).*?)"""|"((?:query|mutation|subscription|\{)[^"\n]*)")',
    re.MULTILINE | re.DOTALL,
)


def _bench_documents() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "bench").glob("*.py")):
        for name, long, short in BENCH_DOCUMENT.findall(path.read_text(encoding="utf-8")):
            found.append((f"{path.relative_to(ROOT)}:{name}", long or short))
    return found


BENCH_DOCUMENTS = _bench_documents()


def test_the_benchmarks_have_documents():
    names = {label.split(":")[1] for label, _ in BENCH_DOCUMENTS}
    assert {"FAIR_HALL", "CLAIM"} <= names


@pytest.mark.parametrize(
    ("label", "document"),
    [*DOCUMENTS, *BENCH_DOCUMENTS],
    ids=[label for label, _ in [*DOCUMENTS, *BENCH_DOCUMENTS]],
)
def test_the_front_end_and_benchmark_documents_cost_at_most_half_the_limit(label, document):
    # Every document the pages and the benchmarks send passes, whatever their variables,
    # with room to grow: at most half the default limit
    costs = operation_costs(SERVED._schema, parse(document))
    assert max(costs.values()) * 2 <= LIMIT, f"{label}: {costs}"
