"""Recording the payment of a due tranche (拨付), and the project steps it completes.

A tranche moves from DUE to PAID by one conditional update, so of two simultaneous
payments of the same tranche exactly one succeeds. The first payment puts the project
in delivery; the payment that leaves nothing unpaid after a passed final evaluation
closes it and frees its supervisor.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.contracts.models import Contract, Evaluation, EvaluationStage, Payment, PaymentStatus
from api.errors import DomainError, ErrorCode, Problem
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.matching import index
from api.projects.models import Project, ProjectStatus
from api.supervisors.assignment import release_supervisor

TRANCHES = (1, 2, 3)
MAX_REFERENCE = 64

NOT_DUE = {
    PaymentStatus.PENDING: "这笔款项还要等相应的评估通过后才应拨付。It waits for its evaluation.",
    PaymentStatus.PAID: "这笔款项已经拨付过了，不能重复拨付。It has been paid already.",
    PaymentStatus.CANCELLED: "项目已终止，这笔款项已取消，不能拨付。It was cancelled.",
}


async def record_payment(
    actor: Account | None, project_id: int | None, tranche: int, reference: str
) -> Payment:
    """Mark the project's due tranche paid, with the bank's or treasury's reference.

    ``project_id`` None stands for an id that names no project.
    """
    require(actor, Role.ORGANIZER)
    reference = reference.strip()
    problems = _input_problems(tranche, reference)
    project = await Project.get_or_none(id=project_id) if project_id is not None else None
    if project is None:
        problems.append(Problem(ErrorCode.NOT_FOUND, "项目不存在。No such project.", ["project"]))
    if problems or project is None:
        raise DomainError(problems)

    async with in_transaction():
        # Lock the project first, as every other step of its life does: no deadlocks.
        await Project.filter(id=project.id).select_for_update().get()
        paid = await Payment.filter(
            project_id=project.id, tranche=tranche, status=PaymentStatus.DUE
        ).update(status=PaymentStatus.PAID, reference=reference, paid_at=datetime.now(UTC))
        if not paid:
            raise DomainError([await _not_due(project.id, tranche)])
        payment = await Payment.get(project_id=project.id, tranche=tranche)
        await Project.filter(id=project.id, status=ProjectStatus.AWARDED).update(
            status=ProjectStatus.IN_DELIVERY
        )
        closed = await _close_when_settled(project.id)
        await record(
            actor,
            "recordPayment",
            [payment, project],
            {"tranche": tranche, "amount": str(payment.amount), "reference": reference},
        )
    contract = await Contract.get(id=payment.contract_id)
    await announce(FairEvent.about(EventKind.PAID, project, contract.organization_id))
    if closed:
        # A closed project no longer counts in the organization's workload.
        await index.rebuild([contract.organization_id])
    return payment


def _input_problems(tranche: int, reference: str) -> list[Problem]:
    problems = []
    if tranche not in TRANCHES:
        message = f"只有第 1、2、3 笔款项，收到第 {tranche} 笔。Tranche must be 1, 2 or 3."
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["tranche"]))
    if not reference:
        message = "请填写支付凭证号。A payment reference is required."
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["reference"]))
    elif len(reference) > MAX_REFERENCE:
        message = f"支付凭证号最长 {MAX_REFERENCE} 个字符。The reference is too long."
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, ["reference"]))
    return problems


async def _not_due(project_id: int, tranche: int) -> Problem:
    payment = await Payment.get_or_none(project_id=project_id, tranche=tranche)
    if payment is None:
        message = "该项目还没有立项签约，没有可拨付的款项。The project has no contract yet."
    else:
        message = NOT_DUE.get(payment.status, "这笔款项当前不应拨付。It is not due.")
    return Problem(ErrorCode.INVALID_STATE, message, ["tranche"])


async def _close_when_settled(project_id: int) -> bool:
    """Close the project once its final evaluation passed and every tranche is paid."""
    final_passed = await Evaluation.exists(
        project_id=project_id, stage=EvaluationStage.FINAL, passed=True
    )
    unpaid = await Payment.filter(project_id=project_id).exclude(status=PaymentStatus.PAID).exists()
    if not final_passed or unpaid:
        return False
    closed = await Project.filter(id=project_id, status=ProjectStatus.IN_DELIVERY).update(
        status=ProjectStatus.CLOSED
    )
    if closed:
        await release_supervisor(project_id)
    return bool(closed)
