"""Evaluations and payments: the pass mark, the weights, the order, the tranches, the end."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.contracts.models import Evaluation, Payment, PaymentStatus
from api.contracts.tranches import city_today
from api.matching.models import MatchSlot
from api.organizations.models import CreditEntry, CreditKind, Organization
from api.projects.models import Project, ProjectStatus
from api.supervisors.models import Assignment, Supervisor
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

EVALUATE = """
mutation Evaluate($project: ID!, $stage: EvaluationStage!, $scores: [EvaluationScoreInput!]!) {
  recordEvaluation(project: $project, stage: $stage, scores: $scores) {
    evaluation { stage score passed at } project { id status } errors { code field message }
  }
}
"""

PAY = """
mutation Pay($project: ID!, $tranche: Int!, $reference: String!) {
  recordPayment(project: $project, tranche: $tranche, reference: $reference) {
    payment { tranche amount status paidAt reference } errors { code field message }
  }
}
"""

AWARD = """
mutation Award($project: ID!) { awardProject(project: $project) { errors { code message } } }
"""

ASSIGN = """
mutation Assign($fair: ID!) { assignSupervisors(fair: $fair) { assigned { id } errors { code } } }
"""

# The default components: community 35, beneficiary 30, third_party 25, finance 10.
KEYS = ("community", "beneficiary", "third_party", "finance")


def marks(*scores: float) -> list[dict[str, object]]:
    return [{"component": k, "score": s} for k, s in zip(KEYS, scores, strict=True)]


def even(score: float) -> list[dict[str, object]]:
    """Every component marked ``score``: the weighted score is ``score``."""
    return marks(*(score,) * len(KEYS))


async def in_delivery(
    *, first_paid: bool = True, supervised: bool = True
) -> tuple[Project, Organization, Supervisor | None]:
    """An awarded project (first tranche paid unless told), with a supervisor at load 1."""
    fair = await factories.fair()
    project = await factories.project(fair)
    organization = await factories.organization()
    await factories.contract(project, organization, "100000.00", first_paid=first_paid)
    person = None
    if supervised:
        person = await factories.supervisor(load=1)
        await Assignment.create(project=project, supervisor=person, assigned_at=factories.now())
    return project, organization, person


async def evaluate(gql, project: Project, stage: str, scores: list, token: str | None) -> dict:
    variables = {"project": to_global_id("Project", project.id), "stage": stage, "scores": scores}
    return (await gql(EVALUATE, variables, token))["data"]["recordEvaluation"]


async def pay(
    gql, project: Project, tranche: int, token: str | None, reference: str = "GK-1"
) -> dict:
    variables = {
        "project": to_global_id("Project", project.id),
        "tranche": tranche,
        "reference": reference,
    }
    return (await gql(PAY, variables, token))["data"]["recordPayment"]


def codes(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def statuses(project: Project) -> list[PaymentStatus]:
    return [p.status for p in await Payment.filter(project_id=project.id).order_by("tranche")]


async def credit(organization: Organization) -> list[CreditKind]:
    return [e.kind for e in await CreditEntry.filter(organization_id=organization.id)]


@pytest.fixture
async def organizer() -> str:
    return await token_for(Role.ORGANIZER)


# --- evaluations ----------------------------------------------------------------------------


async def test_a_midterm_of_exactly_60_passes_and_makes_tranche_2_due(gql, organizer) -> None:
    # Given a project in delivery
    project, organization, _ = await in_delivery()
    # When its mid-term evaluation scores exactly the pass mark
    payload = await evaluate(gql, project, "MIDTERM", even(60), organizer)
    # Then it passes, tranche 2 is due today and the credit record notes the pass
    assert payload["errors"] == []
    assert (payload["evaluation"]["score"], payload["evaluation"]["passed"]) == (60.0, True)
    assert payload["project"]["status"] == "IN_DELIVERY"
    assert await statuses(project) == ["PAID", "DUE", "PENDING"]
    assert (await Payment.get(project_id=project.id, tranche=2)).due_on == city_today()
    assert await credit(organization) == [CreditKind.EVALUATION_PASSED]
    assert (await Organization.get(id=organization.id)).restricted_until is None


async def test_the_score_is_weighted_by_the_fairs_components(gql, organizer) -> None:
    project, _, _ = await in_delivery()
    payload = await evaluate(gql, project, "MIDTERM", marks(80, 70, 50, 100), organizer)
    # (80*35 + 70*30 + 50*25 + 100*10) / 100
    assert payload["evaluation"]["score"] == 71.5


async def test_a_midterm_of_59_99_fails_and_terminates_the_project(gql, organizer) -> None:
    # Given a supervised project in delivery
    project, organization, person = await in_delivery()
    assert person is not None
    # When its mid-term evaluation scores 59.99
    before = factories.now()
    payload = await evaluate(gql, project, "MIDTERM", even(59.99), organizer)
    # Then it fails: the project is terminated, the unpaid tranches cancelled, the
    # failure and the termination recorded, the organization restricted for a year and
    # the supervisor's place freed
    assert (payload["evaluation"]["score"], payload["evaluation"]["passed"]) == (59.99, False)
    assert payload["project"]["status"] == "TERMINATED"
    assert await statuses(project) == ["PAID", "CANCELLED", "CANCELLED"]
    assert await credit(organization) == [CreditKind.EVALUATION_FAILED, CreditKind.TERMINATED]
    restricted = (await Organization.get(id=organization.id)).restricted_until
    assert restricted is not None
    assert before + timedelta(days=365) <= restricted <= factories.now() + timedelta(days=366)
    assert (await Supervisor.get(id=person.id)).load == 0


async def test_a_failure_restricts_the_organization_in_the_matching_index(gql, organizer) -> None:
    project, organization, _ = await in_delivery()
    await evaluate(gql, project, "MIDTERM", even(30), organizer)
    slots = await MatchSlot.filter(organization_id=organization.id)
    assert slots and all(s.restricted_until is not None for s in slots)
    assert all(s.evaluations_failed == 1 for s in slots)


async def test_a_passed_final_makes_tranche_3_due(gql, organizer) -> None:
    # Given a project whose mid-term passed
    project, organization, _ = await in_delivery()
    await evaluate(gql, project, "MIDTERM", even(80), organizer)
    # When its final evaluation passes
    payload = await evaluate(gql, project, "FINAL", even(90), organizer)
    # Then tranche 3 is due too, and the record shows two passes
    assert payload["errors"] == []
    assert await statuses(project) == ["PAID", "DUE", "DUE"]
    assert await credit(organization) == [CreditKind.EVALUATION_PASSED] * 2


async def test_a_failed_final_cancels_every_unpaid_tranche(gql, organizer) -> None:
    # Given a passed mid-term whose tranche 2 is due but unpaid
    project, _, _ = await in_delivery()
    await evaluate(gql, project, "MIDTERM", even(80), organizer)
    # When the final evaluation fails
    payload = await evaluate(gql, project, "FINAL", even(40), organizer)
    # Then the due tranche is cancelled along with the pending one
    assert payload["project"]["status"] == "TERMINATED"
    assert await statuses(project) == ["PAID", "CANCELLED", "CANCELLED"]


async def test_a_fair_with_its_own_pass_mark_uses_it(gql, organizer) -> None:
    # Given a fair whose pass mark is 75
    project, _, _ = await in_delivery()
    await project.fetch_related("fair")
    project.fair.pass_mark = 75.0
    await project.fair.save(update_fields=["pass_mark"])
    # When a mid-term scores exactly 75, then it passes
    payload = await evaluate(gql, project, "MIDTERM", even(75), organizer)
    assert payload["evaluation"]["passed"] is True


@pytest.mark.parametrize(
    ("stage", "setup", "field"),
    [
        ("FINAL", "none", ["stage"]),  # the final before the mid-term
        ("MIDTERM", "midterm passed", ["stage"]),  # the mid-term twice
        ("FINAL", "first unpaid", ["project"]),  # not yet in delivery
        ("MIDTERM", "first unpaid", ["project"]),
    ],
)
async def test_evaluations_out_of_order_are_refused(gql, organizer, stage, setup, field) -> None:
    # Given a project at some point of its life
    project, _, _ = await in_delivery(first_paid=setup != "first unpaid")
    if setup == "midterm passed":
        await evaluate(gql, project, "MIDTERM", even(80), organizer)
    before = await Evaluation.filter(project_id=project.id).count()
    payments = await statuses(project)
    # When an evaluation comes out of order, then it is refused and nothing is written
    payload = await evaluate(gql, project, stage, even(80), organizer)
    assert codes(payload) == [("INVALID_STATE", field)]
    assert await Evaluation.filter(project_id=project.id).count() == before
    assert await statuses(project) == payments


async def test_a_terminated_project_cannot_be_evaluated_again(gql, organizer) -> None:
    project, organization, _ = await in_delivery()
    await evaluate(gql, project, "MIDTERM", even(20), organizer)
    payload = await evaluate(gql, project, "FINAL", even(90), organizer)
    assert codes(payload) == [("INVALID_STATE", ["project"])]
    assert await credit(organization) == [CreditKind.EVALUATION_FAILED, CreditKind.TERMINATED]


async def test_marks_outside_0_to_100_and_incomplete_sheets_are_refused(gql, organizer) -> None:
    # Given a project in delivery
    project, organization, _ = await in_delivery()
    # When a sheet has -0.01, 100.01, an unknown component and lacks "finance"
    sheet = [
        {"component": "community", "score": -0.01},
        {"component": "beneficiary", "score": 100.01},
        {"component": "third_party", "score": 80},
        {"component": "charm", "score": 80},
    ]
    payload = await evaluate(gql, project, "MIDTERM", sheet, organizer)
    # Then every problem is reported and nothing is written
    assert codes(payload) == [
        ("INVALID_INPUT", ["scores", "0", "score"]),
        ("INVALID_INPUT", ["scores", "1", "score"]),
        ("INVALID_INPUT", ["scores", "3", "component"]),
        ("INVALID_INPUT", ["scores"]),
    ]
    assert not await Evaluation.exists(project_id=project.id)
    assert await credit(organization) == []


async def test_marks_of_exactly_0_and_100_are_accepted(gql, organizer) -> None:
    project, _, _ = await in_delivery()
    payload = await evaluate(gql, project, "MIDTERM", marks(100, 100, 0, 0), organizer)
    assert payload["errors"] == []
    assert payload["evaluation"]["score"] == 65.0


async def set_components(project: Project, community: float, beneficiary: float) -> None:
    """The fair's components reweighted: the residents' two and a third party making 100."""
    await project.fetch_related("fair")
    project.fair.evaluation_components = [
        {"key": "community", "name": "社区居委会评价", "weight": community},
        {"key": "beneficiary", "name": "服务对象满意度", "weight": beneficiary},
        {"key": "third_party", "name": "第三方专业评估", "weight": 100 - community - beneficiary},
    ]
    await project.fair.save(update_fields=["evaluation_components"])


async def test_residents_weighing_exactly_60_percent_is_accepted(gql, organizer) -> None:
    project, _, _ = await in_delivery()
    await set_components(project, 30, 30)
    scores = [{"component": k, "score": 70} for k in ("community", "beneficiary", "third_party")]
    payload = await evaluate(gql, project, "MIDTERM", scores, organizer)
    assert payload["errors"] == []


async def test_residents_weighing_under_60_percent_is_refused(gql, organizer) -> None:
    # Given a fair where the residents' committee and the beneficiaries weigh 59%
    project, organization, _ = await in_delivery()
    await set_components(project, 30, 29)
    scores = [{"component": k, "score": 70} for k in ("community", "beneficiary", "third_party")]
    # When an evaluation is recorded, then the fair's weights are refused, nothing written
    payload = await evaluate(gql, project, "MIDTERM", scores, organizer)
    assert codes(payload) == [("INVALID_WEIGHTS", None)]
    assert not await Evaluation.exists(project_id=project.id)
    assert await credit(organization) == []


async def test_only_organizers_record_evaluations(gql) -> None:
    project, organization, person = await in_delivery()
    assert person is not None
    tokens = [
        await token_for(Role.PUBLISHER, publisher_id=project.publisher_id),
        await token_for(Role.ORGANIZATION, organization_id=organization.id),
        await token_for(Role.REVIEWER, supervisor_id=person.id),
        await token_for(Role.SUPERVISOR, supervisor_id=person.id),
    ]
    for token in tokens:
        assert codes(await evaluate(gql, project, "MIDTERM", even(80), token)) == [
            ("FORBIDDEN", None)
        ]
    anonymous = await evaluate(gql, project, "MIDTERM", even(80), None)
    assert codes(anonymous) == [("UNAUTHENTICATED", None)]
    assert not await Evaluation.exists(project_id=project.id)


async def test_an_id_naming_no_project_is_not_found_by_either_mutation(gql, organizer) -> None:
    for project_id in (to_global_id("Project", 10**9), "no-id"):
        variables = {"project": project_id, "stage": "MIDTERM", "scores": even(80)}
        evaluated = (await gql(EVALUATE, variables, organizer))["data"]["recordEvaluation"]
        assert codes(evaluated) == [("NOT_FOUND", ["project"])]
        variables = {"project": project_id, "tranche": 1, "reference": "GK-1"}
        paid = (await gql(PAY, variables, organizer))["data"]["recordPayment"]
        assert codes(paid) == [("NOT_FOUND", ["project"])]


# --- payments -------------------------------------------------------------------------------


async def test_paying_the_first_tranche_puts_the_project_in_delivery(gql, organizer) -> None:
    # Given an awarded project whose first tranche is due
    project, _, _ = await in_delivery(first_paid=False)
    # When the organizer records its payment
    payload = await pay(gql, project, 1, organizer, reference="  GK-2026-0001  ")
    # Then the tranche is paid with the reference and the project is in delivery
    assert payload["errors"] == []
    paid = payload["payment"]
    assert (paid["tranche"], paid["amount"], paid["status"], paid["reference"]) == (
        1,
        "50000.00",
        "PAID",
        "GK-2026-0001",
    )
    assert paid["paidAt"] is not None
    assert (await Project.get(id=project.id)).status == ProjectStatus.IN_DELIVERY


@pytest.mark.parametrize(
    ("tranche", "before"), [(2, "PENDING"), (1, "PAID")], ids=["pending", "paid"]
)
async def test_a_tranche_that_is_not_due_cannot_be_paid(gql, organizer, tranche, before) -> None:
    project, _, _ = await in_delivery()
    payload = await pay(gql, project, tranche, organizer)
    assert codes(payload) == [("INVALID_STATE", ["tranche"])]
    assert (await Payment.get(project_id=project.id, tranche=tranche)).status == before


async def test_a_cancelled_tranche_cannot_be_paid(gql, organizer) -> None:
    project, _, _ = await in_delivery()
    await evaluate(gql, project, "MIDTERM", even(10), organizer)
    payload = await pay(gql, project, 2, organizer)
    assert codes(payload) == [("INVALID_STATE", ["tranche"])]
    assert await statuses(project) == ["PAID", "CANCELLED", "CANCELLED"]


@pytest.mark.parametrize("tranche", [0, 4])
async def test_there_are_only_tranches_1_to_3(gql, organizer, tranche) -> None:
    project, _, _ = await in_delivery(first_paid=False)
    assert codes(await pay(gql, project, tranche, organizer)) == [("INVALID_INPUT", ["tranche"])]
    assert await statuses(project) == ["DUE", "PENDING", "PENDING"]


@pytest.mark.parametrize("reference", ["", "   ", "X" * 65])
async def test_the_reference_is_required_and_at_most_64_characters(
    gql, organizer, reference
) -> None:
    project, _, _ = await in_delivery(first_paid=False)
    payload = await pay(gql, project, 1, organizer, reference=reference)
    assert codes(payload) == [("INVALID_INPUT", ["reference"])]
    assert await statuses(project) == ["DUE", "PENDING", "PENDING"]


async def test_a_reference_of_exactly_64_characters_is_accepted(gql, organizer) -> None:
    project, _, _ = await in_delivery(first_paid=False)
    payload = await pay(gql, project, 1, organizer, reference="X" * 64)
    assert payload["payment"]["reference"] == "X" * 64


async def test_simultaneous_payments_of_one_tranche_pay_it_once(gql) -> None:
    # Given a due first tranche and ten organizers
    project, _, _ = await in_delivery(first_paid=False)
    tokens = [await token_for(Role.ORGANIZER) for _ in range(10)]
    # When all ten record its payment at once, each with their own reference
    results = await asyncio.gather(
        *(pay(gql, project, 1, t, reference=f"GK-{i}") for i, t in enumerate(tokens))
    )
    # Then exactly one succeeds and the stored reference is the winner's
    winners = [r for r in results if not r["errors"]]
    assert len(winners) == 1
    assert sorted({c for r in results for c, _ in codes(r)}) == ["INVALID_STATE"]
    stored = await Payment.get(project_id=project.id, tranche=1)
    assert stored.reference == winners[0]["payment"]["reference"]


async def test_only_organizers_record_payments(gql) -> None:
    project, organization, _ = await in_delivery(first_paid=False)
    tokens = [
        await token_for(Role.PUBLISHER, publisher_id=project.publisher_id),
        await token_for(Role.ORGANIZATION, organization_id=organization.id),
    ]
    for token in tokens:
        assert codes(await pay(gql, project, 1, token)) == [("FORBIDDEN", None)]
    assert codes(await pay(gql, project, 1, None)) == [("UNAUTHENTICATED", None)]
    assert await statuses(project) == ["DUE", "PENDING", "PENDING"]


async def test_the_last_payment_after_a_passed_final_closes_the_project(gql, organizer) -> None:
    # Given a project whose final passed with tranche 2 still unpaid
    project, _, person = await in_delivery()
    assert person is not None
    await evaluate(gql, project, "MIDTERM", even(80), organizer)
    await evaluate(gql, project, "FINAL", even(80), organizer)
    # When tranche 3 is paid first, the project stays in delivery (tranche 2 is owed)
    await pay(gql, project, 3, organizer)
    assert (await Project.get(id=project.id)).status == ProjectStatus.IN_DELIVERY
    # And when tranche 2 is paid too, the project is closed and its supervisor freed
    await pay(gql, project, 2, organizer)
    assert (await Project.get(id=project.id)).status == ProjectStatus.CLOSED
    assert (await Supervisor.get(id=person.id)).load == 0


async def test_a_whole_contract_from_award_to_closed(gql, organizer) -> None:
    # Given a DIRECT project claimed for 100000.01 and a supervisor for its district
    fair = await factories.fair()
    area = await factories.district()
    project = await factories.project(fair, in_district=area, status=ProjectStatus.CLAIMED)
    await factories.bid(project, await factories.organization(), amount="100000.01")
    await factories.supervisor(districts=(area,))
    # When it is awarded, supervised, paid, evaluated twice and paid to the end
    steps = [
        (AWARD, {"project": to_global_id("Project", project.id)}, "awardProject"),
        (ASSIGN, {"fair": to_global_id("Fair", fair.id)}, "assignSupervisors"),
    ]
    for document, variables, name in steps:
        assert (await gql(document, variables, organizer))["data"][name]["errors"] == []
    supervisor_id = (await Assignment.get(project_id=project.id)).supervisor_id
    load = (await Supervisor.get(id=supervisor_id)).load
    assert (await pay(gql, project, 1, organizer))["errors"] == []
    assert (await evaluate(gql, project, "MIDTERM", even(85), organizer))["errors"] == []
    assert (await pay(gql, project, 2, organizer))["errors"] == []
    assert (await evaluate(gql, project, "FINAL", even(88), organizer))["errors"] == []
    assert (await pay(gql, project, 3, organizer))["errors"] == []
    # Then the project is closed, every fen paid, and the supervisor's place freed
    assert (await Project.get(id=project.id)).status == ProjectStatus.CLOSED
    payments = await Payment.filter(project_id=project.id)
    assert {p.status for p in payments} == {PaymentStatus.PAID}
    assert str(sum(p.amount for p in payments)) == "100000.01"
    assert (await Supervisor.get(id=supervisor_id)).load == load - 1
    # And every step is in the audit trail
    steps = ["awardProject", "assignSupervisors", "recordPayment", "recordEvaluation"]
    entries = await AuditEntry.filter(action__in=steps)
    mine = [e.action for e in entries if f"Project:{project.id}" in e.subject_ids]
    assert sorted(mine) == sorted([*steps[:2], *["recordPayment"] * 3, *["recordEvaluation"] * 2])
