"""Failed-login tallies that hold under concurrency, on every engine and every worker.

An attempt first takes a slot in its tallies with one conditional ``UPDATE`` (counted
before the password is checked, refunded when it was right), so parallel attempts can
never be verified more often than the limit allows: the database serialises the updates
of one row, whichever worker sends them.

Two tallies per account, after OWASP's authentication cheat sheet (account lockout
without handing attackers a denial of service):

- per client address: five failures lock that account *for that address only* for
  15 minutes. Someone guessing from one address locks out no one but themselves.
- for the account from every address together: a much higher bar (50 failures) for
  guessing spread over many addresses, and a short lock (5 minutes), so even an attacker
  with that many addresses can only slow the owner down, not keep them out for long.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F

from api.auth.models import LoginThrottle


@dataclass(frozen=True)
class Tally:
    """How many failures a key may collect before it is locked, and for how long."""

    limit: int
    lock: timedelta


PER_CLIENT = Tally(5, timedelta(minutes=15))
PER_ACCOUNT = Tally(50, timedelta(minutes=5))
# The widest IPv6 address is 45 characters; the column has room for the account id too.
MAX_CLIENT = 64
DECOY_KEY = "0|decoy"


def keys(account_id: int, client: str) -> list[tuple[str, Tally]]:
    return [
        (f"{account_id}|{client[:MAX_CLIENT]}", PER_CLIENT),
        (f"{account_id}|*", PER_ACCOUNT),
    ]


async def take_slot(key: str, tally: Tally, now: datetime) -> bool:
    """Whether this attempt may be verified: one failure is counted in advance (see
    ``refund``); False once the key is locked or its tally is full."""
    await LoginThrottle.bulk_create([LoginThrottle(key=key)], ignore_conflicts=True)
    await _lock_when_full(key, tally, now)
    await LoginThrottle.filter(key=key, locked_until__lte=now).update(
        failed_logins=0, locked_until=None
    )
    taken = await LoginThrottle.filter(
        key=key, locked_until__isnull=True, failed_logins__lt=tally.limit
    ).update(failed_logins=F("failed_logins") + 1)
    # Locking in a statement of its own: should the worker die in between, the next
    # attempt's ``_lock_when_full`` sets the lock, so a full tally never locks for ever.
    await _lock_when_full(key, tally, now)
    return taken == 1


async def decoy_slots(now: datetime) -> None:
    """The statements of ``take_slot`` for both tallies, on a key no row has (account ids
    start at 1): an unknown username costs the database what a known one does, so its
    answer takes as long."""
    for _, tally in keys(0, "decoy"):
        await _lock_when_full(DECOY_KEY, tally, now)
        await LoginThrottle.filter(key=DECOY_KEY, locked_until__lte=now).update(
            failed_logins=0, locked_until=None
        )
        await LoginThrottle.filter(
            key=DECOY_KEY, locked_until__isnull=True, failed_logins__lt=tally.limit
        ).update(failed_logins=F("failed_logins") + 1)
        await _lock_when_full(DECOY_KEY, tally, now)


async def _lock_when_full(key: str, tally: Tally, now: datetime) -> None:
    await LoginThrottle.filter(
        key=key, locked_until__isnull=True, failed_logins__gte=tally.limit
    ).update(locked_until=now + tally.lock)


async def refund(keys: list[str]) -> None:
    """The right password: the tallies start again."""
    await LoginThrottle.filter(key__in=keys).update(failed_logins=0, locked_until=None)
