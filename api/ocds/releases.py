"""One OCDS release per public project: the contracting process as it stands now.

The release carries every stage reached so far (planning, tender, award, contract,
implementation), tagged accordingly, and is dated by the latest thing that happened to
the project; its id changes whenever that date does, so a consumer sees a new release
after every step.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from api.projects.models import Project, ProjectStatus

from .bids import bids_section
from .contracting import ENDED, award_section, contract_section
from .facts import FairFacts
from .parties import BUYER, PAYEE, PAYER, SUPPLIER, TENDERER, Parties
from .tender import planning, tender
from .values import LANGUAGE, moment, stamp


def ocid(prefix: str, edition: int, project: Project) -> str:
    """``{prefix}-{fair edition}-{project code}`` (the id when a project has no code)."""
    return f"{prefix}-{edition}-{project.code or project.id}"


def release(project: Project, facts: FairFacts, prefix: str) -> dict[str, Any]:
    """The release of ``project``: parties, buyer, planning, tender, award and contract."""
    process = ocid(prefix, facts.fair.edition, project)
    at = last_change(project, facts)
    parties = Parties()
    award = facts.awards.get(project.id)
    contract = facts.contracts.get(project.id)
    payments = facts.payments.get(project.id, [])
    paid = any(p.paid_at is not None for p in payments)
    buyer_roles = (BUYER, PAYER) if paid else (BUYER,)
    buyer = parties.publisher(project.publisher, project.district, *buyer_roles)

    tenderers = []
    supplier = None
    if award is not None:
        supplier_roles = (SUPPLIER, TENDERER, PAYEE) if paid else (SUPPLIER, TENDERER)
        supplier = parties.organization(award.organization, *supplier_roles)
        tenderers.append(supplier)
    assignment = facts.assignments.get(project.id)
    if assignment is not None:
        parties.supervisor(assignment.supervisor)

    data: dict[str, Any] = {
        "ocid": process,
        "id": f"{process}-{stamp(at)}",
        "date": moment(at),
        "tag": tags(project, facts),
        "initiationType": "tender",
        "language": LANGUAGE,
        "parties": parties.listed(),
        "buyer": buyer,
        "planning": planning(project),
        "tender": tender(project, facts, tenderers),
        "bids": bids_section(project, facts, award, supplier),
    }
    if award is not None and supplier is not None:
        data["awards"] = [award_section(project, award, contract, supplier)]
        if contract is not None:
            section = contract_section(
                project,
                award,
                contract,
                payments,
                facts.evaluations.get(project.id, []),
                facts.credit_entries.get(project.id, []),
                buyer,
                supplier,
            )
            data["contracts"] = [section]
    return data


def tags(project: Project, facts: FairFacts) -> list[str]:
    """The stages the release holds, from the closed releaseTag codelist."""
    found = ["planning", "tender"]
    if project.status is ProjectStatus.WITHDRAWN:
        found.append("tenderCancellation")
    if project.id in facts.awards:
        found.append("award")
    if project.id in facts.contracts:
        found.append("contract")
        paid = any(p.paid_at is not None for p in facts.payments.get(project.id, []))
        if paid or project.id in facts.evaluations:
            found.append("implementation")
        if project.status in ENDED:
            found.append("contractTermination")
    return found


def last_change(project: Project, facts: FairFacts) -> datetime:
    """When the project last changed in a way the release shows."""
    moments = [project.published_at or project.created_at, project.updated_at]
    award = facts.awards.get(project.id)
    if award is not None:
        moments.append(award.awarded_at)
    contract = facts.contracts.get(project.id)
    if contract is not None:
        moments.append(contract.signed_at)
    moments += [p.paid_at for p in facts.payments.get(project.id, []) if p.paid_at]
    moments += [e.at for e in facts.evaluations.get(project.id, [])]
    assignment = facts.assignments.get(project.id)
    if assignment is not None:
        moments.append(assignment.assigned_at)
    return max(moments)
