"""Operations: one log line with the request id for a client's mistake, a traceback only
for the unexpected; introspection switched by SHEQIA_INTROSPECTION, off in production."""

from __future__ import annotations

import logging

import pytest

from api.settings import Settings, load_settings
from schema import projects
from schema.schema import build_schema

GRAPHQL_LOG = "sheqia.graphql"
INTROSPECT = "{ __schema { queryType { name } } }"
PROJECTS = "{ projects(first: 1) { totalCount } }"


async def test_a_client_error_is_one_line_with_the_request_id(client, caplog):
    # Given a client sending a document that does not parse
    caplog.set_level(logging.INFO)
    # When it is posted
    response = await client.post("/graphql", json={"query": "{ projects( "})
    # Then the answer carries a request id, and the log holds one line naming it,
    # without a traceback.
    request_id = response.headers["x-request-id"]
    records = [
        r for r in caplog.records if r.name.startswith("strawberry") or r.name == GRAPHQL_LOG
    ]
    assert len(records) == 1
    (record,) = records
    assert request_id in record.getMessage() and "\n" not in record.getMessage()
    assert record.levelno == logging.INFO and record.exc_info is None


async def test_a_refused_variable_logs_no_traceback(client, caplog):
    caplog.set_level(logging.INFO)
    query = "query ($min: Decimal) { projects(filter: {minBudget: $min}) { totalCount } }"
    await client.post("/graphql", json={"query": query, "variables": {"min": "1e5"}})
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_unexpected_error_keeps_its_traceback_with_the_request_id(
    client, caplog, monkeypatch
):
    # Given a resolver that fails unexpectedly
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom in the catalogue")

    monkeypatch.setattr(projects.queries, "project_connection", broken)
    caplog.set_level(logging.INFO)
    # When a client asks for it (with its own well-formed request id)
    response = await client.post(
        "/graphql", json={"query": PROJECTS}, headers={"x-request-id": "proxy-id-12345"}
    )
    # Then the client sees the masked error, and the log has the traceback and the id.
    assert "boom" not in response.text
    assert response.headers["x-request-id"] == "proxy-id-12345"
    (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None and "proxy-id-12345" in record.getMessage()


async def test_an_ill_formed_incoming_request_id_is_replaced(client):
    response = await client.post(
        "/graphql", json={"query": "{ fairs { id } }"}, headers={"x-request-id": "bad id\n"}
    )
    assert response.headers["x-request-id"] != "bad id\n"
    assert len(response.headers["x-request-id"]) == 32


@pytest.mark.parametrize(
    ("environment", "switch", "allowed"),
    [
        ("production", None, False),
        ("production", "on", True),
        ("development", None, True),
        ("development", "off", False),
    ],
)
async def test_introspection_follows_the_switch_and_is_off_in_production(
    monkeypatch, environment, switch, allowed
):
    # Given the environment and SHEQIA_INTROSPECTION as an operator sets them
    monkeypatch.setenv("SHEQIA_ENV", environment)
    if switch is None:
        monkeypatch.delenv("SHEQIA_INTROSPECTION", raising=False)
    else:
        monkeypatch.setenv("SHEQIA_INTROSPECTION", switch)
    settings: Settings = load_settings()
    # When the schema is asked about itself
    result = await build_schema(settings).execute(INTROSPECT)
    # Then it answers only where introspection is on.
    assert (result.errors is None) is allowed
    if allowed:
        assert result.data == {"__schema": {"queryType": {"name": "Query"}}}
