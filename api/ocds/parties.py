"""The parties of a contracting process and their roles, and the references to them.

Each party appears once in ``parties`` with every role it plays; elsewhere the release
names it by an OrganizationReference (``id`` and ``name``). Only what the GraphQL API
shows an anonymous visitor is published: an organization's contact person and phone and
a supervisor's phone are private, so no ``contactPoint`` is ever written.
"""

from __future__ import annotations

from typing import Any

from api.organizations.models import Organization
from api.places.models import District, Publisher, PublisherKind
from api.supervisors.models import Supervisor

from .values import CREDIT_CODE_SCHEME, moment

# Roles from OCDS 1.1's open partyRole codelist, in the order they are listed.
BUYER = "buyer"
SUPPLIER = "supplier"
TENDERER = "tenderer"
PAYER = "payer"
PAYEE = "payee"
# The supervisor (督导) follows an awarded project to its end on behalf of the organizer
# and the publisher: visits, guidance, a say in the evaluations. OCDS 1.1 has no code
# for that; partyRole is an open codelist, and the code later added to it for "the
# organization responsible for managing the implementation of the contract on behalf of
# the buyer" (contractImplementationManager, OCDS 1.2) is the one that fits, so tools
# that know it understand the supervisor without a local code.
SUPERVISOR = "contractImplementationManager"
ROLE_ORDER = (BUYER, SUPPLIER, TENDERER, PAYER, PAYEE, SUPERVISOR)

PUBLISHER_KINDS = {
    PublisherKind.COMMUNITY: "社区居委会",
    PublisherKind.STREET: "街道办事处",
    PublisherKind.DISTRICT_DEPARTMENT: "区级部门",
    PublisherKind.CITY_DEPARTMENT: "市级部门",
}
REGISTRATION_KINDS = {"REGISTERED": "登记", "FILED": "备案"}


def publisher_id(publisher: Publisher) -> str:
    return f"publisher-{publisher.id}"


def organization_id(organization: Organization) -> str:
    # The org-id.guide form: scheme and identifier, unique wherever the party appears.
    return f"{CREDIT_CODE_SCHEME}-{organization.credit_code}"


def supervisor_id(supervisor: Supervisor) -> str:
    return f"supervisor-{supervisor.id}"


class Parties:
    """The parties of one release, each once, with its roles merged."""

    def __init__(self) -> None:
        self._parties: dict[str, dict[str, Any]] = {}
        self._roles: dict[str, set[str]] = {}

    def publisher(self, publisher: Publisher, district: District, *roles: str) -> dict[str, str]:
        """The publisher (发布单位): the buyer whose budget pays for the project."""
        party = {
            "id": publisher_id(publisher),
            "name": publisher.name,
            "address": {"region": district.name, "countryName": "中国"},
            "details": {
                "publisherKind": publisher.kind.value,
                "publisherKindName": PUBLISHER_KINDS[publisher.kind],
            },
        }
        return self._add(party, roles)

    def organization(self, organization: Organization, *roles: str) -> dict[str, str]:
        """A social organization, named by its unified social credit code."""
        details: dict[str, Any] = {
            "registrationKind": organization.registration_kind.value,
            "registrationKindName": REGISTRATION_KINDS[organization.registration_kind.value],
            "socialWorkers": organization.social_workers,
        }
        if organization.grade:
            details["grade"] = organization.grade
        if organization.restricted_until is not None:
            # A failed evaluation's consequence, public in the organization's record.
            details["restrictedUntil"] = moment(organization.restricted_until)
        party = {
            "id": organization_id(organization),
            "name": organization.name,
            "identifier": {
                "scheme": CREDIT_CODE_SCHEME,
                "id": organization.credit_code,
                "legalName": organization.name,
            },
            "details": details,
        }
        return self._add(party, roles)

    def supervisor(self, supervisor: Supervisor) -> dict[str, str]:
        """The supervisor who follows the project (a person of the pool)."""
        details: dict[str, Any] = {"affiliation": supervisor.affiliation}
        if supervisor.title:
            details["title"] = supervisor.title
        party = {"id": supervisor_id(supervisor), "name": supervisor.name, "details": details}
        return self._add(party, (SUPERVISOR,))

    def listed(self) -> list[dict[str, Any]]:
        """The parties in the order first met, each with its roles in codelist order."""
        return [
            {**party, "roles": [r for r in ROLE_ORDER if r in self._roles[pid]]}
            for pid, party in self._parties.items()
        ]

    def _add(self, party: dict[str, Any], roles: tuple[str, ...]) -> dict[str, str]:
        pid = party["id"]
        self._parties.setdefault(pid, party)
        self._roles.setdefault(pid, set()).update(roles)
        return {"id": pid, "name": party["name"]}
