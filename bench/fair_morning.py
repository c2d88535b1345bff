"""Benchmark: a fair's morning at city scale — hundreds of people in the hall at once.

City scale on PostgreSQL (the ``city`` data set, created and loaded when missing), a real
server (uvicorn, 2 workers, the Redis broker and Redis-shared rate limits, limits ON), and
Locust (``morning_users.py``) playing the people: visitors browsing and searching the
hall and opening projects, organizations logging in and claiming DIRECT projects or
bidding on COMPETITIVE ones (and sometimes withdrawing), reviewers scoring bids.

Each point (a number of users) gets, and loses again afterwards, a fair of its own open
now (edition 9108) holding copies of all the city fair's projects, ORGANIZATION accounts
for eligible organizations and REVIEWER accounts for unaffiliated experts (one shared
Argon2 hash: every login still verifies it), and bids already waiting on some
COMPETITIVE projects so the reviewers have work from the first minute.

Baselines in the same run: ``{ districts { id } }`` sent by every simulated person now
and then (the same server, concurrency and moments as the real documents: what any
request pays in queueing and overhead), and before the morning a closed-loop burst of it
(what the server answers per second on this machine just then).

Afterwards, from the records the simulated people wrote (``morning_checks.py``): per
operation the requests, throughput, p50/p95/p99, error rate and 429s, the refusals
(UserError codes), the CPU used, and the database compared with the answers: every accepted claim and bid present exactly
once on its project for its organization, no other new bid, withdrawals exactly the
accepted ones, no DIRECT project with two active claims, every accepted score sheet
stored, no 5xx and no GraphQL error.

    python bench/fair_morning.py [--users 100,200] [--spawn-rate 5] [--duration 150]
        [--database sheqia_bench] [--out DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import asyncpg
import uvloop
from morning_checks import (
    check,
    database_rows,
    locust_5xx,
    locust_exceptions,
    operations,
    read_records,
)
from storm import (
    BASELINE,
    BENCH_EDITION,
    PG_ADMIN,
    burst,
    clocks,
    http_clients,
    open_fair,
    server,
)
from tortoise.transactions import in_transaction

from api import db
from api.audit.models import AuditEntry
from api.auth.models import Account, Role, Session
from api.auth.passwords import hash_password
from api.auth.sessions import open_session
from api.bidding.models import Bid, BidStatus, ReviewScore
from api.fairs.models import Fair
from api.money import CENT
from api.organizations.models import Organization
from api.projects.models import Procurement, Project, ProjectStatus
from api.settings import Settings
from api.supervisors.models import Supervisor
from seeds.loader import load, refresh_statistics

HERE = Path(__file__).resolve().parent
EDITION = 9108
PREFIX = "fair-morning-"
PASSWORD = "fair-morning-password"
BROKER = "redis://127.0.0.1:6379/0"
PEOPLE = ("Visitor", "Organization", "Reviewer")  # morning_users.py's user classes

# --- the data ---------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def morning_database(name: str) -> AsyncIterator[str]:
    """The database ``name``, created, migrated and loaded with the city data when needed;
    the ORM open on it meanwhile. Yields its URL."""
    conn = await asyncpg.connect(PG_ADMIN)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    url = f"postgres://postgres@127.0.0.1:5432/{name}"
    # One morning at a time on a database: another one's clean-up would delete this fair.
    guard = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    if not await guard.fetchval("SELECT pg_try_advisory_lock($1)", EDITION):
        await guard.close()
        raise SystemExit(f"another fair morning is running on {name}")
    settings = Settings(database_url=url, env="production")
    await db.migrate(settings)
    await db.start(settings)
    try:
        await load("city")
        yield url
    finally:
        await db.stop()
        await guard.close()


async def clean_up() -> None:
    """Remove everything a morning adds (also what an interrupted run left behind)."""
    accounts = await Account.filter(username__startswith=PREFIX).values_list("id", flat=True)
    fair = await Fair.get_or_none(edition=EDITION)
    # By id lists, not joins: on a bid table never analysed the planner nests a delete
    # through a join into a scan per row (minutes for a thousand bids).
    projects = await Project.filter(fair__edition=EDITION).values_list("id", flat=True)
    bids = await Bid.filter(project_id__in=projects).values_list("id", flat=True)
    async with in_transaction():
        await AuditEntry.filter(account_id__in=accounts).delete()
        await ReviewScore.filter(bid_id__in=bids).delete()
        await Bid.filter(id__in=bids).delete()
        await Project.filter(id__in=projects).delete()
        if fair is not None:
            await fair.delete()
        await Session.filter(account_id__in=accounts).delete()
        await Account.filter(id__in=accounts).delete()


async def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """The morning's fair, accounts and waiting bids; the plan handed to Locust."""
    # The city fair: not this bench's, nor a claim storm's left in the same database.
    others = [EDITION, BENCH_EDITION]
    city = await Fair.filter(edition__not_in=others).order_by("-opens_at").first()
    assert city is not None, "the city data set has no fair"
    fair = await open_fair(EDITION, "洽谈会早晨负载测试（临时）", hours=3)
    skip = {"id", "fair_id", "code", "status", "created_at", "updated_at"}
    names = [f for f in Project._meta.db_fields if f not in skip]
    sources = await Project.filter(fair_id=city.id).order_by("id")
    copies = [
        Project(
            **{n: getattr(p, n) for n in names},
            fair_id=fair.id,
            code=f"FM-{p.code}"[:32],
            status=ProjectStatus.PUBLISHED,
        )
        for p in sources
    ]
    await Project.bulk_create(copies, batch_size=500)
    eligible = cast(
        list[int],
        await Organization.filter(restricted_until__isnull=True, social_workers__gte=2)
        .order_by("id")
        .values_list("id", flat=True),
    )
    needed = args.organizations + args.bidders
    assert len(eligible) >= needed, f"only {len(eligible)} eligible organizations"
    shared = hash_password(PASSWORD)
    organizations = [
        (f"{PREFIX}org-{i:05d}", o) for i, o in enumerate(eligible[: args.organizations])
    ]
    await Account.bulk_create(
        [
            Account(username=u, password_hash=shared, role=Role.ORGANIZATION, organization_id=o)
            for u, o in organizations
        ],
        batch_size=1000,
    )
    experts = await (
        Supervisor.filter(affiliated_organization_id__isnull=True)
        .order_by("id")
        .limit(args.reviewers)
        .values_list("id", flat=True)
    )
    reviewers = [(f"{PREFIX}reviewer-{i:03d}", s) for i, s in enumerate(experts)]
    await Account.bulk_create(
        [
            Account(username=u, password_hash=shared, role=Role.REVIEWER, supervisor_id=s)
            for u, s in reviewers
        ]
    )
    seeded = await waiting_bids(fair, eligible[args.organizations : needed], args)
    await refresh_statistics()  # as autovacuum would have, before the doors open
    return {
        "password": PASSWORD,
        "organizations": [u for u, _ in organizations],
        "reviewers": [u for u, _ in reviewers],
        "seeded": seeded,
    }


async def waiting_bids(fair: Fair, bidders: list[int], args: argparse.Namespace) -> list[int]:
    """``args.waiting`` bids on each of ``args.bidding`` COMPETITIVE projects (by other
    organizations than the accounts'), submitted before the morning; their ids."""
    projects = (
        await Project.filter(
            fair_id=fair.id, procurement=Procurement.COMPETITIVE, min_social_workers__lte=2
        )
        .order_by("id")
        .limit(args.bidding)
    )
    now = datetime.now(UTC) - timedelta(minutes=1)
    bids = [
        Bid(
            project_id=p.id,
            organization_id=bidders[(i * args.waiting + k) % len(bidders)],
            amount=p.budget,
            management_fee=(p.budget / 20).quantize(CENT),
            social_workers=2,
            plan="按月开展入户探访与社区活动，建立服务档案。",
            submitted_at=now,
            status=BidStatus.SUBMITTED,
            active=1,
        )
        for i, p in enumerate(projects)
        for k in range(args.waiting)
    ]
    await Bid.bulk_create(bids, batch_size=1000)
    await Project.filter(id__in=[p.id for p in projects]).update(status=ProjectStatus.BIDDING)
    ids = await Bid.filter(project_id__in=[p.id for p in projects]).values_list("id", flat=True)
    return cast(list[int], ids)


# --- running Locust and reading what it measured ---------------------------------------


async def locust(
    url: str, users: int, args: argparse.Namespace, folder: Path
) -> tuple[float, float]:
    """Run the morning; the seconds it took and the CPU seconds Locust used."""
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "morning_users.py"), "--headless",
        "-u", str(users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
        "--host", url, "--csv", str(folder / "locust"), "--stop-timeout", "60",
        "--only-summary", *PEOPLE,
    ]  # fmt: skip
    environment = {**os.environ, "SHEQIA_MORNING_PLAN": str(folder / "plan.json")}
    environment["SHEQIA_MORNING_RECORDS"] = str(folder)
    # Locust is the only child that ends meanwhile: the children's CPU clock is its own.
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    with (folder / "locust.log").open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            *command, env=environment, stdout=log, stderr=log, cwd=HERE.parent
        )
        await process.wait()
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter() - started
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def database_cpu(database: str) -> float:
    """CPU seconds used so far by the backends serving ``database`` (their titles name it)."""
    ticks = 0
    for entry in os.scandir("/proc"):
        with contextlib.suppress(OSError):
            if entry.name.isdigit():
                with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                    title = f.read().decode(errors="replace")
                if title.startswith("postgres:") and f" {database} " in title:
                    with open(f"/proc/{entry.name}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


# --- one point: a number of people ------------------------------------------------------


async def morning(url: str, users: int, args: argparse.Namespace) -> dict[str, Any]:
    folder = args.out / f"users-{users}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("records-*.jsonl"):
        old.unlink()
    plan = await prepare(args)
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    token = await open_session(await Account.get(username=plan["organizations"][0]))
    environment = {
        "SHEQIA_DATABASE_URL": f"{url}?maxsize={args.pool}",
        "SHEQIA_BROKER_URL": BROKER,
        "SHEQIA_RATE_LIMIT_URL": BROKER,
        "SHEQIA_RATE_LIMITS": "on",
    }
    async with server(args.workers, args.pool, environment) as (base, group):
        async with http_clients([base], 50) as clients:
            requests = [(token, {"query": BASELINE})] * 3000
            await burst(clients, requests[:500], 50, {})  # warm-up
            capacity = await burst(clients, requests, 50, {})
        database = url.rsplit("/", 1)[1]
        before = clocks({"server": [group]}) | {"database": database_cpu(database)}
        wall, locust_cpu = await locust(base, users, args, folder)
        after = clocks({"server": [group]}) | {"database": database_cpu(database)}
    used = {k: after[k] - before[k] for k in ("server", "database", "machine")}
    used |= {"locust": locust_cpu, "wall": wall}
    records = read_records(folder)
    checks = check(records, await database_rows(EDITION), set(plan["seeded"]))
    table = operations(records)
    every = table[-1]
    checks["no 5xx, no GraphQL error, no connection error"] = every["errors"] == 0
    checks["no 5xx in Locust's own failure report"] = locust_5xx(folder) == 0
    checks["no exception in the simulated people"] = locust_exceptions(folder) == 0
    report = {
        "users": users,
        "capacity": {"per_second": capacity.per_second, "p50": capacity.ms(0.5)},
        "table": table,
        "cpu": used,
        "checks": checks,
        "refusals": Counter(f"{r['op']}: {r['refused']}" for r in records if "refused" in r),
        "accepted": Counter(r["op"] for r in records if "accepted" in r),
    }
    (folder / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return report


def print_report(report: dict[str, Any]) -> None:
    cpu, requests = report["cpu"], report["table"][-1]["requests"]
    capacity = (os.cpu_count() or 1) * cpu["wall"]
    ours = cpu["server"] + cpu["database"] + cpu["locust"]
    per_request = {k: cpu[k] * 1000 / requests for k in ("server", "database", "locust")}
    baseline = report["capacity"]
    print(
        f"\n{report['users']} users, {cpu['wall']:.0f} s: capacity baseline "
        f"{baseline['per_second']:.0f}/s (p50 {baseline['p50']:.0f} ms, closed loop, 50 in "
        f"flight); machine busy {cpu['machine'] / capacity:.0%}, other processes "
        f"{(cpu['machine'] - ours) / capacity:.0%}; CPU ms per request: server "
        f"{per_request['server']:.1f}, PostgreSQL {per_request['database']:.1f}, Locust "
        f"{per_request['locust']:.1f}"
    )
    print("| operation | requests | req/s | p50 | p95 | p99 | errors | 429 |")
    print("|---|---|---|---|---|---|---|---|")
    for row in report["table"]:
        print(
            f"| {row['name']} | {row['requests']:,} | {row['per_second']:.1f} | "
            f"{row['p50']:,.0f} ms | {row['p95']:,.0f} ms | {row['p99']:,.0f} ms | "
            f"{row['error_rate']:.2%} | {row['429']} |"
        )
    print(f"accepted: {dict(report['accepted'])}")
    print(f"refusals: {dict(report['refusals'])}")
    for name, passed in report["checks"].items():
        print(f"  {'ok  ' if passed else 'FAIL'} {name}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="300", help="simulated people; several: 150,300")
    parser.add_argument("--spawn-rate", type=float, default=5, help="people arriving per second")
    parser.add_argument("--duration", type=int, default=150, help="seconds of each morning")
    parser.add_argument("--database", default="sheqia_bench")
    parser.add_argument("--organizations", type=int, default=3000, help="organization accounts")
    parser.add_argument("--reviewers", type=int, default=100, help="reviewer accounts")
    parser.add_argument("--bidding", type=int, default=300, help="COMPETITIVE projects with bids")
    parser.add_argument("--waiting", type=int, default=3, help="bids waiting on each")
    parser.add_argument("--bidders", type=int, default=300, help="organizations that placed them")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", type=int, default=10, help="database connections per worker")
    parser.add_argument("--out", type=Path, help="results folder (default: bench/results/…)")
    args = parser.parse_args()
    args.out = args.out or HERE / "results" / f"fair-morning-{datetime.now(UTC):%Y%m%d-%H%M}"
    points = [int(n) for n in args.users.split(",")]
    print(
        f"fair morning: {points} users over {args.duration} s, {args.spawn_rate}/s arriving, "
        f"{args.workers} workers × {args.pool} connections — {os.cpu_count()} cores, Python "
        f"{platform.python_version()} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; results in "
        f"{args.out}"
    )
    reports = []
    async with morning_database(args.database) as url:
        for users in points:
            await clean_up()
            print(f"load average before {users} users: {os.getloadavg()[0]:.1f}", flush=True)
            try:
                reports.append(await morning(url, users, args))
            finally:
                await clean_up()
            print_report(reports[-1])
    if not all(all(r["checks"].values()) for r in reports):
        raise SystemExit("a check failed: see above")


if __name__ == "__main__":
    uvloop.run(main())
