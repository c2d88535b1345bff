"""The ``sheqia`` command against a SQLite file of its own."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from seeds import DEMO_ACCOUNTS


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "x.db"
    monkeypatch.setenv("SHEQIA_DATABASE_URL", f"sqlite://{path}")
    return path


@dataclass
class Result:
    exit_code: int
    output: str
    stderr: str


@pytest.fixture
def run() -> Any:
    """Runs the command in its own process, as a person at a terminal would.

    A process of its own keeps the command's ORM set-up (bound to its SQLite file)
    away from the session's app, which may run on PostgreSQL.
    """

    def invoke(*args: str, input: str | None = None) -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            input=input,
            capture_output=True,
            text=True,
            timeout=120,
            env=os.environ.copy(),
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return invoke


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(sql).fetchall()


def test_migrate_applies_the_migrations_once(database: Path, run: Any) -> None:
    first = run("migrate")
    assert first.exit_code == 0, first.output
    assert "models.0001_initial" in first.output
    applied = rows(database, "SELECT name FROM tortoise_migrations")
    assert len(applied) >= 1

    second = run("migrate")
    assert second.exit_code == 0, second.output
    assert "0001_initial" not in second.output
    assert f"共 {len(applied)} 个迁移" in second.output
    assert rows(database, "SELECT name FROM tortoise_migrations") == applied


def test_createuser_creates_an_account_and_refuses_a_duplicate(database: Path, run: Any) -> None:
    created = run(
        "createuser", "admin", "--role", "organizer", "--password", "keeper-of-the-fair-7"
    )
    assert created.exit_code == 0, created.output
    assert "admin" in created.output
    stored = rows(database, "SELECT username, role, password_hash FROM account")
    assert [(u, r) for u, r, _ in stored] == [("admin", "ORGANIZER")]
    assert stored[0][2].startswith("$argon2")

    duplicate = run(
        "createuser", "admin", "--role", "ORGANIZER", "--password", "another-keeper-pass-8"
    )
    assert duplicate.exit_code == 1
    assert "用户名已被使用" in duplicate.stderr
    assert len(rows(database, "SELECT id FROM account")) == 1


def test_createuser_prompts_for_the_password_twice(database: Path, run: Any) -> None:
    result = run(
        "createuser",
        "keeper",
        "--role",
        "ORGANIZER",
        input="keeper-of-the-fair-7\nkeeper-of-the-fair-7\n",
    )
    assert result.exit_code == 0, result.output
    assert "keeper-of-the-fair-7" not in result.output  # hidden input is not echoed
    assert rows(database, "SELECT username FROM account") == [("keeper",)]


def test_createuser_reports_every_problem_on_stderr(database: Path, run: Any) -> None:
    result = run("createuser", "x", "--role", "ORGANIZATION", "--password", "short")
    assert result.exit_code == 1
    for field in ("username", "password", "organization"):
        assert f"({field})" in result.stderr
    assert rows(database, "SELECT id FROM account") == []


def test_seed_demo_prints_counts(database: Path, run: Any) -> None:
    result = run("seed", "--scale", "demo")
    assert result.exit_code == 0, result.output
    [(projects,)] = rows(database, "SELECT count(*) FROM project")
    assert projects > 0
    # The count table: one "table  count" line per seeded table.
    lines = {line.split()[0]: line.split()[-1] for line in result.output.splitlines() if line}
    assert lines["project"].replace(",", "") == str(projects)
    assert lines["account"] == str(len(DEMO_ACCOUNTS))
    assert "elapsed" in result.output


def test_serve_refuses_several_workers_on_sqlite(database: Path, run: Any) -> None:
    result = run("serve", "--workers", "2")
    assert result.exit_code == 2
    assert "SQLite" in result.stderr
    assert "SHEQIA_DATABASE_URL" in result.stderr
    assert not database.exists()  # refused before touching the database


FAIR_QUERY = "{ fair { name isOpen stats { projectCount } } }"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_demo(port: int) -> tuple[subprocess.Popen[str], str]:
    """Starts ``sheqia serve --demo``, waits until it answers, returns it and its output."""
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server, ""
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise AssertionError(f"the server did not answer: {server.communicate()[0]}")


def stop(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGINT)
    output, _ = server.communicate(timeout=30)
    return output


def test_serve_demo_serves_the_demo_fair(database: Path) -> None:
    # Given an empty database, when `sheqia serve --demo` starts,
    # then it prints the demo accounts and URLs and the fair-hall data answers.
    port = free_port()
    server, _ = serve_demo(port)
    try:
        answer = httpx.post(
            f"http://127.0.0.1:{port}/graphql", json={"query": FAIR_QUERY}, timeout=10
        ).json()
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=10)
    finally:
        output = stop(server)
    assert answer["data"]["fair"]["isOpen"] is True
    assert answer["data"]["fair"]["stats"]["projectCount"] > 0
    assert page.status_code == 200
    for account in DEMO_ACCOUNTS:
        assert account.username in output
        assert account.password in output
    assert f"http://127.0.0.1:{port}/graphql" in output

    # A second start finds the fair there and loads nothing more.
    projects = rows(database, "SELECT count(*) FROM project")
    server, _ = serve_demo(port)
    again = stop(server)
    assert "loading" not in again
    assert rows(database, "SELECT count(*) FROM project") == projects


def test_missing_sqlite_directory_is_a_message(
    tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEQIA_DATABASE_URL", f"sqlite://{tmp_path}/missing/x.db")
    result = run("migrate")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(("flags", "deflate"), [((), False), (("--ws-compression",), True)])
def test_serve_leaves_websocket_compression_off_unless_asked(
    database: Path, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], deflate: bool
) -> None:
    # Given serve with its database work and the server itself stood in for
    import uvicorn
    from click.testing import CliRunner

    from api.cli import serving

    started: dict[str, Any] = {}
    monkeypatch.setattr(serving, "run", lambda settings, work: [])
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.update(kwargs))
    # When it is started with or without --ws-compression
    result = CliRunner().invoke(serving.serve, list(flags))
    # Then the server compresses WebSocket messages only when asked to
    assert result.exit_code == 0, result.output
    assert started["ws_per_message_deflate"] is deflate
