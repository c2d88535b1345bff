"""The live board (大屏) and the hall follow the fair as it happens, in a real browser.

The board and the hall are opened by an anonymous visitor; the test then acts through the
API as the demo organization and the organizer (claim, award, pay), and the pages change
without a reload: a marker set on each page's ``window`` before the events is still there
afterwards. Only Playwright's auto-waiting expectations wait; nothing sleeps.

The subscription is in place a moment after the connection is acknowledged (the server
opens its feed when the subscribe message arrives); the test logs in only after the page
shows it is connected, so the claim comes well after that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, graphql

ORGANIZATION = ("org", "demo-org-2026")
ORGANIZER = ("organizer", "sheqia-organizer")
SOCIAL_WORKERS = 6  # of the demo organization
RECONNECT_MS = 30_000  # the client's first retry comes after 1–2 s; generous for slow CI
CONNECTED = "实时连接中"
RECONNECTING = "已断开，正在重连……"

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { token errors { code message } }
}"""

CLAIM = """
mutation Claim($project: ID!, $bid: BidInput!) {
  claimProject(project: $project, bid: $bid) { bid { amount } errors { code message } }
}"""

AWARD = """
mutation Award($project: ID!) {
  awardProject(project: $project) { award { amount } errors { code message } }
}"""

PAY = """
mutation Pay($project: ID!, $tranche: Int!, $reference: String!) {
  recordPayment(project: $project, tranche: $tranche, reference: $reference) {
    payment { amount } errors { code message }
  }
}"""

OPEN_DIRECT = """
query OpenDirect {
  fair { projects(first: 100, filter: {procurement: DIRECT, status: [PUBLISHED]}) {
    edges { node { id title budget serviceClass minSocialWorkers } } } }
}"""


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    budget: Decimal
    service_class: str
    min_social_workers: int


@pytest.fixture(scope="module")
def target(server: str) -> Target:
    """An open DIRECT project the demo organization may claim, with a title of its own.

    The last such project of the page: the walkthrough takes the first, and either may run
    first on the shared server."""
    nodes = [e["node"] for e in graphql(server, OPEN_DIRECT)["fair"]["projects"]["edges"]]
    titles = [n["title"] for n in nodes]
    for node in reversed(nodes):
        if node["minSocialWorkers"] <= SOCIAL_WORKERS and titles.count(node["title"]) == 1:
            return Target(
                node["id"],
                node["title"],
                Decimal(node["budget"]),
                node["serviceClass"],
                node["minSocialWorkers"],
            )
    raise AssertionError("the demo fair has no claimable DIRECT project")


def act(base: str, token: str, document: str, variables: dict[str, Any], field: str) -> Any:
    """A mutation as a signed-in account (bearer token); fails the test on any error."""
    response = httpx.post(
        f"{base}/graphql",
        json={"query": document, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body["errors"]
    payload = body["data"][field]
    assert payload["errors"] == [], payload["errors"]
    return payload


def log_in(base: str, username: str, password: str) -> str:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": LOGIN, "variables": {"username": username, "password": password}},
        timeout=30,
    )
    payload = response.json()["data"]["login"]
    assert payload["errors"] == [], payload["errors"]
    return str(payload["token"])


def yuan(amount: Decimal) -> str:
    """As the pages write money: ¥1,234,567.80."""
    return f"¥{amount.quantize(Decimal('0.01')):,}"


def money(text: str) -> Decimal:
    """'¥1,234.50' → Decimal('1234.50')"""
    return Decimal(text.replace("¥", "").replace(",", ""))


def total(page: Any, key: str) -> Any:
    return page.locator(f"[data-total='{key}'] dd")


def committed_in_class(page: Any, service_class: str) -> Any:
    """The exact money committed in one service class (the chart's figures as a table)."""
    return page.locator(f".board-chart tr[data-class='{service_class}'] td.money").first


def count_requests(page: Any) -> list[str]:
    """Collects the page's GraphQL requests over HTTP from now on (the socket is not one)."""
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/graphql") else None)
    return sent


def mark(page: Any) -> None:
    """Leaves a marker on the page that a reload would wipe."""
    page.evaluate("() => { window.__notReloaded = true; }")


def not_reloaded(page: Any) -> bool:
    return bool(page.evaluate("() => window.__notReloaded === true"))


def test_board_and_hall_follow_claim_award_and_payment_and_reconnect(
    open_page: Any, server: str, target: Target
) -> None:
    # Given an anonymous visitor with the board open, and the hall open on the project,
    board_watch = open_page({"width": 1920, "height": 1080})
    board = board_watch.open("/board")
    live = board.locator(".board .live-state")
    expect(live).to_have_text(CONNECTED)
    hall_watch = open_page()
    hall = hall_watch.open(f"/hall?q={quote(target.title)}")
    card = hall.locator(f"article.project-card[data-project-id='{target.id}']")
    expect(card.locator(".bid-count")).to_have_text("尚无认领")
    expect(hall.locator(".live-state")).to_contain_text(CONNECTED)
    claimed = int(total(board, "claimed").inner_text())
    bids = int(total(board, "bids").inner_text().replace(",", ""))
    awarded = int(total(board, "awarded").inner_text())
    committed = money(total(board, "committed").get_attribute("title") or "")
    in_class = money(committed_in_class(board, target.service_class).inner_text())
    for page in (board, hall):
        mark(page)
    board_requests, hall_requests = count_requests(board), count_requests(hall)
    board_watch.shot("board-before")

    # when the demo organization claims the DIRECT project through the API,
    organization = log_in(server, *ORGANIZATION)
    offer = (target.budget * Decimal("0.9")).quantize(Decimal("0.01"))
    bid = {
        "amount": str(offer),
        "managementFee": str((offer / 20).quantize(Decimal("0.01"))),
        "socialWorkers": max(target.min_social_workers, 2),
        "plan": "需求评估、入户探访、小组活动与成效评估，按季度向社区报告。",
    }
    act(server, organization, CLAIM, {"project": target.id, "bid": bid}, "claimProject")

    # then the board shows the claim at the top of its events, without the claimant's
    # name (the public does not see bidders), and its totals count it,
    latest = board.locator(".event-list li").first
    expect(latest).to_contain_text(target.title)
    expect(latest.locator(".event-kind")).to_have_text("认领")
    expect(total(board, "claimed")).to_have_text(str(claimed + 1))
    expect(total(board, "bids")).to_have_text(f"{bids + 1:,}")
    assert "南京市秦淮区同心社会工作服务中心" not in latest.inner_text()
    # and the hall's card of the project shows it taken, both without a reload.
    expect(card.locator(".bid-count")).to_have_text("已被认领")
    expect(card.locator(".badge").first).to_have_text("已认领")
    assert not_reloaded(board) and not_reloaded(hall)
    # The event itself brought the change: neither page asked the server again.
    assert board_requests == [] and hall_requests == []
    board_watch.shot("board-claimed")

    # When the board's socket drops,
    board.evaluate("() => window.__sheqiaLive.close()")
    # then it says so, and comes back by itself;
    expect(live).to_have_text(RECONNECTING)
    organizer = log_in(server, *ORGANIZER)
    # an award made meanwhile (while down, or just after) is counted once it is back,
    award = act(server, organizer, AWARD, {"project": target.id}, "awardProject")["award"]
    amount = Decimal(award["amount"])
    assert amount == offer
    expect(live).to_have_text(CONNECTED, timeout=RECONNECT_MS)
    expect(total(board, "awarded")).to_have_text(str(awarded + 1))
    expect(total(board, "claimed")).to_have_text(str(claimed))
    expect(total(board, "committed")).to_have_attribute("title", yuan(committed + amount))
    expect(committed_in_class(board, target.service_class)).to_have_text(yuan(in_class + amount))
    expect(card.locator(".badge").first).to_have_text("已立项")

    # and what happens next arrives live again: the first tranche paid.
    payment = act(
        server,
        organizer,
        PAY,
        {"project": target.id, "tranche": 1, "reference": "ZF-LIVE-0001"},
        "recordPayment",
    )["payment"]
    latest = board.locator(".event-list li").first
    expect(latest.locator(".event-kind")).to_have_text("拨付")
    expect(latest).to_contain_text(target.title)
    expect(latest).to_contain_text(yuan(Decimal(payment["amount"])))
    expect(latest).to_contain_text("南京市秦淮区同心社会工作服务中心")  # awards are public
    expect(card.locator(".badge").first).to_have_text("实施中")  # signed and first paid
    assert not_reloaded(board) and not_reloaded(hall)
    paid = total(board, "paid")
    expect(paid).not_to_have_text("0.00")
    assert money(paid.get_attribute("title") or "") >= Decimal(payment["amount"])
    board_watch.shot("board-live")


def test_board_is_readable_on_a_phone_and_linked(open_page: Any) -> None:
    # Given a phone 360 px wide, when the board opens from the main navigation,
    watched = open_page(PHONE)
    page = watched.open("/hall")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="实时大屏").click()
    expect(page.locator(".board .live-state")).to_have_text(CONNECTED)
    expect(page.get_by_role("heading", level=1)).to_contain_text("洽谈会")
    # then its totals, events and chart fit the width,
    expect(page.locator(".board-totals dd")).to_have_count(6)
    page.locator(".board-canvas canvas").wait_for()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the board is {overflow}px too wide for a phone"
    # and the event list is announced politely to screen readers.
    assert page.locator(".event-list").get_attribute("aria-live") == "polite"
    watched.shot("board-phone")
    # The statistics page links to it too.
    stats = watched.open("/stats")
    stats.get_by_role("link", name="打开实时大屏").click()
    expect(stats.locator(".board .live-state")).to_have_text(CONNECTED)
