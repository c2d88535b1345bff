"""Rate limits on logins and mutations: 429 with Retry-After, nothing executed.

The shared test app runs without limits (``env="test"``): each test here builds its own
app with limits on and its own counters. That app is not started (no lifespan): the
database and the live hub are the shared app's, which must not be set up or closed twice.
The limits here are per day, so no test can straddle a window's start.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from api.app import create_app
from api.auth.models import Account, Role, Session
from api.ratelimit import RateLimiter
from api.settings import Settings, load_settings
from schema.ratelimit import RateLimitPolicy
from tests.conftest import DATABASE_URL
from tests.sessions import PASSWORD, make_account, token_for

REDIS_URL = os.environ.get("SHEQIA_TEST_REDIS_URL", "redis://127.0.0.1:6379/11")
IN_CI = bool(os.environ.get("CI"))

LIMITS = {
    "rate_limit_login": "5/day",
    "rate_limit_login_user": "3/day",
    "rate_limit_mutations": "4/day",
}

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) { token errors { code } }
}
"""
# Four logins in one request: each one counts.
FOUR_LOGINS = """
mutation ($username: String!, $password: String!) {
  a: login(username: $username, password: $password) { token }
  b: login(username: $username, password: $password) { token }
  ...More
}
fragment More on Mutation {
  c: login(username: $username, password: $password) { token }
  d: login(username: $username, password: $password) { token }
}
"""
# A mutation that changes nothing: a bid that does not exist cannot be withdrawn.
NOTHING = 'mutation { withdrawBid(bid: "QmlkOjA") { errors { code } } }'
LOGOUT = "mutation { logout { errors { code } } }"
CREATE_ACCOUNT = """
mutation ($username: String!) {
  createAccount(username: $username, password: "rate-limit-pass-1", role: REVIEWER) {
    account { username } errors { code }
  }
}
"""
DISTRICTS = "{ districts { id } }"


def limited_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {**LIMITS, **overrides}
    return Settings(database_url=DATABASE_URL, env="test", rate_limits=True, **values)


def new_ip() -> str:
    """An address of this run only: counters kept in Redis never meet another run's."""
    return f"203.0.113.{uuid.uuid4().hex[:8]}"


class Client:
    """Posts GraphQL to a rate-limited app as one client address."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        headers = {"accept": accept}
        if token:
            headers["authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        self.http.cookies.clear()
        return response


@asynccontextmanager
async def limited_app(settings: Settings) -> AsyncIterator[Any]:
    """An app of its own with these settings, not started: see the module's docstring."""
    application = create_app(settings)

    @asynccontextmanager
    async def client(ip: str) -> AsyncIterator[Client]:
        transport = httpx.ASGITransport(app=application, client=(ip, 4321))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield Client(c)

    yield client


def refused(response: httpx.Response) -> int:
    """The seconds to wait of a rate-limited answer, after checking its form."""
    assert response.status_code == 429, response.text
    seconds = int(response.headers["retry-after"])
    assert seconds >= 1
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": seconds}
    assert f"请 {seconds} 秒后再试" in error["message"]
    return seconds


def login_failed(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    return response.json()["data"]["login"]["errors"] == [{"code": "UNAUTHENTICATED"}]


async def test_login_attempts_for_one_username_from_one_address_are_limited(app):
    async with limited_app(limited_settings()) as client:
        ip, other_ip = new_ip(), new_ip()
        guess = {"username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "wrong"}
        async with client(ip) as c:
            # Given three wrong guesses for one username from one address (the limit)
            for _ in range(3):
                assert login_failed(await c.post(LOGIN, guess))
            # When a fourth comes, it is refused with 429 and when to retry
            refused(await c.post(LOGIN, guess))
            # While another username from the same address may still try
            assert login_failed(await c.post(LOGIN, {**guess, "username": "somebody-else"}))
        # And the same username from another address too
        async with client(other_ip) as c:
            assert login_failed(await c.post(LOGIN, guess))


async def test_login_attempts_from_one_address_are_limited_across_usernames(app):
    async with limited_app(limited_settings()) as client, client(new_ip()) as c:
        # Given five attempts from one address, each for another username
        for n in range(5):
            assert login_failed(await c.post(LOGIN, {"username": f"u{n}", "password": "x"}))
        # Then the sixth is refused, whoever it is for
        refused(await c.post(LOGIN, {"username": "u6", "password": "x"}))


async def test_every_login_of_a_request_counts_and_a_refused_one_signs_nobody_in(app):
    # Given a real account and a request logging it in four times (aliases, a fragment)
    account = await make_account(Role.ORGANIZATION)
    sessions = await Session.filter(account_id=account.id).count()
    async with limited_app(limited_settings()) as client, client(new_ip()) as c:
        variables = {"username": account.username, "password": PASSWORD}
        response = await c.post(FOUR_LOGINS, variables)
    # Then the four count against the three allowed: refused, and no session was opened
    refused(response)
    assert response.json()["data"] is None
    assert await Session.filter(account_id=account.id).count() == sessions


async def test_mutations_are_limited_per_signed_in_account(app):
    first, second = await token_for(Role.ORGANIZATION), await token_for(Role.ORGANIZATION)
    async with limited_app(limited_settings()) as client, client(new_ip()) as c:
        # Given four mutations by one account (the limit)
        for _ in range(4):
            assert (await c.post(NOTHING, token=first)).status_code == 200
        # Then its fifth is refused
        refused(await c.post(NOTHING, token=first))
        # While another account at the same address goes on
        assert (await c.post(NOTHING, token=second)).status_code == 200


async def test_anonymous_mutations_are_limited_per_address(app):
    async with limited_app(limited_settings()) as client:
        async with client(new_ip()) as c:
            for _ in range(4):
                assert (await c.post(LOGOUT)).status_code == 200
            refused(await c.post(LOGOUT))
        async with client(new_ip()) as c:
            assert (await c.post(LOGOUT)).status_code == 200


async def test_a_limited_mutation_executes_nothing(app):
    token = await token_for(Role.ORGANIZER)
    username = f"limited-{uuid.uuid4().hex[:8]}"
    async with limited_app(limited_settings()) as client, client(new_ip()) as c:
        # Given an organizer who used up the mutations of the day
        for _ in range(4):
            await c.post(NOTHING, token=token)
        # When it creates an account
        response = await c.post(CREATE_ACCOUNT, {"username": username}, token=token)
    # Then it is refused and no account was created
    refused(response)
    assert not await Account.filter(username=username).exists()


async def test_a_limited_request_is_429_under_both_media_types(app):
    token = await token_for(Role.ORGANIZATION)
    async with limited_app(limited_settings()) as client, client(new_ip()) as c:
        for _ in range(4):
            await c.post(NOTHING, token=token)
        # A legacy JSON client gets 429 with `data: null`
        legacy = await c.post(NOTHING, token=token)
        refused(legacy)
        assert legacy.json()["data"] is None
        # A GraphQL-over-HTTP client gets 429 of its media type, without `data`
        modern = await c.post(NOTHING, token=token, accept="application/graphql-response+json")
        refused(modern)
        assert modern.headers["content-type"] == "application/graphql-response+json"
        assert "data" not in modern.json()


async def test_queries_are_not_rate_limited(app):
    async with limited_app(limited_settings()) as client, client(new_ip()) as c:
        for _ in range(12):
            response = await c.post(DISTRICTS)
            assert response.status_code == 200 and "errors" not in response.json()


async def test_the_defaults_let_a_crowded_hall_behind_one_address_log_in():
    # Given the default limits and one address for a whole hall
    policy = RateLimitPolicy(Settings(rate_limits=True))
    ip = new_ip()

    async def attempt(username: str) -> int | None:
        return await policy.limiter.acquire(
            policy.hits([_login_field()], {"username": username}, ip, None)
        )

    # Then 200 people logging in within a minute pass, each with a retry after a typo
    for n in range(200):
        assert await attempt(f"org-{n}") is None
    assert await attempt("org-0") is None
    # While one username guessed over and over is stopped after ten
    assert [await attempt("organizer") for _ in range(10)] == [None] * 10
    assert await attempt("organizer") is not None


async def test_the_defaults_let_an_organization_claim_a_burst_of_projects():
    policy = RateLimitPolicy(Settings(rate_limits=True))
    claims = [_field("claimProject")]
    results = [
        await policy.limiter.acquire(policy.hits(claims, {}, new_ip(), "42")) for _ in range(30)
    ]
    assert results == [None] * 30


def test_the_shared_test_app_runs_without_limits_unless_asked(monkeypatch):
    assert not Settings(env="test").rate_limited
    assert Settings(env="test", rate_limits=True).rate_limited
    assert Settings().rate_limited and Settings(env="production").rate_limited
    monkeypatch.setenv("SHEQIA_RATE_LIMITS", "off")
    assert not load_settings().rate_limited
    monkeypatch.setenv("SHEQIA_RATE_LIMITS", "on")
    monkeypatch.setenv("SHEQIA_RATE_LIMIT_URL", "redis://cache:6379/2")
    monkeypatch.setenv("SHEQIA_RATE_LIMIT_MUTATIONS", "100/minute")
    settings = load_settings()
    assert settings.rate_limited and settings.rate_limit_url == "redis://cache:6379/2"
    assert settings.rate_limit_mutations == "100/minute"


def test_a_bad_storage_url_fails_at_start_up():
    with pytest.raises(ValueError, match="SHEQIA_RATE_LIMIT_URL"):
        RateLimiter("memcached://127.0.0.1:11211")


async def test_an_unreachable_redis_lets_requests_through_and_says_so(app, caplog):
    # Given limits counted in a Redis that does not answer (nothing listens on port 1)
    settings = limited_settings(rate_limit_url="redis://127.0.0.1:1/0")
    token = await token_for(Role.ORGANIZATION)
    async with limited_app(settings) as client, client(new_ip()) as c:
        with caplog.at_level(logging.WARNING, logger="api.ratelimit"):
            # Then mutations still go through: a counter must not close the fair
            for _ in range(6):
                assert (await c.post(NOTHING, token=token)).status_code == 200
    assert "rate limit storage failed" in caplog.text


@pytest.fixture
async def redis_url() -> str:
    """The Redis the machine runs; CI fails without it, elsewhere the test is skipped
    with the reason."""
    client = aioredis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (aioredis.RedisError, OSError) as error:
        if IN_CI:
            pytest.fail(f"Redis is needed at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); CI runs this test")
    finally:
        await client.aclose()
    return REDIS_URL


@pytest.mark.redis
async def test_two_workers_sharing_redis_share_the_counters(app, redis_url):
    # Given two app instances (two workers) counting in the same Redis
    settings = limited_settings(rate_limit_url=redis_url)
    ip = new_ip()
    guess = {"username": f"nobody-{uuid.uuid4().hex[:8]}", "password": "wrong"}
    async with limited_app(settings) as one, limited_app(settings) as two:
        # When one client's guesses land on both, two on the first and one on the second
        async with one(ip) as c:
            assert login_failed(await c.post(LOGIN, guess))
            assert login_failed(await c.post(LOGIN, guess))
        async with two(ip) as c:
            assert login_failed(await c.post(LOGIN, guess))
            # Then the fourth is refused, wherever it lands
            refused(await c.post(LOGIN, guess))
        async with one(ip) as c:
            refused(await c.post(LOGIN, guess))


def _field(name: str) -> Any:
    from graphql import parse

    operation = parse(f"mutation {{ {name} {{ errors {{ code }} }} }}").definitions[0]
    return operation.selection_set.selections[0]  # type: ignore[attr-defined]


def _login_field() -> Any:
    from graphql import parse

    document = parse(
        'mutation ($username: String!) { login(username: $username, password: "x") { token } }'
    )
    return document.definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
