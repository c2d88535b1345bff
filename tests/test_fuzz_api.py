"""Property-based fuzzing of the whole GraphQL API, generated from the schema it serves.

Schemathesis builds a GraphQL document for every root field (each query and each
mutation) from the schema the app itself serves, with random arguments and random
selections of fields. Its cases are sent through the suite's own in-process client (the
session's app and database), as an anonymous visitor, as a signed-in organizer (so
mutations pass the role gates and reach input validation), and for the mutations of
organizations, reviewers and publishers as those roles too. Half the time the arguments
go as variables instead of literals (scalars parse the two by different roads); a file
argument always goes as a GraphQL multipart upload of a fuzzed project list.

IDs, strings, integers and the scalars are drawn half from the fuzzer's random values and
half from the seeded world's vocabulary (``tests/fuzz_world.py``), so the arguments often
get past the first check and into the services behind it.

Subscriptions (WebSocket) are not fuzzed here.

Whatever is sent, every answer must hold:

* no 5xx status, and a JSON body;
* no masked internal error (服务器内部错误 means an unexpected exception: a bug);
* no Python traceback or exception class name in the body;
* every GraphQL error and every ``UserError`` has a message;
* no non-null field resolved to null (the schema's promise);
* and the mutation's refusals are ``UserError``s or GraphQL errors, never a crash.

The run is bounded and repeatable by default (a few examples per operation and viewer,
derandomized); ``SHEQIA_FUZZ_EXAMPLES=N`` runs N random examples each (``tests/fuzzing.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import graphql
import httpx
import pytest
import pytest_asyncio
import schemathesis
from hypothesis import given
from hypothesis import strategies as st

from api.auth.models import Role
from api.settings import Settings
from schema.schema import build_schema
from tests.fuzz_world import World, scalar_strategies, seed, upload_files
from tests.fuzzing import fuzz_settings
from tests.sessions import token_for

# The served schema, printed by the same builder the app uses: a field added to the API is
# fuzzed without touching this module.
SERVED = build_schema(Settings(database_url="sqlite://:memory:", env="test"))
SCHEMA = schemathesis.graphql.from_file(SERVED.as_str())
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
MUTATIONS = sorted(label for label in OPERATIONS if label.startswith("Mutation."))
# Operations taking a file: always sent as a multipart upload.
UPLOADING = {
    f"{root.name}.{name}"
    for root in (SERVED._schema.query_type, SERVED._schema.mutation_type)
    if root is not None
    for name, definition in root.fields.items()
    if any(graphql.get_named_type(a.type).name == "Upload" for a in definition.args.values())
}

# Who sends each operation: everyone as anonymous and as organizer, and the mutations
# only another role may make as that role too.
ROLE_MUTATIONS = {
    "Mutation.claimProject": Role.ORGANIZATION,
    "Mutation.withdrawBid": Role.ORGANIZATION,
    "Mutation.scoreBid": Role.REVIEWER,
    "Mutation.publishProjects": Role.PUBLISHER,
    "Mutation.awardProject": Role.PUBLISHER,
    "Mutation.importProjects": Role.PUBLISHER,
    "Mutation.withdrawProject": Role.PUBLISHER,
}
VIEWERS = [
    *((label, None) for label in sorted(OPERATIONS)),
    *((label, Role.ORGANIZER) for label in sorted(OPERATIONS)),
    *ROLE_MUTATIONS.items(),
]

JSON, GRAPHQL_RESPONSE = "application/json", "application/graphql-response+json"
# Examples per operation and viewer in the bounded run.
EXAMPLES = 12
MASKED = "服务器内部错误"
# What leaks when an exception escapes: a traceback, a source line, or a class name.
TRACEBACK = re.compile(r'Traceback \(most recent call last\)|File "[^"]+", line \d+')
EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z0-9]*(?:Error|Exception|DoesNotExist)\b")
# A Python class or module named, or a scalar parser that failed instead of refusing
# (graphql-core says "encountered error" when one raises anything but a GraphQL error).
LEAKED = re.compile(
    r"<class '|encountered error|\b(?:tortoise|asyncpg|aiosqlite|sqlite3|psycopg|strawberry"
    r"|decimal|builtins|openpyxl|zipfile|dateutil)\.[A-Za-z_]"
)
NON_NULL_BROKEN = "Cannot return null for non-nullable field"
# The schema's own type names (UserError...) may appear in messages: they are no leak.
SCHEMA_TYPES = frozenset(SERVED._schema.type_map)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(app: object) -> World:
    """The seeded world; its vocabulary becomes the fuzzer's strategies for the scalars."""
    seeded = await seed()
    for name, strategy in scalar_strategies(seeded).items():
        schemathesis.graphql.scalar(name, strategy)
    return seeded


async def _token(role: Role | None, world: World) -> str | None:
    """A fresh session per request: a fuzzed ``logout`` must not sign out the next one."""
    if role is None:
        return None
    links = {
        Role.ORGANIZATION: {"organization_id": world.organization_id},
        Role.REVIEWER: {"supervisor_id": world.supervisor_id},
        Role.SUPERVISOR: {"supervisor_id": world.supervisor_id},
        Role.PUBLISHER: {"publisher_id": world.publisher_id},
    }.get(role, {})
    return await token_for(role, **links)


def _case_id(value: object) -> str:
    return value.value if isinstance(value, Role) else str(value or "anonymous")


@pytest.mark.parametrize(("label", "role"), VIEWERS, ids=_case_id)
@given(data=st.data())
@fuzz_settings(EXAMPLES)
async def test_a_fuzzed_request_is_answered_or_refused_never_crashes(
    label: str, role: Role | None, world: World, client: httpx.AsyncClient, data: st.DataObject
) -> None:
    """Given any document for one root field, when a viewer sends it, then the answer holds
    every property of this module's docstring."""
    case = data.draw(OPERATIONS[label].as_strategy(), label="case")
    query, variables, uploads = case.body, None, []
    if label in UPLOADING or data.draw(st.booleans(), label="as variables"):
        query, variables, uploads = as_variables(case.body)
    accept = data.draw(st.sampled_from([JSON, GRAPHQL_RESPONSE]), label="accept")
    headers = {"accept": accept}
    token = await _token(role, world)
    if token:
        headers["authorization"] = f"Bearer {token}"
    operation = {"query": query, "variables": variables}
    if uploads:
        # The GraphQL multipart request: the operation, where each file goes, the files.
        files = {str(i): ("清单.csv", data.draw(upload_files(world))) for i in range(len(uploads))}
        form = {
            "operations": json.dumps(operation),
            "map": json.dumps({str(i): [f"variables.{v}"] for i, v in enumerate(uploads)}),
        }
        response = await client.post("/graphql", data=form, files=files, headers=headers)
    else:
        response = await client.post("/graphql", json=operation, headers=headers)
    client.cookies.clear()  # a fuzzed login must not sign in the next request
    assert_sound(label, json.dumps(operation, ensure_ascii=False, indent=1), response)


def as_variables(query: str) -> tuple[str, dict[str, Any], list[str]]:
    """The same request with the root field's arguments sent as variables, and the names
    of those that are files (``Upload``), which go as multipart parts.

    Literals and variables reach a scalar by different roads (``parse_literal`` during
    validation, ``parse_value`` during coercion), and clients mostly send variables.
    """
    document = graphql.parse(query)
    operation = document.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    root = operation.selection_set.selections[0]
    assert isinstance(root, graphql.FieldNode)
    root_type = SERVED._schema.get_root_type(operation.operation)
    assert root_type is not None
    declared = root_type.fields[root.name.value].args
    variables: dict[str, Any] = {}
    uploads: list[str] = []
    definitions, arguments = [], []
    for argument in root.arguments or ():
        value = graphql.value_from_ast_untyped(argument.value)
        if not _json_encodable(value):
            # A float literal past double range (1e999) reads as inf, which JSON has no
            # way to write: that argument stays a literal in the document.
            arguments.append(argument)
            continue
        name = graphql.NameNode(value=f"v{len(variables)}")
        kind = declared[argument.name.value].type
        variables[name.value] = value
        if graphql.get_named_type(kind).name == "Upload":
            uploads.append(name.value)
            variables[name.value] = None  # the multipart map puts the file here
        variable = graphql.VariableNode(name=name)
        kind_node = graphql.parse_type(str(kind))
        definitions.append(graphql.VariableDefinitionNode(variable=variable, type=kind_node))
        arguments.append(graphql.ArgumentNode(name=argument.name, value=variable))
    field = graphql.FieldNode(
        name=root.name, alias=root.alias, arguments=tuple(arguments),
        directives=root.directives, selection_set=root.selection_set,
    )  # fmt: skip
    lifted = graphql.OperationDefinitionNode(
        operation=operation.operation,
        variable_definitions=tuple(definitions),
        directives=(),
        selection_set=graphql.SelectionSetNode(selections=(field,)),
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(lifted,))), variables, uploads


def _json_encodable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (ValueError, TypeError):
        return False
    return True


def assert_sound(label: str, query: str, response: httpx.Response) -> None:
    """Every property of the module's docstring, with the request in each failure."""
    where = f"{label} answered {response.status_code} to:\n{query}\n\n{response.text[:2000]}"
    assert response.status_code < 500, where
    assert MASKED not in response.text, where
    assert not TRACEBACK.search(response.text), where
    assert not LEAKED.search(response.text), where
    leaked = set(EXCEPTION_NAME.findall(response.text)) - SCHEMA_TYPES
    assert not leaked, f"exception names {sorted(leaked)} in\n{where}"
    body = json.loads(response.text)
    assert isinstance(body, dict) and ("data" in body or body.get("errors")), where
    for error in body.get("errors") or []:
        assert isinstance(error.get("message"), str) and error["message"].strip(), where
        assert NON_NULL_BROKEN not in error["message"], where
    for user_error in _user_errors(body.get("data")):
        assert user_error["message"].strip(), where
    if response.status_code == 413:
        # A body past its limit (256 KB for anonymous JSON) is refused before parsing.
        assert body["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE", where
    elif response.status_code != 200:
        # Only a document that could not run at all is refused as a whole (400).
        assert response.status_code == 400 and "data" not in body, where


def _user_errors(value: object) -> Iterator[dict[str, Any]]:
    """Every ``UserError`` selected anywhere in a payload (``errors`` lists of objects)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "errors" and isinstance(item, list):
                yield from (e for e in item if isinstance(e, dict) and "message" in e)
            else:
                yield from _user_errors(item)
    elif isinstance(value, list):
        for item in value:
            yield from _user_errors(item)


def test_every_root_field_is_fuzzed() -> None:
    """Given the served schema, then every query and mutation is among the fuzzed cases,
    and every mutation is sent by a signed-in organizer as well as anonymously."""
    fields = {f"Query.{name}" for name in SERVED._schema.query_type.fields}
    mutation_type = SERVED._schema.mutation_type
    assert mutation_type is not None
    fields |= {f"Mutation.{name}" for name in mutation_type.fields}
    fuzzed = {label for label, _ in VIEWERS}
    assert fields == fuzzed
    assert {label for label, role in VIEWERS if role is Role.ORGANIZER} >= set(MUTATIONS)


# --- the HTTP envelope ---------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
DOCUMENTS = st.one_of(
    st.sampled_from(
        [
            "{ fairs { id } }",
            "query ($id: ID!) { node(id: $id) { id } }",
            "mutation { logout { ok } }",
            "subscription { fairActivity { __typename } }",
            "{",
            "",
        ]
    ),
    st.text(),
)
OPERATION = st.fixed_dictionaries(
    {"query": DOCUMENTS | JSON_VALUES},
    optional={"variables": JSON_VALUES, "operationName": st.text() | JSON_VALUES},
)
# Where a multipart map may point, and what it may say.
MAP = st.one_of(
    st.dictionaries(
        st.sampled_from(["0", "1"]),
        st.lists(st.sampled_from(["variables.file", "variables", "0.variables.file", "x.1"])),
    ),
    JSON_VALUES,
)


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A request to /graphql as anything might send it: JSON of any shape, a GET, a
    multipart upload with any operations and map, or bytes under any content type."""
    kind = draw(st.sampled_from(["json", "get", "multipart", "bytes"]))
    if kind == "json":
        body = draw(OPERATION | JSON_VALUES | st.lists(OPERATION, max_size=3))
        return {"method": "POST", "json": body}
    if kind == "get":
        params = draw(st.dictionaries(st.sampled_from(["query", "variables", "x"]), st.text()))
        return {"method": "GET", "params": params}
    if kind == "multipart":
        form = {
            "operations": json.dumps(draw(OPERATION | JSON_VALUES)),
            "map": json.dumps(draw(MAP)),
        }
        if draw(st.booleans()):
            form["operations"] = draw(st.text())
        return {"method": "POST", "data": form, "files": {"0": ("a.csv", b"x")}}
    media = draw(
        st.sampled_from(["application/json", "text/plain", "multipart/form-data", "", "x/y"])
    )
    content = draw(st.binary(max_size=200) | st.integers(1, 100_000).map(lambda n: b"[" * n))
    return {"method": "POST", "content": content, "headers": {"content-type": media}}


@given(request=envelopes())
@fuzz_settings(150)
async def test_any_request_envelope_is_answered_never_crashes(
    request: dict[str, Any], client: httpx.AsyncClient
) -> None:
    """Given a request of any shape (a JSON body that is not an object, a batch, a GET, a
    multipart upload whose map points anywhere, bytes of any type), when it reaches
    /graphql, then it is answered — a client error at worst — never a 500."""
    method = request.pop("method")
    response = await client.request(method, "/graphql", **request)
    client.cookies.clear()
    assert response.status_code < 500, response.text
    assert response.text.strip(), response.status_code
    assert not TRACEBACK.search(response.text) and not LEAKED.search(response.text)


# --- what the fuzzing found (each fixed where it arose) ------------------------------

PUBLISH = """
mutation Publish($fair: ID!, $projects: [ProjectInput!]!) {
  publishProjects(fair: $fair, projects: $projects) { projects { id } errors { code field } }
}
"""
CREATE_FAIR = """
mutation CreateFair($input: FairInput!) { createFair(input: $input) { fair { id } errors { code } } }
"""
BUDGET_AT_LEAST = "query ($min: Decimal) { projects(filter: {minBudget: $min}) { totalCount } }"
LOGIN = 'mutation ($name: String!) { login(username: $name, password: "x") { errors { code } } }'
SEARCH = "query ($text: String) { organizations(filter: {search: $text}) { totalCount } }"
SEARCH_LITERAL = '{ projects(filter: {search: "社工\\u0000"}) { totalCount } }'


async def test_codes_longer_than_their_column_are_refused_as_user_errors(gql, world):
    """A catalogue code past 16 characters (or a project code past 32) used to crash the
    lookup before the row checks ran: Tortoise refuses filter values longer than the
    column. Now they name nothing, and the row's own checks say so."""
    # Given an open fair, and a row whose codes are longer than their columns
    row = {
        "code": "C" * 33, "title": "日间照料", "description": "照料", "serviceClass": "ELDERLY",
        "projectType": "PUBLIC_WELFARE", "procurement": "DIRECT", "budget": "80000.00",
        "servicePeriodMonths": 12, "beneficiaries": "老人", "publisher": world.ids[1],
        "district": world.ids[0], "catalogItem": "K" * 17, "communityOpinion": "同意。",
    }  # fmt: skip
    # When an organizer publishes it
    answer = await gql(
        PUBLISH,
        {"fair": world.ids[3], "projects": [row]},
        token=await _token(Role.ORGANIZER, world),
    )
    # Then both codes are refused at their fields, not as an internal error
    errors = answer["data"]["publishProjects"]["errors"]
    assert {"code": "INVALID_INPUT", "field": ["projects", "0", "code"]} in errors
    assert {"code": "NOT_FOUND", "field": ["projects", "0", "catalogItem"]} in errors


@pytest.mark.parametrize("instant", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
async def test_a_time_whose_utc_falls_off_the_calendar_is_refused(gql, world, instant):
    """An instant that has no UTC year (9999-12-31 at -12:00) used to pass the DateTime
    scalar and overflow when stored. Now the scalar refuses it, saying so."""
    fair = {"edition": 1, "name": "第一届", "opensAt": "2026-01-01T00:00:00+08:00"}
    answer = await gql(
        CREATE_FAIR,
        {"input": {**fair, "closesAt": instant}},
        token=await _token(Role.ORGANIZER, world),
    )
    (error,) = answer["errors"]
    assert "超出可表示的范围" in error["message"] and answer["data"] is None


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("1" + "0" * 40, "金额超出范围"),
        ("1e30", "不是有效的金额"),
        ("-9.5E+999999999", "不是有效的金额"),
    ],
)
async def test_an_amount_beyond_28_digits_is_refused_as_out_of_range(gql, amount, reason):
    """An amount of more than 28 digits used to escape the Decimal scalar as Python's
    ``decimal.InvalidOperation`` (its class name in the message). Now: out of range, or
    not an amount at all when written with an exponent."""
    answer = await gql(BUDGET_AT_LEAST, {"min": amount})
    (error,) = answer["errors"]
    assert reason in error["message"] and "<class" not in error["message"]


@pytest.mark.parametrize(
    "body",
    [b"null", b'"{ fairs { id } }"', b"1", b"\x80\x81", b"[" * 50_000],
    ids=["null", "a string", "a number", "not UTF-8", "nested too deep"],
)
async def test_a_json_body_that_is_not_an_object_is_a_client_error(client, body):
    """Strawberry read any JSON body as an object and answered a string, a number or
    null (and bytes that are not UTF-8, and JSON nested past Python's stack) with a 500."""
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and "JSON" in response.text


@pytest.mark.parametrize(
    "files_map",
    ['["variables.file"]', '{"0": 5}', '{"0": [5]}', '{"0": ["variables.file.x"]}'],
)
async def test_a_multipart_map_that_points_nowhere_is_a_client_error(client, files_map):
    """Only a missing file was a 400; a map that is not an object, or points into what the
    operations do not have, was a 500. Now every such upload is a 400 that says why."""
    operations = json.dumps({"query": "{ fairs { id } }", "variables": {"file": "x"}})
    response = await client.post(
        "/graphql",
        data={"operations": operations, "map": files_map},
        files={"0": ("a.csv", b"x")},
    )
    assert response.status_code == 400 and "multipart" in response.text


@pytest.mark.parametrize(
    ("document", "variables"),
    [(LOGIN, {"name": "organizer\x00"}), (SEARCH, {"text": "社工\x00"}), (SEARCH_LITERAL, None)],
    ids=["login", "search", "literal"],
)
async def test_text_with_a_nul_character_is_refused_before_it_reaches_the_database(
    gql, document, variables
):
    """PostgreSQL cannot compare or store text holding U+0000: a login name or a search
    term with one was a 500 there. Now any string carrying one is refused up front."""
    answer = await gql(document, variables)
    (error,) = answer["errors"]
    assert "空字符" in error["message"] and error["extensions"]["code"] == "INVALID_INPUT"
