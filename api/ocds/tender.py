"""Planning and tender: the project as the fair put it on the table.

Procurement methods (OCDS 1.1 closed ``method`` codelist):

- COMPETITIVE (竞争性评审) is ``open``: every eligible organization may bid, reviewers
  score the bids and the top-ranked one is awarded; eligibility conditions (social
  workers, no credit restriction) are conditions for participation, not a pre-selection.
- DIRECT (直接认领) is ``direct``: the project is listed publicly, but the first eligible
  organization to claim it takes it and the claim is confirmed without any competition
  (a second claim is refused). OCDS defines ``direct`` as "awarded to a single supplier
  without competition", which is what happens; ``procurementMethodDetails`` says how.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.catalog.models import SERVICE_CLASS_NAMES
from api.fairs.models import Fair
from api.projects.models import Procurement, Project, ProjectStatus, ProjectType

from .facts import FairFacts
from .values import moment, value, yuan

METHODS = {Procurement.COMPETITIVE: "open", Procurement.DIRECT: "direct"}
METHOD_DETAILS = {
    Procurement.COMPETITIVE: (
        "竞争性评审：符合条件的社会组织在洽谈会期间投标，"
        "评审专家按评审标准打分，综合排名第一的投标中标立项。"
    ),
    Procurement.DIRECT: (
        "直接认领：项目在洽谈会上公开发布，符合条件的社会组织先到先得，"
        "认领经主办方或发布单位确认后立项，不经竞争。"
    ),
}
PROJECT_TYPES = {
    ProjectType.PUBLIC_WELFARE: "社区公益服务",
    ProjectType.PUBLIC_SERVICE: "社区公共服务",
    ProjectType.SELF_GOVERNANCE: "社区自治服务",
}
# Classification schemes of our own (itemClassificationScheme is an open codelist).
CATALOG_SCHEME = "SHEQIA-CATALOG"
SERVICE_CLASS_SCHEME = "SHEQIA-SERVICE-CLASS"

# Projects whose tender is over because an award was made.
AWARDED = (
    ProjectStatus.AWARDED,
    ProjectStatus.IN_DELIVERY,
    ProjectStatus.CLOSED,
    ProjectStatus.TERMINATED,
)


def tender_status(project: Project, fair: Fair, now: datetime | None = None) -> str:
    """OCDS tenderStatus from the project's lifecycle and the fair's window."""
    now = now or datetime.now(UTC)
    if project.status is ProjectStatus.WITHDRAWN:
        return "withdrawn"  # the publisher or an organizer took it off the table
    if project.status in AWARDED:
        return "complete"
    if project.status is ProjectStatus.PUBLISHED:
        if now < fair.opens_at:
            return "planned"  # listed, claims not yet open
        if now >= fair.closes_at:
            return "unsuccessful"  # the fair ended and nobody claimed or bid
    return "active"  # open, claimed awaiting confirmation, or bids awaiting the award


def planning(project: Project) -> dict[str, Any]:
    """The budget (and the funding split) and the community's opinion that justified it."""
    budget: dict[str, Any] = {
        "id": f"budget-{project.code}",
        "description": _funding(project),
        "amount": value(project.budget),
        "project": project.title,
        "projectID": project.code,
    }
    section: dict[str, Any] = {"budget": budget}
    if project.community_opinion.strip():
        section["rationale"] = project.community_opinion.strip()
    return section


def tender(project: Project, facts: FairFacts, tenderers: list[dict[str, str]]) -> dict[str, Any]:
    """The tender: what is bought, for how much, how, when, and who bid (publicly)."""
    fair = facts.fair
    section: dict[str, Any] = {
        "id": f"tender-{project.code}",
        "title": project.title,
        "description": _description(project),
        "status": tender_status(project, fair),
        "items": [_item(project)],
        "value": value(project.budget),
        "procurementMethod": METHODS[project.procurement],
        "procurementMethodDetails": METHOD_DETAILS[project.procurement],
        "mainProcurementCategory": "services",
        "submissionMethod": ["electronicSubmission"],
        "submissionMethodDetails": f"在「{fair.name}」举办期间通过本系统认领或投标。",
        "tenderPeriod": {"startDate": moment(fair.opens_at), "endDate": moment(fair.closes_at)},
        "numberOfTenderers": facts.bid_counts.get(project.id, 0),
    }
    if project.status is ProjectStatus.WITHDRAWN and project.withdrawal_reason:
        # Public in the API too (Project.withdrawalReason); OCDS 1.2 names it statusDetails.
        section["statusDetails"] = project.withdrawal_reason
    section.update(_award_criteria(project, fair))
    eligibility = _eligibility(project)
    if eligibility:
        section["eligibilityCriteria"] = eligibility
    if tenderers:
        # Only tenderers the public API names: the winner, once awarded. Claims and bids
        # not (yet) awarded are visible to the organizer, publisher and reviewers alone;
        # numberOfTenderers still counts them all, as the public bidCount does.
        section["tenderers"] = tenderers
    return section


def _award_criteria(project: Project, fair: Fair) -> dict[str, str]:
    if project.procurement is Procurement.DIRECT:
        return {"awardCriteriaDetails": "先到先得：第一个符合条件的认领经确认即立项。"}
    weights = "、".join(f"{c['name']} {float(c['weight']):g}%" for c in fair.criteria)
    return {
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": f"评审专家按以下标准加权打分，综合排名第一者中标：{weights}。",
    }


def _item(project: Project) -> dict[str, Any]:
    item = project.catalog_item
    return {
        "id": "1",
        "description": item.name,
        "classification": {"scheme": CATALOG_SCHEME, "id": item.code, "description": item.name},
        "additionalClassifications": [
            {
                "scheme": SERVICE_CLASS_SCHEME,
                "id": project.service_class.value,
                "description": SERVICE_CLASS_NAMES[project.service_class],
            }
        ],
        "quantity": 1,
        "unit": {"name": "项"},
    }


def _description(project: Project) -> str:
    """The project's description, and the facts a reader needs beside it, in Chinese."""
    district = project.district
    place = district.name + (project.community or "")
    beneficiaries = project.beneficiaries.strip()
    if project.beneficiary_count:
        beneficiaries += f"（受益约 {project.beneficiary_count} 人）"
    lines = [
        project.description.strip(),
        f"项目类型：{PROJECT_TYPES[project.project_type]}",
        f"实施地：{place}",
        f"服务对象：{beneficiaries}",
        f"服务周期：{project.service_period_months} 个月",
    ]
    if project.key_support:
        lines.append("年度重点扶持类项目")
    return "\n".join(line for line in lines if line)


def _eligibility(project: Project) -> str:
    parts = []
    if project.min_social_workers:
        parts.append(f"承接机构须有至少 {project.min_social_workers} 名持证专职社工。")
    if project.qualifications.strip():
        parts.append(project.qualifications.strip())
    return "".join(parts)


def _funding(project: Project) -> str:
    parts = [f"项目预算 {yuan(project.budget)}"]
    if project.city_funding is not None:
        parts.append(f"市级资金 {yuan(project.city_funding)}")
    if project.district_funding is not None:
        parts.append(f"区级配套资金 {yuan(project.district_funding)}")
    return "，".join(parts) + "。"
