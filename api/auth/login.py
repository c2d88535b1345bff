"""Logging in and out, throttled against password guessing (api/auth/throttle.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from api.audit.log import record
from api.auth import throttle
from api.auth.models import Account
from api.auth.passwords import hash_password, needs_rehash, verify_password
from api.auth.sessions import close_session, open_session
from api.errors import DomainError, ErrorCode

MAX_FAILURES = throttle.PER_CLIENT.limit
# Verified against when the attempt is not checked (unknown username, throttled), so
# every refusal takes as long as a wrong password.
_DECOY_HASH = hash_password("sheqia-decoy-password")

# One answer for an unknown username, a wrong password, an inactive and a locked account:
# nothing tells an outsider which accounts exist or are locked.
BAD_CREDENTIALS = "用户名或密码错误。Wrong username or password."
log = logging.getLogger(__name__)


async def login(username: str, password: str, client: str = "unknown") -> tuple[Account, str]:
    """The account and a new session token; a refusal that never says which part was wrong."""
    account = await Account.get_or_none(username=username.strip()[:64])
    keys = throttle.keys(account.id, client) if account is not None else []
    now = datetime.now(UTC)
    allowed = account is not None
    if account is None:
        await throttle.decoy_slots(now)
    for key, tally in keys:
        # Every tally takes its slot, so no attempt slips past a full one.
        allowed = await throttle.take_slot(key, tally, now) and allowed
    stored = account.password_hash if account is not None and allowed else _DECOY_HASH
    # Argon2 is slow on purpose: verify off the event loop so other requests keep moving.
    valid = await asyncio.to_thread(verify_password, stored, password)
    if account is None or not allowed or not valid or not account.is_active:
        await _refused(account, allowed, client)
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, BAD_CREDENTIALS)
    await throttle.refund([key for key, _ in keys])
    if upgraded := await _upgraded_hash(stored, password):
        await Account.filter(id=account.id).update(**upgraded)
    token = await open_session(account)
    await record(account, "login", [account])
    return account, token


async def _refused(account: Account | None, verified: bool, client: str) -> None:
    """A checked wrong password goes to the audit trail (who was tried, from where); a
    throttled attempt only to the log, so guessing cannot fill the trail."""
    if account is None:
        return
    if verified:
        await record(None, "loginFailed", [account], {"client": client})
    else:
        log.info("login throttled: account %s from %s", account.id, client)


async def _upgraded_hash(stored: str, password: str) -> dict[str, str]:
    """A fresh hash when the stored one was made with older parameters, else nothing."""
    if not needs_rehash(stored):
        return {}
    return {"password_hash": await asyncio.to_thread(hash_password, password)}


async def logout(account: Account | None, token: str | None) -> None:
    if account is None or token is None:
        raise DomainError.one(ErrorCode.UNAUTHENTICATED, "尚未登录。Not logged in.")
    await close_session(token)
    await record(account, "logout", [account])
