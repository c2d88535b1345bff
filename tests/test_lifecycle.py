"""Whole lives of projects, driven only through the public API.

One DIRECT project goes from publication to CLOSED; one COMPETITIVE project is bid for,
scored and awarded to the top-ranked bid; one project fails its mid-term evaluation and
ends TERMINATED with the credit entry and the restriction in force.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from api.audit.models import AuditEntry
from api.auth.models import Role
from schema.relay import parse_global_id, to_global_id
from tests import factories
from tests.sessions import token_for

CREATE_FAIR = """
mutation ($input: FairInput!) { createFair(input: $input) { fair { id isOpen } errors { code message } } }
"""
END_FAIR = """
mutation ($fair: ID!, $input: FairInput!) { updateFair(fair: $fair, input: $input) { fair { isOpen } errors { code message } } }
"""
REGISTER = """
mutation ($input: OrganizationInput!) { registerOrganization(input: $input) { organization { id } errors { code message field } } }
"""
ADD_SUPERVISOR = """
mutation ($input: SupervisorInput!) { addSupervisor(input: $input) { supervisor { id } errors { code message } } }
"""
CREATE_ACCOUNT = """
mutation ($username: String!, $role: Role!, $organization: ID, $supervisor: ID) {
  createAccount(username: $username, password: "lifecycle-pass-1", role: $role,
                organization: $organization, supervisor: $supervisor) { account { username } errors { code message } }
}
"""
LOGIN = """
mutation ($username: String!) { login(username: $username, password: "lifecycle-pass-1") { token errors { code } } }
"""
PUBLISH = """
mutation ($fair: ID!, $projects: [ProjectInput!]!) { publishProjects(fair: $fair, projects: $projects) { projects { id status } errors { code message field } } }
"""
CLAIM = """
mutation ($project: ID!, $bid: BidInput!) { claimProject(project: $project, bid: $bid) { bid { id status } project { status } errors { code message field } } }
"""
SCORE = """
mutation ($bid: ID!, $scores: [CriterionScoreInput!]!) { scoreBid(bid: $bid, scores: $scores) { bid { score rank } errors { code message } } }
"""
AWARD = """
mutation ($project: ID!) { awardProject(project: $project) { award { amount organization { id } bid { id } } project { status } errors { code message } } }
"""
ASSIGN = """
mutation ($fair: ID!) { assignSupervisors(fair: $fair) { assigned { id supervisor { id } } unassigned { id } errors { code message } } }
"""
EVALUATE = """
mutation ($project: ID!, $stage: EvaluationStage!, $scores: [EvaluationScoreInput!]!) {
  recordEvaluation(project: $project, stage: $stage, scores: $scores) { evaluation { score passed } project { status } errors { code message } }
}
"""
PAY = """
mutation ($project: ID!, $tranche: Int!) { recordPayment(project: $project, tranche: $tranche, reference: "PAY-REF") { payment { status amount } errors { code message } } }
"""
PROJECT = """
query ($id: ID!) { project(id: $id) { status payments { tranche amount status } evaluations { stage passed }
  award { amount } supervisor { id } } }
"""
ORGANIZATION = """
query ($id: ID!) { node(id: $id) { ... on Organization { restrictedUntil creditRecord { kind } } } }
"""
LIFE_ACTIONS = (
    "publishProjects",
    "claimProject",
    "awardProject",
    "assignSupervisors",
    "recordPayment",
    "recordEvaluation",
)

CRITERIA = ["need", "plan", "capacity", "budget", "innovation"]
COMPONENTS = ["community", "beneficiary", "third_party", "finance"]


def ok(result: dict[str, Any], name: str) -> dict[str, Any]:
    """The payload of a mutation that must have succeeded."""
    assert "errors" not in result, result
    payload = result["data"][name]
    assert payload["errors"] == [], payload["errors"]
    return payload


class Fair:
    """A fair set up through the API: places, pools, accounts, all for one test."""

    def __init__(self, gql: Any) -> None:
        self.gql = gql

    async def open(self) -> None:
        self.organizer = await token_for(Role.ORGANIZER)
        self.district = await factories.district()
        self.publisher = await factories.publisher(self.district)
        self.item = await factories.catalog_item()
        self.edition = factories.next_number() + 700_000
        now = datetime.now(UTC)
        self.window = {
            "edition": self.edition,
            "name": f"生命周期测试{self.edition}",
            "opensAt": (now - timedelta(hours=1)).isoformat(),
            "closesAt": (now + timedelta(days=7)).isoformat(),
        }
        fair = ok(await self.gql(CREATE_FAIR, {"input": self.window}, self.organizer), "createFair")
        self.id = fair["fair"]["id"]
        assert fair["fair"]["isOpen"] is True

    async def close_window(self) -> None:
        ended = {**self.window, "closesAt": datetime.now(UTC).isoformat()}
        result = await self.gql(END_FAIR, {"fair": self.id, "input": ended}, self.organizer)
        assert ok(result, "updateFair")["fair"]["isOpen"] is False

    async def organization(self, workers: int = 5) -> tuple[str, str]:
        """Registers an organization and logs in as it: (its id, its token)."""
        n = factories.next_number()
        org_input = {
            "name": f"生命周期社工服务中心{n}",
            "creditCode": factories.credit_code(n),
            "serviceClasses": ["ELDERLY"],
            "districts": [to_global_id("District", self.district.id)],
            "socialWorkers": workers,
            "grade": "4A",
        }
        org = ok(
            await self.gql(REGISTER, {"input": org_input}, self.organizer), "registerOrganization"
        )["organization"]["id"]
        return org, await self.login(f"life-org-{n}", Role.ORGANIZATION, organization=org)

    async def expert(self, role: Role) -> tuple[str, str]:
        n = factories.next_number()
        person = {
            "name": f"专家{n}",
            "affiliation": "南京大学社会学院",
            "expertise": ["ELDERLY"],
            "districts": [to_global_id("District", self.district.id)],
            "maxLoad": 5,
        }
        sid = ok(
            await self.gql(ADD_SUPERVISOR, {"input": person}, self.organizer), "addSupervisor"
        )["supervisor"]["id"]
        return sid, await self.login(f"life-expert-{n}", role, supervisor=sid)

    async def login(self, username: str, role: Role, **links: str) -> str:
        variables = {"username": username, "role": role.value, **links}
        ok(await self.gql(CREATE_ACCOUNT, variables, self.organizer), "createAccount")
        return str(ok(await self.gql(LOGIN, {"username": username}), "login")["token"])

    async def publish(self, procurement: str, budget: str = "120000.00") -> str:
        n = factories.next_number()
        row = {
            "code": f"LIFE-{n}",
            "title": f"居家养老服务项目{n}",
            "description": "为辖区独居老人提供上门探访与助餐服务。",
            "serviceClass": "ELDERLY",
            "projectType": "PUBLIC_SERVICE",
            "procurement": procurement,
            "budget": budget,
            "servicePeriodMonths": 12,
            "beneficiaries": "辖区独居老人约80人",
            "publisher": to_global_id("Publisher", self.publisher.id),
            "district": to_global_id("District", self.district.id),
            "catalogItem": self.item.code,
            "communityOpinion": "社区居委会同意实施",
        }
        result = await self.gql(PUBLISH, {"fair": self.id, "projects": [row]}, self.organizer)
        [project] = ok(result, "publishProjects")["projects"]
        assert project["status"] == "PUBLISHED"
        return str(project["id"])

    async def claim(self, project: str, token: str, amount: str) -> dict[str, Any]:
        fee = str((Decimal(amount) / 10).quantize(Decimal("1"), ROUND_DOWN))  # within 10%
        bid = {"amount": amount, "managementFee": fee, "socialWorkers": 3, "plan": "服务方案"}
        return ok(await self.gql(CLAIM, {"project": project, "bid": bid}, token), "claimProject")

    async def evaluate(self, project: str, stage: str, score: float) -> dict[str, Any]:
        scores = [{"component": c, "score": score} for c in COMPONENTS]
        variables = {"project": project, "stage": stage, "scores": scores}
        return ok(await self.gql(EVALUATE, variables, self.organizer), "recordEvaluation")

    async def pay(self, project: str, tranche: int) -> dict[str, Any]:
        variables = {"project": project, "tranche": tranche}
        return ok(await self.gql(PAY, variables, self.organizer), "recordPayment")["payment"]

    async def project(self, project: str) -> dict[str, Any]:
        return (await self.gql(PROJECT, {"id": project}, self.organizer))["data"]["project"]


async def test_a_direct_project_lives_from_publication_to_closed(gql):
    # Given an open fair with an organization, a supervisor and a published DIRECT project
    fair = Fair(gql)
    await fair.open()
    org, org_token = await fair.organization()
    await fair.expert(Role.SUPERVISOR)
    project = await fair.publish("DIRECT")

    # When the organization claims it and the organizer confirms the award
    claim = await fair.claim(project, org_token, "100000.01")
    assert claim["project"]["status"] == "CLAIMED"
    award = ok(await gql(AWARD, {"project": project}, fair.organizer), "awardProject")
    assert award["project"]["status"] == "AWARDED"
    assert award["award"]["organization"]["id"] == org

    # Then the contract has three tranches adding up to the amount, the first due
    state = await fair.project(project)
    amounts = [p["amount"] for p in state["payments"]]
    assert amounts == ["50000.01", "40000.00", "10000.00"]
    assert [p["status"] for p in state["payments"]] == ["DUE", "PENDING", "PENDING"]

    # When a supervisor is assigned and the project is paid, evaluated, paid, evaluated, paid
    assigned = ok(await gql(ASSIGN, {"fair": fair.id}, fair.organizer), "assignSupervisors")
    assert [p["id"] for p in assigned["assigned"]] == [project]
    assert (await fair.pay(project, 1))["status"] == "PAID"
    assert (await fair.project(project))["status"] == "IN_DELIVERY"
    assert (await fair.evaluate(project, "MIDTERM", 80))["evaluation"]["passed"] is True
    await fair.pay(project, 2)
    assert (await fair.evaluate(project, "FINAL", 90))["evaluation"]["passed"] is True
    await fair.pay(project, 3)

    # Then the project is CLOSED with every tranche paid and both evaluations passed
    state = await fair.project(project)
    assert state["status"] == "CLOSED"
    assert [p["status"] for p in state["payments"]] == ["PAID", "PAID", "PAID"]
    assert [(e["stage"], e["passed"]) for e in state["evaluations"]] == [
        ("MIDTERM", True),
        ("FINAL", True),
    ]
    assert state["supervisor"] is not None

    # And the audit trail holds every step on this project
    subject = f"Project:{parse_global_id(project)[1]}"
    entries = await AuditEntry.filter(action__in=LIFE_ACTIONS).values_list("action", "subject_ids")
    assert {action for action, ids in entries if subject in ids} == set(LIFE_ACTIONS)


async def test_a_competitive_project_goes_to_the_top_ranked_bid(gql):
    # Given a COMPETITIVE project with bids from two organizations and a reviewer
    fair = Fair(gql)
    await fair.open()
    strong, strong_token = await fair.organization()
    _, weak_token = await fair.organization()
    _, reviewer = await fair.expert(Role.REVIEWER)
    project = await fair.publish("COMPETITIVE", budget="200000.00")
    strong_bid = (await fair.claim(project, strong_token, "190000.00"))["bid"]["id"]
    weak_bid = (await fair.claim(project, weak_token, "180000.00"))["bid"]["id"]
    assert (await fair.project(project))["status"] == "BIDDING"

    # When awarding is tried while bidding is open, it is refused
    early = (await gql(AWARD, {"project": project}, fair.organizer))["data"]["awardProject"]
    assert {e["code"] for e in early["errors"]} == {"INVALID_STATE"}

    # When bidding closes, the reviewer scores both bids and the organizer awards
    await fair.close_window()
    for bid, score in ((strong_bid, 90), (weak_bid, 70)):
        scores = [{"criterion": c, "score": score} for c in CRITERIA]
        ok(await gql(SCORE, {"bid": bid, "scores": scores}, reviewer), "scoreBid")
    award = ok(await gql(AWARD, {"project": project}, fair.organizer), "awardProject")

    # Then the top-ranked bid wins at its own amount
    assert award["award"]["bid"]["id"] == strong_bid
    assert award["award"]["organization"]["id"] == strong
    assert award["award"]["amount"] == "190000.00"


async def test_a_failed_midterm_terminates_and_restricts_the_organization(gql):
    # Given an awarded DIRECT project in delivery
    fair = Fair(gql)
    await fair.open()
    org, org_token = await fair.organization()
    project = await fair.publish("DIRECT")
    await fair.claim(project, org_token, "100000.00")
    ok(await gql(AWARD, {"project": project}, fair.organizer), "awardProject")
    await fair.pay(project, 1)

    # When its mid-term evaluation fails
    failed = await fair.evaluate(project, "MIDTERM", 59)
    assert failed["evaluation"]["passed"] is False

    # Then the project is TERMINATED, its unpaid tranches cancelled
    state = await fair.project(project)
    assert state["status"] == "TERMINATED"
    assert [p["status"] for p in state["payments"]] == ["PAID", "CANCELLED", "CANCELLED"]

    # And the failure is on the credit record with a restriction for about a year
    record = (await gql(ORGANIZATION, {"id": org}, fair.organizer))["data"]["node"]
    assert "EVALUATION_FAILED" in {e["kind"] for e in record["creditRecord"]}
    until = datetime.fromisoformat(record["restrictedUntil"])
    assert timedelta(days=360) < until - datetime.now(UTC) <= timedelta(days=366)

    # And the organization's next claim is refused while the restriction lasts
    other = await fair.publish("DIRECT")
    bid = {"amount": "1000.00", "managementFee": "0.00", "socialWorkers": 3, "plan": "方案"}
    refused = (await gql(CLAIM, {"project": other, "bid": bid}, org_token))["data"]["claimProject"]
    assert [e["code"] for e in refused["errors"]] == ["CREDIT_RESTRICTED"]
