"""The claim storm's parts, shared by ``claim_storm.py`` and ``live.py``.

City scale on PostgreSQL (the ``city`` data set in the bench database, ``sheqia_bench``
unless ``--database`` names another; created and loaded when missing, reused when present), against real uvicorn servers on free local
ports, driven over HTTP by httpx.

A storm gets a fair of its own (edition 9106, open now) holding copies of the city fair's
first DIRECT projects, and ORGANIZATION accounts (one shared Argon2 hash) with sessions
for as many eligible organizations; ``clean_up`` removes all of it again, so the city
data is left as found. Afterwards ``verify`` compares the answers with the rows: every
claimed project has exactly one bid and is CLAIMED, the bid rows are exactly the
successful answers, no organization has two bids on one project, and every refusal is
ALREADY_CLAIMED.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tortoise.transactions import in_transaction

from api import db
from api.audit.models import AuditEntry
from api.auth.models import Account, Role, Session
from api.auth.passwords import hash_password
from api.auth.sessions import open_session
from api.bidding.models import Bid
from api.fairs.models import DEFAULT_CRITERIA, DEFAULT_EVALUATION_COMPONENTS, Fair
from api.money import CENT
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.settings import Settings
from schema.relay import to_global_id
from seeds.loader import load

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = {"name": "sheqia_bench"}  # the bench database; ``use_database`` changes it
BENCH_EDITION = 9106
USERNAME_PREFIX = "claim-storm-"
MAX_NEED = 2  # social workers: projects needing at most this, organizations having at least
CONNECTIONS_PER_CLIENT = 10  # httpx's pool slows down with many connections: shard it

CLAIM = "mutation Claim($project: ID!, $bid: BidInput!) { claimProject(project: $project, bid: $bid) { bid { id } project { status } errors { code } } }"
BASELINE = "{ districts { id } }"

Request = tuple[str, dict[str, Any]]  # (bearer token, GraphQL body)


@dataclass
class Claim:
    """One organization's claim: who, on what, with which token and offer."""

    organization_id: int
    project_id: int
    token: str
    offer: dict[str, Any]

    def request(self, project_id: int | None = None) -> Request:
        project = to_global_id("Project", project_id or self.project_id)
        return self.token, {"query": CLAIM, "variables": {"project": project, "bid": self.offer}}


@dataclass
class Run:
    """One burst of requests: wall time, each latency and answer, CPU used per request."""

    wall: float
    latencies: list[float]
    answers: list[dict[str, Any]]
    cpu: dict[str, float]

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.wall

    def ms(self, q: float) -> float:
        return quantile(self.latencies, q) * 1000


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- preparing the database ------------------------------------------------------------


async def vacuum() -> None:
    """What autovacuum would have done (it is off on the development machine's
    PostgreSQL): earlier runs' clean-ups leave dead rows that every scan wades through."""
    conn = await asyncpg.connect(bench_url().replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()


def use_database(name: str) -> None:
    """Benchmark on the database ``name`` (a bench's ``--database``)."""
    DATABASE["name"] = name


def bench_url() -> str:
    return f"postgres://postgres@127.0.0.1:5432/{DATABASE['name']}"


async def create_database(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def bench_database() -> AsyncIterator[None]:
    """The bench database, created, migrated and loaded with the city data when needed;
    the ORM open on it for the duration."""
    await create_database(DATABASE["name"])
    settings = Settings(database_url=bench_url(), env="production")
    await db.migrate(settings)
    await db.start(settings)
    try:
        await load("city")
        await vacuum()
        yield
    finally:
        await db.stop()


async def clean_up() -> None:
    """Remove everything this bench adds (also what an interrupted run left behind)."""
    accounts = list(
        await Account.filter(username__startswith=USERNAME_PREFIX).values_list("id", flat=True)
    )
    fair = await Fair.get_or_none(edition=BENCH_EDITION)
    async with in_transaction():
        await AuditEntry.filter(account_id__in=accounts).delete()
        if fair is not None:
            await Bid.filter(project__fair_id=fair.id).delete()
            await Project.filter(fair_id=fair.id).delete()
            await fair.delete()
        await Session.filter(account_id__in=accounts).delete()
        await Account.filter(id__in=accounts).delete()


async def open_fair(edition: int, name: str, hours: int) -> Fair:
    """A temporary fair of a benchmark, open from a minute ago for ``hours``."""
    now = datetime.now(UTC)
    return await Fair.create(
        edition=edition,
        name=name,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(hours=hours),
        criteria=[dict(c) for c in DEFAULT_CRITERIA],
        evaluation_components=[dict(c) for c in DEFAULT_EVALUATION_COMPONENTS],
    )


async def bench_fair(projects: int) -> list[Project]:
    """A fair open now, with copies of the city fair's first ``projects`` DIRECT projects."""
    city = await Fair.filter(edition__not=BENCH_EDITION).order_by("-opens_at").first()
    assert city is not None, "the city data set has no fair"
    fair = await open_fair(BENCH_EDITION, "认领压力测试（临时）", hours=2)
    sources = (
        await Project.filter(
            fair_id=city.id, procurement=Procurement.DIRECT, min_social_workers__lte=MAX_NEED
        )
        .order_by("id")
        .limit(projects)
    )
    assert len(sources) == projects, f"only {len(sources)} DIRECT projects to copy"
    skip = {"id", "fair_id", "code", "status", "created_at", "updated_at"}
    names = [f for f in Project._meta.db_fields if f not in skip]
    await Project.bulk_create(
        [
            Project(
                **{n: getattr(p, n) for n in names},
                fair_id=fair.id,
                code=f"CS-{p.code}"[:32],
                status=ProjectStatus.PUBLISHED,
            )
            for p in sources
        ],
        batch_size=500,
    )
    return await Project.filter(fair_id=fair.id).order_by("id")


def spread(projects: list[Project], count: int) -> list[Project]:
    """``count`` claim targets spread evenly over ``projects``."""
    return [projects[i % len(projects)] for i in range(count)]


async def claims(targets: list[Project]) -> list[Claim]:
    """One claim on each of ``targets``, each by an organization of its own with an
    account and a session."""
    count = len(targets)
    organizations = (
        await Organization.filter(restricted_until__isnull=True, social_workers__gte=MAX_NEED)
        .order_by("id")
        .limit(count)
        .values_list("id", flat=True)
    )
    assert len(organizations) == count, f"only {len(organizations)} eligible organizations"
    shared_hash = hash_password("claim-storm-password")
    await Account.bulk_create(
        [
            Account(
                username=f"{USERNAME_PREFIX}{i:05d}",
                password_hash=shared_hash,
                role=Role.ORGANIZATION,
                organization_id=org,
            )
            for i, org in enumerate(organizations)
        ],
        batch_size=1000,
    )
    accounts = await Account.filter(username__startswith=USERNAME_PREFIX).order_by("username")
    gate = asyncio.Semaphore(4)

    async def session(account: Account) -> str:
        async with gate:
            return await open_session(account)

    tokens = await asyncio.gather(*(session(a) for a in accounts))
    result = []
    for project, account, token in zip(targets, accounts, tokens, strict=True):
        offer = {
            "amount": str(project.budget),
            "managementFee": str((project.budget / 20).quantize(CENT)),
            "socialWorkers": MAX_NEED,
            "plan": "组建专业社工团队，按月开展入户探访与社区活动，建立服务档案。",
        }
        assert account.organization_id is not None
        result.append(Claim(account.organization_id, project.id, token, offer))
    return result


# --- the server, the client and the CPU clock ------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def server(
    workers: int, pool: int, env: Mapping[str, str] | None = None, ws: str = "auto"
) -> AsyncIterator[tuple[str, int]]:
    """uvicorn serving the app on a free port; yields its base URL and process group.
    ``env`` adds to the environment (a broker URL, say); ``ws`` is uvicorn's WebSocket
    implementation. WebSocket compression is off, as ``sheqia serve`` has it."""
    port = free_port()
    environment = {**os.environ, "SHEQIA_DATABASE_URL": f"{bench_url()}?maxsize={pool}"}
    environment["SHEQIA_ENV"] = "production"
    environment.update(env or {})
    # Keep-alive as long as a proxy would hold it: uvicorn's 5 s default lets the server
    # close connections the client is about to reuse between bursts.
    command = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--timeout-keep-alive", "75", "--no-access-log", "--log-level", "warning",
        "--ws", ws, "--ws-per-message-deflate", "false",
    ]  # fmt: skip
    # A process group of its own, so the workers are stopped with the server.
    process = subprocess.Popen(command, cwd=REPO, env=environment, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_healthy(url, process)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    async with httpx.AsyncClient(base_url=url) as client:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError("the server exited during start-up")
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/healthz")).status_code == 200:
                    return
            await asyncio.sleep(0.1)
    raise RuntimeError("the server did not become healthy")


@contextlib.asynccontextmanager
async def http_clients(urls: list[str], concurrency: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """Enough clients of ``CONNECTIONS_PER_CLIENT`` connections for ``concurrency``
    requests in flight, spread evenly over ``urls``."""
    limits = httpx.Limits(
        max_connections=CONNECTIONS_PER_CLIENT, max_keepalive_connections=CONNECTIONS_PER_CLIENT
    )
    shards = max(len(urls), concurrency // CONNECTIONS_PER_CLIENT)
    async with contextlib.AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=urls[s % len(urls)], limits=limits, timeout=120)
            )
            for s in range(shards)
        ]


def clocks(groups: Mapping[str, Collection[int]]) -> dict[str, float]:
    """CPU seconds used so far by each named set of process groups, by the backends
    serving the bench database (their process titles name it), by this process (the
    client), and by the whole machine (every state but idle and I/O wait)."""
    used = dict.fromkeys([*groups, "postgres"], 0)
    owner = {group: name for name, members in groups.items() for group in members}
    for entry in os.scandir("/proc"):
        with contextlib.suppress(OSError):
            if not entry.name.isdigit():
                continue
            with open(f"/proc/{entry.name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                title = f.read().decode(errors="replace")
            ticks = int(fields[11]) + int(fields[12])
            name = owner.get(int(fields[2]))
            if name is not None:
                used[name] += ticks
            elif title.startswith("postgres:") and f" {DATABASE['name']} " in title:
                used["postgres"] += ticks
    with open("/proc/stat") as f:
        machine = [int(t) for t in f.readline().split()[1:9]]
    hertz = os.sysconf("SC_CLK_TCK")
    figures = {name: ticks / hertz for name, ticks in used.items()}
    figures["client"] = time.process_time()
    figures["machine"] = (sum(machine) - machine[3] - machine[4]) / hertz
    return figures


async def burst(
    clients: list[httpx.AsyncClient],
    requests: list[Request],
    concurrency: int,
    groups: Mapping[str, Collection[int]],
    rate: float = 0,
) -> Run:
    """Send the requests, ``concurrency`` senders taking the next one as they finish: all
    at once, or with ``rate`` (per second) request ``i`` not before ``i / rate`` s. A
    paced request's latency counts from its due time, so waiting for a free sender
    shows."""
    latencies = [0.0] * len(requests)
    answers: list[dict[str, Any]] = [{}] * len(requests)
    pending = iter(enumerate(requests))
    started = time.perf_counter()

    async def sender(client: httpx.AsyncClient) -> None:
        for i, (token, body) in pending:
            due = started + i / rate if rate else time.perf_counter()
            if rate:
                await asyncio.sleep(due - time.perf_counter())
            response = await client.post(
                "/graphql", json=body, headers={"authorization": f"Bearer {token}"}
            )
            latencies[i] = time.perf_counter() - due
            response.raise_for_status()
            answers[i] = response.json()

    before = clocks(groups)
    await asyncio.gather(*(sender(clients[s % len(clients)]) for s in range(concurrency)))
    wall = time.perf_counter() - started
    after = clocks(groups)
    cpu = {k: (after[k] - before[k]) * 1000 / len(requests) for k in before}
    return Run(wall, latencies, answers, cpu)


def ours(run: Run) -> float:
    """CPU milliseconds per request of everything but other people's processes."""
    return sum(ms for name, ms in run.cpu.items() if name != "machine")


def busy(run: Run) -> tuple[float, float]:
    """How busy the machine was during the run, and the share other processes took."""
    capacity = (os.cpu_count() or 1) * run.wall * 1000 / len(run.latencies)
    return run.cpu["machine"] / capacity, (run.cpu["machine"] - ours(run)) / capacity


# --- checking the outcome --------------------------------------------------------------


def outcome(sent: list[Claim], run: Run) -> tuple[Counter[str], Counter[int], set[str]]:
    """The answers counted by code, the winners per project, and the bids answered."""
    codes: Counter[str] = Counter()
    winners: Counter[int] = Counter()
    answered: set[str] = set()
    for claim, answer in zip(sent, run.answers, strict=True):
        payload = (answer.get("data") or {}).get("claimProject")
        if payload is None:
            codes["GRAPHQL_ERROR"] += 1
        elif payload["errors"]:
            codes[payload["errors"][0]["code"]] += 1
        else:
            codes["OK"] += 1
            winners[claim.project_id] += 1
            answered.add(payload["bid"]["id"])
    return codes, winners, answered


async def verify(sent: list[Claim], run: Run) -> dict[str, Any]:
    """Compare the answers with the rows of the projects claimed: nothing lost, nothing
    doubled."""
    codes, winners, answered = outcome(sent, run)
    claimed = {c.project_id for c in sent}
    bids = await Bid.filter(project_id__in=claimed).values("id", "project_id", "organization_id")
    statuses = dict(await Project.filter(id__in=claimed).values_list("id", "status"))
    per_project = Counter(b["project_id"] for b in bids)
    per_holder = Counter((b["project_id"], b["organization_id"]) for b in bids)
    one_winner = all(
        per_project[p] == 1 and winners[p] == 1 and statuses[p] == ProjectStatus.CLAIMED
        for p in claimed
    )
    checks = {
        "every claimed project has exactly one winner and is CLAIMED": one_winner,
        "bid rows == successful answers": answered == {to_global_id("Bid", b["id"]) for b in bids},
        "no organization holds two bids on one project": max(per_holder.values()) == 1,
        "every refusal is ALREADY_CLAIMED": set(codes) <= {"OK", "ALREADY_CLAIMED"},
    }
    return {"outcome": dict(codes), "projects": len(claimed), "bids": len(bids), "checks": checks}
