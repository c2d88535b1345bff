"""The brokers that carry fair events between workers, on real Redis and PostgreSQL.

Two brokers in one process stand for two workers: what one publishes, both deliver. A
private ``redis-server`` is started for the restart tests, so the machine's own Redis is
never touched.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import asyncpg
import pytest
import pytest_asyncio

from api.live.brokers import LocalBroker, open_broker
from api.live.events import EventKind, FairEvent
from api.live.links import LinkedBroker
from api.live.postgres_broker import APPLICATION_NAME, PostgresBroker, driver_dsn
from api.live.redis_broker import RedisBroker
from tests.conftest import DATABASE_URL

IN_CI = bool(os.environ.get("CI"))
DEADLINE = 15.0


def _event(project_id: int) -> FairEvent:
    return FairEvent(EventKind.CLAIMED, datetime.now(UTC), 1, project_id, 1, 1)


class Worker:
    """A broker with the events it delivered, as one worker would see them."""

    def __init__(self, broker_class: type[LinkedBroker], url: str, namespace: str) -> None:
        self.received: list[FairEvent] = []
        args = (url, self.received.append) + ((namespace,) if broker_class is RedisBroker else ())
        self.broker = broker_class(*args)  # type: ignore[arg-type]

    async def projects(self, count: int) -> list[int]:
        """The project ids of the first ``count`` events, waiting for them to arrive."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE
        while len(self.received) < count and loop.time() < deadline:
            await asyncio.sleep(0.02)
        return [e.project_id for e in self.received]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A private redis-server that the test may kill and start again on the same port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if IN_CI:
                pytest.fail("redis-server is needed for the broker restart tests")
            pytest.skip("redis-server not installed")
        self.binary = binary
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            self.process.wait(0.0) if self.process.poll() is not None else None
            import time

            time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.kill()


@pytest_asyncio.fixture
async def redis_workers(redis_server: RedisServer) -> AsyncIterator[tuple[Worker, Worker]]:
    workers = (
        Worker(RedisBroker, redis_server.url, "t"),
        Worker(RedisBroker, redis_server.url, "t"),
    )
    for w in workers:
        await w.broker.start()
    yield workers
    for w in workers:
        await w.broker.stop()


async def test_an_event_published_by_one_worker_reaches_every_worker_once(redis_workers):
    a, b = redis_workers
    # When worker B publishes three events,
    for project in (1, 2, 3):
        await b.broker.publish(_event(project))
    # then A and B each deliver all three, once, in order.
    assert await a.projects(3) == [1, 2, 3]
    assert await b.projects(3) == [1, 2, 3]
    await asyncio.sleep(0.1)
    assert len(a.received) == 3


async def test_deployments_sharing_a_redis_do_not_hear_each_other(redis_server):
    # Given two brokers of different databases on one Redis,
    mine = Worker(RedisBroker, redis_server.url, "one")
    theirs = Worker(RedisBroker, redis_server.url, "two")
    for w in (mine, theirs):
        await w.broker.start()
    try:
        # when the other deployment publishes, then only it delivers.
        await theirs.broker.publish(_event(9))
        assert await theirs.projects(1) == [9]
        await asyncio.sleep(0.2)
        assert mine.received == []
    finally:
        for w in (mine, theirs):
            await w.broker.stop()


async def test_events_after_a_redis_restart_still_arrive(redis_server, redis_workers):
    a, b = redis_workers
    await b.broker.publish(_event(1))
    assert await a.projects(1) == [1]
    # When Redis dies and an event is published while it is down,
    redis_server.kill()
    await b.broker.publish(_event(2))
    # and Redis comes back,
    redis_server.start()
    await _until_listening(a, b)
    await b.broker.publish(_event(3))
    # then the held event and the later ones reach the other worker, in order.
    assert await a.projects(3) == [1, 2, 3]


async def _until_listening(*workers: Worker) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DEADLINE
    while loop.time() < deadline:
        if all(w.broker.listening.is_set() for w in workers):
            return
        await asyncio.sleep(0.05)
    raise AssertionError("brokers did not reconnect")


# --- PostgreSQL LISTEN/NOTIFY -----------------------------------------------------------

postgres = pytest.mark.postgres


@pytest.fixture
def postgres_url() -> str:
    if DATABASE_URL.startswith("sqlite"):
        # CI runs the suite again on PostgreSQL, where this test runs (and fails loudly if
        # the database is unreachable).
        pytest.skip("PostgreSQL leg: set SHEQIA_TEST_DATABASE_URL to a PostgreSQL database")
    return DATABASE_URL


@postgres
async def test_postgres_notify_reaches_every_worker_and_survives_a_dropped_listener(postgres_url):
    a, b = Worker(PostgresBroker, postgres_url, ""), Worker(PostgresBroker, postgres_url, "")
    for w in (a, b):
        await w.broker.start()
    try:
        await b.broker.publish(_event(1))
        assert await a.projects(1) == [1]
        # When the database drops the listening connections (a restart, a failover),
        await _terminate_listeners(postgres_url)
        await asyncio.sleep(0.2)
        await _until_listening(a, b)
        await b.broker.publish(_event(2))
        # then events after it still arrive.
        assert await a.projects(2) == [1, 2]
    finally:
        for w in (a, b):
            await w.broker.stop()


async def _terminate_listeners(url: str) -> None:
    link = await asyncpg.connect(driver_dsn(url))
    try:
        killed = await link.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = $1 AND pid <> pg_backend_pid()",
            APPLICATION_NAME,
        )
        assert killed >= 2
    finally:
        await link.close()


def test_the_broker_is_chosen_by_its_url():
    assert isinstance(open_broker(None, print), LocalBroker)
    assert isinstance(open_broker("memory://", print), LocalBroker)
    assert isinstance(open_broker("redis://127.0.0.1:6379/0", print), RedisBroker)
    assert isinstance(open_broker("postgres://u@h:5432/d", print), PostgresBroker)
    with pytest.raises(ValueError, match="amqp"):
        open_broker("amqp://guest@localhost", print)
