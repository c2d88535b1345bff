"""Login throttling that holds against a determined attacker (issue: lockout race,
account enumeration, locking out others).

In-process on SQLite or PostgreSQL; the same race against two real workers on
PostgreSQL is in tests/test_login_workers.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import pytest_asyncio

from api.audit.models import AuditEntry
from api.auth import login as login_module
from api.auth.models import Account, LoginThrottle, Role
from api.auth.throttle import PER_ACCOUNT
from api.sqlcount import count_statements
from tests.sessions import PASSWORD, make_account

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) { token errors { code message } }
}
"""
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


@pytest_asyncio.fixture
async def from_address(app) -> AsyncIterator[object]:
    """Clients of the app that each come from an address of their own."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        opened.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
        return opened[-1]

    yield make
    for client in opened:
        await client.aclose()


async def log_in(client: httpx.AsyncClient, username: str, password: str) -> dict:
    response = await client.post(
        "/graphql", json={"query": LOGIN, "variables": {"username": username, "password": password}}
    )
    client.cookies.clear()
    assert response.status_code == 200, response.text
    return response.json()["data"]["login"]


async def failures_audited(account: Account) -> int:
    entries = await AuditEntry.filter(action="loginFailed").values_list("subject_ids", flat=True)
    return sum(1 for subjects in entries if f"Account:{account.id}" in subjects)


async def test_parallel_guesses_are_verified_no_more_often_than_the_limit(
    from_address, monkeypatch
):
    # Given an account, and a count of the passwords really checked against its hash
    account = await make_account(Role.ORGANIZATION)
    checked: list[str] = []
    real_verify = login_module.verify_password

    def counting_verify(stored: str, password: str) -> bool:
        if stored == account.password_hash:
            checked.append(password)
        return real_verify(stored, password)

    monkeypatch.setattr(login_module, "verify_password", counting_verify)
    attacker = from_address(ATTACKER)
    # When twenty wrong passwords arrive at once
    answers = await asyncio.gather(
        *(log_in(attacker, account.username, f"guess-{i}-xyz") for i in range(20))
    )
    # Then all are refused, only MAX_FAILURES were checked, each is in the audit trail
    assert all(a["token"] is None for a in answers)
    assert len(checked) == login_module.MAX_FAILURES
    assert await failures_audited(account) == login_module.MAX_FAILURES
    # and the right password from that address is refused now as well, unchecked.
    assert (await log_in(attacker, account.username, PASSWORD))["token"] is None
    assert len(checked) == login_module.MAX_FAILURES


async def test_a_locked_account_answers_as_an_unknown_username_does(from_address):
    # Given an account locked for this client by repeated failures
    account = await make_account(Role.ORGANIZATION)
    attacker = from_address(ATTACKER)
    for _ in range(login_module.MAX_FAILURES):
        await log_in(attacker, account.username, "wrong-password-1")
    # When the right password, a wrong one and an unknown username are tried
    locked = await log_in(attacker, account.username, PASSWORD)
    wrong = await log_in(attacker, account.username, "wrong-password-2")
    unknown = await log_in(attacker, "nobody-at-all", "wrong-password-2")
    # Then the three answers are the same: nothing says the account exists or is locked.
    assert locked == wrong == unknown
    assert "锁定" not in locked["errors"][0]["message"]


async def test_guessing_from_one_address_does_not_lock_the_owner_out(from_address):
    # Given an attacker who locked an account by failing from their own address
    account = await make_account(Role.ORGANIZATION)
    attacker, owner = from_address(ATTACKER), from_address(OWNER)
    for _ in range(login_module.MAX_FAILURES + 3):
        await log_in(attacker, account.username, "wrong-password-1")
    assert (await log_in(attacker, account.username, PASSWORD))["token"] is None
    # When the owner logs in from another address
    answer = await log_in(owner, account.username, PASSWORD)
    # Then they get in.
    assert answer["errors"] == [] and answer["token"]


async def test_guessing_from_many_addresses_locks_the_account_only_briefly(from_address):
    # Given an account whose every-address tally is full (a spread-out guessing run)
    account = await make_account(Role.ORGANIZATION)
    key = f"{account.id}|*"
    await LoginThrottle.create(key=key, failed_logins=PER_ACCOUNT.limit)
    # When the owner tries, the account is held for the short lock
    owner = from_address(OWNER)
    assert (await log_in(owner, account.username, PASSWORD))["token"] is None
    locked_until = (await LoginThrottle.get(key=key)).locked_until
    assert locked_until is not None
    assert (
        locked_until
        <= datetime.now(UTC) + PER_ACCOUNT.lock
        <= datetime.now(UTC) + timedelta(minutes=5)
    )
    # and once that lock has passed, the owner gets in again.
    await LoginThrottle.filter(key=key).update(
        locked_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    answer = await log_in(owner, account.username, PASSWORD)
    assert answer["errors"] == [] and answer["token"]


async def test_an_unknown_username_costs_the_database_what_a_known_one_does(from_address):
    # Given a known account and an unknown username, and a count of SQL statements
    account = await make_account(Role.ORGANIZATION)
    client = from_address("192.0.2.10")
    await log_in(client, account.username, "first-wrong-password")  # its rows exist now
    # When each is tried with a wrong password
    with count_statements() as known:
        await log_in(client, account.username, "wrong-password-2")
    with count_statements() as unknown:
        await log_in(client, "nobody-by-that-name", "wrong-password-2")
    # Then the unknown one sends the same lookups and updates; only the known one's inserts
    # (its tallies' rows, the audit entry) are missing, so timing tells little either way.
    checks = [s for s in known if not s.startswith("INSERT")]
    assert [s.split(" WHERE")[0] for s in unknown] == [s.split(" WHERE")[0] for s in checks]
