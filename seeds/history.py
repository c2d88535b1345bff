"""The demo's past fair, played through the real workflow, so results and statistics
have something to show: claims confirmed, supervisors assigned, tranches paid, most
projects evaluated and closed, one terminated after a failed mid-term.

The past fair's window is over, so the claims are written as claimProject leaves them;
every later step goes through the domain services as the organizer.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from api.auth.models import Account, Role
from api.bidding.awards import award_project
from api.bidding.models import Award, Bid, BidStatus
from api.contracts.evaluations import record_evaluation
from api.contracts.models import EvaluationStage
from api.contracts.payments import record_payment
from api.fairs.models import Fair
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.supervisors.assignment import assign_supervisors
from seeds.current import follow_by_demo_supervisor

PLAYED = 12  # DIRECT projects taken through the workflow
CLOSED = 7  # of those, evaluated twice and paid in full
FAILED = 1  # and one that fails its mid-term


async def play_past_fair(edition: int) -> int:
    """Take the past fair's projects through the workflow once; returns the awards made."""
    fair = await Fair.get_or_none(edition=edition)
    organizer = await Account.filter(role=Role.ORGANIZER).order_by("id").first()
    if fair is None or organizer is None or await Award.exists(project__fair_id=fair.id):
        return 0
    projects = (
        await Project.filter(fair_id=fair.id, procurement=Procurement.DIRECT)
        .order_by("id")
        .limit(PLAYED)
    )
    for n, project in enumerate(projects):
        await _claim(project, fair, n)
        await award_project(organizer, project.id)
    await follow_by_demo_supervisor(list(projects), organizer)
    await assign_supervisors(organizer, fair.id)
    for n, project in enumerate(projects):
        await _deliver(organizer, project, fair, n)
    return len(projects)


async def _claim(project: Project, fair: Fair, n: int) -> None:
    """The claim an eligible organization made while the fair was open."""
    candidates = Organization.filter(
        service_class_links__service_class=project.service_class,
        social_workers__gte=max(project.min_social_workers, 1),
        restricted_until__isnull=True,
    ).order_by("id")
    organization = await candidates.offset(n * 3).first() or await candidates.first()
    assert organization is not None, "the demo pool covers every service class"
    amount = (project.budget * Decimal("0.96")).quantize(Decimal("1"))
    await Bid.create(
        project=project,
        organization=organization,
        amount=amount,
        management_fee=(amount * Decimal("0.08")).quantize(Decimal("0.01")),
        social_workers=max(project.min_social_workers, 1),
        plan="按项目书开展入户探访、小组活动与社区宣传，按季度报告服务进展。",
        submitted_at=fair.opens_at + timedelta(hours=1 + n),
        status=BidStatus.SUBMITTED,
    )
    await Project.filter(id=project.id).update(status=ProjectStatus.CLAIMED)


async def _deliver(organizer: Account, project: Project, fair: Fair, n: int) -> None:
    await record_payment(organizer, project.id, 1, f"PAY-{fair.edition}-{project.id}-1")
    if n >= CLOSED + FAILED:
        return  # still in delivery
    passed = n >= FAILED
    await _evaluate(organizer, project, fair, EvaluationStage.MIDTERM, 82.0 if passed else 52.0)
    if not passed:
        return
    await record_payment(organizer, project.id, 2, f"PAY-{fair.edition}-{project.id}-2")
    await _evaluate(organizer, project, fair, EvaluationStage.FINAL, 88.0)
    await record_payment(organizer, project.id, 3, f"PAY-{fair.edition}-{project.id}-3")


async def _evaluate(
    organizer: Account, project: Project, fair: Fair, stage: EvaluationStage, score: float
) -> None:
    marks = [(str(c["key"]), score) for c in fair.evaluation_components]
    await record_evaluation(organizer, project.id, stage, marks)

