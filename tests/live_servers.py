"""Real processes for the live tests: ``sheqia serve`` under uvicorn, a redis-server of the
test's own, and a PostgreSQL database of their own.

Everything here is started by the test and stopped by it, on free ports: a Redis the
machine already runs is never touched, so a test may kill and restart its own. What a
test needs and cannot find (redis-server, PostgreSQL) skips it with the reason, except
under CI (``CI`` set), where it fails: CI must never skip these tests silently.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
# Migrating and loading the demo fair takes a while on a busy machine.
START_SECONDS = 120
STOP_SECONDS = 30


def unavailable(reason: str) -> NoReturn:
    """Skip with the reason; under CI fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"live worker tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"live worker tests skipped: {reason}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGINT) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- sheqia serve ----------------------------------------------------------------------


@dataclass
class Server:
    """One ``sheqia serve`` process (which may run several uvicorn workers)."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        _stop(self.process)


def serve(args: Sequence[str], env: Mapping[str, str], log: Path) -> Server:
    """``python -m api.cli serve --port <free> *args`` with ``env`` added to this process's
    environment; returns once /healthz answers, fails the test with the log otherwise."""
    port = free_port()
    # One test makes more changes a minute than the rate limits let one person make.
    env = {"SHEQIA_RATE_LIMITS": "off", **env}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *args],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, log)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if httpx.get(f"{server.base}/healthz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            pytest.fail(f"the server did not start:\n{server.output()}", pytrace=False)
        time.sleep(0.2)


# --- redis-server ----------------------------------------------------------------------


@dataclass
class RedisServer:
    """A redis-server on a port of its own, without persistence: killing it loses all."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("no redis-server on PATH (apt-get install redis-server)")
        # No snapshot, no append-only file: it comes back from a kill empty.
        ephemeral = ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", *ephemeral],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}", pytrace=False)
            time.sleep(0.05)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as link:
                link.sendall(b"PING\r\n")
                return link.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """Dies at once, as on a crash: no goodbye to its clients."""
        if self.process is not None:
            _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process, signal.SIGTERM)


# --- two servers and a broker ---------------------------------------------------------


@dataclass
class Pair:
    """Servers A and B on one database, with the broker between them."""

    a: Server
    b: Server
    database: str
    redis: RedisServer | None


@contextlib.contextmanager
def serve_pair(database: str, with_redis: bool, folder: Path) -> Iterator[Pair]:
    """A (which loads the demo fair when the database has none) and B, one after the
    other so that they do not both migrate at once; their broker is a redis-server of
    their own, or else the database (LISTEN/NOTIFY)."""
    redis = RedisServer() if with_redis else None
    started: list[Server] = []
    try:
        if redis is not None:
            redis.start()
        broker = redis.url if redis is not None else database
        env = {"SHEQIA_DATABASE_URL": database, "SHEQIA_BROKER_URL": broker}
        started.append(serve(["--demo"], env, folder / "a.log"))
        started.append(serve([], env, folder / "b.log"))
        yield Pair(started[0], started[1], database, redis)
    finally:
        for server in started:
            server.stop()
        if redis is not None:
            redis.stop()


# --- PostgreSQL ------------------------------------------------------------------------


def postgres_url() -> str:
    """``SHEQIA_TEST_DATABASE_URL`` when it names PostgreSQL.

    Without it the suite is on its SQLite leg and these tests wait for the PostgreSQL leg
    (CI runs both): a skip with that reason. A PostgreSQL named but not answering is
    ``unavailable`` (a failure under CI).
    """
    url = os.environ.get("SHEQIA_TEST_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL leg: set SHEQIA_TEST_DATABASE_URL to a PostgreSQL database")
    return url


def _driver(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def sibling_database(url: str, suffix: str) -> str:
    """The URL of ``<test database>_<suffix>`` on the same server."""
    parts = urlsplit(url)
    return urlunsplit(("postgres", parts.netloc, f"{parts.path}_{suffix}", "", ""))


async def fresh_database(url: str, next_to: str) -> None:
    """Create the database of ``url`` (through the existing database ``next_to``) if it is
    missing, and empty its ``public`` schema.

    The servers get a database of their own, next to the test database: the test session
    wipes and fills that one, and the servers' demo fair must not meet its rows.
    """
    name = urlsplit(url).path.lstrip("/")
    try:
        admin = await asyncpg.connect(_driver(next_to), timeout=10)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable(f"PostgreSQL does not answer: {exc}")
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    link = await asyncpg.connect(_driver(url), timeout=10)
    try:
        await link.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await link.close()


async def terminate_backends(url: str, application_name: str) -> int:
    """Terminate the connections of ``application_name`` to this database (others' tests
    on other databases keep theirs); how many there were."""
    link = await asyncpg.connect(_driver(url), timeout=10)
    try:
        return int(
            await link.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = $1 AND datname = current_database()"
                " AND pid <> pg_backend_pid()",
                application_name,
            )
        )
    finally:
        await link.close()
