"""Finding the open projects that fit each of many organizations, in two statements.

The fit is the same model as in ``api.matching.scoring``: for one organization only the
district term varies between projects, so projects in its districts come first, then
key-support projects, then larger budgets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.matching.models import MatchSlot
from api.matching.scoring import fit
from api.projects.models import OPEN_STATUSES


@dataclass
class OrganizationReach:
    """Where and in what an organization works, read from the matching index."""

    quality: float = 0.0
    social_workers: int = 0
    classes: set[str] = field(default_factory=set)
    district_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ProjectMatch:
    project_id: int
    score: float
    reasons: list[str]


async def projects_for(organization_ids: list[int], k: int) -> dict[int, list[ProjectMatch]]:
    """The ``k`` best open projects for each eligible organization, best first."""
    reach = await _reach(organization_ids)
    if not reach or k <= 0:
        return {org_id: [] for org_id in organization_ids}
    conn = connections.get("default")
    sql, params = _statement(reach, k, conn.capabilities.dialect)
    rows = await conn.execute_query_dict(sql, params)
    found: dict[int, list[ProjectMatch]] = defaultdict(list)
    for row in rows:
        found[row["oid"]].append(_match(reach[row["oid"]], row))
    return {org_id: _ranked(found[org_id], k) for org_id in organization_ids}


async def _reach(organization_ids: list[int]) -> dict[int, OrganizationReach]:
    now = datetime.now(UTC)
    slots = await MatchSlot.filter(organization_id__in=organization_ids).values_list(
        "organization_id",
        "service_class",
        "district_id",
        "quality",
        "social_workers",
        "restricted_until",
    )
    reach: dict[int, OrganizationReach] = {}
    for org_id, cls, district_id, quality, workers, restricted_until in slots:
        if restricted_until is not None and restricted_until > now:
            continue  # a restricted organization is recommended nothing
        r = reach.setdefault(org_id, OrganizationReach(quality, workers))
        r.classes.add(cls)
        if district_id is not None:
            r.district_ids.add(district_id)
    return reach


def _statement(reach: dict[int, OrganizationReach], k: int, dialect: str) -> tuple[str, list]:
    params: list[Any] = []

    def mark(value: Any) -> str:
        params.append(value)
        return f"${len(params)}" if dialect == "postgres" else "?"

    now = datetime.now(UTC)
    parts: list[str] = []
    for org_id, r in reach.items():
        # Marks are taken afresh for every part, in the order they appear in the text:
        # SQLite binds by position, so a part cannot reuse another part's marks.
        statuses = ", ".join(mark(s.value) for s in OPEN_STATUSES)
        classes = ", ".join(mark(c) for c in sorted(r.classes))
        local = ", ".join(str(int(d)) for d in sorted(r.district_ids)) or "NULL"
        parts.append(
            f"SELECT * FROM (SELECT {int(org_id)} AS oid, p.id, p.service_class,"
            f" p.min_social_workers, p.key_support, d.name AS district_name,"
            f" CASE WHEN p.district_id IN ({local}) THEN 1 ELSE 0 END AS local"
            f" FROM project p JOIN district d ON d.id = p.district_id"
            f" JOIN fair f ON f.id = p.fair_id"
            f" WHERE p.status IN ({statuses}) AND p.service_class IN ({classes})"
            f" AND p.min_social_workers <= {mark(r.social_workers)}"
            f" AND f.opens_at <= {mark(now)} AND f.closes_at > {mark(now)}"
            f" ORDER BY local DESC, p.key_support DESC, p.budget DESC, p.id"
            f" LIMIT {int(k)}) AS m{len(parts)}"
        )
    return " UNION ALL ".join(parts), params


def _match(r: OrganizationReach, row: dict[str, Any]) -> ProjectMatch:
    local = bool(row["local"])
    said = [f"服务领域匹配：{SERVICE_CLASS_NAMES[ServiceClass(row['service_class'])]}"]
    said.append(f"项目在其服务区域：{row['district_name']}" if local else "项目不在其常驻服务区域")
    said.append(
        f"社工人数满足要求（需 {row['min_social_workers']} 名，现有 {r.social_workers} 名）"
    )
    if row["key_support"]:
        said.append("年度重点扶持类项目")
    return ProjectMatch(row["id"], fit(r.quality, local), said)


def _ranked(matches: list[ProjectMatch], k: int) -> list[ProjectMatch]:
    # Stable: ties keep the statement's order (key support, then budget).
    return sorted(matches, key=lambda m: -m.score)[:k]
