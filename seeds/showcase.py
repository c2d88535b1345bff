"""What the demo shows beyond one fair's paperwork: an organization's record across
fairs, and a project withdrawn with its bid released.

- An earlier fair (第四届, two years ago) whose projects in the demo organization's fields
  it claimed, delivered and closed; and, in the past fair, two more of its projects (one
  closed, one in delivery). Its page then has a record spanning two fairs, with scores,
  payments and credit entries. Every evaluation passes: a failure would restrict the
  demo organization from claiming in the open fair.
- In the open fair, one COMPETITIVE project another organization had bid for, withdrawn
  by the organizer with a reason (the bid released with it as its notice).

Every step after the claims goes through the domain services, as the organizer.
Loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from api.auth.models import Account, Role
from api.bidding.awards import award_project
from api.bidding.models import Award, Bid, BidStatus
from api.contracts.evaluations import record_evaluation
from api.contracts.models import EvaluationStage
from api.contracts.payments import record_payment
from api.fairs.models import Fair
from api.organizations.models import Organization, OrganizationServiceClass
from api.projects.models import Procurement, Project, ProjectStatus
from api.projects.withdrawal import withdraw_project
from api.supervisors.assignment import assign_supervisors
from seeds.bulk import Progress
from seeds.generator import FairSeed, make_projects

EARLIER_EDITION = 4
EARLIER_NAME = "第四届南京市社区暨社会公益服务项目洽谈会"
EARLIER_YEAR = 2024
EARLIER_PROJECTS = 4  # taken by the demo organization and closed
PAST_PROJECTS = 2  # in the past fair: one closed, one still in delivery
WITHDRAWAL_REASON = (
    "街道年度预算调整，该项目并入区级统一采购，本届撤回。已投标的机构可参加区级采购。"
)


def earlier_fair(demo_classes: frozenset[str], past: FairSeed) -> FairSeed:
    """Two years before the past fair: DIRECT projects in the demo organization's fields."""
    rng = random.Random(EARLIER_EDITION)
    fitting = [
        p
        for p in make_projects(rng, 40, EARLIER_YEAR)
        if p.procurement is Procurement.DIRECT
        and str(p.service_class) in demo_classes
        and p.min_social_workers <= 6
    ]
    opens_at = past.opens_at - timedelta(days=365)
    return FairSeed(
        edition=EARLIER_EDITION,
        name=EARLIER_NAME,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(days=30),
        projects=tuple(fitting[:EARLIER_PROJECTS]),
    )


async def play_record(demo_organization_id: int, past_edition: int, report: Progress) -> None:
    """The demo organization's projects in the earlier and the past fair, delivered."""
    organizer = await Account.filter(role=Role.ORGANIZER).order_by("id").first()
    if organizer is None:
        return
    stage = "履约记录 / an organization's record"
    earlier = await Fair.get(edition=EARLIER_EDITION)
    if not await Award.exists(project__fair_id=earlier.id):
        projects = await Project.filter(fair_id=earlier.id).order_by("id")
        await _take(organizer, earlier, projects, demo_organization_id, close_all=True)
    report(stage, 1, 2)
    past = await Fair.get(edition=past_edition)
    if not await Award.exists(project__fair_id=past.id, organization_id=demo_organization_id):
        classes = await OrganizationServiceClass.filter(
            organization_id=demo_organization_id
        ).values_list("service_class", flat=True)
        left = (
            await Project.filter(
                fair_id=past.id,
                status=ProjectStatus.PUBLISHED,
                procurement=Procurement.DIRECT,
                service_class__in=list(classes),
                min_social_workers__lte=6,
            )
            .order_by("id")
            .limit(PAST_PROJECTS)
        )
        await _take(organizer, past, list(left), demo_organization_id, close_all=False)
    report(stage, 2, 2)


async def _take(
    organizer: Account, fair: Fair, projects: list[Project], organization_id: int, close_all: bool
) -> None:
    for n, project in enumerate(projects):
        amount = (project.budget * Decimal("0.95")).quantize(Decimal("1"))
        # Written as claimProject leaves a claim: the fair's window is long over.
        await Bid.create(
            project=project,
            organization_id=organization_id,
            amount=amount,
            management_fee=(amount * Decimal("0.08")).quantize(Decimal("0.01")),
            social_workers=max(project.min_social_workers, 2),
            plan="入户探访、小组活动与社区宣传相结合，按季度向社区报告服务进展。",
            submitted_at=fair.opens_at + timedelta(hours=2 + n),
            status=BidStatus.SUBMITTED,
        )
        await Project.filter(id=project.id).update(status=ProjectStatus.CLAIMED)
        await award_project(organizer, project.id)
    await assign_supervisors(organizer, fair.id)
    for n, project in enumerate(projects):
        tag = f"PAY-{fair.edition}-{project.id}"
        await record_payment(organizer, project.id, 1, f"{tag}-1")
        await _evaluate(organizer, fair, project, EvaluationStage.MIDTERM, 78.0 + 3 * n)
        await record_payment(organizer, project.id, 2, f"{tag}-2")
        if close_all or n == 0:
            await _evaluate(organizer, fair, project, EvaluationStage.FINAL, 84.0 + 2 * n)
            await record_payment(organizer, project.id, 3, f"{tag}-3")


async def _evaluate(
    organizer: Account, fair: Fair, project: Project, stage: EvaluationStage, score: float
) -> None:
    marks = [(str(c["key"]), score) for c in fair.evaluation_components]
    await record_evaluation(organizer, project.id, stage, marks)


async def withdraw_one(current_edition: int, demo_organization_id: int, report: Progress) -> None:
    """One open COMPETITIVE project, bid for by another organization, withdrawn."""
    stage = "撤回的项目 / a withdrawn project"
    fair = await Fair.get(edition=current_edition)
    organizer = await Account.filter(role=Role.ORGANIZER).order_by("id").first()
    if organizer is None or await Project.exists(fair_id=fair.id, status=ProjectStatus.WITHDRAWN):
        report(stage, 1, 1)
        return
    project = (
        await Project.filter(
            fair_id=fair.id,
            status=ProjectStatus.PUBLISHED,
            procurement=Procurement.COMPETITIVE,
            min_social_workers__lte=2,
        )
        .order_by("-id")
        .first()
    )
    bidder = (
        await Organization.filter(social_workers__gte=2, restricted_until__isnull=True)
        .exclude(id=demo_organization_id)
        .order_by("id")
        .first()
    )
    if project is None or bidder is None:
        report(stage, 1, 1)
        return
    amount = (project.budget * Decimal("0.92")).quantize(Decimal("1"))
    await Bid.create(
        project=project,
        organization=bidder,
        amount=amount,
        management_fee=(amount * Decimal("0.06")).quantize(Decimal("0.01")),
        social_workers=max(project.min_social_workers, 2),
        plan="组建专业服务团队，按项目书开展需求评估、个案跟进与社区活动。",
        submitted_at=fair.opens_at + timedelta(hours=3),
        status=BidStatus.SUBMITTED,
    )
    await Project.filter(id=project.id).update(status=ProjectStatus.BIDDING)
    await withdraw_project(organizer, project.id, WITHDRAWAL_REASON)
    report(stage, 1, 1)
