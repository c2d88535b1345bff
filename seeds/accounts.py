"""The demo logins, one per role, linked to the bodies they act for."""

from __future__ import annotations

from typing import Any

from api.auth.models import Account, Role
from api.auth.passwords import hash_password
from seeds.bulk import Progress
from seeds.generator import DEMO_ACCOUNTS, DemoAccount, Seed

PublisherKey = tuple[str, str]  # (district code, publisher name)


def _account_links(
    account: DemoAccount,
    seed: Seed,
    publisher_ids: dict[PublisherKey, int],
    organizations: dict[str, int],
    supervisors: dict[str, int],
) -> dict[str, Any]:
    """The body a demo account acts for, as foreign-key values."""
    links: dict[str, Any] = {}
    if account.publisher is not None:
        links["publisher_id"] = publisher_ids[account.publisher]
    if account.organization_index is not None:
        code = seed.organizations[account.organization_index].credit_code
        links["organization_id"] = organizations[code]
    if account.supervisor_index is not None:
        phone = seed.supervisors[account.supervisor_index].contact_phone
        links["supervisor_id"] = supervisors[phone]
    return links


async def ensure_demo_accounts(
    seed: Seed,
    publisher_ids: dict[PublisherKey, int],
    organizations: dict[str, int],
    supervisors: dict[str, int],
    report: Progress,
) -> None:
    """One account per role; existing usernames are left alone (passwords may be changed)."""
    stage = "演示账号 / demo accounts"
    present = set(
        await Account.filter(username__in=[a.username for a in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    for done, account in enumerate(DEMO_ACCOUNTS, start=1):
        if account.username not in present:
            # Argon2 is slow on purpose: only these few accounts are hashed.
            await Account.create(
                username=account.username,
                password_hash=hash_password(account.password),
                role=Role(account.role),
                **_account_links(account, seed, publisher_ids, organizations, supervisors),
            )
        report(stage, done, len(DEMO_ACCOUNTS))
