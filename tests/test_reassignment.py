"""Reassigning a supervisor by hand: organizers only, with a reason, under the engine's
hard rules (a free place, no conflict of interest), loads kept in step even when two
reassignments run at once; the engine's alternatives are offered with their fit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from tortoise.expressions import F

from api.audit.models import AuditEntry
from api.auth.models import Role
from api.catalog.models import ServiceClass
from api.live.events import EventKind, FairEvent
from api.places.models import District
from api.projects.models import Project, ProjectStatus
from api.supervisors import reassignment
from api.supervisors.models import Assignment, Supervisor
from schema.relay import to_global_id
from tests import factories
from tests.sessions import token_for

REASSIGN = """
mutation Reassign($project: ID!, $supervisor: ID!, $reason: String!) {
  reassignSupervisor(project: $project, supervisor: $supervisor, reason: $reason) {
    project { id supervisor { id } }
    assignment { fit reasons supervisor { id } }
    previousSupervisor { id }
    errors { code field message }
  }
}
"""

CANDIDATES = """
query Candidates($id: ID!) {
  project(id: $id) { supervisorCandidates(first: 3) { fit reasons load maxLoad supervisor { id } } }
}
"""

# A class few other tests use.
CLASS = ServiceClass.CHILDREN
REASON = "原督导长期出差，无法按月走访。"


async def running_project(district: District, current: Supervisor) -> Project:
    """An IN_DELIVERY project followed by ``current`` (whose load counts it)."""
    project = await factories.project(
        await factories.fair(), in_district=district, service_class=CLASS
    )
    await factories.contract(project, await factories.organization(index=False))
    await Assignment.create(project=project, supervisor=current, assigned_at=factories.now())
    await Supervisor.filter(id=current.id).update(load=F("load") + 1)
    return project


async def reassign(gql: Any, token: str | None, project: Project, person: Supervisor) -> dict:
    variables = {
        "project": to_global_id("Project", project.id),
        "supervisor": to_global_id("Supervisor", person.id),
        "reason": REASON,
    }
    result = await gql(REASSIGN, variables, token=token)
    assert "errors" not in result, result
    return result["data"]["reassignSupervisor"]


def codes(payload: dict) -> list[tuple[str, list[str]]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


@pytest.fixture
async def organizer() -> str:
    return await token_for(Role.ORGANIZER)


@pytest.fixture
def heard(monkeypatch) -> list[FairEvent]:
    events: list[FairEvent] = []

    async def capture(*sent: FairEvent) -> None:
        events.extend(sent)

    monkeypatch.setattr(reassignment, "announce", capture)
    return events


async def test_reassigning_moves_the_project_and_one_place_of_load(gql, organizer, heard):
    # Given a running project followed by one supervisor, and another with room,
    district = await factories.district()
    old = await factories.supervisor(expertise=(CLASS,), districts=(district,))
    new = await factories.supervisor(expertise=(CLASS,), districts=(district,), load=1)
    project = await running_project(district, old)
    # when an organizer gives it to the other with a reason,
    payload = await reassign(gql, organizer, project, new)
    # then the new person follows it with the engine's fit and reasons,
    assert payload["errors"] == []
    new_id = to_global_id("Supervisor", new.id)
    assert payload["project"]["supervisor"] == {"id": new_id}
    assert payload["previousSupervisor"] == {"id": to_global_id("Supervisor", old.id)}
    assert payload["assignment"]["fit"] == 3.0
    assert "派定后督导 2 个项目，上限 5 个" in payload["assignment"]["reasons"]
    # one place of load moved, the change is audited with its reason and announced.
    assert (await Supervisor.get(id=old.id)).load == 0
    assert (await Supervisor.get(id=new.id)).load == 2
    entry = await AuditEntry.filter(action="reassignSupervisor").order_by("-id").first()
    assert entry is not None and entry.detail["reason"] == REASON
    assert (entry.detail["from"], entry.detail["to"]) == (old.id, new.id)
    assert [(e.kind, e.project_id) for e in heard] == [
        (EventKind.SUPERVISOR_REASSIGNED, project.id)
    ]


async def test_a_full_supervisor_is_refused(gql, organizer, heard):
    district = await factories.district()
    old = await factories.supervisor(expertise=(CLASS,))
    full = await factories.supervisor(expertise=(CLASS,), load=2, max_load=2)
    project = await running_project(district, old)
    payload = await reassign(gql, organizer, project, full)
    assert codes(payload) == [("INVALID_STATE", ["supervisor"])]
    assert (await Supervisor.get(id=old.id)).load == 1
    assert (await Supervisor.get(id=full.id)).load == 2
    assert (await Assignment.get(project_id=project.id)).supervisor_id == old.id
    assert heard == []


async def test_a_person_linked_to_the_organization_must_stand_aside(gql, organizer, heard):
    district = await factories.district()
    old = await factories.supervisor(expertise=(CLASS,))
    project = await running_project(district, old)
    award = await project.award  # type: ignore[attr-defined]
    linked = await factories.supervisor(expertise=(CLASS,))
    await Supervisor.filter(id=linked.id).update(affiliated_organization_id=award.organization_id)
    payload = await reassign(gql, organizer, project, linked)
    assert codes(payload) == [("CONFLICT_OF_INTEREST", ["supervisor"])]
    assert (await Assignment.get(project_id=project.id)).supervisor_id == old.id


async def test_a_reviewer_of_the_project_must_stand_aside(gql, organizer, heard):
    district = await factories.district()
    old = await factories.supervisor(expertise=(CLASS,))
    project = await running_project(district, old)
    award = await project.award  # type: ignore[attr-defined]
    reviewer = await factories.supervisor(expertise=(CLASS,))
    fair = await project.fair  # type: ignore[attr-defined]
    await factories.review(await award.bid, reviewer, 80.0, fair)
    payload = await reassign(gql, organizer, project, reviewer)
    assert codes(payload) == [("CONFLICT_OF_INTEREST", ["supervisor"])]


async def test_a_reason_is_required(gql, organizer, heard):
    district = await factories.district()
    old, new = await factories.supervisor(), await factories.supervisor()
    project = await running_project(district, old)
    variables = {
        "project": to_global_id("Project", project.id),
        "supervisor": to_global_id("Supervisor", new.id),
        "reason": " ",
    }
    payload = (await gql(REASSIGN, variables, token=organizer))["data"]["reassignSupervisor"]
    assert codes(payload) == [("INVALID_INPUT", ["reason"])]


async def test_a_project_without_a_supervisor_is_an_invalid_state(gql, organizer, heard):
    project = await factories.project(await factories.fair())
    payload = await reassign(gql, organizer, project, await factories.supervisor())
    assert codes(payload) == [("INVALID_STATE", ["project"])]


async def test_the_same_supervisor_again_is_invalid(gql, organizer, heard):
    district = await factories.district()
    old = await factories.supervisor()
    project = await running_project(district, old)
    payload = await reassign(gql, organizer, project, old)
    assert codes(payload) == [("INVALID_INPUT", ["supervisor"])]
    assert (await Supervisor.get(id=old.id)).load == 1


@pytest.mark.parametrize("role", [Role.PUBLISHER, Role.ORGANIZATION, Role.SUPERVISOR])
async def test_only_organizers_reassign(gql, heard, role):
    district = await factories.district()
    old = await factories.supervisor()
    project = await running_project(district, old)
    payload = await reassign(gql, await token_for(role), project, await factories.supervisor())
    assert [e["code"] for e in payload["errors"]] == ["FORBIDDEN"]


async def test_candidates_are_ranked_by_fit_then_load(gql, organizer):
    # Given a project in a district, and people with every fit and load,
    district = await factories.district()
    old = await factories.supervisor(expertise=(CLASS,), districts=(district,))
    project = await running_project(district, old)
    best = await factories.supervisor(expertise=(CLASS,), districts=(district,), load=1)
    busier = await factories.supervisor(expertise=(CLASS,), districts=(district,), load=3)
    await factories.supervisor(expertise=(CLASS,), districts=(district,), load=5, max_load=5)
    # when an organizer asks for the alternatives,
    result = await gql(CANDIDATES, {"id": to_global_id("Project", project.id)}, token=organizer)
    found = result["data"]["project"]["supervisorCandidates"]
    # then the best fits come first, the lighter load before the heavier, never the
    # current supervisor nor a full one.
    assert [c["supervisor"]["id"] for c in found[:2]] == [
        to_global_id("Supervisor", best.id),
        to_global_id("Supervisor", busier.id),
    ]
    assert [c["fit"] for c in found[:2]] == [3.0, 3.0]
    assert found[0]["load"] == 1 and found[0]["maxLoad"] == 5
    assert to_global_id("Supervisor", old.id) not in [c["supervisor"]["id"] for c in found]


async def test_candidates_are_for_organizers_only(gql):
    district = await factories.district()
    project = await running_project(district, await factories.supervisor())
    token = await token_for(Role.PUBLISHER, publisher_id=project.publisher_id)
    result = await gql(CANDIDATES, {"id": to_global_id("Project", project.id)}, token=token)
    assert result["data"]["project"]["supervisorCandidates"] is None


async def test_concurrent_reassignments_keep_loads_consistent(gql, organizer, heard):
    # Given four running projects of two supervisors, and two people with one place each,
    district = await factories.district()
    first, second = await factories.supervisor(), await factories.supervisor()
    projects = [await running_project(district, first) for _ in range(2)]
    projects += [await running_project(district, second) for _ in range(2)]
    targets = [await factories.supervisor(max_load=1) for _ in range(2)]
    people = [first, second, *targets]
    # when all four are moved at once, crosswise, to the two with one place,
    tokens = [await token_for(Role.ORGANIZER) for _ in projects]
    results = await asyncio.gather(
        *(
            reassign(gql, t, p, targets[i % 2])
            for i, (t, p) in enumerate(zip(tokens, projects, strict=True))
        )
    )
    # then exactly two succeed, the others are refused as full, and every load equals the
    # projects its person follows.
    assert sorted(len(r["errors"]) for r in results) == [0, 0, 1, 1]
    refused = [codes(r) for r in results if r["errors"]]
    assert refused == [[("INVALID_STATE", ["supervisor"])]] * 2
    for person in people:
        stored = await Supervisor.get(id=person.id)
        followed = await Assignment.filter(supervisor_id=person.id).count()
        assert stored.load == followed, (person.id, stored.load, followed)
    assert [s.load for s in await Supervisor.filter(id__in=[t.id for t in targets])] == [1, 1]
    assert {p.status for p in await Project.filter(id__in=[p.id for p in projects])} == {
        ProjectStatus.IN_DELIVERY
    }
