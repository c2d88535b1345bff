"""Faults: a worker killed in a claim storm, an import killed while it writes, the
database dropping every connection, a SQLite server killed (issue 8).

Everything runs as real processes on a database of the test's own: ``sheqia serve``
servers, ``sheqia import projects``, and hundreds of organizations claiming over HTTP. A
process dies by SIGKILL (no shutdown, no rollback of its own), or PostgreSQL drops every
connection of the app. Afterwards the rows must hold whole transactions only and agree
with every answer the clients got, and the service must answer again by itself.

On PostgreSQL (``SHEQIA_TEST_DATABASE_URL``; marked ``postgres``) the servers use the test
database's name + ``_faults``; without PostgreSQL those tests wait for the PostgreSQL leg,
and a PostgreSQL that does not answer fails them under CI. The SQLite test runs on every
leg. Longer variants are deselected by default (``addopts`` in pyproject.toml):
``long`` (storms ten times bigger) and ``restart_db`` (really restarts the machine's
PostgreSQL with the command in ``SHEQIA_RESTART_DB_COMMAND``, say ``pg_ctlcluster 15 main
restart``, and skips without it); run them with ``pytest -m "long or restart_db"
tests/test_faults.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

import schema.http
from api.db import UNAVAILABLE_MESSAGE
from api.places.models import District as DistrictRow
from tests.fault_rows import (
    Rows,
    fair_projects,
    integrity,
    postgres_rows,
    sqlite_rows,
    violations,
)
from tests.fault_staging import Staged, project_list, stage
from tests.faults import (
    OK,
    Answer,
    Claim,
    Killer,
    Load,
    claims_for,
    clients,
    healthy,
    kill_while_writing,
    named,
    send_claim,
    send_query,
    start_server,
    start_servers,
    stopped_at_end,
    storm,
    tally,
    terminate_database,
    unclear,
)
from tests.live_servers import ROOT, Server, fresh_database, postgres_url, sibling_database

postgres = pytest.mark.postgres

RIVALS = 4  # organizations claiming each project
CONCURRENCY = 12  # claims in flight per server
STORMS = [
    pytest.param(100, id="100-projects"),
    pytest.param(1_000, id="1000-projects", marks=pytest.mark.long),
]
LIST_ROWS = 2_000
IMPORT_APPLICATION = "sheqia-faults-import"
# How to restart the database server, e.g. "pg_ctlcluster 15 main restart". Asked for on
# purpose: selecting tests by another marker (-m postgres) must never restart a server.
RESTART_COMMAND = os.environ.get("SHEQIA_RESTART_DB_COMMAND", "")

IMPORT = """
mutation Import($fair: ID!, $file: Upload!, $dryRun: Boolean) {
  importProjects(fair: $fair, file: $file, dryRun: $dryRun) { rowCount errors { code message } }
}
"""


@pytest_asyncio.fixture(scope="module")
async def database() -> str:
    """The servers' PostgreSQL database, emptied; each test stages a fair of its own."""
    url = sibling_database(postgres_url(), "faults")
    await fresh_database(url, next_to=postgres_url())
    return url


def staged_for_storm(database: str, projects: int) -> Staged:
    """A fair for ``RIVALS`` claims on each project, and two rounds of spare
    organizations (as many as projects) to claim after the fault."""
    return stage(database, projects, projects * (RIVALS + 2))


async def claims_after_the_fault(
    server: Server, fair: Staged, status: dict[int, str], turn: int
) -> list[Answer]:
    """Through ``server``: spare organizations of ``turn`` (0, 1) claim every project
    that was still open, and one more a taken project; then the hall asks for the fair's
    projects."""
    start = len(fair.projects) * (RIVALS + turn)
    spare = fair.organizations[start : start + len(fair.projects)]
    still_open = [p for p, s in status.items() if s == "PUBLISHED"]
    taken = next(p for p, s in status.items() if s == "CLAIMED")
    claims = [Claim(o, p, t) for (o, t), p in zip(spare, [*still_open, taken], strict=False)]
    async with clients([server], 4) as [http]:
        answers = [await send_claim(http, c) for c in claims]
        answers.append(await send_query(http, fair.fair))
    return answers


def all_answered(answers: list[Answer], still_open: int) -> bool:
    """The open projects were taken, the taken one refused, the query answered."""
    return [a.outcome for a in answers] == [OK] * still_open + ["ALREADY_CLAIMED", OK]


# --- what a client gets when the database connection is lost ----------------------------


async def lost_connection(*_: object) -> Any:
    raise asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation")


async def test_a_request_that_loses_its_database_connection_before_it_runs_gets_a_503(
    client, monkeypatch
):
    # Given a database connection lost while the request looks up its session,
    monkeypatch.setattr(schema.http, "account_for_token", lost_connection)
    # when a query comes in,
    response = await client.post("/graphql", json={"query": "{ districts { id } }"})
    # then it is told, with a 503 to retry after a second, not a bare 500.
    assert (response.status_code, response.headers["retry-after"]) == (503, "1")
    assert response.json() == {
        "errors": [{"message": UNAVAILABLE_MESSAGE, "extensions": {"code": "UNAVAILABLE"}}]
    }


async def test_a_resolver_that_loses_its_database_connection_says_so_other_errors_stay_masked(
    gql, monkeypatch
):
    # Given a database connection lost in the middle of a resolver's query,
    monkeypatch.setattr(DistrictRow, "all", lambda: lost_connection())
    # when the districts are asked for, then the GraphQL error says what happened,
    [error] = (await gql("{ districts { id } }"))["errors"]
    assert (error["message"], error["extensions"]) == (UNAVAILABLE_MESSAGE, {"code": "UNAVAILABLE"})

    # while any other unexpected error is still hidden behind "internal error".
    async def broken() -> Any:
        raise RuntimeError("a bug's details")

    monkeypatch.setattr(DistrictRow, "all", lambda: broken())
    [error] = (await gql("{ districts { id } }"))["errors"]
    assert error["message"] == "服务器内部错误。Internal error." and "extensions" not in error


# --- the invariants themselves ----------------------------------------------------------


def test_the_invariants_catch_every_kind_of_half_written_claim():
    # Given what half-written claims would leave: a CLAIMED project without its bid, a
    # bid without its audit entry on a project still PUBLISHED, an entry without its bid,
    # and answers the rows contradict,
    rows = Rows(
        status={1: "CLAIMED", 2: "PUBLISHED", 3: "CLAIMED"},
        bids={20: (2, 200, 1), 30: (3, 300, 1)},
        entries=[{"Project:3", "Bid:30", "Organization:300"}, {"Project:1", "Bid:10"}],
    )
    answers = [
        Answer(Claim(100, 1, "t"), OK, bid=10),
        Answer(Claim(300, 3, "t"), "ALREADY_CLAIMED"),
        Answer(Claim(200, 2, "t"), "LOST"),
    ]
    # then each of them is reported,
    found = "\n".join(violations(rows, answers))
    for expected in (
        "project 1 is CLAIMED with 0 active bids",
        "bid 20 on project 2, which is PUBLISHED",
        "bid 20 has 0 audit entries",
        "names no bid of the fair",
        "answered OK with bid 10, but the rows hold None",
        "refused with ALREADY_CLAIMED, yet bid 30 is there",
    ):
        assert expected in found
    # while whole claims that agree with their answers pass.
    whole = Rows({3: "CLAIMED", 4: "PUBLISHED"}, {30: (3, 300, 1)}, [{"Project:3", "Bid:30"}])
    assert violations(whole, [Answer(Claim(300, 3, "t"), OK, bid=30)]) == []


# --- a worker killed in a claim storm (PostgreSQL) --------------------------------------


@postgres
@pytest.mark.parametrize("projects", STORMS)
async def test_a_worker_killed_mid_storm_leaves_whole_claims_and_the_other_keeps_serving(
    database: str, tmp_path: Path, projects: int
):
    # Given a fair of DIRECT projects, four organizations with sessions for each, and
    # servers A and B on one database,
    fair = staged_for_storm(database, projects)
    a, b = start_servers(database, [tmp_path / "a.log", tmp_path / "b.log"])
    with stopped_at_end(a, b) as servers:
        # when they all claim at once, spread over A and B, and A is killed (SIGKILL)
        # once it has answered a third of its share, other claims still in flight to it,
        claims = claims_for(fair, RIVALS)
        answers = await storm(claims, [a, b], CONCURRENCY, Killer(a, after=len(claims) // 6))
        # then B answered every claim sent to it, and A lost some,
        assert set(tally(answers[1::2])) <= {OK, "ALREADY_CLAIMED"}, tally(answers[1::2])
        assert any(answer.unknown for answer in answers[0::2])
        # the rows hold whole claims only and agree with every answer (a claim whose
        # answer was lost is there whole or not at all),
        rows = await postgres_rows(database, fair)
        assert violations(rows, answers) == []
        # B goes on answering claims and queries,
        later = await claims_after_the_fault(b, fair, rows.status, 0)
        still_open = sum(s == "PUBLISHED" for s in rows.status.values())
        assert all_answered(later, still_open), tally(later)
        # and A, started again on its port, serves again.
        servers.append(start_server(database, tmp_path / "a.log", port=a.port))
        again = await claims_after_the_fault(servers[-1], fair, rows.status, 1)
        assert [x.outcome for x in again] == ["ALREADY_CLAIMED"] * (still_open + 1) + [OK]
        every = answers + later + again
        assert violations(await postgres_rows(database, fair), every) == []


# --- an import killed while it writes (PostgreSQL) --------------------------------------


def import_command(path: Path, fair: Staged) -> list[str]:
    return [
        sys.executable,
        "-m",
        "api.cli",
        "import",
        "projects",
        str(path),
        "--fair",
        str(fair.edition),
    ]


async def kill_the_command(database: str, fair: Staged, path: Path, log: Path) -> bool:
    """``sheqia import projects`` killed while it writes; whether it was caught writing."""
    env = {**os.environ, "SHEQIA_DATABASE_URL": named(database, IMPORT_APPLICATION)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            import_command(path, fair), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    return await kill_while_writing(database, IMPORT_APPLICATION, process)


def rerun_the_command(database: str, fair: Staged, path: Path) -> int:
    env = {**os.environ, "SHEQIA_DATABASE_URL": database}
    done = subprocess.run(
        import_command(path, fair), cwd=ROOT, env=env, capture_output=True, timeout=300
    )
    return done.returncode


async def upload(server: Server, fair: Staged, path: Path) -> dict[str, Any] | None:
    """The list uploaded as the organizer (GraphQL multipart request); None when the
    server died before it answered."""
    operations = {"query": IMPORT, "variables": {"fair": fair.fair, "file": None}}
    form = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})}
    files = {"0": (path.name, path.read_bytes(), "text/csv")}
    headers = {"authorization": f"Bearer {fair.organizer}"}
    async with httpx.AsyncClient(base_url=server.base, timeout=300) as http:
        try:
            response = await http.post("/graphql", data=form, files=files, headers=headers)
        except httpx.TransportError:
            return None
    return dict(response.json()["data"]["importProjects"])


@postgres
async def test_a_command_import_killed_while_writing_leaves_none_or_all_and_a_rerun_imports_all(
    database: str, tmp_path: Path
):
    # Given a list of 2,000 projects for a fair,
    fair = stage(database, 0, 0)
    path = project_list(tmp_path / "list.csv", fair, LIST_ROWS)
    # when `sheqia import projects` is killed (SIGKILL) once it has begun writing,
    log = tmp_path / "import.log"
    assert await kill_the_command(database, fair, path, log), log.read_text()
    # then the fair has none of the projects or all of them, and the audit entry with them,
    written = await fair_projects(database, fair.fair_id)
    assert written in {(0, 0), (LIST_ROWS, 1)}
    # and running the command again leaves all of them, once.
    status = rerun_the_command(database, fair, path)
    assert status == (0 if written == (0, 0) else 1)
    assert await fair_projects(database, fair.fair_id) == (LIST_ROWS, 1)


@postgres
async def test_a_server_killed_during_an_upload_import_leaves_none_or_all_and_a_rerun_imports_all(
    database: str, tmp_path: Path
):
    # Given a list of 2,000 projects and a server whose connections can be told apart,
    fair = stage(database, 0, 0)
    path = project_list(tmp_path / "list.csv", fair, LIST_ROWS)
    application = f"{IMPORT_APPLICATION}-upload"
    server = start_server(named(database, application), tmp_path / "server.log")
    with stopped_at_end(server) as servers:
        # when the organizer uploads it and the server is killed once it begins writing,
        sending = asyncio.create_task(upload(server, fair, path))
        assert await kill_while_writing(database, application, server.process)
        answered = await sending
        # then the fair has none of the projects or all of them (and all if the answer
        # made it out before the kill),
        written = await fair_projects(database, fair.fair_id)
        assert written in {(0, 0), (LIST_ROWS, 1)}
        assert answered is None or (answered["rowCount"], written) == (LIST_ROWS, (LIST_ROWS, 1))
        # and the upload to the server started again publishes all of them, once.
        servers.append(start_server(database, tmp_path / "server.log", port=server.port))
        again = await upload(servers[-1], fair, path)
        assert again is not None
        if written == (0, 0):
            assert (again["rowCount"], again["errors"]) == (LIST_ROWS, [])
        else:
            assert {e["code"] for e in again["errors"]} == {"INVALID_INPUT"}, again
        assert await fair_projects(database, fair.fair_id) == (LIST_ROWS, 1)


# --- the database drops every connection (PostgreSQL) ------------------------------------


async def outage_under_load(
    database: str, tmp_path: Path, outage: Callable[[], Awaitable[None]]
) -> Load:
    """Claims and queries run against a server while ``outage`` happens; then checks that
    only requests in flight failed, each with a clear error, that the same process
    answers again by itself, and that every claim is whole."""
    fair = stage(database, 50, 50 * RIVALS)
    server = start_server(database, tmp_path / "server.log")
    with stopped_at_end(server):
        load = Load(server, claims_for(fair, RIVALS), fair.fair)
        running = asyncio.create_task(load.run(workers=6))
        await load.until(lambda: tally(load.answers)[OK] >= 20, "the load got going")
        # When the database drops the app's connections,
        cut = len(load.answers)
        await outage()
        # then the server answers again by itself (30 requests in a row answered),
        await load.until(lambda: load.answered_since(cut) >= 30, "answering again by itself")
        load.stop()
        await running
        # the requests that failed meanwhile failed with a clear error: no 500, no
        # dropped connection, a GraphQL error with a message (or a 503 with one),
        assert unclear(load.answers) == []
        # the very same process says it is healthy,
        assert server.process.poll() is None and healthy(server, 10)
        # and every claim is whole and agrees with its answer.
        assert violations(await postgres_rows(database, fair), load.answers) == []
    return load


@postgres
async def test_dropped_database_connections_fail_requests_in_flight_clearly_and_the_app_recovers(
    database: str, tmp_path: Path
):
    async def terminate() -> None:
        # What the app sees when PostgreSQL restarts: every backend of its database ends.
        assert await terminate_database(database) >= 1

    await outage_under_load(database, tmp_path, terminate)


@postgres
@pytest.mark.restart_db
async def test_a_real_postgresql_restart_under_load_is_survived_without_restarting_the_app(
    database: str, tmp_path: Path
):
    if not RESTART_COMMAND:
        pytest.skip("restarts the database server: set SHEQIA_RESTART_DB_COMMAND to run it")

    async def restart() -> None:
        # Not in the regular suite: it restarts the whole (maybe shared) server.
        command = await asyncio.create_subprocess_exec(*shlex.split(RESTART_COMMAND))
        assert await command.wait() == 0, RESTART_COMMAND

    await outage_under_load(database, tmp_path, restart)


# --- a SQLite server killed in a claim storm --------------------------------------------


@pytest.mark.parametrize(
    "projects",
    [
        pytest.param(50, id="50-projects"),
        pytest.param(500, id="500-projects", marks=pytest.mark.long),
    ],
)
async def test_a_sqlite_server_killed_mid_storm_restarts_on_an_intact_file(
    tmp_path: Path, projects: int
):
    # Given `sheqia serve` (one worker) on a SQLite file with a fair of DIRECT projects,
    path = tmp_path / "sheqia.db"
    database = f"sqlite://{path}"
    fair = staged_for_storm(database, projects)
    server = start_server(database, tmp_path / "server.log")
    with stopped_at_end(server) as servers:
        # when organizations claim them all at once and the server is killed (SIGKILL)
        # once it has answered a third of the claims, others still in flight,
        claims = claims_for(fair, RIVALS)
        answers = await storm(claims, [server], CONCURRENCY, Killer(server, len(claims) // 3))
        assert any(answer.unknown for answer in answers)
        # then the file is intact, its rows hold whole claims only and agree with every
        # answer,
        assert integrity(path) == "ok"
        rows = sqlite_rows(path, fair)
        assert violations(rows, answers) == []
        # and the server, started again on the same file, serves.
        servers.append(start_server(database, tmp_path / "server.log", port=server.port))
        later = await claims_after_the_fault(servers[-1], fair, rows.status, 0)
        still_open = sum(s == "PUBLISHED" for s in rows.status.values())
        assert all_answered(later, still_open), tally(later)
        assert violations(sqlite_rows(path, fair), answers + later) == []
        assert integrity(path) == "ok"
