"""Setting up fair editions: createFair and updateFair, their rules and who may use them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.bidding.models import Bid, ReviewScore
from api.contracts.models import Evaluation, EvaluationStage
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

CREATE_FAIR = """
mutation CreateFair($input: FairInput!) {
  createFair(input: $input) {
    fair { id edition name opensAt closesAt isOpen midtermShare passMark
           criteria { key name weight } evaluationComponents { key name weight } }
    errors { code field message }
  }
}
"""

UPDATE_FAIR = """
mutation UpdateFair($fair: ID!, $input: FairInput!) {
  updateFair(fair: $fair, input: $input) {
    fair { id edition name opensAt closesAt isOpen midtermShare passMark criteria { key weight } }
    errors { code field message }
  }
}
"""

OTHER_ROLES = [Role.PUBLISHER, Role.ORGANIZATION, Role.REVIEWER, Role.SUPERVISOR]


def iso(moment: datetime) -> str:
    return moment.isoformat()


def fair_input(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "edition": factories.edition(),
        "name": "第六届社区暨社会公益服务项目洽谈会",
        "opensAt": iso(now - timedelta(days=1)),
        "closesAt": iso(now + timedelta(days=30)),
    }
    values.update(overrides)
    return values


def criteria(*weights: float) -> list[dict[str, Any]]:
    return [{"key": f"c{i}", "name": f"标准{i}", "weight": w} for i, w in enumerate(weights)]


def components(community: float, beneficiary: float, rest: float) -> list[dict[str, Any]]:
    return [
        {"key": "community", "name": "社区居委会评价", "weight": community},
        {"key": "beneficiary", "name": "服务对象满意度", "weight": beneficiary},
        {"key": "third_party", "name": "第三方专业评估", "weight": rest},
    ]


@pytest.fixture
async def organizer(app: object) -> str:
    return await token_for(Role.ORGANIZER)


async def create(gql, token: str | None, **overrides: Any) -> dict[str, Any]:
    result = await gql(CREATE_FAIR, {"input": fair_input(**overrides)}, token=token)
    assert "errors" not in result, result
    return result["data"]["createFair"]


def refusals(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


# --- createFair ---------------------------------------------------------------------------


async def test_organizer_creates_a_fair_with_the_default_rules(gql, organizer):
    # Given an organizer and a new edition number
    edition = factories.edition()
    # When the fair is created without criteria or components
    payload = await create(gql, organizer, edition=edition)
    # Then it exists, open now, with the default criteria, components, share and pass mark
    assert payload["errors"] == []
    fair = payload["fair"]
    assert fair["edition"] == edition and fair["isOpen"] is True
    assert fair["criteria"] == [dict(c) for c in DEFAULT_CRITERIA]
    assert fair["evaluationComponents"] == [dict(c) for c in DEFAULT_EVALUATION_COMPONENTS]
    assert (fair["midtermShare"], fair["passMark"]) == (0.4, 60.0)
    row = await Fair.get(edition=edition)
    assert fair["id"] == to_global_id("Fair", row.id)


async def test_creating_a_fair_is_audited(gql, organizer):
    # Given an organizer, when a fair is created
    edition = factories.edition()
    await create(gql, organizer, edition=edition)
    # Then the trail names the action and the fair
    row = await Fair.get(edition=edition)
    entry = await AuditEntry.filter(action="createFair").order_by("-id").first()
    assert entry is not None and entry.subject_ids == [f"Fair:{row.id}"]


async def test_anonymous_create_is_refused(gql):
    # Given nobody logged in, when a fair is created
    edition = factories.edition()
    payload = await create(gql, None, edition=edition)
    # Then UNAUTHENTICATED and nothing written
    assert refusals(payload) == [("UNAUTHENTICATED", None)]
    assert not await Fair.filter(edition=edition).exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
async def test_create_by_other_roles_is_forbidden(gql, role):
    # Given an account that is not an organizer, when it creates a fair
    edition = factories.edition()
    payload = await create(gql, await token_for(role), edition=edition)
    # Then FORBIDDEN and nothing written
    assert refusals(payload) == [("FORBIDDEN", None)]
    assert not await Fair.filter(edition=edition).exists()


async def test_window_must_close_after_it_opens(gql, organizer):
    # Given a window that closes the moment it opens
    opens = datetime.now(UTC)
    edition = factories.edition()
    payload = await create(gql, organizer, edition=edition, opensAt=iso(opens), closesAt=iso(opens))
    # Then it is refused at closesAt
    assert refusals(payload) == [("INVALID_INPUT", ["input", "closesAt"])]
    assert not await Fair.filter(edition=edition).exists()


async def test_window_of_one_second_is_accepted(gql, organizer):
    opens = datetime.now(UTC)
    closes = opens + timedelta(seconds=1)
    payload = await create(gql, organizer, opensAt=iso(opens), closesAt=iso(closes))
    assert payload["errors"] == []


@pytest.mark.parametrize("name", ["", "   ", "名" * 129])
async def test_blank_or_overlong_name_is_refused(gql, organizer, name):
    payload = await create(gql, organizer, name=name)
    assert refusals(payload) == [("INVALID_INPUT", ["input", "name"])]


@pytest.mark.parametrize("edition", [0, -1])
async def test_edition_must_be_positive(gql, organizer, edition):
    payload = await create(gql, organizer, edition=edition)
    assert refusals(payload) == [("INVALID_INPUT", ["input", "edition"])]


async def test_taken_edition_is_refused(gql, organizer):
    # Given an existing fair
    taken = await factories.fair()
    # When another is created with its edition
    payload = await create(gql, organizer, edition=taken.edition, name="重复的一届")
    # Then INVALID_INPUT at edition, and the first is untouched
    assert refusals(payload) == [("INVALID_INPUT", ["input", "edition"])]
    assert (await Fair.get(edition=taken.edition)).name == taken.name


async def test_concurrent_creates_of_one_edition_make_one_fair(gql, organizer):
    # Given five simultaneous requests for the same new edition
    edition = factories.edition()
    payloads = await asyncio.gather(*(create(gql, organizer, edition=edition) for _ in range(5)))
    # Then exactly one fair is created and the others are told the edition is taken
    assert sum(1 for p in payloads if not p["errors"]) == 1
    refused = [refusals(p) for p in payloads if p["errors"]]
    assert refused == [[("INVALID_INPUT", ["input", "edition"])]] * 4
    assert await Fair.filter(edition=edition).count() == 1


async def test_criteria_summing_to_100_are_stored(gql, organizer):
    payload = await create(gql, organizer, criteria=criteria(33.3, 33.3, 33.4))
    assert payload["errors"] == []
    assert [c["weight"] for c in payload["fair"]["criteria"]] == [33.3, 33.3, 33.4]


async def test_criteria_summing_past_100_are_invalid_weights(gql, organizer):
    edition = factories.edition()
    payload = await create(gql, organizer, edition=edition, criteria=criteria(50, 50.5))
    assert refusals(payload) == [("INVALID_WEIGHTS", ["input", "criteria"])]
    assert not await Fair.filter(edition=edition).exists()


async def test_zero_weight_is_invalid(gql, organizer):
    payload = await create(gql, organizer, criteria=criteria(100, 0))
    assert refusals(payload) == [("INVALID_WEIGHTS", ["input", "criteria", "1", "weight"])]


async def test_duplicate_criterion_key_is_invalid(gql, organizer):
    rows = criteria(60, 40)
    rows[1]["key"] = rows[0]["key"]
    payload = await create(gql, organizer, criteria=rows)
    assert refusals(payload) == [("INVALID_WEIGHTS", ["input", "criteria", "1", "key"])]


async def test_malformed_criterion_key_is_refused(gql, organizer):
    rows = criteria(100)
    rows[0]["key"] = "Plan Quality"
    payload = await create(gql, organizer, criteria=rows)
    assert refusals(payload) == [("INVALID_INPUT", ["input", "criteria", "0", "key"])]


async def test_residents_weighing_60_are_accepted(gql, organizer):
    payload = await create(gql, organizer, evaluationComponents=components(30, 30, 40))
    assert payload["errors"] == []
    assert [c["weight"] for c in payload["fair"]["evaluationComponents"]] == [30, 30, 40]


async def test_residents_weighing_59_are_invalid_weights(gql, organizer):
    edition = factories.edition()
    payload = await create(
        gql, organizer, edition=edition, evaluationComponents=components(30, 29, 41)
    )
    assert refusals(payload) == [("INVALID_WEIGHTS", ["input", "evaluationComponents"])]
    assert not await Fair.filter(edition=edition).exists()


async def test_components_without_the_beneficiaries_are_invalid_weights(gql, organizer):
    rows = [c for c in components(70, 20, 10) if c["key"] != "beneficiary"]
    rows[1]["weight"] = 30
    payload = await create(gql, organizer, evaluationComponents=rows)
    assert refusals(payload) == [("INVALID_WEIGHTS", ["input", "evaluationComponents"])]
    assert "beneficiary" in payload["errors"][0]["message"]


@pytest.mark.parametrize("share", [0.30, 0.35, 0.40])
async def test_midterm_share_within_30_to_40_percent_is_accepted(gql, organizer, share):
    payload = await create(gql, organizer, midtermShare=share)
    assert payload["errors"] == []
    assert payload["fair"]["midtermShare"] == share


@pytest.mark.parametrize("share", [0.29, 0.41, 0.355])
async def test_midterm_share_outside_the_range_is_refused(gql, organizer, share):
    payload = await create(gql, organizer, midtermShare=share)
    assert refusals(payload) == [("INVALID_INPUT", ["input", "midtermShare"])]


@pytest.mark.parametrize(
    ("mark", "accepted"), [(100, True), (0.5, True), (100.5, False), (0, False)]
)
async def test_pass_mark_is_above_0_and_at_most_100(gql, organizer, mark, accepted):
    payload = await create(gql, organizer, passMark=mark)
    expected = [] if accepted else [("INVALID_INPUT", ["input", "passMark"])]
    assert refusals(payload) == expected


async def test_every_problem_is_reported_at_once(gql, organizer):
    now = datetime.now(UTC)
    payload = await create(
        gql,
        organizer,
        edition=0,
        name="",
        opensAt=iso(now),
        closesAt=iso(now - timedelta(days=1)),
        criteria=criteria(99),
    )
    assert refusals(payload) == [
        ("INVALID_INPUT", ["input", "edition"]),
        ("INVALID_INPUT", ["input", "name"]),
        ("INVALID_INPUT", ["input", "closesAt"]),
        ("INVALID_WEIGHTS", ["input", "criteria"]),
    ]


# --- updateFair ---------------------------------------------------------------------------


async def update(gql, token: str | None, fair: Fair, **overrides: Any) -> dict[str, Any]:
    values = {
        "edition": fair.edition,
        "name": fair.name,
        "opensAt": iso(fair.opens_at),
        "closesAt": iso(fair.closes_at),
    }
    values.update(overrides)
    variables = {"fair": to_global_id("Fair", fair.id), "input": values}
    result = await gql(UPDATE_FAIR, variables, token=token)
    assert "errors" not in result, result
    return result["data"]["updateFair"]


async def test_organizer_ends_a_fair_now(gql, organizer):
    # Given an open fair
    fair = await factories.fair()
    # When the organizer sets its closing time to now and renames it
    payload = await update(
        gql, organizer, fair, name="第六届（已结束）", closesAt=iso(datetime.now(UTC))
    )
    # Then it is closed, renamed, and the change is audited
    assert payload["errors"] == []
    assert payload["fair"]["isOpen"] is False and payload["fair"]["name"] == "第六届（已结束）"
    row = await Fair.get(id=fair.id)
    assert row.closes_at <= datetime.now(UTC)
    entry = await AuditEntry.filter(action="updateFair").order_by("-id").first()
    assert entry is not None and entry.subject_ids == [f"Fair:{fair.id}"]
    assert set(entry.detail["changed"]) >= {"name", "closes_at"}


async def test_organizer_moves_a_window_later(gql, organizer):
    fair = await factories.fair()
    opens = datetime.now(UTC) + timedelta(days=10)
    payload = await update(
        gql, organizer, fair, opensAt=iso(opens), closesAt=iso(opens + timedelta(days=20))
    )
    assert payload["errors"] == [] and payload["fair"]["isOpen"] is False
    assert (await Fair.get(id=fair.id)).opens_at == opens


async def test_anonymous_update_is_refused(gql):
    fair = await factories.fair()
    payload = await update(gql, None, fair, name="改名")
    assert refusals(payload) == [("UNAUTHENTICATED", None)]
    assert (await Fair.get(id=fair.id)).name == fair.name


@pytest.mark.parametrize("role", OTHER_ROLES)
async def test_update_by_other_roles_is_forbidden(gql, role):
    fair = await factories.fair()
    payload = await update(gql, await token_for(role), fair, closesAt=iso(datetime.now(UTC)))
    assert refusals(payload) == [("FORBIDDEN", None)]
    assert (await Fair.get(id=fair.id)).closes_at == fair.closes_at


@pytest.mark.parametrize(
    "fair_id", [to_global_id("Fair", 10**9), to_global_id("Fair", 2**31), "not-an-id"]
)
async def test_update_of_an_unknown_fair_is_not_found(gql, organizer, fair_id):
    result = await gql(UPDATE_FAIR, {"fair": fair_id, "input": fair_input()}, token=organizer)
    assert refusals(result["data"]["updateFair"]) == [("NOT_FOUND", ["fair"])]


async def test_update_to_another_fairs_edition_is_refused(gql, organizer):
    fair, other = await factories.fair(), await factories.fair()
    payload = await update(gql, organizer, fair, edition=other.edition)
    assert refusals(payload) == [("INVALID_INPUT", ["input", "edition"])]


async def test_update_keeps_rules_not_given(gql, organizer):
    # Given a fair with custom criteria, when only its name changes
    fair = await factories.fair()
    fair.criteria = criteria(70, 30)
    await fair.save()
    payload = await update(gql, organizer, fair, name="新名称")
    # Then its criteria stay as they were
    assert [c["weight"] for c in payload["fair"]["criteria"]] == [70, 30]


async def scored_bid_on(fair: Fair) -> None:
    """A bid of ``fair`` that a reviewer has scored."""
    project = await factories.project(fair)
    organization = await factories.organization()
    reviewer = await factories.supervisor()
    bid = await Bid.create(
        project=project,
        organization=organization,
        amount=project.budget,
        management_fee=0,
        social_workers=3,
        plan="方案",
        submitted_at=datetime.now(UTC),
    )
    await ReviewScore.create(
        bid=bid, reviewer=reviewer, scores={"plan": 80}, total=80, at=bid.submitted_at
    )


async def test_criteria_cannot_change_once_a_bid_is_scored(gql, organizer):
    # Given a fair with a scored bid
    fair = await factories.fair()
    await scored_bid_on(fair)
    # When the organizer changes its criteria
    payload = await update(gql, organizer, fair, criteria=criteria(50, 50))
    # Then INVALID_STATE and the criteria are unchanged
    assert refusals(payload) == [("INVALID_STATE", ["input", "criteria"])]
    assert (await Fair.get(id=fair.id)).criteria == fair.criteria


async def test_unchanged_criteria_may_be_sent_again_after_scoring(gql, organizer):
    # Given a fair with a scored bid, when the form is sent back with the same criteria
    fair = await factories.fair()
    await scored_bid_on(fair)
    payload = await update(gql, organizer, fair, name="改名", criteria=fair.criteria)
    # Then the rename goes through
    assert payload["errors"] == [] and payload["fair"]["name"] == "改名"


async def test_evaluation_rules_cannot_change_once_a_project_is_evaluated(gql, organizer):
    fair = await factories.fair()
    project = await factories.project(fair)
    await Evaluation.create(
        project=project,
        stage=EvaluationStage.MIDTERM,
        scores={},
        score=80,
        passed=True,
        at=datetime.now(UTC),
    )
    payload = await update(gql, organizer, fair, passMark=70)
    assert refusals(payload) == [("INVALID_STATE", ["input", "evaluationComponents"])]
    assert (await Fair.get(id=fair.id)).pass_mark == 60


async def test_midterm_share_cannot_change_once_a_project_is_awarded(gql, organizer):
    fair = await factories.fair()
    project = await factories.project(fair)
    await factories.award(project, await factories.organization(), "90000.00")
    payload = await update(gql, organizer, fair, midtermShare=0.3)
    assert refusals(payload) == [("INVALID_STATE", ["input", "midtermShare"])]
