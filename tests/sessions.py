"""Logged-in test users: an account of a role and a bearer token for it."""

from __future__ import annotations

import itertools

from api.auth.models import Account, Role
from api.auth.passwords import hash_password
from api.auth.sessions import open_session

_serial = itertools.count(1)
# One Argon2 hash for every test account: hashing is slow on purpose.
PASSWORD = "test-password-2026"
_HASH = hash_password(PASSWORD)


async def make_account(role: Role, **links: int | None) -> Account:
    """A new account of ``role``; links are organization_id, supervisor_id, publisher_id."""
    username = f"{role.value.lower()}-{next(_serial)}"
    return await Account.create(username=username, password_hash=_HASH, role=role, **links)


async def token_for(role: Role, **links: int | None) -> str:
    """A bearer token of a new account of ``role``."""
    return await open_session(await make_account(role, **links))
