"""A fair played through every state of a project's life, for the OCDS export tests,
and the OCDS 1.1.5 schema validators (the schema files are in ``tests/ocds_schema``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import json_merge_patch
import pytest_asyncio
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from api.auth.models import Account, Role
from api.bidding.awards import award_project
from api.bidding.claims import BidDraft, claim_project
from api.contracts.evaluations import record_evaluation
from api.contracts.models import EvaluationStage
from api.contracts.payments import record_payment
from api.fairs.models import Fair
from api.ocds.packages import Publication, fair_releases, record_package, release_package
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.projects.withdrawal import withdraw_project
from api.settings import DEFAULT_OCID_PREFIX
from api.supervisors.assignment import assign_supervisors
from tests import factories
from tests.sessions import make_account

SCHEMAS = Path(__file__).parent / "ocds_schema"
BID_EXTENSION = SCHEMAS / "bid_extension"
RELEASE_SCHEMA_ID = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
BASE_URL = "http://testserver"
# Contact details that only organizers and the organization itself may see.
PRIVATE_PHONE_PREFIX = "025-6"
PRIVATE_CONTACT = "张联系人"
WITHDRAWAL_REASON = "街道调整年度预算，项目并入区级统一采购。"


def _extended(schema: dict[str, Any]) -> dict[str, Any]:
    """The release schema with the bids extension's patch merged in (RFC 7396, as the
    OCDS extension registry applies extensions); other schemas unchanged."""
    if schema["id"] != RELEASE_SCHEMA_ID:
        return schema
    patch = json.loads((BID_EXTENSION / "release-schema.json").read_text(encoding="utf-8"))
    return json_merge_patch.merge(schema, patch)


def _validator(name: str) -> Draft4Validator:
    """A Draft 4 validator (as the schema declares) with a format checker, offline, for
    OCDS 1.1.5 with the bids extension."""
    schemas = [_extended(json.loads(p.read_text(encoding="utf-8"))) for p in SCHEMAS.glob("*.json")]
    registry: Registry = Registry().with_resources(
        (s["id"], Resource.from_contents(s, default_specification=DRAFT4)) for s in schemas
    )
    schema = _extended(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))
    return Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


RELEASE_PACKAGE = _validator("release-package-schema.json")
RECORD_PACKAGE = _validator("record-package-schema.json")


def schema_errors(validator: Draft4Validator, package: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(package)
    ]


@dataclass
class PlayedFair:
    """A fair with one project in each state, and who did what in it."""

    fair: Fair
    projects: dict[str, Project]
    winners: dict[str, Organization]
    loser: Organization
    bidders: list[Organization]
    publisher_name: str


async def _claim(org: Organization, project: Project, offer: str) -> None:
    account = await make_account(Role.ORGANIZATION, organization_id=org.id)
    amount = Decimal(offer)
    draft = BidDraft(amount, (amount / 20).quantize(Decimal("0.01")), 2, "入户探访与小组活动。")
    await claim_project(account, project.id, draft)


async def _evaluate(
    organizer: Account, fair: Fair, project: Project, stage: Any, mark: float
) -> None:
    marks = [(str(c["key"]), mark) for c in fair.evaluation_components]
    await record_evaluation(organizer, project.id, stage, marks)


async def _organization() -> Organization:
    n = factories.next_number()
    return await factories.organization(contact_phone=f"{PRIVATE_PHONE_PREFIX}{n:07d}")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def played(app: Any) -> PlayedFair:
    """Published, claimed, bidding, awarded, in delivery, passed, failed, closed, withdrawn
    and draft projects in one fair, each taken there by the services that do it."""
    organizer = await make_account(Role.ORGANIZER)
    fair = await factories.fair()
    district = await factories.district()
    publisher = await factories.publisher(district)
    for _ in range(2):
        await factories.supervisor(districts=(district,))

    async def project(procurement: Procurement = Procurement.DIRECT, **kw: Any) -> Project:
        return await factories.project(fair, by_publisher=publisher, procurement=procurement, **kw)

    names = ("published", "claimed", "delivery", "passed", "failed", "closed")
    projects = {name: await project() for name in names}
    projects["bidding"] = await project(Procurement.COMPETITIVE)
    projects["awarded"] = await project(Procurement.COMPETITIVE)
    projects["withdrawn"] = await project(Procurement.COMPETITIVE)
    projects["draft"] = await project(status=ProjectStatus.DRAFT)

    winners = {}
    for name in ("claimed", "delivery", "passed", "failed", "closed"):
        winners[name] = await _organization()
        await _claim(winners[name], projects[name], "96000.00")
    bidders = [await _organization(), await _organization()]
    for org in bidders:
        await _claim(org, projects["bidding"], "90000.00")
    released = await _organization()
    await _claim(released, projects["withdrawn"], "90000.00")
    await withdraw_project(organizer, projects["withdrawn"].id, WITHDRAWAL_REASON)
    winners["awarded"], loser = await _organization(), await _organization()
    await _claim(winners["awarded"], projects["awarded"], "92000.00")
    await _claim(loser, projects["awarded"], "88000.00")

    # The window closes; competitive projects are scored and awarded, claims confirmed.
    await Fair.filter(id=fair.id).update(closes_at=datetime.now(UTC) - timedelta(seconds=1))
    fair = await Fair.get(id=fair.id)
    reviewer = await factories.supervisor()
    for org, total in ((winners["awarded"], 86.0), (loser, 71.0)):
        bid = await projects["awarded"].bids.filter(organization_id=org.id).get()
        await factories.review(bid, reviewer, total, fair)
    for name in ("awarded", "delivery", "passed", "failed", "closed"):
        await award_project(organizer, projects[name].id)
    await assign_supervisors(organizer, fair.id)

    for name in ("delivery", "passed", "failed", "closed"):
        await record_payment(organizer, projects[name].id, 1, f"OCDS-{name}-1")
    await _evaluate(organizer, fair, projects["passed"], EvaluationStage.MIDTERM, 80.0)
    await record_payment(organizer, projects["passed"].id, 2, "OCDS-passed-2")
    await _evaluate(organizer, fair, projects["failed"], EvaluationStage.MIDTERM, 50.0)
    await _evaluate(organizer, fair, projects["closed"], EvaluationStage.MIDTERM, 85.0)
    await record_payment(organizer, projects["closed"].id, 2, "OCDS-closed-2")
    await _evaluate(organizer, fair, projects["closed"], EvaluationStage.FINAL, 90.0)
    await record_payment(organizer, projects["closed"].id, 3, "OCDS-closed-3")

    fresh = {name: await Project.get(id=p.id) for name, p in projects.items()}
    return PlayedFair(fair, fresh, winners, loser, bidders, publisher.name)


def publication_at(prefix: str = DEFAULT_OCID_PREFIX) -> Publication:
    return Publication(ocid_prefix=prefix, base_url=BASE_URL)


async def packages(played: PlayedFair) -> tuple[dict[str, Any], dict[str, Any]]:
    publication = publication_at()
    releases = await fair_releases(played.fair, publication)
    return (
        release_package(played.fair, publication, releases),
        record_package(played.fair, publication, releases),
    )


def release_of(package: dict[str, Any], played: PlayedFair, name: str) -> dict[str, Any]:
    code = played.projects[name].code
    found = [r for r in package["releases"] if r["ocid"].endswith(f"-{code}")]
    assert len(found) == 1, f"{name}: {len(found)} releases"
    return found[0]


def parties_in(release: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [p for p in release["parties"] if role in p["roles"]]


def milestones_of(release: dict[str, Any]) -> dict[str, dict[str, Any]]:
    contract = release["contracts"][0]
    return {m["id"]: m for m in contract["implementation"]["milestones"]}
