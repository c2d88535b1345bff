"""Withdrawing a project before anyone has it: its publisher or an organizer, with a
reason; the bids on it are released with that reason as their notice; a claim racing the
withdrawal and the withdrawal never both happen."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.bidding.models import Bid, BidStatus
from api.live.events import EventKind, FairEvent
from api.projects import withdrawal
from api.projects.models import Procurement, Project, ProjectStatus
from schema.relay import to_global_id
from tests import factories
from tests.claiming import bid, bidder, claim, codes, open_project
from tests.sessions import token_for

WITHDRAW_PROJECT = """
mutation WithdrawProject($project: ID!, $reason: String!) {
  withdrawProject(project: $project, reason: $reason) {
    project { id status withdrawnAt withdrawalReason }
    releasedBids { id status releaseNotice }
    errors { code field message }
  }
}
"""

OWN_BIDS = """
query OwnBids($id: ID!) {
  project(id: $id) { status withdrawalReason bids(first: 10) { edges { node { status releaseNotice } } } }
}
"""

REASON = "街道调整年度预算，该项目并入区级统一采购。"


async def withdraw(gql: Any, token: str | None, project: Project, reason: str = REASON) -> dict:
    variables = {"project": to_global_id("Project", project.id), "reason": reason}
    result = await gql(WITHDRAW_PROJECT, variables, token=token)
    assert "errors" not in result, result
    return result["data"]["withdrawProject"]


@pytest.fixture
def heard(monkeypatch) -> list[FairEvent]:
    """The live events the withdrawal announces."""
    events: list[FairEvent] = []

    async def capture(*sent: FairEvent) -> None:
        events.extend(sent)

    monkeypatch.setattr(withdrawal, "announce", capture)
    return events


async def publisher_token(project: Project) -> str:
    return await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)


async def test_publisher_withdraws_an_unclaimed_project(gql, heard):
    # Given a published DIRECT project nobody has claimed,
    project = await open_project()
    # when its publisher withdraws it with a reason,
    payload = await withdraw(gql, await publisher_token(project), project)
    # then it is WITHDRAWN with the time and reason public, audited and announced.
    assert payload["errors"] == []
    assert payload["project"]["status"] == "WITHDRAWN"
    assert payload["project"]["withdrawalReason"] == REASON
    assert payload["project"]["withdrawnAt"] is not None
    entry = await AuditEntry.filter(action="withdrawProject").order_by("-id").first()
    assert entry is not None and f"Project:{project.id}" in entry.subject_ids
    assert entry.detail["reason"] == REASON
    assert [(e.kind, e.project_id) for e in heard] == [(EventKind.PROJECT_WITHDRAWN, project.id)]


async def test_bids_are_released_and_bidders_see_why(gql, heard):
    # Given a COMPETITIVE project with two bids,
    project = await open_project(procurement=Procurement.COMPETITIVE)
    first, second = await bidder(), await bidder()
    for who in (first, second):
        assert (await claim(gql, who, project, bid()))["errors"] == []
    # when an organizer withdraws it,
    payload = await withdraw(gql, await token_for(Role.ORGANIZER), project)
    # then both bids are WITHDRAWN, inactive and carry the reason,
    assert payload["errors"] == []
    assert [b["releaseNotice"] for b in payload["releasedBids"]] == [REASON, REASON]
    rows = await Bid.filter(project_id=project.id)
    assert {(b.status, b.active, b.release_notice) for b in rows} == {
        (BidStatus.WITHDRAWN, None, REASON)
    }
    # and each bidder sees its own bid released with the notice.
    seen = await gql(OWN_BIDS, {"id": to_global_id("Project", project.id)}, token=first.token)
    edges = seen["data"]["project"]["bids"]["edges"]
    assert [e["node"] for e in edges] == [{"status": "WITHDRAWN", "releaseNotice": REASON}]
    entry = await AuditEntry.filter(action="withdrawProject").order_by("-id").first()
    assert entry is not None and entry.detail["releasedBids"] == 2


async def test_a_withdrawn_project_cannot_be_claimed(gql, heard):
    project = await open_project()
    assert (await withdraw(gql, await publisher_token(project), project))["errors"] == []
    payload = await claim(gql, await bidder(), project, bid())
    assert codes(payload) == [("NOT_CLAIMABLE", ["project"])]


async def test_a_claimed_project_cannot_be_withdrawn(gql, heard):
    # Given a DIRECT project already claimed,
    project = await open_project()
    assert (await claim(gql, await bidder(), project, bid()))["errors"] == []
    # when its publisher tries to withdraw it, then the state refuses and nothing changes.
    payload = await withdraw(gql, await publisher_token(project), project)
    assert codes(payload) == [("INVALID_STATE", ["project"])]
    assert (await Project.get(id=project.id)).status is ProjectStatus.CLAIMED
    assert await Bid.filter(project_id=project.id, status=BidStatus.SUBMITTED).count() == 1
    assert heard == []


async def test_an_awarded_project_cannot_be_withdrawn(gql, heard):
    project = await open_project()
    await factories.award(project, (await bidder()).organization, "90000.00")
    payload = await withdraw(gql, await token_for(Role.ORGANIZER), project)
    assert codes(payload) == [("INVALID_STATE", ["project"])]


async def test_withdrawing_twice_is_an_invalid_state(gql, heard):
    project = await open_project()
    token = await publisher_token(project)
    assert (await withdraw(gql, token, project))["errors"] == []
    assert codes(await withdraw(gql, token, project)) == [("INVALID_STATE", ["project"])]
    assert len(heard) == 1


async def test_a_reason_is_required(gql, heard):
    project = await open_project()
    payload = await withdraw(gql, await publisher_token(project), project, reason="   ")
    assert codes(payload) == [("INVALID_INPUT", ["reason"])]
    assert (await Project.get(id=project.id)).status is ProjectStatus.PUBLISHED


async def test_another_publisher_may_not_withdraw(gql, heard):
    project = await open_project()
    other = await factories.publisher()
    payload = await withdraw(gql, await token_for(Role.PUBLISHER, publisher_id=other.id), project)
    assert codes(payload) == [("FORBIDDEN", ["project"])]
    assert (await Project.get(id=project.id)).status is ProjectStatus.PUBLISHED


@pytest.mark.parametrize("role", [Role.ORGANIZATION, Role.REVIEWER, Role.SUPERVISOR])
async def test_other_roles_may_not_withdraw(gql, heard, role):
    project = await open_project()
    payload = await withdraw(gql, await token_for(role), project)
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]


async def test_a_claim_racing_the_withdrawal_exactly_one_wins(gql, heard):
    # Given published DIRECT projects, each claimed and withdrawn at the same moment,
    for _ in range(5):
        project = await open_project()
        who = await bidder()
        token = await publisher_token(project)
        claimed, withdrawn = await asyncio.gather(
            claim(gql, who, project, bid()), withdraw(gql, token, project)
        )
        # then exactly one of the two succeeded, and the database agrees with it.
        won = [p["errors"] == [] for p in (claimed, withdrawn)]
        assert won.count(True) == 1, (claimed, withdrawn)
        status = (await Project.get(id=project.id)).status
        active = await Bid.filter(project_id=project.id, active=1).count()
        if won[0]:
            assert (status, active) == (ProjectStatus.CLAIMED, 1)
        else:
            assert (status, active) == (ProjectStatus.WITHDRAWN, 0)


async def test_bids_racing_the_withdrawal_are_all_released_or_refused(gql, heard):
    # Given a COMPETITIVE project, bids arriving while it is withdrawn,
    project = await open_project(procurement=Procurement.COMPETITIVE)
    bidders = [await bidder() for _ in range(4)]
    token = await token_for(Role.ORGANIZER)
    results = await asyncio.gather(
        *(claim(gql, who, project, bid()) for who in bidders), withdraw(gql, token, project)
    )
    # then the withdrawal succeeds and no bid is left active: each bid was either
    # refused or released with the notice.
    assert results[-1]["errors"] == []
    assert await Bid.filter(project_id=project.id, active=1).count() == 0
    accepted = sum(r["errors"] == [] for r in results[:-1])
    released = await Bid.filter(project_id=project.id, release_notice=REASON).count()
    assert accepted == released
