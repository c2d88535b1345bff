"""PostgreSQL's pooled connections go back to the pool without a reset round trip.

asyncpg resets a connection on every release (``RESET ALL; CLOSE ALL; UNLISTEN *; …``):
a round trip after nearly every statement, for session state the application never sets
(api/db.py). On SQLite there is no pool; this is the PostgreSQL leg's test.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest

from schema.relay import to_global_id
from tests import factories

PROJECTS = "query P($fair: ID!) { projects(first: 5, filter: {fair: $fair}) { totalCount edges { node { id bidCount } } } }"


async def test_a_read_sends_no_reset_when_its_connections_go_back(
    gql: Any, on_postgres: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not on_postgres:
        pytest.skip("PostgreSQL leg: set SHEQIA_TEST_DATABASE_URL to a PostgreSQL database")
    # Given every simple-protocol statement asyncpg sends recorded (resets are sent so)
    sent: list[str] = []
    execute = asyncpg.connection.Connection.execute

    async def recording(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return await execute(self, query, *args, **kwargs)

    monkeypatch.setattr(asyncpg.connection.Connection, "execute", recording)
    fair = await factories.fair()
    await factories.project(fair)
    # When a page of projects is read (its statements take connections and return them)
    result = await gql(PROJECTS, {"fair": to_global_id("Fair", fair.id)})
    assert result["data"]["projects"]["totalCount"] == 1
    # Then no connection was reset on its way back
    assert not [q for q in sent if "RESET ALL" in q]
