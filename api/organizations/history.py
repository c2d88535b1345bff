"""An organization's record across fairs (历年履约记录): every project it was awarded,
with its evaluation scores, payments and credit entries, and a summary per fair.

Publishers ask first about an organization's past performance and credit, so this is
what its page shows them. It is read for a batch of organizations in a fixed number of
statements (awards with their fairs, evaluations, payments, credit entries), whatever
the number of projects or fairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from api.auth.models import Account, Role
from api.bidding.models import Award
from api.contracts.models import Evaluation, EvaluationStage, Payment, PaymentStatus
from api.organizations.models import CreditEntry

# Who may read an organization's record: those who run the fair and those who buy its
# services, and the organization itself.
HISTORY_ROLES = (Role.ORGANIZER, Role.PUBLISHER)


def may_see_history(account: Account | None, organization_id: int) -> bool:
    if account is None:
        return False
    return account.role in HISTORY_ROLES or account.organization_id == organization_id


@dataclass
class PastProject:
    """One project awarded to the organization, and how it went."""

    project_id: int
    fair_id: int
    edition: int
    amount: Decimal
    awarded_at: datetime
    evaluations: list[Evaluation] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    credit_entries: list[CreditEntry] = field(default_factory=list)

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.status is PaymentStatus.PAID), Decimal(0))

    def score(self, stage: EvaluationStage) -> float | None:
        return next((e.score for e in self.evaluations if e.stage is stage), None)

    @property
    def last_score(self) -> float | None:
        """The final score when there is one, else the mid-term."""
        final = self.score(EvaluationStage.FINAL)
        return final if final is not None else self.score(EvaluationStage.MIDTERM)


@dataclass(frozen=True)
class FairRecord:
    """One fair of the organization's record, summed up."""

    fair_id: int
    edition: int
    projects: int
    contracted: Decimal
    paid: Decimal
    mean_score: float | None
    passed: int
    failed: int


@dataclass
class OrganizationHistory:
    """Projects newest fair first, and the fairs newest first."""

    projects: list[PastProject]
    credit_entries: list[CreditEntry]

    @property
    def fairs(self) -> list[FairRecord]:
        by_fair: dict[int, list[PastProject]] = defaultdict(list)
        for p in self.projects:
            by_fair[p.fair_id].append(p)
        return [_summary(items) for items in by_fair.values()]


async def organization_histories(ids: Iterable[int]) -> dict[int, OrganizationHistory]:
    """The record of each organization of ``ids`` (four statements for the whole batch)."""
    wanted = list(ids)
    awards = (
        await Award.filter(organization_id__in=wanted)
        .order_by("-project__fair__edition", "id")
        .values_list(
            "organization_id",
            "project_id",
            "project__fair_id",
            "project__fair__edition",
            "amount",
            "awarded_at",
        )
    )
    projects = {
        project_id: (organization_id, PastProject(project_id, fair, edition, amount, at))
        for organization_id, project_id, fair, edition, amount, at in awards
    }
    out = {i: OrganizationHistory([], []) for i in wanted}
    for organization_id, past in projects.values():
        out[organization_id].projects.append(past)
    project_ids = list(projects)
    for e in await Evaluation.filter(project_id__in=project_ids).order_by("at", "id"):
        projects[e.project_id][1].evaluations.append(e)
    for p in await Payment.filter(project_id__in=project_ids).order_by("project_id", "tranche"):
        projects[p.project_id][1].payments.append(p)
    for c in await CreditEntry.filter(organization_id__in=wanted).order_by("at", "id"):
        out[c.organization_id].credit_entries.append(c)
        if c.project_id in projects:
            projects[c.project_id][1].credit_entries.append(c)
    return out


def _summary(items: list[PastProject]) -> FairRecord:
    scores = [s for s in (p.last_score for p in items) if s is not None]
    finals = [e for p in items for e in p.evaluations]
    return FairRecord(
        fair_id=items[0].fair_id,
        edition=items[0].edition,
        projects=len(items),
        contracted=sum((p.amount for p in items), Decimal(0)),
        paid=sum((p.paid for p in items), Decimal(0)),
        mean_score=round(sum(scores) / len(scores), 2) if scores else None,
        passed=sum(e.passed for e in finals),
        failed=sum(not e.passed for e in finals),
    )
