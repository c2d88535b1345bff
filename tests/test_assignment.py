"""Assigning supervisors: one per awarded project, within loads, without conflicts of interest.

The supervisor pool is shared by the whole test session, so tests that need to know
exactly who is available narrow the pool the service reads to their own people.
"""

from __future__ import annotations

import asyncio

import pytest

from api.auth.models import Role
from api.bidding.models import Award
from api.catalog.models import ServiceClass
from api.fairs.models import Fair
from api.organizations.models import Organization
from api.places.models import District
from api.projects.models import Project, ProjectStatus
from api.supervisors import assignment
from api.supervisors.models import Assignment, Supervisor
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

ASSIGN = """
mutation Assign($fair: ID!) {
  assignSupervisors(fair: $fair) {
    assigned { id }
    unassigned { id }
    unassignedReasons { project { id } code reason }
    errors { code field message }
  }
}
"""

PROJECT_ASSIGNMENT = """
query Seen($id: ID!) {
  project(id: $id) { supervisor { id } supervisorAssignment { fit reasons assignedAt supervisor { id } } }
}
"""

# A class few other tests use, so the best-fitting people are this module's own.
CLASS = ServiceClass.MEDIATION


async def awarded(
    fair: Fair,
    district: District,
    *,
    to: Organization | None = None,
    status: ProjectStatus = ProjectStatus.AWARDED,
) -> Project:
    project = await factories.project(fair, in_district=district, service_class=CLASS)
    await factories.award(project, to or await factories.organization(index=False), "50000.00")
    if status is not ProjectStatus.AWARDED:
        await Project.filter(id=project.id).update(status=status)
    return project


async def expert(district: District, **kwargs: object) -> Supervisor:
    """A supervisor expert in the class and serving the district: the best possible fit."""
    return await factories.supervisor(expertise=(CLASS,), districts=(district,), **kwargs)  # type: ignore[arg-type]


async def run(gql, fair: Fair, token: str | None) -> dict:
    result = await gql(ASSIGN, {"fair": to_global_id("Fair", fair.id)}, token)
    return result["data"]["assignSupervisors"]


def ids(projects: list[Project]) -> list[str]:
    return sorted(to_global_id("Project", p.id) for p in projects)


def listed(payload: dict, key: str) -> list[str]:
    return sorted(p["id"] for p in payload[key])


async def supervisor_of(project: Project) -> int | None:
    found = await Assignment.get_or_none(project_id=project.id)
    return found.supervisor_id if found else None


@pytest.fixture
async def organizer() -> str:
    return await token_for(Role.ORGANIZER)


@pytest.fixture
def only(monkeypatch):
    """Narrow the pool the service reads to the given people."""

    def narrow(*people: Supervisor) -> None:
        wanted = {p.id for p in people}
        real = assignment._pool

        async def narrowed():
            candidates, loads = await real()
            return [c for c in candidates if c.supervisor_id in wanted], loads

        monkeypatch.setattr(assignment, "_pool", narrowed)

    return narrow


# --- the mutation ---------------------------------------------------------------------------


async def test_every_running_awarded_project_without_one_gets_one_supervisor(
    gql, organizer
) -> None:
    # Given a fair with two AWARDED projects, one IN_DELIVERY, one still BIDDING and one
    # already supervised, and two well-fitting supervisors
    fair, district = await factories.fair(), await factories.district()
    waiting = [
        await awarded(fair, district),
        await awarded(fair, district),
        await awarded(fair, district, status=ProjectStatus.IN_DELIVERY),
    ]
    bidding = await factories.project(fair, in_district=district, status=ProjectStatus.BIDDING)
    covered = await awarded(fair, district)
    first, second = await expert(district), await expert(district)
    await Assignment.create(project=covered, supervisor=first, assigned_at=factories.now())
    await Supervisor.filter(id=first.id).update(load=1)
    # When an organizer assigns supervisors
    payload = await run(gql, fair, organizer)
    # Then exactly the three waiting projects get one each, within the two supervisors
    assert payload["errors"] == []
    assert listed(payload, "assigned") == ids(waiting)
    assert payload["unassigned"] == []
    assert {await supervisor_of(p) for p in waiting} <= {first.id, second.id}
    assert await supervisor_of(bidding) is None
    assert await supervisor_of(covered) == first.id
    loads = {s.id: s.load for s in await Supervisor.filter(id__in=[first.id, second.id])}
    assert sum(loads.values()) == 4


async def test_the_supervisors_load_grows_with_each_assignment(gql, organizer, only) -> None:
    # Given two awarded projects and one supervisor at 1 of 5
    fair, district = await factories.fair(), await factories.district()
    projects = [await awarded(fair, district), await awarded(fair, district)]
    person = await expert(district, load=1, max_load=5)
    only(person)
    # When supervisors are assigned
    await run(gql, fair, organizer)
    # Then both are theirs and their load is 3
    assert [await supervisor_of(p) for p in projects] == [person.id, person.id]
    assert (await Supervisor.get(id=person.id)).load == 3


async def test_a_supervisor_one_below_the_maximum_takes_exactly_one_more(
    gql, organizer, only
) -> None:
    # Given two awarded projects and one supervisor at 2 of 3
    fair, district = await factories.fair(), await factories.district()
    first, second = await awarded(fair, district), await awarded(fair, district)
    person = await expert(district, load=2, max_load=3)
    only(person)
    # When supervisors are assigned
    payload = await run(gql, fair, organizer)
    # Then one project is theirs (now 3 of 3), the other is returned with the reason
    assert listed(payload, "assigned") == ids([first])
    assert listed(payload, "unassigned") == ids([second])
    (why,) = payload["unassignedReasons"]
    assert why["code"] == "NO_ELIGIBLE_SUPERVISOR"
    assert "满额" in why["reason"]
    assert (await Supervisor.get(id=person.id)).load == 3


async def test_no_eligible_supervisor_at_all_is_still_a_success(gql, organizer, only) -> None:
    # Given two awarded projects and a pool whose only person works for the winner
    fair, district = await factories.fair(), await factories.district()
    winner = await factories.organization(index=False)
    projects = [await awarded(fair, district, to=winner), await awarded(fair, district, to=winner)]
    person = await expert(district)
    person.affiliated_organization_id = winner.id
    await person.save(update_fields=["affiliated_organization_id"])
    only(person)
    # When supervisors are assigned
    payload = await run(gql, fair, organizer)
    # Then nothing is assigned and both projects come back with the reason
    assert payload["errors"] == []
    assert payload["assigned"] == []
    assert listed(payload, "unassigned") == ids(projects)
    assert {r["code"] for r in payload["unassignedReasons"]} == {"NO_ELIGIBLE_SUPERVISOR"}
    assert not await Assignment.exists(project_id__in=[p.id for p in projects])
    assert (await Supervisor.get(id=person.id)).load == 0


async def test_a_supervisor_linked_to_the_winner_is_passed_over(gql, organizer, only) -> None:
    # Given the best-fitting supervisor linked to the awarded organization
    fair, district = await factories.fair(), await factories.district()
    winner = await factories.organization(index=False)
    project = await awarded(fair, district, to=winner)
    linked = await expert(district)
    linked.affiliated_organization_id = winner.id
    await linked.save(update_fields=["affiliated_organization_id"])
    other = await expert(district, load=4)
    only(linked, other)
    # When supervisors are assigned, then the other one gets it despite a heavier load
    await run(gql, fair, organizer)
    assert await supervisor_of(project) == other.id


async def test_a_supervisor_working_for_the_winner_by_name_is_passed_over(
    gql, organizer, only
) -> None:
    fair, district = await factories.fair(), await factories.district()
    winner = await factories.organization(index=False)
    project = await awarded(fair, district, to=winner)
    colleague = await expert(district, affiliation=winner.name)
    other = await expert(district, load=4)
    only(colleague, other)
    await run(gql, fair, organizer)
    assert await supervisor_of(project) == other.id


async def test_a_reviewer_of_the_projects_bids_is_passed_over(gql, organizer, only) -> None:
    # Given the best-fitting supervisor reviewed a bid on the project
    fair, district = await factories.fair(), await factories.district()
    project = await awarded(fair, district)
    reviewer = await expert(district)
    other = await expert(district, load=4)
    award = await Award.get(project_id=project.id)
    await factories.review(await award.bid, reviewer, 80.0, fair)
    only(reviewer, other)
    # When supervisors are assigned, then the reviewer is not chosen
    await run(gql, fair, organizer)
    assert await supervisor_of(project) == other.id


async def test_organizers_see_why_a_supervisor_was_chosen(gql, organizer, only) -> None:
    # Given an assigned project
    fair, district = await factories.fair(), await factories.district()
    project = await awarded(fair, district)
    person = await expert(district)
    only(person)
    await run(gql, fair, organizer)
    # When an organizer and a publisher read the project
    variables = {"id": to_global_id("Project", project.id)}
    seen = (await gql(PROJECT_ASSIGNMENT, variables, organizer))["data"]["project"]
    publisher = await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)
    hidden = (await gql(PROJECT_ASSIGNMENT, variables, publisher))["data"]["project"]
    # Then the organizer sees the fit and the reasons; the publisher only the supervisor
    choice = seen["supervisorAssignment"]
    assert choice["supervisor"]["id"] == to_global_id("Supervisor", person.id)
    assert choice["fit"] == 3.0  # expertise (2) and district (1): the engine's best fit
    assert any(r.startswith("专长领域包含调解治理") for r in choice["reasons"])
    assert hidden == {
        "supervisor": {"id": to_global_id("Supervisor", person.id)},
        "supervisorAssignment": None,
    }


async def test_simultaneous_runs_never_double_assign_nor_overload(gql, only) -> None:
    # Given eight awarded projects and three supervisors with six places between them
    fair, district = await factories.fair(), await factories.district()
    projects = [await awarded(fair, district) for _ in range(8)]
    people = [
        await expert(district, max_load=3),
        await expert(district, load=1, max_load=3),
        await expert(district, load=4, max_load=5),
    ]
    only(*people)
    tokens = [await token_for(Role.ORGANIZER) for _ in range(4)]
    # When four organizers assign supervisors at the same moment
    results = await asyncio.gather(*(run(gql, fair, t) for t in tokens))
    # Then six projects have exactly one supervisor each, nobody is above the maximum,
    # no project was reported assigned twice, and the loads match the assignments
    assert all(r["errors"] == [] for r in results)
    reported = [p["id"] for r in results for p in r["assigned"]]
    assert len(reported) == len(set(reported)) == 6
    rows = await Assignment.filter(project_id__in=[p.id for p in projects])
    assert len(rows) == len({a.project_id for a in rows}) == 6
    stored = {s.id: s for s in await Supervisor.filter(id__in=[p.id for p in people])}
    for before in people:
        after = stored[before.id]
        assert after.load == after.max_load
        assert after.load - before.load == sum(a.supervisor_id == before.id for a in rows)


async def test_a_supervisor_found_full_when_writing_is_planned_around(
    gql, organizer, monkeypatch
) -> None:
    # Given a supervisor who filled up after the pool was read (the read says 0 of 2,
    # the database 2 of 2), and another one
    fair, district = await factories.fair(), await factories.district()
    project = await awarded(fair, district)
    full = await expert(district, load=2, max_load=2)
    spare = await expert(district, load=1, max_load=2)
    real = assignment._pool

    async def stale():
        candidates, loads = await real()
        mine = [c for c in candidates if c.supervisor_id in (full.id, spare.id)]
        return mine, {**loads, full.id: 0}

    monkeypatch.setattr(assignment, "_pool", stale)
    # When supervisors are assigned
    payload = await run(gql, fair, organizer)
    # Then the full one is refused by the conditional update and the other one is chosen
    assert listed(payload, "assigned") == ids([project])
    assert await supervisor_of(project) == spare.id
    assert (await Supervisor.get(id=full.id)).load == 2


async def test_each_assignment_is_in_the_audit_trail(gql, organizer, only) -> None:
    from api.audit.models import AuditEntry

    fair, district = await factories.fair(), await factories.district()
    project = await awarded(fair, district)
    person = await expert(district)
    only(person)
    await run(gql, fair, organizer)
    entries = await AuditEntry.filter(action="assignSupervisors").order_by("-id").limit(20)
    assert any(f"Project:{project.id}" in e.subject_ids for e in entries)


# --- who may assign -------------------------------------------------------------------------


async def test_only_organizers_may_assign(gql) -> None:
    # Given an awarded project and accounts of every other role
    fair, district = await factories.fair(), await factories.district()
    project = await awarded(fair, district)
    person = await factories.supervisor()
    tokens = [
        await token_for(Role.PUBLISHER, publisher_id=project.publisher_id),
        await token_for(
            Role.ORGANIZATION,
            organization_id=(await Award.get(project_id=project.id)).organization_id,
        ),
        await token_for(Role.REVIEWER, supervisor_id=person.id),
        await token_for(Role.SUPERVISOR, supervisor_id=person.id),
    ]
    # When each runs the assignment, then each is forbidden and nothing is written
    for token in tokens:
        payload = await run(gql, fair, token)
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [("FORBIDDEN", None)]
    anonymous = await run(gql, fair, None)
    assert [e["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert await supervisor_of(project) is None


@pytest.mark.parametrize("fair_id", [to_global_id("Fair", 10**9), "no-id"])
async def test_an_id_naming_no_fair_is_not_found(gql, organizer, fair_id) -> None:
    result = await gql(ASSIGN, {"fair": fair_id}, organizer)
    errors = result["data"]["assignSupervisors"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [("NOT_FOUND", ["fair"])]
