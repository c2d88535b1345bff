"""The ``sheqia`` command against a SQLite file of its own."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import tortoise.context
import uvicorn
from click.testing import CliRunner, Result

from api.cli import main
from seeds import DEMO_ACCOUNTS


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "x.db"
    monkeypatch.setenv("SHEQIA_DATABASE_URL", f"sqlite://{path}")
    return path


@pytest.fixture
def run() -> Iterator[Any]:
    """Invokes the command as its own process would see the ORM: untouched.

    The session's app holds Tortoise's global fallback context; the command opens its
    own. So the command runs in a fresh thread (fresh context variables, its own event
    loop) with the fallback set aside, and the app's is put back afterwards.
    """
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        saved = tortoise.context._global_context
        tortoise.context._global_context = None
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:
                return pool.submit(runner.invoke, main, list(args), input=input).result()
        finally:
            tortoise.context._global_context = saved

    yield invoke


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
    created = run("createuser", "admin", "--role", "organizer", "--password", "secret-123")
    assert created.exit_code == 0, created.output
    assert "admin" in created.output
    stored = rows(database, "SELECT username, role, password_hash FROM account")
    assert [(u, r) for u, r, _ in stored] == [("admin", "ORGANIZER")]
    assert stored[0][2].startswith("$argon2")

    duplicate = run("createuser", "admin", "--role", "ORGANIZER", "--password", "other-pass")
    assert duplicate.exit_code == 1
    assert "用户名已被使用" in duplicate.stderr
    assert len(rows(database, "SELECT id FROM account")) == 1


def test_createuser_prompts_for_the_password_twice(database: Path, run: Any) -> None:
    result = run("createuser", "keeper", "--role", "ORGANIZER", input="secret-123\nsecret-123\n")
    assert result.exit_code == 0, result.output
    assert "secret-123" not in result.output  # hidden input is not echoed
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


def test_serve_demo_loads_the_fair_then_hands_over_to_uvicorn(
    database: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append((a, kw)))

    result = run("serve", "--demo", "--port", "8123")
    assert result.exit_code == 0, result.output
    for account in DEMO_ACCOUNTS:
        assert account.username in result.output
        assert account.password in result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert "http://127.0.0.1:8123/graphql" in result.output
    assert rows(database, "SELECT count(*) FROM fair")[0][0] > 0
    [(args, kwargs)] = calls
    assert args == ("api.app:create_app",)
    assert kwargs["factory"] is True
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("127.0.0.1", 8123, 1)

    # A second start finds the fair there and loads nothing more.
    projects = rows(database, "SELECT count(*) FROM project")
    again = run("serve", "--demo", "--port", "8123")
    assert again.exit_code == 0, again.output
    assert "loading" not in again.output
    assert rows(database, "SELECT count(*) FROM project") == projects


def test_missing_sqlite_directory_is_a_message(
    tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHEQIA_DATABASE_URL", f"sqlite://{tmp_path}/missing/x.db")
    result = run("migrate")
    assert result.exit_code == 1
    assert "does not exist" in result.stderr
