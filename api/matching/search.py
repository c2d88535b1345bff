"""Finding the best-fitting organizations for many projects in one statement.

For each project the statement takes two short index scans of the matching index:
the top organizations serving the project's district, and the top organizations
anywhere. Their union holds the exact top ``k`` by fit, which is merged here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from api.catalog.models import ServiceClass
from api.matching.scoring import OrganizationFacts, fit, reasons
from api.organizations.models import Organization

COLUMNS = (
    "organization_id, district_id, quality, social_workers, grade,"
    " evaluations_passed, evaluations_failed, active_projects"
)


@dataclass(frozen=True)
class ProjectNeed:
    """What a project asks of an organization."""

    project_id: int
    service_class: ServiceClass
    district_id: int
    district_name: str
    min_social_workers: int


@dataclass(frozen=True)
class OrganizationMatch:
    organization_id: int
    score: float
    reasons: list[str]


@dataclass
class Matches:
    """The best organizations of each project, and (when asked for) their rows."""

    by_project: dict[int, list[OrganizationMatch]]
    organizations: dict[int, Organization]


async def organizations_for(needs: list[ProjectNeed], k: int) -> dict[int, list[OrganizationMatch]]:
    """The ``k`` best eligible organizations for each project, best first."""
    return (await matches_for(needs, k)).by_project


async def matches_for(needs: list[ProjectNeed], k: int, with_rows: bool = False) -> Matches:
    """``organizations_for``, and with ``with_rows`` the organizations' rows read in the
    same statement (a page showing the matches needs their names)."""
    if not needs or k <= 0:
        return Matches({}, {})
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        sql, params = LATERAL_STATEMENT, _lateral_params(needs, k)
    else:
        sql, params = _statement(needs, k, conn.capabilities.dialect)
    rows = await conn.execute_query_dict(_with_organizations(sql) if with_rows else sql, params)
    by_project: dict[int, list[dict[str, Any]]] = {n.project_id: [] for n in needs}
    for row in rows:
        by_project[row["pid"]].append(row)
    found = {n.project_id: _merge(n, by_project[n.project_id], k) for n in needs}
    return Matches(found, _organizations(rows) if with_rows else {})


def _with_organizations(sql: str) -> str:
    columns = ", ".join(f'o."{c}" AS "o_{c}"' for c in Organization._meta.db_fields)
    return f"SELECT x.*, {columns} FROM ({sql}) x JOIN organization o ON o.id = x.organization_id"


def _organizations(rows: list[dict[str, Any]]) -> dict[int, Organization]:
    found: dict[int, Organization] = {}
    for row in rows:
        if row["organization_id"] not in found:
            values = {c: row[f"o_{c}"] for c in Organization._meta.db_fields}
            found[row["organization_id"]] = Organization._init_from_db(**values)
    return found


# PostgreSQL: one fixed text for any page, so the server plans it once per connection;
# each project's two scans run as a lateral join over the arrays of needs.
_SLOT = (
    "SELECT m.organization_id, m.district_id, m.quality, m.social_workers, m.grade,"
    " m.evaluations_passed, m.evaluations_failed, m.active_projects FROM match_slot m"
    " WHERE m.service_class = w.cls AND {district} AND m.social_workers >= w.need"
    " AND (m.restricted_until IS NULL OR m.restricted_until <= $5)"
    " ORDER BY m.quality DESC, m.organization_id DESC LIMIT $6"
)
LATERAL_STATEMENT = (
    "SELECT w.pid, s.* FROM unnest($1::int[], $2::text[], $3::int[], $4::int[])"
    " AS w(pid, cls, did, need) CROSS JOIN LATERAL"
    f" (({_SLOT.format(district='m.district_id = w.did')})"
    f" UNION ALL ({_SLOT.format(district='m.district_id IS NULL')})) AS s"
)


def _lateral_params(needs: list[ProjectNeed], k: int) -> list[Any]:
    return [
        [n.project_id for n in needs],
        [n.service_class.value for n in needs],
        [n.district_id for n in needs],
        [n.min_social_workers for n in needs],
        datetime.now(UTC),
        k,
    ]


def _statement(needs: list[ProjectNeed], k: int, dialect: str) -> tuple[str, list[Any]]:
    """SQLite: a union of two short index scans per project."""
    params: list[Any] = []

    def mark(value: Any) -> str:
        params.append(value)
        return f"${len(params)}" if dialect == "postgres" else "?"

    now = datetime.now(UTC)
    parts: list[str] = []
    for n in needs:
        for district in (n.district_id, None):
            # Marks are taken in the order they appear in the text: SQLite binds by position.
            service_class = mark(n.service_class.value)
            where_district = (
                f"district_id = {mark(district)}" if district else "district_id IS NULL"
            )
            parts.append(
                f"SELECT * FROM (SELECT {int(n.project_id)} AS pid, {COLUMNS} FROM match_slot"
                f" WHERE service_class = {service_class} AND {where_district}"
                f" AND social_workers >= {mark(n.min_social_workers)}"
                f" AND (restricted_until IS NULL OR restricted_until <= {mark(now)})"
                f" ORDER BY quality DESC, organization_id DESC LIMIT {int(k)}) AS s{len(parts)}"
            )
    return " UNION ALL ".join(parts), params


def _merge(need: ProjectNeed, rows: list[dict[str, Any]], k: int) -> list[OrganizationMatch]:
    best: dict[int, OrganizationMatch] = {}
    for row in rows:
        local = row["district_id"] is not None
        match = _match(need, row, local)
        known = best.get(match.organization_id)
        if known is None or match.score > known.score:
            best[match.organization_id] = match
    ranked = sorted(best.values(), key=lambda m: (-m.score, -m.organization_id))
    return ranked[:k]


def _match(need: ProjectNeed, row: dict[str, Any], local: bool) -> OrganizationMatch:
    facts = OrganizationFacts(
        social_workers=row["social_workers"],
        grade=row["grade"],
        evaluations_passed=row["evaluations_passed"],
        evaluations_failed=row["evaluations_failed"],
        active_projects=row["active_projects"],
    )
    said = reasons(
        facts, need.service_class, need.district_name if local else None, need.min_social_workers
    )
    return OrganizationMatch(row["organization_id"], fit(row["quality"], local), said)
