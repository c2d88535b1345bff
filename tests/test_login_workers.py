"""The lockout race against two real workers on PostgreSQL: parallel guesses sent over
HTTP to ``sheqia serve --workers 2`` are checked no more often than the limit allows."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from api.auth.login import MAX_FAILURES
from api.auth.passwords import hash_password
from tests.live_servers import Server, fresh_database, postgres_url, serve, sibling_database

pytestmark = pytest.mark.postgres

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) { token errors { code } }
}
"""
USERNAME = "race-target"
PASSWORD = "race-target-password-2026"
GUESSES = 40


def _driver(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


@pytest.fixture(scope="module")
def database() -> str:
    url = sibling_database(postgres_url(), "login")
    asyncio.run(fresh_database(url, next_to=postgres_url()))
    return url


@pytest.fixture(scope="module")
def server(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("login-workers")
    env = {"SHEQIA_DATABASE_URL": database, "SHEQIA_BROKER_URL": ""}
    running = serve(["--workers", "2"], env, folder / "server.log")
    try:
        yield running
    finally:
        running.stop()


async def _account(database: str) -> int:
    link = await asyncpg.connect(_driver(database))
    try:
        return int(
            await link.fetchval(
                "INSERT INTO account (username, password_hash, role, is_active, failed_logins,"
                " created_at) VALUES ($1, $2, 'ORGANIZER', true, 0, now()) RETURNING id",
                USERNAME,
                hash_password(PASSWORD),
            )
        )
    finally:
        await link.close()


async def _failures_audited(database: str, account_id: int) -> int:
    link = await asyncpg.connect(_driver(database))
    try:
        return int(
            await link.fetchval(
                "SELECT count(*) FROM audit_entry WHERE action = 'loginFailed'"
                " AND subject_ids::text LIKE $1",
                f'%"Account:{account_id}"%',
            )
        )
    finally:
        await link.close()


async def test_forty_parallel_guesses_on_two_workers_check_only_the_limit(server, database):
    # Given an account served by two workers on PostgreSQL
    account_id = await _account(database)
    # When forty wrong passwords are sent at once on fresh connections (the kernel
    # spreads them over both workers)
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=server.base, timeout=60, limits=limits) as http:

        async def attempt(password: str) -> dict:
            variables = {"username": USERNAME, "password": password}
            response = await http.post("/graphql", json={"query": LOGIN, "variables": variables})
            assert response.status_code == 200, response.text
            return response.json()["data"]["login"]

        answers = await asyncio.gather(*(attempt(f"guess-{i}-wrong") for i in range(GUESSES)))
        # Then every one is refused, and only MAX_FAILURES were checked (each audited)
        assert all(a["token"] is None for a in answers)
        assert await _failures_audited(database, account_id) == MAX_FAILURES
        # and the right password from the same address is refused for now.
        assert (await attempt(PASSWORD))["token"] is None
