"""The demo's open fair with something going on, so every role has work on first login:
claims waiting for the organizer's confirmation (one on the demo publisher's own project),
bids on competitive projects waiting for the reviewer's scores, and past-fair projects
that the demo supervisor follows.

Claims and bids go through the real service (claim_project) on behalf of pool
organizations that have no login of their own (an unsaved account that names the
organization), so every rule is checked and the audit trail says who claimed. The demo
organization itself is left alone: its first claim is the visitor's to make.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.expressions import F

from api.audit.log import record
from api.auth.models import Account, Role
from api.bidding.claims import BidDraft, claim_project
from api.errors import DomainError
from api.fairs.models import Fair
from api.fairs.queries import is_open
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.supervisors.fit import fit_of, fit_reasons
from api.supervisors.models import Assignment, Supervisor, SupervisorExpertise
from api.supervisors.problem import ProjectToSupervise, SupervisorCapacity
from seeds.generator import DEMO_ACCOUNTS

CLAIMS = 2  # DIRECT projects claimed, waiting for confirmation
BIDDING_PROJECTS = 2  # COMPETITIVE projects with bids to score
BIDS_EACH = 2
FOLLOWED = 3  # past-fair projects in delivery that the demo supervisor follows
PLAN = "入户需求评估、每周小组活动、志愿者培育，按季度向社区报告服务进展。"


async def play_current_fair(edition: int, demo_organization_id: int | None) -> int:
    """Claims and bids in the open fair; returns how many were made (0 when done before)."""
    fair = await Fair.get_or_none(edition=edition)
    if fair is None or not is_open(fair):
        return 0
    if await Project.filter(fair_id=fair.id).exclude(status=ProjectStatus.PUBLISHED).exists():
        return 0  # already played, or the visitor has started
    publisher = await _demo_account(Role.PUBLISHER)
    direct = Project.filter(fair_id=fair.id, procurement=Procurement.DIRECT)
    own = None
    if publisher is not None and publisher.publisher_id is not None:
        own = await direct.filter(publisher_id=publisher.publisher_id).order_by("-id").first()
    others = await direct.exclude(id=own.id if own else 0).order_by("-id").limit(CLAIMS)
    targets = ([own] if own else []) + list(others)
    made = 0
    for project in targets[:CLAIMS]:
        made += await _claim_by_someone(project, demo_organization_id, taken=made)
    competitive = (
        await Project.filter(fair_id=fair.id, procurement=Procurement.COMPETITIVE)
        .order_by("-id")
        .limit(BIDDING_PROJECTS)
    )
    for project in competitive:
        for n in range(BIDS_EACH):
            made += await _claim_by_someone(project, demo_organization_id, taken=made + n)
    return made


async def _demo_account(role: Role) -> Account | None:
    """The demo login of ``role`` (by its username: a database may hold other accounts)."""
    username = next(a.username for a in DEMO_ACCOUNTS if a.role is role)
    return await Account.get_or_none(username=username)


async def _claim_by_someone(project: Project, excluded: int | None, taken: int) -> int:
    """One claim or bid by the first eligible pool organization not yet on the project."""
    eligible = (
        Organization.filter(
            service_class_links__service_class=project.service_class,
            social_workers__gte=max(project.min_social_workers, 2),
            restricted_until__isnull=True,
        )
        .exclude(id=excluded or 0)
        .order_by("id")
    )
    # Spread over the pool (a different organization for each claim), then from the top.
    candidates = [*await eligible.offset(taken * 5).limit(10), *await eligible.limit(10)]
    for organization in candidates:
        actor = Account(
            username=organization.name[:64],
            role=Role.ORGANIZATION,
            organization_id=organization.id,
        )
        amount = (project.budget * Decimal("0.95")).quantize(Decimal("1"))
        draft = BidDraft(
            amount=amount,
            management_fee=(amount * Decimal("0.06")).quantize(Decimal("0.01")),
            social_workers=max(project.min_social_workers, 2),
            plan=PLAN,
        )
        try:
            await claim_project(actor, project.id, draft)
        except DomainError:
            continue  # not eligible, or already on the project: the next one
        return 1
    return 0


async def follow_by_demo_supervisor(projects: list[Project], organizer: Account) -> int:
    """Give the demo supervisor the last played projects of the past fair (the ones still
    in delivery, see seeds/history.py) before the engine covers the rest, so the
    supervisor's page has running projects to follow."""
    account = await _demo_account(Role.SUPERVISOR)
    if account is None or account.supervisor_id is None:
        return 0
    person = await Supervisor.get(id=account.supervisor_id)
    expertise = await SupervisorExpertise.filter(supervisor_id=person.id).values_list(
        "service_class", flat=True
    )
    districts: list[Any] = await person.districts.all().values_list("id", flat=True)
    given = 0
    for project in projects[-FOLLOWED:]:
        capacity = SupervisorCapacity(
            supervisor_id=person.id,
            expertise=frozenset(str(c) for c in expertise),
            district_ids=frozenset(int(d) for d in districts),
            max_load=person.max_load,
            load=person.load + given,
        )
        if not capacity.spare or await Assignment.exists(project_id=project.id):
            continue
        problem = ProjectToSupervise(
            project_id=project.id,
            service_class=str(project.service_class),
            district_id=project.district_id,
            organization_id=0,
        )
        fit = fit_of(problem.service_class, problem.district_id, capacity)
        reasons = fit_reasons(problem, capacity, capacity.load + 1)
        assignment = await Assignment.create(
            project_id=project.id,
            supervisor_id=person.id,
            assigned_at=datetime.now(UTC),
            fit=fit,
            reasons=reasons,
        )
        await Supervisor.filter(id=person.id).update(load=F("load") + 1)
        await record(organizer, "assignSupervisors", [assignment, project, person])
        given += 1
    return given
