"""Test fixtures: one app and one database per session, on SQLite or PostgreSQL.

``SHEQIA_TEST_DATABASE_URL`` selects PostgreSQL; without it the suite runs on in-memory
SQLite. The schema is built by the checked-in migrations, as in production.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import connections

from api.app import create_app
from api.db import migrate_connected
from api.settings import Settings, _normalise_url

DATABASE_URL = _normalise_url(os.environ.get("SHEQIA_TEST_DATABASE_URL", "sqlite://:memory:"))


def pytest_report_header() -> str:
    return f"sheqia test database: {DATABASE_URL}"


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(database_url=DATABASE_URL, env="test")


@pytest.fixture(scope="session")
def on_postgres(settings: Settings) -> bool:
    return not settings.is_sqlite


async def _fresh_schema(settings: Settings) -> None:
    if not settings.is_sqlite:
        # A clean slate each run: the suite owns the test database.
        await connections.get("default").execute_script(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
        )
    await migrate_connected(settings)


@pytest_asyncio.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    application = create_app(settings)
    async with LifespanManager(application):
        await _fresh_schema(settings)
        yield application


@pytest_asyncio.fixture(scope="session")
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


class GraphQLClient:
    """Posts GraphQL documents to the app and returns the decoded response."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        # Each call stands alone: a login's session cookie must not make later calls
        # of other tests act as that account.
        self.http.cookies.clear()
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="session")
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)
