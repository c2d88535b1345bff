"""What the audit trail's subjects are called: a project's title, an organization's name,
and for the rows that belong to a project (a bid, an award, a payment ...) that project's
title, so a reader sees "夕阳红助餐点" instead of "Assignment #13"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.models import Model

from api.auth.models import Account
from api.bidding.models import Award, Bid, ReviewScore
from api.contracts.models import Contract, Evaluation, Payment
from api.fairs.models import Fair
from api.organizations.models import Organization
from api.projects.models import Project
from api.supervisors.models import Assignment, Supervisor


@dataclass(frozen=True)
class SubjectName:
    label: str  # the title or name a person reads
    detail: str | None  # who, for rows that tie a party to a project (bid, assignment)
    project_id: int | None  # the project the row belongs to, to link to


@dataclass(frozen=True)
class _Naming:
    model: type[Model]
    label: str  # the field read as the label
    detail: str | None = None
    project: str | None = None  # the field holding the project id


NAMINGS: dict[str, _Naming] = {
    "Project": _Naming(Project, "title", project="id"),
    "Organization": _Naming(Organization, "name"),
    "Supervisor": _Naming(Supervisor, "name"),
    "Account": _Naming(Account, "username"),
    "Fair": _Naming(Fair, "name"),
    "Bid": _Naming(Bid, "project__title", "organization__name", "project_id"),
    "Award": _Naming(Award, "project__title", "organization__name", "project_id"),
    "Contract": _Naming(Contract, "project__title", "organization__name", "project_id"),
    "Payment": _Naming(Payment, "project__title", None, "project_id"),
    "Evaluation": _Naming(Evaluation, "project__title", None, "project_id"),
    "Assignment": _Naming(Assignment, "project__title", "supervisor__name", "project_id"),
    "ReviewScore": _Naming(
        ReviewScore, "bid__project__title", "bid__organization__name", "bid__project_id"
    ),
}


async def subject_names(subjects: Iterable[str]) -> dict[str, SubjectName]:
    """``{"Project:12": SubjectName(...)}`` for the subjects that still exist, one query
    per kind."""
    keys_by_kind: dict[str, set[int]] = defaultdict(set)
    for subject in subjects:
        kind, _, key = subject.partition(":")
        if kind in NAMINGS and key.isdigit():
            keys_by_kind[kind].add(int(key))
    names: dict[str, SubjectName] = {}
    for kind, keys in keys_by_kind.items():
        naming = NAMINGS[kind]
        fields = ["id", naming.label, naming.detail, naming.project]
        wanted = [f for f in dict.fromkeys(fields) if f]  # a project's own id is its "id"
        for row in await naming.model.filter(id__in=keys).values(*wanted):
            names[f"{kind}:{row['id']}"] = SubjectName(
                label=str(row[naming.label]),
                detail=str(row[naming.detail]) if naming.detail else None,
                project_id=row[naming.project] if naming.project else None,
            )
    return names
