"""Running ``sheqia`` in processes of its own and reading a fair off what it serves.

For the backup tests: each database is seeded, backed up, restored and served by the
command itself, so the session's app and database are never touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx

FAIR_DATA = """
query FairData($after: String) {
  fairs {
    edition name isOpen
    stats { projectCount totalBudget awardedCount awardedBudget
            byServiceClass { serviceClass projectCount budget } }
  }
  projects(first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id code budget status } }
  }
}
"""


@dataclass
class Result:
    exit_code: int
    output: str
    stderr: str


def sheqia(database_url: str, *args: str) -> Result:
    """Runs the command in its own process against ``database_url``."""
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "SHEQIA_DATABASE_URL": database_url},
    )
    return Result(done.returncode, done.stdout, done.stderr)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(*database_urls: str) -> Iterator[list[str]]:
    """``sheqia serve`` on free ports, one per database, started together; yields base URLs."""
    servers = []
    for url in database_urls:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "SHEQIA_DATABASE_URL": url},
        )
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        for process, base in servers:
            _wait_until_healthy(process, base)
        yield [base for _, base in servers]
    finally:
        for process, _ in servers:
            process.send_signal(signal.SIGINT)
        for process, _ in servers:
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def _wait_until_healthy(process: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90
    while process.poll() is None and time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"the server did not answer: {process.communicate()[0]}")


def fair_data(base: str) -> dict[str, Any]:
    """What the public sees: every fair with its stats, every project with its budget."""
    projects: list[dict[str, Any]] = []
    after = None
    while True:
        answer = httpx.post(
            f"{base}/graphql",
            json={"query": FAIR_DATA, "variables": {"after": after}},
            timeout=30,
        ).json()
        assert "errors" not in answer, answer
        page = answer["data"]["projects"]
        projects += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(projects) == page["totalCount"]
    return {"fairs": answer["data"]["fairs"], "projects": projects}


def served_fairs(*database_urls: str) -> list[dict[str, Any]]:
    """The fair data as served from each database, the servers running side by side."""
    with serving(*database_urls) as bases:
        return [fair_data(base) for base in bases]
