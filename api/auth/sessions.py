"""Login sessions: random tokens handed to the client, only their hashes stored."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from api.auth.models import Account, Session
from api.compiled_reads import columns, fetch_rows, model_of

SESSION_COOKIE = "sheqia_session"
SESSION_LIFETIME = timedelta(hours=12)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(account: Account) -> str:
    """A new session for ``account``; returns the token (never stored)."""
    token = secrets.token_urlsafe(32)
    await Session.create(
        token_hash=token_hash(token),
        account=account,
        expires_at=datetime.now(UTC) + SESSION_LIFETIME,
    )
    return token


@functools.cache
def _session_account() -> str:
    # Every signed-in request starts here: one statement written once
    # (api/compiled_reads.py), when the ORM knows every column.
    return (
        f"SELECT {columns(Account, 'a')} FROM session s JOIN account a ON a.id = s.account_id"
        " WHERE s.token_hash = $1 AND s.expires_at > $2 LIMIT 1"
    )


async def account_for_token(token: str | None) -> Account | None:
    """The active account of an unexpired session, or None."""
    if not token or len(token) > 128:
        return None
    rows = await fetch_rows(_session_account(), [token_hash(token), datetime.now(UTC)])
    account = model_of(Account, rows[0]) if rows else None
    return account if account is not None and account.is_active else None


async def close_session(token: str) -> None:
    await Session.filter(token_hash=token_hash(token)).delete()
