"""Recording mid-term and final evaluations (中期/末期评估) and what they set in motion.

A pass makes the next tranche due and goes into the organization's credit record. A
fail terminates the project, cancels the tranches not yet paid, writes the failure
and the termination into the credit record and bars the organization from new claims
for one year. All of it happens in one transaction, under the project's row lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.contracts.models import Contract, Evaluation, EvaluationStage, Payment, PaymentStatus
from api.contracts.tranches import city_today
from api.errors import DomainError, ErrorCode, Problem
from api.fairs.models import MIN_RESIDENT_WEIGHT, RESIDENT_COMPONENT_KEYS, Fair
from api.fairs.scoresheet import names_of, sheet_problems, weighted_total, weights_of
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.matching import index
from api.organizations.models import CreditEntry, CreditKind, Organization
from api.projects.models import Project, ProjectStatus
from api.supervisors.assignment import release_supervisor
from api.surveys.evaluation import BENEFICIARY_KEY, check_beneficiary

# The residents' committee and the beneficiaries must weigh at least this much together.
TOTAL_WEIGHT = 100.0
# The tranche a passed evaluation makes due.
RELEASED_TRANCHE = {EvaluationStage.MIDTERM: 2, EvaluationStage.FINAL: 3}
STAGE_NAMES = {EvaluationStage.MIDTERM: "中期评估", EvaluationStage.FINAL: "末期评估"}
UNPAID = (PaymentStatus.PENDING, PaymentStatus.DUE)

Marks = Sequence[tuple[str, float]]


def weight_problems(fair: Fair) -> list[Problem]:
    """A fair whose evaluation weights break the city's rules cannot evaluate anything."""
    weights = weights_of(fair.evaluation_components)
    resident = sum(weights.get(key, 0.0) for key in RESIDENT_COMPONENT_KEYS)
    problems = []
    if resident < MIN_RESIDENT_WEIGHT:
        message = (
            f"本届评估设置中，社区居委会评价与服务对象满意度合计只占 {resident:g}%，"
            f"按规定至少应占 {MIN_RESIDENT_WEIGHT:g}%，请先更正届次设置。"
            " Residents and beneficiaries must weigh at least 60%."
        )
        problems.append(Problem(ErrorCode.INVALID_WEIGHTS, message, None))
    if abs(sum(weights.values()) - TOTAL_WEIGHT) > 1e-6:
        message = (
            f"本届评估各项权重合计为 {sum(weights.values()):g}，应为 100，请先更正届次设置。"
            " Evaluation weights must sum to 100."
        )
        problems.append(Problem(ErrorCode.INVALID_WEIGHTS, message, None))
    return problems


async def record_evaluation(
    actor: Account | None,
    project_id: int | None,
    stage: EvaluationStage,
    marks: Marks,
    beneficiary_reason: str | None = None,
) -> Evaluation:
    """Record the evaluation of ``stage`` and apply its consequences.

    ``project_id`` None stands for an id that names no project. When the residents'
    survey has enough answers, a beneficiary mark other than its score needs
    ``beneficiary_reason`` (api/surveys/evaluation.py).
    """
    require(actor, Role.ORGANIZER)
    project = await Project.get_or_none(id=project_id) if project_id is not None else None
    if project is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "项目不存在。No such project.", ["project"])
    fair = await Fair.get(id=project.fair_id)
    weights = weights_of(fair.evaluation_components)
    problems = weight_problems(fair)
    problems += sheet_problems(
        marks, weights, "scores", "component", names_of(fair.evaluation_components)
    )
    problems += await _order_problems(project, stage)
    entered = dict(marks).get(BENEFICIARY_KEY)
    residents = await check_beneficiary(
        project.id, None if entered is None else float(entered), beneficiary_reason
    )
    problems += residents.problems
    if problems:
        raise DomainError(problems)

    score = weighted_total(marks, weights)
    passed = score >= fair.pass_mark
    at = datetime.now(UTC)
    async with in_transaction():
        locked = await Project.filter(id=project.id).select_for_update().get()
        problems = await _order_problems(locked, stage)
        if problems:
            raise DomainError(problems)
        contract = await Contract.get(project_id=project.id)
        try:
            evaluation = await Evaluation.create(
                project_id=project.id,
                stage=stage,
                scores={key: float(mark) for key, mark in marks},
                score=score,
                passed=passed,
                at=at,
            )
        except IntegrityError as exc:
            raise DomainError(await _order_problems(locked, stage)) from exc
        if passed:
            await _on_pass(project, contract, stage, at)
        else:
            await _on_fail(project, contract, stage, at)
        detail: dict[str, object] = {"stage": stage.value, "score": score, "passed": passed}
        if residents.detail is not None:
            detail["beneficiarySurvey"] = residents.detail
        await record(actor, "recordEvaluation", [evaluation, project], detail)
    await announce(FairEvent.about(EventKind.EVALUATED, project, contract.organization_id))
    # A credit entry changed the organization's standing in the matching index.
    await index.rebuild([contract.organization_id])
    return evaluation


async def _order_problems(project: Project, stage: EvaluationStage) -> list[Problem]:
    """MIDTERM once a project is in delivery; FINAL only after a passed MIDTERM; once each."""
    if project.status != ProjectStatus.IN_DELIVERY:
        message = (
            "只有实施中（首笔款已拨付）的项目才能评估。"
            " Only a project in delivery (first tranche paid) can be evaluated."
        )
        return [Problem(ErrorCode.INVALID_STATE, message, ["project"])]
    done = {e.stage: e for e in await Evaluation.filter(project_id=project.id)}
    if stage in done:
        message = f"该项目已经做过{STAGE_NAMES[stage]}，不能重复评估。Already evaluated."
        return [Problem(ErrorCode.INVALID_STATE, message, ["stage"])]
    midterm = done.get(EvaluationStage.MIDTERM)
    if stage == EvaluationStage.FINAL and (midterm is None or not midterm.passed):
        message = "末期评估须在中期评估通过之后进行。The mid-term evaluation must pass first."
        return [Problem(ErrorCode.INVALID_STATE, message, ["stage"])]
    return []


async def _on_pass(
    project: Project, contract: Contract, stage: EvaluationStage, at: datetime
) -> None:
    await Payment.filter(
        project_id=project.id, tranche=RELEASED_TRANCHE[stage], status=PaymentStatus.PENDING
    ).update(status=PaymentStatus.DUE, due_on=city_today())
    await CreditEntry.create(
        organization_id=contract.organization_id,
        at=at,
        kind=CreditKind.EVALUATION_PASSED,
        project_id=project.id,
        note=f"项目“{project.title}”{STAGE_NAMES[stage]}合格。",
    )


async def _on_fail(
    project: Project, contract: Contract, stage: EvaluationStage, at: datetime
) -> None:
    """Terminate, cancel what is unpaid, record the failure and restrict for a year."""
    await Project.filter(id=project.id, status=ProjectStatus.IN_DELIVERY).update(
        status=ProjectStatus.TERMINATED
    )
    await Payment.filter(project_id=project.id, status__in=UNPAID).update(
        status=PaymentStatus.CANCELLED
    )
    await CreditEntry.create(
        organization_id=contract.organization_id,
        at=at,
        kind=CreditKind.EVALUATION_FAILED,
        project_id=project.id,
        note=f"项目“{project.title}”{STAGE_NAMES[stage]}不合格。",
    )
    await CreditEntry.create(
        organization_id=contract.organization_id,
        at=at,
        kind=CreditKind.TERMINATED,
        project_id=project.id,
        note=f"项目“{project.title}”因{STAGE_NAMES[stage]}不合格被终止。",
    )
    organization = await Organization.get(id=contract.organization_id)
    until = _one_year_after(at)
    if organization.restricted_until is None or organization.restricted_until < until:
        await Organization.filter(id=organization.id).update(restricted_until=until)
    await release_supervisor(project.id)


def _one_year_after(at: datetime) -> datetime:
    """The same moment a calendar year later (29 February becomes 28 February)."""
    try:
        return at.replace(year=at.year + 1)
    except ValueError:
        return at.replace(year=at.year + 1, day=28)
