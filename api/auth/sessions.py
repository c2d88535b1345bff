"""Login sessions: random tokens handed to the client, only their hashes stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from api.auth.models import Account, Session

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


async def account_for_token(token: str | None) -> Account | None:
    """The active account of an unexpired session, or None."""
    if not token or len(token) > 128:
        return None
    # One statement: the account is joined, not fetched after the session.
    session = (
        await Session.filter(token_hash=token_hash(token), expires_at__gt=datetime.now(UTC))
        .select_related("account")
        .first()
    )
    if session is None or not session.account.is_active:
        return None
    return session.account


async def close_session(token: str) -> None:
    await Session.filter(token_hash=token_hash(token)).delete()
