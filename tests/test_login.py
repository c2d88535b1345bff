"""Logging in and out: session cookie, bearer token, CSRF defence and lock-out."""

from __future__ import annotations

from api.auth.login import MAX_FAILURES
from api.auth.models import Account, Role
from api.auth.sessions import SESSION_COOKIE
from tests.sessions import PASSWORD, make_account

LOGIN = """
mutation ($username: String!, $password: String!) {
  login(username: $username, password: $password) { token account { username role } errors { code message } }
}
"""
LOGOUT = "mutation { logout { errors { code } } }"
ME = "{ me { username role } }"


async def post(client, query, variables=None, headers=None):
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response


async def test_login_sets_a_strict_httponly_cookie_and_returns_a_token(client):
    # Given an organizer account
    account = await make_account(Role.ORGANIZER)
    # When it logs in
    response = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    client.cookies.clear()
    # Then a bearer token comes back and the cookie is HttpOnly and SameSite=Strict
    payload = response.json()["data"]["login"]
    assert payload["errors"] == [] and payload["token"]
    assert payload["account"] == {"username": account.username, "role": "ORGANIZER"}
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie


async def test_the_bearer_token_and_the_same_site_cookie_both_say_who_is_asking(client):
    account = await make_account(Role.ORGANIZATION)
    response = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    token = response.json()["data"]["login"]["token"]
    client.cookies.clear()
    by_token = await post(client, ME, headers={"authorization": f"Bearer {token}"})
    assert by_token.json()["data"]["me"]["username"] == account.username
    same_site = await post(
        client, ME, headers={"cookie": f"{SESSION_COOKIE}={token}", "sec-fetch-site": "same-origin"}
    )
    assert same_site.json()["data"]["me"]["username"] == account.username


async def test_a_cookie_sent_from_another_site_acts_as_nobody(client):
    # Given a logged-in session cookie, when another site's page sends a request with it,
    # then the request is anonymous (CSRF defence).
    account = await make_account(Role.ORGANIZER)
    response = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    token = response.json()["data"]["login"]["token"]
    client.cookies.clear()
    for headers in (
        {"sec-fetch-site": "cross-site"},
        {"origin": "https://evil.example"},
    ):
        forged = await post(client, ME, headers={"cookie": f"{SESSION_COOKIE}={token}", **headers})
        assert forged.json()["data"]["me"] is None


async def test_logout_ends_the_session(client):
    account = await make_account(Role.ORGANIZER)
    response = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    token = response.json()["data"]["login"]["token"]
    client.cookies.clear()
    auth = {"authorization": f"Bearer {token}"}
    out = await post(client, LOGOUT, headers=auth)
    assert out.json()["data"]["logout"]["errors"] == []
    assert (await post(client, ME, headers=auth)).json()["data"]["me"] is None


async def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    account = await make_account(Role.ORGANIZER)
    wrong = await post(client, LOGIN, {"username": account.username, "password": "nope-nope"})
    unknown = await post(client, LOGIN, {"username": "nobody-here", "password": "nope-nope"})
    a = wrong.json()["data"]["login"]
    b = unknown.json()["data"]["login"]
    assert a["errors"] == b["errors"]
    assert a["errors"][0]["code"] == "UNAUTHENTICATED" and a["token"] is None


async def test_repeated_failures_lock_the_account_for_that_client(client):
    # Given an account, when the password is wrong MAX_FAILURES times in a row,
    # then even the right password is refused from that client, with the usual answer.
    account = await make_account(Role.ORGANIZER)
    for _ in range(MAX_FAILURES):
        await post(client, LOGIN, {"username": account.username, "password": "wrong-pass"})
    locked = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    payload = locked.json()["data"]["login"]
    assert payload["token"] is None
    assert payload["errors"][0]["code"] == "UNAUTHENTICATED"


async def test_one_failure_less_than_the_limit_does_not_lock(client):
    account = await make_account(Role.ORGANIZER)
    for _ in range(MAX_FAILURES - 1):
        await post(client, LOGIN, {"username": account.username, "password": "wrong-pass"})
    response = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    client.cookies.clear()
    assert response.json()["data"]["login"]["errors"] == []


async def test_a_password_hashed_with_older_parameters_is_upgraded_at_login(client):
    # Given an account whose hash was made with argon2-cffi's heavier default parameters
    from argon2 import PasswordHasher

    from api.auth.passwords import needs_rehash, verify_password

    account = await make_account(Role.ORGANIZER)
    old = PasswordHasher().hash(PASSWORD)
    await Account.filter(id=account.id).update(password_hash=old)
    assert needs_rehash(old)
    # When it logs in with its password
    response = await post(client, LOGIN, {"username": account.username, "password": PASSWORD})
    client.cookies.clear()
    assert response.json()["data"]["login"]["errors"] == []
    # Then the stored hash is made again with today's parameters and still verifies.
    stored = (await Account.get(id=account.id)).password_hash
    assert stored != old and not needs_rehash(stored)
    assert verify_password(stored, PASSWORD)
