"""The demo fair of a real server, acted on over HTTP as its users would, and watched over
a WebSocket.

Every server of the live tests is ``sheqia serve --demo``: the open fair, its DIRECT and
COMPETITIVE projects and the demo accounts. The tests share one server per module, so
each takes projects of its own from a pool (``Hall.take``) and reads only the events of
its own projects (``events_of``): the others' events pass by unread.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx

from api.auth.sessions import SESSION_COOKIE
from tests.live_client import PATIENCE, Operation

ORGANIZER = ("organizer", "sheqia-organizer")
ORGANIZATION = ("org", "demo-org-2026")
NEW_PASSWORD = "live-test-password-1"

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { token errors { code message } }
}
"""
FAIR = "{ fair { id isOpen evaluationComponents { key } } }"
OPEN_PROJECTS = """
query Open($fair: ID!, $procurement: Procurement!) {
  projects(first: 100, filter: {fair: $fair, status: [PUBLISHED], procurement: $procurement}) {
    edges { node { id budget minSocialWorkers } }
  }
}
"""
ORGANIZATIONS = """
query Able($first: Int!) {
  organizations(first: $first, filter: {minSocialWorkers: 6}) {
    edges { node { id restrictedUntil } }
  }
}
"""
ME = "{ me { organization { id } } }"
CREATE_ACCOUNT = """
mutation Make($username: String!, $password: String!, $organization: ID!) {
  createAccount(username: $username, password: $password, role: ORGANIZATION,
                organization: $organization) { errors { code message } }
}
"""
CLAIM = """
mutation Claim($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) { bid { id } errors { code field message } }
}
"""
WITHDRAW = """
mutation Withdraw($bid: ID!) { withdrawBid(bid: $bid) { errors { code field message } } }
"""
AWARD = """
mutation Award($project: ID!) { awardProject(project: $project) { errors { code message } } }
"""
ASSIGN = """
mutation Assign($fair: ID!) {
  assignSupervisors(fair: $fair) { assigned { id } errors { code message } }
}
"""
PAY = """
mutation Pay($project: ID!, $tranche: Int!) {
  recordPayment(project: $project, tranche: $tranche, reference: "LIVE-TEST") {
    errors { code message }
  }
}
"""
EVALUATE = """
mutation Evaluate($project: ID!, $scores: [EvaluationScoreInput!]!) {
  recordEvaluation(project: $project, stage: MIDTERM, scores: $scores) {
    errors { code message }
  }
}
"""


class Http:
    """GraphQL over HTTP against one server."""

    def __init__(self, base: str, keep_alive: bool = True) -> None:
        self.base = base
        # Without keep-alive every request opens its own connection, which a server of
        # several worker processes hands to any of them.
        limits = httpx.Limits(max_keepalive_connections=None if keep_alive else 0)
        self.client = httpx.AsyncClient(base_url=base, timeout=60, limits=limits)

    async def gql(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"accept": "application/json", **headers},
        )
        self.client.cookies.clear()  # each call stands alone, as its token says
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return dict(body["data"])

    async def login(self, username: str, password: str) -> tuple[str, str]:
        """The bearer token and the session cookie of a login."""
        response = await self.client.post(
            "/graphql",
            json={"query": LOGIN, "variables": {"username": username, "password": password}},
        )
        cookie = response.cookies.get(SESSION_COOKIE)
        self.client.cookies.clear()
        payload = response.json()["data"]["login"]
        assert payload["errors"] == [] and cookie, payload
        return payload["token"], cookie

    async def aclose(self) -> None:
        await self.client.aclose()


def ok(payload: dict[str, Any]) -> dict[str, Any]:
    assert payload["errors"] == [], payload["errors"]
    return payload


@dataclass
class OpenProject:
    id: str
    budget: Decimal
    min_social_workers: int

    def offer(self) -> dict[str, Any]:
        """A bid every rule accepts: 90% of the budget, a 5% fee, six social workers."""
        amount = (self.budget * Decimal("0.9")).quantize(Decimal("0.01"), ROUND_DOWN)
        fee = (amount * Decimal("0.05")).quantize(Decimal("0.01"), ROUND_DOWN)
        return {
            "amount": str(amount),
            "managementFee": str(fee),
            "socialWorkers": max(self.min_social_workers, 6),
            "plan": "每周两次上门探访独居老人，建立服务档案，每月开展一次社区活动。",
        }


@dataclass
class Hall:
    """The open demo fair through one server, with the organizer's and the demo
    organization's sessions."""

    http: Http
    fair: str
    organizer: str
    org: str
    components: list[str]
    _pool: dict[str, list[OpenProject]] = field(default_factory=dict)

    @classmethod
    async def of(cls, base: str, keep_alive: bool = True) -> Hall:
        http = Http(base, keep_alive)
        fair = (await http.gql(FAIR))["fair"]
        assert fair["isOpen"], "the demo fair should be open"
        organizer, _ = await http.login(*ORGANIZER)
        org, _ = await http.login(*ORGANIZATION)
        components = [c["key"] for c in fair["evaluationComponents"]]
        return cls(http, fair["id"], organizer, org, components)

    def through(self, base: str) -> Hall:
        """The same fair, sessions and pool of projects, acted on through another server
        (of the same database)."""
        hall = Hall(Http(base), self.fair, self.organizer, self.org, self.components)
        hall._pool = self._pool
        return hall

    async def take(self, procurement: str = "DIRECT") -> OpenProject:
        """A published project of the open fair that no other test uses."""
        if procurement not in self._pool:
            data = await self.http.gql(
                OPEN_PROJECTS, {"fair": self.fair, "procurement": procurement}
            )
            self._pool[procurement] = [
                OpenProject(n["id"], Decimal(n["budget"]), n["minSocialWorkers"])
                for n in (e["node"] for e in data["projects"]["edges"])
            ]
        assert self._pool[procurement], f"no {procurement} project left in the demo fair"
        return self._pool[procurement].pop()

    async def own_organization(self) -> str:
        """The id of the demo organization, behind ``org``."""
        return str((await self.http.gql(ME, token=self.org))["me"]["organization"]["id"])

    async def organizations(self, count: int) -> list[tuple[str, str]]:
        """``count`` organizations other than the demo one, each with a new account:
        (organization id, session token)."""
        mine = await self.own_organization()
        data = await self.http.gql(ORGANIZATIONS, {"first": count + 10})
        able = [
            node["id"]
            for node in (e["node"] for e in data["organizations"]["edges"])
            if node["id"] != mine and node["restrictedUntil"] is None
        ]
        bidders = []
        for organization in able[:count]:
            username = f"live-{uuid.uuid4().hex[:12]}"
            variables = {
                "username": username,
                "password": NEW_PASSWORD,
                "organization": organization,
            }
            ok((await self.http.gql(CREATE_ACCOUNT, variables, self.organizer))["createAccount"])
            bidders.append((organization, (await self.http.login(username, NEW_PASSWORD))[0]))
        assert len(bidders) == count
        return bidders

    async def claim(self, project: OpenProject, token: str | None = None) -> str:
        """Claim or bid for ``project``; the bid's id."""
        variables = {"project": project.id, "bid": project.offer()}
        data = await self.http.gql(CLAIM, variables, token or self.org)
        return str(ok(data["claimProject"])["bid"]["id"])

    async def claim_and_withdraw(self, project: OpenProject, steps: int) -> list[str]:
        """Claim ``project`` and withdraw the claim in turn, ``steps`` changes in all; the
        kinds of event they announce, in order."""
        kinds, bid = [], None
        for _ in range(steps):
            if bid is None:
                bid, kind = await self.claim(project), "CLAIMED"
            else:
                await self.withdraw(bid)
                bid, kind = None, "WITHDRAWN"
            kinds.append(kind)
        return kinds

    async def withdraw(self, bid: str, token: str | None = None) -> None:
        ok((await self.http.gql(WITHDRAW, {"bid": bid}, token or self.org))["withdrawBid"])

    async def award(self, project: OpenProject) -> None:
        data = await self.http.gql(AWARD, {"project": project.id}, self.organizer)
        ok(data["awardProject"])

    async def assign_supervisors(self) -> list[str]:
        data = await self.http.gql(ASSIGN, {"fair": self.fair}, self.organizer)
        return [p["id"] for p in ok(data["assignSupervisors"])["assigned"]]

    async def pay(self, project: OpenProject, tranche: int) -> None:
        variables = {"project": project.id, "tranche": tranche}
        ok((await self.http.gql(PAY, variables, self.organizer))["recordPayment"])

    async def evaluate(self, project: OpenProject) -> None:
        scores = [{"component": key, "score": 90} for key in self.components]
        variables = {"project": project.id, "scores": scores}
        ok((await self.http.gql(EVALUATE, variables, self.organizer))["recordEvaluation"])


class Probe:
    """A DIRECT project claimed and withdrawn in turn, so that each step makes an event:
    how a test learns that its subscriptions (and the brokers between the servers) are
    live before the events it asserts on happen."""

    def __init__(self, hall: Hall, project: OpenProject) -> None:
        self.hall = hall
        self.project = project
        self._bid: str | None = None

    async def step(self) -> None:
        if self._bid is None:
            self._bid = await self.hall.claim(self.project)
        else:
            await self.hall.withdraw(self._bid)
            self._bid = None

    async def until_heard(self, *operations: Operation, attempts: int = 20) -> None:
        """Step until every operation has received one of the probe's events. A
        subscription opens its feed only once the server has run its resolver, which no
        protocol message acknowledges."""
        waiting = list(operations)
        for _ in range(attempts):
            await self.step()
            for operation in list(waiting):
                if await _heard(operation, self.project.id):
                    waiting.remove(operation)
            if not waiting:
                return
        raise AssertionError(f"{len(waiting)} subscriptions never heard the probe")


def about(*projects: str) -> Callable[[dict[str, Any]], bool]:
    """Whether a subscription's data is an event of one of ``projects``."""
    wanted = set(projects)
    return lambda data: data["fairActivity"]["project"]["id"] in wanted


async def _heard(operation: Operation, project: str) -> bool:
    """Whether one of ``project``'s events arrives within a second."""
    try:
        await operation.next_where(about(project), timeout=1.0)
    except TimeoutError:
        return False
    return True


async def events_of(
    operation: Operation, projects: Iterable[str], count: int, patience: float = PATIENCE
) -> list[dict[str, Any]]:
    """The next ``count`` events of ``projects`` on ``operation``; others' are set aside.
    ``patience`` bounds the wait for each event."""
    wanted: Callable[[dict[str, Any]], bool] = about(*projects)
    events: list[dict[str, Any]] = []
    while len(events) < count:
        try:
            events.append((await operation.next_where(wanted, patience))["fairActivity"])
        except TimeoutError:
            kinds = [e["kind"] for e in events]
            raise AssertionError(f"only {len(events)} of {count} events arrived: {kinds}") from None
    return events


async def events_until(operation: Operation, marker: str) -> list[dict[str, Any]]:
    """Every event up to the first of project ``marker`` (not included), set aside or new.

    Events travel in one ordered stream from each server, so once a later change's event
    is here, every earlier change's event is here too: nothing missing, nothing doubled
    can still be on its way.
    """
    seen: list[dict[str, Any]] = []
    while True:
        data = operation.aside.pop(0) if operation.aside else await operation.next()
        event = data["fairActivity"]
        if event["project"]["id"] == marker:
            return seen
        seen.append(event)
