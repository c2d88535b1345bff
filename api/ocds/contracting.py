"""Award, contract and implementation: who won, what was signed, what was paid and assessed.

The three tranches become milestones of type ``payment`` (met once paid, with a
transaction for each payment), the mid-term and final evaluations milestones of type
``assessment`` (met when passed, notMet when failed). A failed evaluation's
consequences — the termination, the cancelled tranches, the credit-record entries and the
restriction on new claims — are written where a reader of the contract meets them.
``payment`` comes from OCDS 1.2's milestoneType codelist (open in 1.1), which names
exactly this use.
"""

from __future__ import annotations

from typing import Any

from api.bidding.models import Award, Bid
from api.contracts.models import (
    Contract,
    Evaluation,
    EvaluationStage,
    Payment,
    PaymentStatus,
)
from api.organizations.models import CreditEntry, CreditKind
from api.projects.models import Procurement, Project, ProjectStatus

from .bids import bid_id
from .values import day_end, day_start, moment, value, yuan

STAGES = {EvaluationStage.MIDTERM: "中期评估", EvaluationStage.FINAL: "末期评估"}
# The evaluation a tranche waits for (tranche 1 is paid on signing).
GATES = {2: EvaluationStage.MIDTERM, 3: EvaluationStage.FINAL}
ENDED = (ProjectStatus.CLOSED, ProjectStatus.TERMINATED)
CONSEQUENCES = (CreditKind.EVALUATION_FAILED, CreditKind.TERMINATED)


def award_section(
    project: Project, award: Award, contract: Contract | None, supplier: dict[str, str]
) -> dict[str, Any]:
    """The award (立项) to the winning claim or bid."""
    section: dict[str, Any] = {
        "id": award_id(award),
        "title": "立项结果",
        "description": _winning_bid(project, award.bid),
        "status": "active",
        "date": moment(award.awarded_at),
        "value": value(award.amount),
        "suppliers": [supplier],
        # The bids extension: the winning bid in ``bids.details``.
        "relatedBid": bid_id(award.bid),
    }
    if contract is not None and contract.starts_on and contract.ends_on:
        section["contractPeriod"] = _period(contract)
    return section


def award_id(award: Award) -> str:
    return f"award-{award.id}"


def contract_section(
    project: Project,
    award: Award,
    contract: Contract,
    payments: list[Payment],
    evaluations: list[Evaluation],
    credit: list[CreditEntry],
    buyer: dict[str, str],
    supplier: dict[str, str],
) -> dict[str, Any]:
    """The signed contract and its implementation."""
    section: dict[str, Any] = {
        "id": f"contract-{contract.id}",
        "awardID": award_id(award),
        "title": f"{project.title} 服务合同",
        "description": _contract_state(project, evaluations),
        "status": "terminated" if project.status in ENDED else "active",
        "value": value(contract.amount),
        "dateSigned": moment(contract.signed_at),
    }
    if contract.starts_on and contract.ends_on:
        section["period"] = _period(contract)
    implementation: dict[str, Any] = {
        "milestones": _assessments(project, evaluations, credit)
        + [_tranche(p, evaluations) for p in payments],
    }
    transactions = [_transaction(p, buyer, supplier) for p in payments if p.paid_at is not None]
    if transactions:
        implementation["transactions"] = transactions
    section["implementation"] = implementation
    return section


def _winning_bid(project: Project, bid: Bid) -> str:
    """The public facts of the winning bid (the API shows it through Award.bid)."""
    offer = (
        f"报价 {yuan(bid.amount)}（其中管理费 {yuan(bid.management_fee)}），"
        f"投入持证专职社工 {bid.social_workers} 名"
    )
    if project.procurement is Procurement.DIRECT:
        return f"直接认领经确认立项：{offer}。"
    ranking = f"评审排名第 {bid.rank} 名" if bid.rank is not None else "评审排名第一"
    if bid.score is not None:
        ranking += f"，综合得分 {bid.score:.2f}"
    return f"竞争性评审{ranking}，中标立项：{offer}。"


def _contract_state(project: Project, evaluations: list[Evaluation]) -> str:
    failed = next((e for e in evaluations if not e.passed), None)
    if project.status is ProjectStatus.TERMINATED and failed is not None:
        return f"已终止：{STAGES[failed.stage]}不合格，项目终止，未拨付的款项取消。"
    if project.status is ProjectStatus.CLOSED:
        return "已结项：末期评估合格，三笔款项全部拨付。"
    if project.status is ProjectStatus.IN_DELIVERY:
        return "实施中：首笔款已拨付，按期接受中期与末期评估。"
    return "已签约：首笔款（50%）待拨付。"


def _assessments(
    project: Project, evaluations: list[Evaluation], credit: list[CreditEntry]
) -> list[dict[str, Any]]:
    """Both evaluations: met, notMet, or still scheduled while the project runs."""
    done = {e.stage: e for e in evaluations}
    milestones = []
    for stage in (EvaluationStage.MIDTERM, EvaluationStage.FINAL):
        evaluation = done.get(stage)
        if evaluation is not None:
            milestones.append(_assessment(evaluation, credit))
        elif project.status not in ENDED:
            milestones.append(
                {
                    "id": f"evaluation-{stage.value.lower()}",
                    "title": STAGES[stage],
                    "type": "assessment",
                    "description": f"{STAGES[stage]}：由第三方评估，尚未进行。",
                    "status": "scheduled",
                }
            )
    return milestones


def _assessment(evaluation: Evaluation, credit: list[CreditEntry]) -> dict[str, Any]:
    name = STAGES[evaluation.stage]
    milestone: dict[str, Any] = {
        "id": f"evaluation-{evaluation.stage.value.lower()}",
        "title": name,
        "type": "assessment",
        "dateModified": moment(evaluation.at),
    }
    if evaluation.passed:
        milestone["status"] = "met"
        milestone["dateMet"] = moment(evaluation.at)
        score = f"{evaluation.score:.2f}"
        milestone["description"] = f"{name}合格，得分 {score}，记入承接机构信用记录。"
        return milestone
    milestone["status"] = "notMet"
    entries = [e.note for e in credit if e.kind in CONSEQUENCES and e.note]
    consequences = "".join(entries) or "不合格记入承接机构信用记录。"
    milestone["description"] = (
        f"{name}不合格，得分 {evaluation.score:.2f}。项目终止，未拨付的款项取消；"
        f"信用记录：{consequences}承接机构一年内不得认领新项目。"
    )
    return milestone


def _tranche(payment: Payment, evaluations: list[Evaluation]) -> dict[str, Any]:
    name = f"第 {payment.tranche} 笔拨付"
    share = f"{payment.share * 100:.0f}%"
    milestone: dict[str, Any] = {
        "id": f"payment-{payment.tranche}",
        "title": name,
        "type": "payment",
    }
    what = f"{name}（合同金额的 {share}，{yuan(payment.amount)}）"
    if payment.status is PaymentStatus.PAID and payment.paid_at is not None:
        milestone["status"] = "met"
        milestone["dateMet"] = moment(payment.paid_at)
        milestone["dateModified"] = moment(payment.paid_at)
        reference = f"，支付凭证号 {payment.reference}" if payment.reference else ""
        milestone["description"] = f"{what}已拨付{reference}。"
    elif payment.status is PaymentStatus.CANCELLED:
        milestone["status"] = "notMet"
        failed = next((e for e in evaluations if not e.passed), None)
        if failed is not None:
            milestone["dateModified"] = moment(failed.at)
        milestone["description"] = f"{what}因项目终止而取消。"
    else:
        milestone["status"] = "scheduled"
        if payment.due_on is not None:
            milestone["dueDate"] = day_end(payment.due_on)
        milestone["description"] = _waiting(what, payment)
    return milestone


def _waiting(what: str, payment: Payment) -> str:
    if payment.status is PaymentStatus.DUE:
        return f"{what}应付，待拨付。"
    gate = GATES.get(payment.tranche)
    return f"{what}待{STAGES[gate]}合格后拨付。" if gate else f"{what}待拨付。"


def _transaction(
    payment: Payment, buyer: dict[str, str], supplier: dict[str, str]
) -> dict[str, Any]:
    assert payment.paid_at is not None
    return {
        "id": f"payment-{payment.tranche}",
        "date": moment(payment.paid_at),
        "value": value(payment.amount),
        "payer": buyer,
        "payee": supplier,
    }


def _period(contract: Contract) -> dict[str, str]:
    assert contract.starts_on is not None and contract.ends_on is not None
    return {"startDate": day_start(contract.starts_on), "endDate": day_end(contract.ends_on)}
