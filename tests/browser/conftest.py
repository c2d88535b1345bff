"""Browser tests: the real server in a subprocess, Debian's Chromium driven by Playwright.

The server is ``python -m api.cli serve --demo`` on a free port with a SQLite file of its
own, exactly what a newcomer runs. Chromium is the system's (``/usr/bin/chromium``;
``SHEQIA_CHROMIUM`` names another). Without Chromium or Playwright the tests are skipped
with the reason, except when ``CI`` is set: there they fail, so CI never skips them.

Every page a test opens is watched: any error in the browser console, an uncaught
exception or a failed request fails the test. Screenshots go to
``tests/browser/screenshots/`` (git-ignored); the run prints the folder.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = Path(os.environ.get("SHEQIA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
SERVER_START_SECONDS = 120


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks the browser tests and runs them after all others: Playwright's synchronous API
    keeps its own event loop running from its first use to the end of the session, where
    the other tests' asyncio loop could not run."""
    here = Path(__file__).resolve().parent
    browser_tests = [i for i in items if here in Path(str(i.path)).resolve().parents]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    others = [i for i in items if i not in browser_tests]
    items[:] = others + browser_tests


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keeps each phase's report on the test, so fixtures can tell that the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


SHOTS_TAKEN: list[Path] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SHOTS_TAKEN:
        terminalreporter.write_line(f"browser screenshots ({len(SHOTS_TAKEN)}): {SCREENSHOTS}")


def _unavailable(reason: str) -> None:
    """Skip with the reason; in CI (``CI`` set) fail instead — CI must run these tests."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(
            f"no Chromium at {CHROMIUM} (apt-get install chromium, or set SHEQIA_CHROMIUM)"
        )
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_api: Any) -> Iterator[Any]:
    for old in SCREENSHOTS.glob("*.png"):  # this run's screenshots only
        old.unlink()
    browser = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server(playwright_api: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sheqia serve --demo`` on a fresh SQLite file; yields its base URL."""
    database = tmp_path_factory.mktemp("browser") / "sheqia.db"
    port = _free_port()
    env = {**os.environ, "SHEQIA_DATABASE_URL": f"sqlite://{database}"}
    log = database.with_suffix(".log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            output = database.with_suffix(".log").read_text()
            pytest.fail(f"the server did not start:\n{output}", pytrace=False)
        time.sleep(0.25)
    yield base
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@dataclass
class Watched:
    """A page and what went wrong on it: console errors, exceptions, failed requests."""

    page: Any
    base: str
    problems: list[str] = field(default_factory=list)

    def open(self, route: str) -> Any:
        self.page.goto(f"{self.base}/#{route}")
        return self.page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        SHOTS_TAKEN.append(path)
        return path


@pytest.fixture
def open_page(
    browser: Any, server: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Watched]]:
    """Opens pages in fresh browser contexts (a logged-out visitor each) and, after the test,
    fails it if any page logged a console error, threw, or had a request fail. A failed
    test leaves a screenshot of each of its pages (failed-<test>-<n>.png)."""
    contexts: list[Any] = []
    watched: list[Watched] = []

    def make(viewport: dict[str, int] | None = None) -> Watched:
        context = browser.new_context(
            viewport=viewport or LAPTOP, locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        item = Watched(page, server)

        def on_console(message: Any) -> None:
            if message.type == "error":
                item.problems.append(f"console error: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: item.problems.append(f"page error: {error}"))
        page.on(
            "requestfailed",
            lambda request: item.problems.append(
                f"request failed: {request.url} {request.failure}"
            ),
        )
        watched.append(item)
        return item

    yield make
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for n, item in enumerate(watched):
            item.shot(f"failed-{request.node.name}-{n}")
    problems = [problem for item in watched for problem in item.problems]
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def graphql(base: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """A GraphQL request from the test itself (to find data, never to act for the page)."""
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables or {}}, timeout=30
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    return body["data"]
