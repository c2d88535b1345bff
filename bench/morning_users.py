"""The people of a fair morning, for Locust: visitors, organizations and reviewers.

Run by ``fair_morning.py``, which prepares the fair and the accounts, starts the server
and checks the database afterwards. Each simulated person sends the documents the front
end sends (``tests/test_fair_morning.py`` keeps them equal to the pages'), from an address
of their own in ``X-Forwarded-For`` (a crowded hall is many phones behind several NATs;
the server trusts the header from the local proxy address), with a person's pauses:

- ``Visitor`` (anonymous): the hall, searches and filters, the next page, project pages;
- ``Organization``: logs in with its own account, browses, claims a DIRECT project or bids
  on a COMPETITIVE one it is eligible for, looks at its workspace, sometimes withdraws;
- ``Reviewer``: logs in, reads the bids to score, scores one on every criterion.

Every user also sends the baseline ``{ districts { id } }`` now and then: the same
server, at the same concurrency, at the same moments as the real documents.

The driver hands over ``SHEQIA_MORNING_PLAN`` (a JSON file: the password and the
usernames) and ``SHEQIA_MORNING_RECORDS`` (a directory); every accepted claim, bid,
withdrawal and score sheet, every refusal code and every failure is written there as one
JSON line, so the database can be compared with the answers, and so is every request
with its latency (the figures are computed from these, not from Locust's periodic CSV
files, which miss what finishes while the users stop). Responses: HTTP 429 is a
failure named ``HTTP 429`` (reported apart from errors); another status, a connection
error or a GraphQL error (a masked internal error among them) is a failure too; a
refusal in a payload's ``errors`` (ALREADY_CLAIMED, say) is an answer, not a failure.

    locust -f bench/morning_users.py --headless -u 300 -r 10 -t 150s --host URL \\
        Visitor Organization Reviewer
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from decimal import ROUND_DOWN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from locust import FastHttpUser, between, task
from locust.exception import StopUser
from morning_documents import (
    BASELINE,
    CLAIM_PROJECT,
    FAIR_HALL,
    FAIR_HALL_MORE,
    LOGIN,
    ME,
    ORGANIZATION_DASHBOARD,
    PROJECT_PAGE,
    REVIEW_PROJECT,
    REVIEW_QUEUE,
    SCORE_BID,
    WITHDRAW_BID,
)

PAGE_SIZE = 12  # the hall's page (hall.js)
SERVICE_CLASSES = ["ELDERLY", "CHILDREN", "DISABILITY", "HARDSHIP", "PARTICIPATION", "MEDIATION"]
# What people type into the hall's search box: words of the city's project titles.
SEARCHES = ["养老", "老人", "居家养老", "青少年", "四点半课堂", "残疾人", "康复", "调解",
            "社区矫正", "禁毒", "托管", "爱心敲门", "阳光少年", "幸福晚晴", "温馨家园"]  # fmt: skip
PLAN = "组建专业社工团队，按月开展入户探访与社区活动，建立服务档案，每季度向社区居委会报告进展。"
OPEN = {"DIRECT": ("PUBLISHED",), "COMPETITIVE": ("PUBLISHED", "BIDDING")}
CENT = Decimal("0.01")

addresses = itertools.count(1)  # one client address per simulated person
organization_accounts = itertools.count()
reviewer_accounts = itertools.count()


@cache
def plan() -> dict[str, Any]:
    path = os.environ.get("SHEQIA_MORNING_PLAN")
    if not path:
        raise SystemExit("SHEQIA_MORNING_PLAN names the accounts file (see fair_morning.py)")
    return dict(json.loads(Path(path).read_text(encoding="utf-8")))


@cache
def records() -> Any:
    """This process's record file, one JSON object a line, flushed line by line."""
    folder = Path(os.environ.get("SHEQIA_MORNING_RECORDS", "."))
    return (folder / f"records-{os.getpid()}.jsonl").open("a", encoding="utf-8", buffering=1)


def record(**entry: Any) -> None:
    records().write(json.dumps(entry, ensure_ascii=False) + "\n")


def judge(response: Any) -> tuple[str | None, dict[str, Any] | None]:
    """A failure's name, or None and the answer's data."""
    status = response.status_code
    if not status:
        return f"connection: {response.error!r}"[:120], None
    if status != 200:
        return f"HTTP {status}", None
    body = response.json()
    if body.get("errors"):
        error = body["errors"][0]
        code = (error.get("extensions") or {}).get("code", "no code")
        return f"GraphQL {code}: {error.get('message', '')[:60]}", None
    return None, body["data"]


class Person(FastHttpUser):
    """Someone in the hall with a phone: an address of their own, a session once logged in."""

    abstract = True

    def on_start(self) -> None:
        n = next(addresses)
        self.address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        self.token: str | None = None
        self.cards: list[dict[str, Any]] = []
        self.filter: dict[str, Any] = {}
        self.cursor: str | None = None
        self.districts: list[str] = []
        self.call("me", ME)  # every page load asks who is signed in

    def call(
        self, name: str, document: str, variables: dict[str, Any] | None = None, field: str = ""
    ) -> dict[str, Any] | None:
        """Send a document; the data (or, with ``field``, that mutation's payload when it
        was accepted). Failures are marked for Locust and recorded; refusals recorded."""
        headers = {"x-forwarded-for": self.address}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        body = {"query": document, "variables": variables or {}}
        started = time.perf_counter()
        with self.client.post(
            "/graphql", json=body, headers=headers, name=name, catch_response=True
        ) as response:
            ms = (time.perf_counter() - started) * 1000
            problem, data = judge(response)
            if problem is not None:
                response.failure(problem)
                record(op=name, at=time.time(), ms=ms, failure=problem)
                return None
            response.success()
        payload: dict[str, Any] = data[field] if field and data is not None else {}
        if payload.get("errors"):
            record(op=name, at=time.time(), ms=ms, refused=payload["errors"][0]["code"])
            return None
        record(op=name, at=time.time(), ms=ms)
        return payload if field else data

    def log_in(self, username: str) -> dict[str, Any]:
        """Log in, waiting out a rate limit as a person would; the account."""
        for _ in range(5):
            variables = {"username": username, "password": plan()["password"]}
            payload = self.call("login", LOGIN, variables, field="login")
            if payload is not None:
                self.token = payload["token"]
                return dict(payload["account"])
            time.sleep(random.uniform(5, 15))
        raise StopUser()

    def hall(self, filter: dict[str, Any], name: str = "hall") -> None:
        """The hall page with ``filter`` (the address's filters, as hall.js sends them)."""
        organizations: dict[str, Any] = {}
        supervisors: dict[str, Any] = {"available": True}
        if "serviceClass" in filter:
            organizations["serviceClass"] = supervisors["expertise"] = filter["serviceClass"]
        if "district" in filter:
            organizations["district"] = supervisors["district"] = filter["district"]
        variables = {"first": PAGE_SIZE, "filter": filter}
        variables |= {"organizations": organizations, "supervisors": supervisors}
        data = self.call(name, FAIR_HALL, variables)
        if data is None or data["fair"] is None:
            return
        self.districts = [d["id"] for d in data["districts"]]
        self.show(data["fair"]["projects"], filter)

    def show(self, connection: dict[str, Any], filter: dict[str, Any]) -> None:
        self.cards = [edge["node"] for edge in connection["edges"]]
        self.filter = filter
        self.cursor = (
            connection["pageInfo"]["endCursor"] if connection["pageInfo"]["hasNextPage"] else None
        )

    def search_filter(self) -> dict[str, Any]:
        """What someone narrows the hall to: a word, a class, a district, open projects."""
        filter: dict[str, Any] = {}
        roll = random.random()
        if roll < 0.5:
            filter["search"] = random.choice(SEARCHES)
        if roll > 0.3:
            filter["serviceClass"] = [random.choice(SERVICE_CLASSES)]
        if self.districts and random.random() < 0.4:
            filter["district"] = [random.choice(self.districts)]
        if random.random() < 0.5:
            filter["status"] = ["PUBLISHED", "BIDDING"]
        return filter

    def next_page(self) -> None:
        if self.cursor is None:
            return
        variables = {"first": PAGE_SIZE, "after": self.cursor, "filter": self.filter}
        data = self.call("hall next page", FAIR_HALL_MORE, variables)
        if data is not None and data["fair"] is not None:
            self.show(data["fair"]["projects"], self.filter)

    def project_page(self, project: str) -> dict[str, Any] | None:
        data = self.call("project page", PROJECT_PAGE, {"id": project})
        return data["project"] if data is not None else None

    @task(1)
    def baseline(self) -> None:
        self.call("baseline { districts }", BASELINE)


class Visitor(Person):
    """Anyone with a phone in the hall, not signed in: browses, searches, opens projects."""

    weight = 5
    wait_time = between(3, 10)

    @task(3)
    def browse(self) -> None:
        self.hall({})

    @task(3)
    def search(self) -> None:
        self.hall(self.search_filter(), name="search")

    @task(1)
    def more(self) -> None:
        self.next_page()

    @task(3)
    def open_project(self) -> None:
        if self.cards:
            self.project_page(random.choice(self.cards)["id"])


class Organization(Person):
    """A social organization's staff member: its own account, after projects it can take."""

    weight = 4
    wait_time = between(2, 8)

    def on_start(self) -> None:
        super().on_start()
        usernames = plan()["organizations"]
        index = next(organization_accounts)
        if index >= len(usernames):
            raise SystemExit(f"only {len(usernames)} organization accounts prepared")
        account = self.log_in(usernames[index])
        self.organization = account["organization"]
        self.held: dict[str, str] = {}  # active bids this person holds: bid id → project id
        self.hall({})

    @task(2)
    def browse(self) -> None:
        self.hall(self.search_filter(), name="search")

    @task(4)
    def take_a_project(self) -> None:
        """Look for an open project of one kind, read its page, claim it or bid."""
        procurement = random.choice(["DIRECT", "COMPETITIVE"])
        filter = {"procurement": procurement, "status": ["PUBLISHED", "BIDDING"]}
        if random.random() < 0.6:
            filter["serviceClass"] = [random.choice(SERVICE_CLASSES)]
        self.hall(filter, name="search")
        if random.random() < 0.3:
            self.next_page()
        held = set(self.held.values())
        fits = [c for c in self.cards if self.can_take(c) and c["id"] not in held]
        if not fits:
            return
        project = self.project_page(random.choice(fits)["id"])
        if project is None or not project["fair"]["isOpen"] or not self.can_take(project):
            return
        self.claim(project)

    def can_take(self, project: dict[str, Any]) -> bool:
        workers = self.organization["socialWorkers"]
        return bool(
            project["status"] in OPEN[project["procurement"]]
            and project["minSocialWorkers"] <= workers
        )

    def claim(self, project: dict[str, Any]) -> None:
        budget = Decimal(project["budget"])
        amount = budget
        if project["procurement"] == "COMPETITIVE":
            amount = (budget * Decimal(random.uniform(0.85, 1.0))).quantize(CENT, ROUND_DOWN)
        fee = (amount * Decimal(random.uniform(0.04, 0.1))).quantize(CENT, ROUND_DOWN)
        workers = random.randint(project["minSocialWorkers"], self.organization["socialWorkers"])
        offer = {"amount": str(amount), "managementFee": str(fee), "socialWorkers": workers}
        variables = {"project": project["id"], "bid": offer | {"plan": PLAN}}
        name = "claim DIRECT" if project["procurement"] == "DIRECT" else "bid COMPETITIVE"
        payload = self.call(name, CLAIM_PROJECT, variables, field="claimProject")
        if payload is None:
            return
        bid = payload["bid"]["id"]
        self.held[bid] = project["id"]
        record(op=name, accepted=bid, project=project["id"], organization=self.organization["id"])

    @task(1)
    def workspace(self) -> None:
        self.call("organization dashboard", ORGANIZATION_DASHBOARD)

    @task(1)
    def withdraw(self) -> None:
        """Now and then one thinks better of a claim or bid and withdraws it."""
        if not self.held or random.random() < 0.5:
            return
        bid = random.choice(list(self.held))
        payload = self.call("withdraw", WITHDRAW_BID, {"bid": bid}, field="withdrawBid")
        if payload is not None:
            del self.held[bid]
            record(op="withdraw", accepted=bid)


class Reviewer(Person):
    """An expert from the pool scoring the bids of competitive projects."""

    weight = 1
    wait_time = between(5, 15)

    def on_start(self) -> None:
        super().on_start()
        usernames = plan()["reviewers"]
        index = next(reviewer_accounts)
        if index >= len(usernames):
            raise SystemExit(f"only {len(usernames)} reviewer accounts prepared")
        self.supervisor = self.log_in(usernames[index])["supervisor"]["id"]
        self.queue: list[dict[str, Any]] = []
        self.criteria: list[str] = []
        self.read_queue()

    @task(1)
    def read_queue(self) -> None:
        """The review page: the first page, or sometimes the next."""
        after = self.cursor if self.queue and random.random() < 0.3 else None
        data = self.call("review queue", REVIEW_QUEUE, {"after": after})
        if data is None or data["fair"] is None:
            return
        self.criteria = [c["key"] for c in data["fair"]["criteria"]]
        connection = data["fair"]["projects"]
        self.queue = [edge["node"] for edge in connection["edges"]]
        self.cursor = connection["pageInfo"]["endCursor"]

    @task(3)
    def score(self) -> None:
        """Score one submitted bid on every criterion, then read the project's ranks."""
        bids = [
            (project, edge["node"])
            for project in self.queue
            for edge in project["bids"]["edges"]
            if edge["node"]["status"] == "SUBMITTED"
        ]
        if not bids or not self.criteria:
            return
        project, bid = random.choice(bids)
        scores = [{"criterion": key, "score": random.randint(55, 95)} for key in self.criteria]
        variables = {"bid": bid["id"], "scores": scores}
        if self.call("scoreBid", SCORE_BID, variables, field="scoreBid") is None:
            return
        record(op="scoreBid", accepted=bid["id"], reviewer=self.supervisor)
        self.call("review project", REVIEW_PROJECT, {"id": project["id"]})
