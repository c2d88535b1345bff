"""Logging in and out, with a lock-out after repeated failures."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F

from api.audit.log import record
from api.auth.models import Account
from api.auth.passwords import hash_password, needs_rehash, verify_password
from api.auth.sessions import close_session, open_session
from api.errors import DomainError, ErrorCode

MAX_FAILURES = 5
LOCK_TIME = timedelta(minutes=15)
# Verified against when the username is unknown, so both answers take as long.
_DECOY_HASH = hash_password("sheqia-decoy-password")

BAD_CREDENTIALS = "用户名或密码错误。Wrong username or password."


async def login(username: str, password: str) -> tuple[Account, str]:
    """The account and a new session token; a refusal that never says which part was wrong."""
    account = await Account.get_or_none(username=username.strip()[:64])
    now = datetime.now(UTC)
    if account is not None and account.locked_until and account.locked_until > now:
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        raise DomainError.one(
            ErrorCode.UNAUTHENTICATED,
            f"登录失败次数过多，账号已暂时锁定，请 {minutes} 分钟后再试。Locked for a while.",
        )
    stored = account.password_hash if account else _DECOY_HASH
    # Argon2 is slow on purpose: verify off the event loop so other requests keep moving.
    valid = await asyncio.to_thread(verify_password, stored, password)
    if account is None or not valid or not account.is_active:
        if account is not None:
            await _count_failure(account, now)
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
    await Account.filter(id=account.id).update(
        failed_logins=0, locked_until=None, **await _upgraded_hash(stored, password)
    )
    token = await open_session(account)
    await record(account, "login", [account])
    return account, token


async def _upgraded_hash(stored: str, password: str) -> dict[str, str]:
    """A fresh hash when the stored one was made with older parameters, else nothing."""
    if not needs_rehash(stored):
        return {}
    return {"password_hash": await asyncio.to_thread(hash_password, password)}


async def _count_failure(account: Account, now: datetime) -> None:
    # Counted in the database with atomic updates, so concurrent attempts on every
    # worker add up to the same tally.
    await Account.filter(id=account.id).update(failed_logins=F("failed_logins") + 1)
    await Account.filter(id=account.id, failed_logins__gte=MAX_FAILURES).update(
        failed_logins=0, locked_until=now + LOCK_TIME
    )


async def logout(account: Account | None, token: str | None) -> None:
    if account is None or token is None:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, "尚未登录。Not logged in.")
    await close_session(token)
    await record(account, "logout", [account])
