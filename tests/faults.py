"""Support of the fault tests (``tests/test_faults.py``): servers that are killed and
started again on their port, claim storms and loads that go on while a server or its
database connections die, what the clients got back, and killing a process while it
writes.

Servers are ``sheqia serve`` processes (one uvicorn worker each, events kept in process)
on a database of the test's own, staged by ``tests/fault_staging.py``; what the rows must
hold afterwards is ``tests/fault_rows.py``. The database is reached with plain asyncpg:
the test session's ORM is open on the test database, not on theirs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

from schema.relay import parse_global_id, to_global_id
from tests.fault_staging import Staged
from tests.live_servers import ROOT, START_SECONDS, Server, _driver, free_port

CLAIM = "mutation Claim($project: ID!, $bid: BidInput!) { claimProject(project: $project, bid: $bid) { bid { id } errors { code message } } }"
# What the hall asks all the while: a page of the fair's projects.
HALL = "query Hall($fair: ID) { projects(first: 20, filter: {fair: $fair}) { totalCount edges { node { id status } } } }"
OFFER = {
    "amount": "95000.00",
    "managementFee": "9000.00",
    "socialWorkers": 2,
    "plan": "组建专业社工团队，每周入户探访，建立服务档案，每月开展一次社区活动。",
}
# Deadlines, so that a server that never comes back fails the test instead of hanging it.
# They bound waiting; nothing asserts how long anything took.
RECOVERY_SECONDS = 60
KILL_WITHIN_SECONDS = 0.3


# --- servers ---------------------------------------------------------------------------


def named(database: str, application: str) -> str:
    """``database`` with an ``application_name``, to find its connections in
    ``pg_stat_activity``."""
    parts = urlsplit(database)
    query = f"{parts.query}&" if parts.query else ""
    return urlunsplit((*parts[:3], f"{query}application_name={application}", ""))


def start_server(database: str, log: Path, port: int | None = None) -> Server:
    """``sheqia serve`` (one process, no broker) on ``port`` or a free one, once /healthz
    answers; fails the test with the log otherwise. The log is appended to, so a server
    started again on its port keeps one log."""
    return start_servers(database, [log], [port])[0]


def start_servers(
    database: str, logs: list[Path], ports: list[int | None] | None = None
) -> list[Server]:
    """Servers on ``database`` started side by side, one per log, once all answer."""
    env = {
        **os.environ,
        "SHEQIA_DATABASE_URL": database,
        "SHEQIA_BROKER_URL": "",
        "SHEQIA_RATE_LIMITS": "off",
    }
    servers = []
    for log, port in zip(logs, ports or [None] * len(logs), strict=True):
        port = port or free_port()
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        servers.append(Server(process, port, log))
    for server in servers:
        if not healthy(server, START_SECONDS):
            for started in servers:
                started.stop()
            pytest.fail(f"a server did not start:\n{server.output()}", pytrace=False)
    return servers


def healthy(server: Server, seconds: float) -> bool:
    """Whether /healthz says ok within ``seconds``."""
    deadline = time.monotonic() + seconds
    while server.process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError, ValueError):
            if httpx.get(f"{server.base}/healthz", timeout=5).json().get("status") == "ok":
                return True
        time.sleep(0.2)
    return False


def kill(process: subprocess.Popen[Any]) -> None:
    """SIGKILL: no shutdown and no rollback by the process; its connections just drop."""
    process.send_signal(signal.SIGKILL)
    process.wait()


@contextlib.contextmanager
def stopped_at_end(*servers: Server) -> Iterator[list[Server]]:
    """Stops ``servers``, and those the test appends, however the test ends."""
    started = list(servers)
    try:
        yield started
    finally:
        for server in started:
            server.stop()


# --- answers -------------------------------------------------------------------------

# No answer: the connection broke (LOST), or what came back was an error instead of a
# payload (FAILED). Either way the client cannot know whether its claim went through.
LOST, FAILED, OK = "LOST", "FAILED", "OK"


@dataclass(frozen=True)
class Claim:
    organization_id: int
    project_id: int
    token: str

    def body(self) -> dict[str, Any]:
        project = to_global_id("Project", self.project_id)
        return {"query": CLAIM, "variables": {"project": project, "bid": OFFER}}


@dataclass
class Answer:
    """What a request came back with: OK (and a claim's bid), a refusal's code, LOST or
    FAILED (with the status and body, to judge the error by). ``claim`` is None for a
    query."""

    claim: Claim | None
    outcome: str
    bid: int | None = None
    status: int | None = None
    body: str = ""
    # When it came (monotonic clock): for figures such as how long an outage lasted.
    at: float = field(default_factory=time.monotonic)

    @property
    def unknown(self) -> bool:
        return self.outcome in (LOST, FAILED)


def claims_for(staged: Staged, per_project: int) -> list[Claim]:
    """``per_project`` claims on every project, each by an organization of its own,
    shuffled so that a project's rivals go to different servers at different moments."""
    wanted = len(staged.projects) * per_project
    assert len(staged.organizations) >= wanted, "stage more organizations"
    claims = [
        Claim(org, staged.projects[i % len(staged.projects)], token)
        for i, (org, token) in enumerate(staged.organizations[:wanted])
    ]
    random.shuffle(claims)
    return claims


async def send_claim(http: httpx.AsyncClient, claim: Claim) -> Answer:
    headers = {"authorization": f"Bearer {claim.token}"}
    try:
        response = await http.post("/graphql", json=claim.body(), headers=headers)
    except httpx.TransportError as error:
        return Answer(claim, LOST, body=repr(error))
    try:
        payload = response.json()["data"]["claimProject"]
    except (ValueError, KeyError, TypeError):
        return Answer(claim, FAILED, status=response.status_code, body=response.text)
    if payload["errors"]:
        return Answer(claim, payload["errors"][0]["code"], status=response.status_code)
    bid = parse_global_id(payload["bid"]["id"])[1]
    return Answer(claim, OK, bid=bid, status=response.status_code)


async def send_query(http: httpx.AsyncClient, fair: str) -> Answer:
    try:
        response = await http.post("/graphql", json={"query": HALL, "variables": {"fair": fair}})
    except httpx.TransportError as error:
        return Answer(None, LOST, body=repr(error))
    answered = response.status_code == 200 and "errors" not in response.json()
    return Answer(None, OK if answered else FAILED, status=response.status_code, body=response.text)


def tally(answers: list[Answer]) -> Counter[str]:
    return Counter(a.outcome for a in answers)


def unclear(answers: list[Answer]) -> list[Answer]:
    """The failures that are not a clear error: a dropped connection, a 500, a body that
    is not a GraphQL error with a message."""
    return [a for a in answers if a.unknown and not _clear(a)]


def _clear(answer: Answer) -> bool:
    if answer.status not in (200, 503):
        return False
    try:
        errors = json.loads(answer.body)["errors"]
    except (ValueError, KeyError, TypeError):
        return False
    return bool(errors) and all(e.get("message") for e in errors)


# --- storms and loads ----------------------------------------------------------------


@contextlib.asynccontextmanager
async def clients(
    servers: list[Server], connections: int
) -> AsyncIterator[list[httpx.AsyncClient]]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=s.base, limits=limits, timeout=120)
            )
            for s in servers
        ]


@dataclass
class Killer:
    """SIGKILLs ``victim`` once it has answered ``after`` requests, while others it was
    sent are still in flight."""

    victim: Server
    after: int
    answered: int = 0

    def count(self, server: Server) -> None:
        if server is self.victim and self.answered < self.after:
            self.answered += 1
            if self.answered == self.after:
                self.victim.process.send_signal(signal.SIGKILL)


async def storm(
    claims: list[Claim], servers: list[Server], concurrency: int, killer: Killer | None = None
) -> list[Answer]:
    """Send every claim, claim ``i`` to server ``i mod len(servers)``, with ``concurrency``
    in flight per server; the answers in the order of ``claims``."""
    answers: list[Answer] = [Answer(c, LOST) for c in claims]

    async def sender(server: Server, http: httpx.AsyncClient, queue: Iterator[int]) -> None:
        for i in queue:
            answers[i] = await send_claim(http, claims[i])
            if killer is not None and answers[i].outcome != LOST:
                killer.count(server)

    async with clients(servers, concurrency) as https:
        senders = []
        for n, (server, http) in enumerate(zip(servers, https, strict=True)):
            queue = iter(range(n, len(claims), len(servers)))
            senders += [sender(server, http, queue) for _ in range(concurrency)]
        await asyncio.gather(*senders)
    if killer is not None:
        killer.victim.process.wait()
    return answers


@dataclass
class Load:
    """Claims and hall queries sent back to back to one server by ``workers`` clients
    until ``stop``; every answer kept in the order it came. Once the claims run out, the
    clients only query."""

    server: Server
    claims: list[Claim]
    fair: str
    answers: list[Answer] = field(default_factory=list)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, workers: int) -> None:
        pending = iter(self.claims)

        async def worker(http: httpx.AsyncClient, claiming: bool) -> None:
            while not self._stop.is_set():
                claim = next(pending, None) if claiming else None
                answer = await (send_claim(http, claim) if claim else send_query(http, self.fair))
                self.answers.append(answer)

        async with clients([self.server], workers) as [http]:
            await asyncio.gather(*(worker(http, n % 2 == 0) for n in range(workers)))

    def stop(self) -> None:
        self._stop.set()

    def answered_since(self, start: int) -> int:
        """How many requests in a row were answered at the end, counting from ``start``."""
        streak = 0
        for answer in self.answers[start:]:
            streak = 0 if answer.unknown else streak + 1
        return streak

    async def until(self, reached: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + RECOVERY_SECONDS
        while not reached():
            if time.monotonic() > deadline or self.server.process.poll() is not None:
                pytest.fail(f"{what}: not so after {RECOVERY_SECONDS} s; {tally(self.answers)}")
            await asyncio.sleep(0.05)


# --- PostgreSQL ------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def postgres(database: str) -> AsyncIterator[asyncpg.Connection]:
    link = await asyncpg.connect(_driver(database), timeout=10)
    try:
        yield link
    finally:
        await link.close()


async def terminate_database(database: str) -> int:
    """``pg_terminate_backend`` for every connection to ``database`` but this one: what
    the app sees when the server restarts. How many there were."""
    async with postgres(database) as link:
        return int(
            await link.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )


# A backend of the application inside a transaction that has begun inserting projects.
# Writing 2,000 takes some 0.1–0.6 s from the first insert to the commit (four batched
# inserts, reading the ids back, the audit entry): the kill lands at a random moment in it.
WRITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name = $1 AND xact_start IS NOT NULL"
    """ AND query LIKE 'INSERT INTO "project"%'"""
)


async def kill_while_writing(
    database: str, application: str, process: subprocess.Popen[Any]
) -> bool:
    """Watch ``application``'s connections and SIGKILL ``process`` at a random moment
    after its transaction has begun inserting projects; False if the process ended
    before it was seen writing."""
    async with postgres(database) as link:
        while process.poll() is None:
            if await link.fetchval(WRITING, application):
                await asyncio.sleep(random.uniform(0, KILL_WITHIN_SECONDS))
                kill(process)
                return True
            await asyncio.sleep(0.002)
    return False
