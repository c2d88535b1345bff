"""Claiming through the API in tests: organizations with logged-in accounts, open
projects, offers, and the claimProject document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from api.audit.models import AuditEntry
from api.auth.models import Account, Role
from api.auth.sessions import open_session
from api.bidding.models import Bid
from api.fairs.models import Fair
from api.organizations.models import Organization
from api.projects.models import Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.sessions import make_account

CLAIM = """
mutation Claim($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) {
    bid { id status amount managementFee socialWorkers plan organization { id } }
    project { id status }
    errors { code field message }
  }
}
"""

BUDGET = "100000.00"
PLAN = "每周两次上门探访独居老人，建立服务档案，每月开展一次社区活动。"


@dataclass
class Bidder:
    """A social organization with a logged-in ORGANIZATION account."""

    organization: Organization
    account: Account
    token: str


async def bidder(**organization: Any) -> Bidder:
    org = await factories.organization(index=False, **organization)
    account = await make_account(Role.ORGANIZATION, organization_id=org.id)
    return Bidder(org, account, await open_session(account))


async def open_project(**kwargs: Any) -> Project:
    """A PUBLISHED project of CNY 100,000 in a fair open now."""
    kwargs.setdefault("budget", BUDGET)
    return await factories.project(await factories.fair(), **kwargs)


def bid(
    amount: str = "90000.00", fee: str = "9000.00", workers: int = 3, plan: str = PLAN
) -> dict[str, Any]:
    return {"amount": amount, "managementFee": fee, "socialWorkers": workers, "plan": plan}


async def claim(gql: Any, who: Bidder, project: Project, offer: dict[str, Any]) -> dict[str, Any]:
    variables = {"project": to_global_id("Project", project.id), "bid": offer}
    result = await gql(CLAIM, variables, token=who.token)
    assert "errors" not in result, result["errors"]
    return result["data"]["claimProject"]


def codes(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def assert_nothing_written(project: Project, status: ProjectStatus, who: Bidder) -> None:
    assert await Bid.filter(project_id=project.id, organization_id=who.organization.id).count() == 0
    assert (await Project.get(id=project.id)).status is status
    assert await AuditEntry.filter(account_id=who.account.id).count() == 0


async def set_window(fair_id: int, opens_in: timedelta, closes_in: timedelta) -> None:
    now = factories.now()
    await Fair.filter(id=fair_id).update(opens_at=now + opens_in, closes_at=now + closes_in)
