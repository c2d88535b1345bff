"""What each document of the fair morning costs: CPU per request, one request at a time.

Prepares the morning as ``fair_morning.py`` does (and removes it again), serves it with
one uvicorn worker on PostgreSQL, and sends each read document (and the login) one after
the other, after a warm-up: the CPU time the worker and its database backends used per
request, and the wall time. Rate limits are off here: one client sends everything.

    python bench/morning_costs.py [--database sheqia_bench] [--requests 40]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import httpx
import morning_documents as documents
import uvloop
from fair_morning import (
    BROKER,
    EDITION,
    PASSWORD,
    clean_up,
    database_cpu,
    morning_database,
    prepare,
)
from storm import clocks, server

from api.auth.models import Account
from api.auth.sessions import open_session
from api.projects.models import Project
from schema.relay import to_global_id

ELDERLY = {"serviceClass": ["ELDERLY"]}


async def cases(plan: dict[str, Any]) -> list[tuple[str, str | None, str, dict[str, Any]]]:
    """(name, bearer token, document, variables) for each document measured."""
    organization = await open_session(await Account.get(username=plan["organizations"][0]))
    reviewer = await open_session(await Account.get(username=plan["reviewers"][0]))
    project = await Project.filter(fair__edition=EDITION).order_by("id").first()
    assert project is not None
    hall = {"first": 12, "filter": {}, "organizations": {}, "supervisors": {"available": True}}
    search = {
        "first": 12,
        "filter": {"search": "养老"} | ELDERLY,
        "organizations": ELDERLY,
        "supervisors": {"available": True, "expertise": ["ELDERLY"]},
    }
    login = {"username": plan["organizations"][1], "password": PASSWORD}
    return [
        ("baseline { districts }", None, documents.BASELINE, {}),
        ("me (anonymous)", None, documents.ME, {}),
        ("hall", None, documents.FAIR_HALL, hall),
        ("search", None, documents.FAIR_HALL, search),
        ("project page", None, documents.PROJECT_PAGE, {"id": to_global_id("Project", project.id)}),
        ("organization dashboard", organization, documents.ORGANIZATION_DASHBOARD, {}),
        ("review queue", reviewer, documents.REVIEW_QUEUE, {"after": None}),
        ("login", None, documents.LOGIN, login),
    ]


async def measure(
    client: httpx.AsyncClient,
    group: int,
    database: str,
    body: dict[str, Any],
    token: str | None,
    count: int,
) -> tuple[float, float, float]:
    """Milliseconds per request: the worker's CPU, its database backends' CPU, wall time."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    for _ in range(3):  # warm-up: parsing, validation, caches
        answer = (await client.post("/graphql", json=body, headers=headers)).json()
        assert "errors" not in answer, answer["errors"]
    cpu = clocks({"server": [group]})["server"], database_cpu(database)
    started = time.perf_counter()
    for _ in range(count):
        await client.post("/graphql", json=body, headers=headers)
    wall = time.perf_counter() - started
    worker = clocks({"server": [group]})["server"] - cpu[0]
    backends = database_cpu(database) - cpu[1]
    return worker * 1000 / count, backends * 1000 / count, wall * 1000 / count


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sheqia_bench")
    parser.add_argument("--requests", type=int, default=40, help="per document; logins a quarter")
    args = parser.parse_args()
    setup = argparse.Namespace(
        organizations=3000, reviewers=100, bidding=300, waiting=3, bidders=300
    )
    environment = {"SHEQIA_BROKER_URL": BROKER, "SHEQIA_RATE_LIMITS": "off"}
    print("| document | worker CPU | PostgreSQL CPU | wall |\n|---|---|---|---|")
    async with morning_database(args.database) as url:
        await clean_up()
        try:
            plan = await prepare(setup)
            environment["SHEQIA_DATABASE_URL"] = f"{url}?maxsize=10"
            async with (
                server(1, 10, environment) as (base, group),
                httpx.AsyncClient(base_url=base, timeout=120) as client,
            ):
                for name, token, document, variables in await cases(plan):
                    count = max(1, args.requests // 4) if name == "login" else args.requests
                    body = {"query": document, "variables": variables}
                    cost = await measure(client, group, args.database, body, token, count)
                    print("| {} | {:.1f} ms | {:.1f} ms | {:.1f} ms |".format(name, *cost))
        finally:
            await clean_up()


if __name__ == "__main__":
    uvloop.run(main())
