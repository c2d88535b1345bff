"""The two pools of people: registerOrganization and addSupervisor."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.matching.models import MatchSlot
from api.organizations import services as organization_services
from api.organizations.creditcode import make_credit_code
from api.organizations.models import Organization
from api.places.models import District
from api.supervisors.models import Supervisor
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

REGISTER = """
mutation Register($input: OrganizationInput!) {
  registerOrganization(input: $input) {
    organization { id name creditCode registrationKind serviceClasses districts { id } socialWorkers grade
                   contactName contactPhone introduction }
    errors { code field message }
  }
}
"""

ADD_SUPERVISOR = """
mutation Add($input: SupervisorInput!) {
  addSupervisor(input: $input) {
    supervisor { id name title affiliation expertise districts { id } maxLoad load }
    errors { code field message }
  }
}
"""

OTHER_ROLES = [Role.PUBLISHER, Role.ORGANIZATION, Role.REVIEWER, Role.SUPERVISOR]


def gid(district: District) -> str:
    return to_global_id("District", district.id)


def refusals(payload: dict[str, Any]) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@pytest.fixture
async def organizer(app: object) -> str:
    return await token_for(Role.ORGANIZER)


@pytest.fixture
async def district(app: object) -> District:
    return await factories.district()


# --- registerOrganization -----------------------------------------------------------------


def organization_input(district: District | None = None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": f"鼓楼区{factories.next_number()}号社会工作服务中心",
        "creditCode": factories.credit_code(),
        "serviceClasses": ["ELDERLY", "CHILDREN"],
        "districts": [gid(district)] if district else [],
        "socialWorkers": 4,
        "grade": "4A",
    }
    values.update(overrides)
    return values


async def register(gql, token: str | None, values: dict[str, Any]) -> dict[str, Any]:
    result = await gql(REGISTER, {"input": values}, token=token)
    assert "errors" not in result, result
    return result["data"]["registerOrganization"]


async def test_organizer_registers_an_organization(gql, organizer, district):
    # Given an organizer and an organization's details with contacts
    values = organization_input(
        district,
        registrationKind="FILED",
        contactName="李主任",
        contactPhone="025-83000000",
        introduction="扎根社区十年。",
    )
    # When it is registered
    payload = await register(gql, organizer, values)
    # Then it is in the pool with its classes, districts and contacts
    assert payload["errors"] == []
    org = payload["organization"]
    assert org["creditCode"] == values["creditCode"]
    assert org["registrationKind"] == "FILED"
    assert sorted(org["serviceClasses"]) == ["CHILDREN", "ELDERLY"]
    assert org["districts"] == [{"id": gid(district)}]
    assert (org["socialWorkers"], org["grade"]) == (4, "4A")
    assert (org["contactName"], org["contactPhone"]) == ("李主任", "025-83000000")
    row = await Organization.get(credit_code=values["creditCode"])
    assert org["id"] == to_global_id("Organization", row.id)


async def test_registered_organization_is_matchable_at_once(gql, organizer, district):
    # Given a registration with two classes and one district
    values = organization_input(district)
    await register(gql, organizer, values)
    # Then the matching index holds a slot per class for the district and for "anywhere"
    row = await Organization.get(credit_code=values["creditCode"])
    slots = await MatchSlot.filter(organization_id=row.id).values_list(
        "service_class", "district_id"
    )
    assert sorted(slots, key=str) == sorted(
        [(c, d) for c in ("ELDERLY", "CHILDREN") for d in (None, district.id)], key=str
    )


async def test_registration_is_audited(gql, organizer):
    values = organization_input()
    await register(gql, organizer, values)
    row = await Organization.get(credit_code=values["creditCode"])
    entry = await AuditEntry.filter(action="registerOrganization").order_by("-id").first()
    assert entry is not None and entry.subject_ids == [f"Organization:{row.id}"]


async def test_anonymous_registration_is_refused(gql):
    values = organization_input()
    payload = await register(gql, None, values)
    assert refusals(payload) == [("UNAUTHENTICATED", None)]
    assert not await Organization.filter(credit_code=values["creditCode"]).exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
async def test_registration_by_other_roles_is_forbidden(gql, role):
    values = organization_input()
    payload = await register(gql, await token_for(role), values)
    assert refusals(payload) == [("FORBIDDEN", None)]
    assert not await Organization.filter(credit_code=values["creditCode"]).exists()


async def test_wrong_check_character_is_refused(gql, organizer):
    # Given a valid code with its check character changed
    code = factories.credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    payload = await register(gql, organizer, organization_input(creditCode=wrong))
    # Then INVALID_INPUT with the validator's reason
    assert refusals(payload) == [("INVALID_INPUT", ["input", "creditCode"])]
    assert "校验位" in payload["errors"][0]["message"]
    assert not await Organization.filter(credit_code=wrong).exists()


async def test_code_of_a_company_is_refused(gql, organizer):
    # Given a valid code issued by market regulation (9…), not by civil affairs (5…)
    company = make_credit_code("91320102" + f"{factories.next_number():09d}")
    payload = await register(gql, organizer, organization_input(creditCode=company))
    # Then it is refused with a message saying social organizations' codes start with 5
    assert refusals(payload) == [("INVALID_INPUT", ["input", "creditCode"])]
    assert "社会组织" in payload["errors"][0]["message"]
    assert "5" in payload["errors"][0]["message"]


async def test_lower_case_code_is_stored_normalised(gql, organizer):
    code = factories.credit_code()
    payload = await register(gql, organizer, organization_input(creditCode=f" {code.lower()} "))
    assert payload["errors"] == [] and payload["organization"]["creditCode"] == code


async def test_registered_code_is_refused(gql, organizer):
    # Given a registered organization
    values = organization_input()
    await register(gql, organizer, values)
    # When the same code is registered again, typed in lower case
    again = organization_input(creditCode=values["creditCode"].lower())
    payload = await register(gql, organizer, again)
    # Then INVALID_INPUT at creditCode and still one organization
    assert refusals(payload) == [("INVALID_INPUT", ["input", "creditCode"])]
    assert await Organization.filter(credit_code=values["creditCode"]).count() == 1


async def test_concurrent_registrations_of_one_code_make_one_organization(gql, organizer):
    # Given two requests with the same credit code at the same moment
    code = factories.credit_code()
    payloads = await asyncio.gather(
        *(register(gql, organizer, organization_input(creditCode=code)) for _ in range(2))
    )
    # Then one succeeds and the other is told the code is registered
    assert sorted(len(p["errors"]) for p in payloads) == [0, 1]
    refused = next(p for p in payloads if p["errors"])
    assert refusals(refused) == [("INVALID_INPUT", ["input", "creditCode"])]
    assert await Organization.filter(credit_code=code).count() == 1


async def test_insert_losing_the_race_is_mapped_to_the_same_refusal(
    gql, organizer, monkeypatch: pytest.MonkeyPatch
):
    # Given a registered code and a pre-check that misses it (as under a race)
    values = organization_input()
    await register(gql, organizer, values)

    async def misses(code: str) -> list[object]:
        return []

    monkeypatch.setattr(organization_services, "_registered", misses)
    # When it is registered again, the unique index refuses the insert
    payload = await register(gql, organizer, organization_input(creditCode=values["creditCode"]))
    # Then the refusal is the same as the pre-check's, and nothing is left behind
    assert refusals(payload) == [("INVALID_INPUT", ["input", "creditCode"])]
    assert await Organization.filter(credit_code=values["creditCode"]).count() == 1


@pytest.mark.parametrize(("workers", "accepted"), [(0, True), (-1, False)])
async def test_social_workers_may_be_zero_but_not_negative(gql, organizer, workers, accepted):
    payload = await register(gql, organizer, organization_input(socialWorkers=workers))
    expected = [] if accepted else [("INVALID_INPUT", ["input", "socialWorkers"])]
    assert refusals(payload) == expected


@pytest.mark.parametrize(
    ("grade", "accepted"),
    [(None, True), ("3A", True), ("5a", True), ("6A", False), ("2A", False), ("AAAAA", False)],
)
async def test_grade_is_3a_4a_5a_or_none(gql, organizer, grade, accepted):
    payload = await register(gql, organizer, organization_input(grade=grade))
    expected = [] if accepted else [("INVALID_INPUT", ["input", "grade"])]
    assert refusals(payload) == expected


async def test_unknown_districts_are_reported_at_their_positions(gql, organizer, district):
    # Given a known district, ids of a deleted district, of a publisher and beyond any key
    gone = await factories.district()
    gone_id = gid(gone)
    await gone.delete()
    beyond = to_global_id("District", 2**31)
    bad = [gid(district), gone_id, to_global_id("Publisher", district.id), beyond]
    values = organization_input(districts=bad)
    payload = await register(gql, organizer, values)
    # Then each unknown one is NOT_FOUND at its index and nothing is written
    assert refusals(payload) == [
        ("NOT_FOUND", ["input", "districts", "1"]),
        ("NOT_FOUND", ["input", "districts", "2"]),
        ("NOT_FOUND", ["input", "districts", "3"]),
    ]
    assert not await Organization.filter(credit_code=values["creditCode"]).exists()


async def test_every_problem_of_a_registration_is_reported_at_once(gql, organizer):
    before = await Organization.all().count()
    values = organization_input(name="  ", creditCode="123", serviceClasses=[], socialWorkers=-2)
    payload = await register(gql, organizer, values)
    assert refusals(payload) == [
        ("INVALID_INPUT", ["input", "creditCode"]),
        ("INVALID_INPUT", ["input", "name"]),
        ("INVALID_INPUT", ["input", "serviceClasses"]),
        ("INVALID_INPUT", ["input", "socialWorkers"]),
    ]
    assert await Organization.all().count() == before


# --- addSupervisor ------------------------------------------------------------------------


def supervisor_input(district: District | None = None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "name": f"陈{factories.next_number()}",
        "title": "副教授",
        "affiliation": "南京大学社会学院",
        "expertise": ["ELDERLY", "MEDIATION"],
        "districts": [gid(district)] if district else [],
        "maxLoad": 5,
    }
    values.update(overrides)
    return values


async def add(gql, token: str | None, values: dict[str, Any]) -> dict[str, Any]:
    result = await gql(ADD_SUPERVISOR, {"input": values}, token=token)
    assert "errors" not in result, result
    return result["data"]["addSupervisor"]


async def test_organizer_adds_a_supervisor(gql, organizer, district):
    # Given a person working for an organization of the pool
    employer = await factories.organization()
    values = supervisor_input(
        district,
        affiliatedOrganization=to_global_id("Organization", employer.id),
        contactPhone="13900000000",
    )
    # When the organizer adds them
    payload = await add(gql, organizer, values)
    # Then they are in the pool with their expertise, districts and affiliation
    assert payload["errors"] == []
    person = payload["supervisor"]
    assert sorted(person["expertise"]) == ["ELDERLY", "MEDIATION"]
    assert person["districts"] == [{"id": gid(district)}]
    assert (person["maxLoad"], person["load"], person["title"]) == (5, 0, "副教授")
    row = await Supervisor.get(name=values["name"])
    assert row.affiliated_organization_id == employer.id
    assert row.contact_phone == "13900000000"
    entry = await AuditEntry.filter(action="addSupervisor").order_by("-id").first()
    assert entry is not None and entry.subject_ids == [f"Supervisor:{row.id}"]


async def test_anonymous_add_is_refused(gql):
    values = supervisor_input()
    payload = await add(gql, None, values)
    assert refusals(payload) == [("UNAUTHENTICATED", None)]
    assert not await Supervisor.filter(name=values["name"]).exists()


@pytest.mark.parametrize("role", OTHER_ROLES)
async def test_add_by_other_roles_is_forbidden(gql, role):
    values = supervisor_input()
    payload = await add(gql, await token_for(role), values)
    assert refusals(payload) == [("FORBIDDEN", None)]
    assert not await Supervisor.filter(name=values["name"]).exists()


@pytest.mark.parametrize(("load", "accepted"), [(1, True), (50, True), (0, False), (51, False)])
async def test_max_load_is_1_to_50(gql, organizer, load, accepted):
    values = supervisor_input(maxLoad=load)
    payload = await add(gql, organizer, values)
    expected = [] if accepted else [("INVALID_INPUT", ["input", "maxLoad"])]
    assert refusals(payload) == expected
    assert await Supervisor.filter(name=values["name"]).exists() is accepted


async def test_blank_name_affiliation_and_no_expertise_are_refused(gql, organizer):
    before = await Supervisor.all().count()
    values = supervisor_input(name=" ", affiliation="", expertise=[])
    payload = await add(gql, organizer, values)
    assert refusals(payload) == [
        ("INVALID_INPUT", ["input", "name"]),
        ("INVALID_INPUT", ["input", "affiliation"]),
        ("INVALID_INPUT", ["input", "expertise"]),
    ]
    assert await Supervisor.all().count() == before


async def test_unknown_district_of_a_supervisor_is_not_found(gql, organizer, district):
    values = supervisor_input(districts=[gid(district), "not-an-id"])
    payload = await add(gql, organizer, values)
    assert refusals(payload) == [("NOT_FOUND", ["input", "districts", "1"])]
    assert not await Supervisor.filter(name=values["name"]).exists()


async def test_unknown_affiliated_organization_is_not_found(gql, organizer):
    values = supervisor_input(affiliatedOrganization=to_global_id("Organization", 2**31))
    payload = await add(gql, organizer, values)
    assert refusals(payload) == [("NOT_FOUND", ["input", "affiliatedOrganization"])]
    assert not await Supervisor.filter(name=values["name"]).exists()
