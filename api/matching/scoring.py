"""The one scoring model behind every recommendation of the fair.

    fit = 0.40·district + 0.20·grade + 0.15·social workers + 0.15·credit + 0.10·capacity

Each term lies in [0, 1]: ``district`` is 1 when the organization serves the project's
district; ``grade`` maps 5A/4A/3A/none to 1/0.75/0.5/0; ``social workers`` is
min(n, 10)/10; ``credit`` starts at 0.5, +0.1 per passed evaluation, −0.5 per failure;
``capacity`` is 1 − min(active projects, 5)/5. Working in the project's service class,
having the social workers the project needs and being free of a credit restriction
are not weighed: they decide who may be recommended at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass

DISTRICT_WEIGHT = 0.40
GRADE_WEIGHT = 0.20
WORKERS_WEIGHT = 0.15
CREDIT_WEIGHT = 0.15
CAPACITY_WEIGHT = 0.10

GRADE_VALUES = {"5A": 1.0, "4A": 0.75, "3A": 0.5}


@dataclass(frozen=True)
class OrganizationFacts:
    """What the score of an organization is made of, apart from the project."""

    social_workers: int
    grade: str | None
    evaluations_passed: int
    evaluations_failed: int
    active_projects: int


def credit_value(passed: int, failed: int) -> float:
    return _clamp(0.5 + 0.1 * passed - 0.5 * failed)


def quality(facts: OrganizationFacts) -> float:
    """The project-independent part of the fit, in [0, 0.6]."""
    return (
        GRADE_WEIGHT * GRADE_VALUES.get(facts.grade or "", 0.0)
        + WORKERS_WEIGHT * min(facts.social_workers, 10) / 10
        + CREDIT_WEIGHT * credit_value(facts.evaluations_passed, facts.evaluations_failed)
        + CAPACITY_WEIGHT * (1 - min(facts.active_projects, 5) / 5)
    )


def fit(org_quality: float, serves_district: bool) -> float:
    return round(org_quality + (DISTRICT_WEIGHT if serves_district else 0.0), 4)


def reasons(
    facts: OrganizationFacts,
    service_class: ServiceClass,
    district_name: str | None,
    needed_workers: int,
) -> list[str]:
    """Plain Chinese reasons for a recommendation, strongest first."""
    said = [
        f"服务领域匹配：{SERVICE_CLASS_NAMES[service_class]}",
        f"服务本区：{district_name}" if district_name else "不在其常驻服务区域",
        f"持证专职社工 {facts.social_workers} 名（项目要求 {needed_workers} 名）",
    ]
    if facts.grade:
        said.append(f"评估等级 {facts.grade}")
    if facts.evaluations_failed:
        said.append(f"信用记录：{facts.evaluations_failed} 次评估未通过")
    elif facts.evaluations_passed:
        said.append(f"信用良好：{facts.evaluations_passed} 次评估通过")
    if facts.active_projects:
        said.append(f"当前承接项目 {facts.active_projects} 个")
    return said


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))
