"""Withdrawing a project, changing its supervisor and reading an organization's record
across fairs, in the browser on a laptop and on a 390 px phone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import graphql

PHONE_390 = {"width": 390, "height": 844}
HORIZONTAL_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"
ORGANIZER = ("organizer", "sheqia-organizer")
PUBLISHER = ("publisher", "demo-publisher-2026")
ORGANIZATION = ("org", "demo-org-2026")
REASON = "社区需求已由街道自办服务覆盖，本届撤回。"

OPEN_COMPETITIVE = """
{ fair { projects(first: 100, filter: {procurement: COMPETITIVE, status: [PUBLISHED]}) {
    edges { node { id title budget minSocialWorkers } } } } }
"""
RUNNING = """
{ fair(edition: 5) { projects(first: 50, filter: {status: [IN_DELIVERY]}) {
    edges { node { id title supervisor { id name } } } } } }
"""
DEMO_ORGANIZATION = (
    '{ organizations(first: 1, filter: {search: "同心"}) { edges { node { id name } } } }'
)
LOGIN = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
BID = """
mutation($project: ID!, $bid: BidInput!) { claimProject(project: $project, bid: $bid) { errors { code } } }
"""


def log_in(watched: Any, username: str, password: str) -> Any:
    page = watched.open("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    return page


def settle(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.state-loading')")


def api_as(server: str, account: tuple[str, str], query: str, variables: dict) -> dict:
    """A request as a demo account (to set the scene, never to act for the page)."""
    login = httpx.post(
        f"{server}/graphql",
        json={"query": LOGIN, "variables": {"u": account[0], "p": account[1]}},
        timeout=30,
    ).json()
    token = login["data"]["login"]["token"]
    body = httpx.post(
        f"{server}/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert "errors" not in body, body
    return body["data"]


@pytest.fixture(scope="module")
def bid_on(server: str) -> dict[str, str]:
    """An open COMPETITIVE project, from the end of the list so other tests' first picks
    stay open, with a bid of the demo organization on it."""
    nodes = [e["node"] for e in graphql(server, OPEN_COMPETITIVE)["fair"]["projects"]["edges"]]
    node = [n for n in nodes if n["minSocialWorkers"] <= 2][-1]
    offer = {"amount": "10000.00", "managementFee": "500.00", "socialWorkers": 2, "plan": "方案"}
    done = api_as(server, ORGANIZATION, BID, {"project": node["id"], "bid": offer})
    assert done["claimProject"]["errors"] == []
    return node


@pytest.mark.parametrize("viewport", [None, PHONE_390], ids=["laptop", "phone-390"])
def test_the_organizer_changes_a_supervisor_from_the_engines_alternatives(
    open_page: Any, server: str, viewport: dict | None
) -> None:
    # Given a project in delivery with its supervisor, and the organizer on its page,
    edges = graphql(server, RUNNING)["fair"]["projects"]["edges"]
    project = edges[0 if viewport is None else 1]["node"]
    watched = open_page(viewport)
    log_in(watched, *ORGANIZER)
    page = watched.open(f"/project/{project['id']}")
    page.get_by_role("heading", level=1, name=project["title"]).wait_for()
    # when the alternatives are asked for, they come with fit and reasons, best first;
    page.get_by_role("button", name="更换督导").click()
    page.locator(".candidate").first.wait_for()
    first = page.locator(".candidate").first
    assert "匹配度" in first.inner_text() and "在督" in first.inner_text()
    chosen = first.locator("strong").inner_text()
    assert chosen != project["supervisor"]["name"]
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0
    watched.shot(f"reassign-candidates-{'phone' if viewport else 'laptop'}")
    # and when the first is confirmed with a reason, the project shows the new supervisor.
    page.get_by_label("更换理由").fill("原督导调往外区工作。")
    page.get_by_role("button", name="确认更换").click()
    page.get_by_text("督导已更换。").wait_for()
    supervisor = page.locator("section[aria-labelledby='supervisor-title']")
    assert chosen in supervisor.inner_text()


def test_a_reason_is_required_to_change_a_supervisor(open_page: Any, server: str) -> None:
    project = graphql(server, RUNNING)["fair"]["projects"]["edges"][2]["node"]
    watched = open_page()
    log_in(watched, *ORGANIZER)
    page = watched.open(f"/project/{project['id']}")
    page.get_by_role("button", name="更换督导").click()
    page.locator(".candidate").first.wait_for()
    page.get_by_label("更换理由").fill("  ")
    page.get_by_role("button", name="确认更换").click()
    page.locator("#reassign-errors").get_by_text("请填写更换理由").wait_for()


def test_the_organizer_withdraws_a_project_and_the_bidder_sees_why(
    open_page: Any, bid_on: dict[str, str]
) -> None:
    # Given a competitive project with a bid, and the organizer on its page,
    watched = open_page()
    log_in(watched, *ORGANIZER)
    page = watched.open(f"/project/{bid_on['id']}")
    page.get_by_role("heading", level=1, name=bid_on["title"]).wait_for()
    # when it withdraws the project with a reason,
    page.get_by_role("button", name="撤回项目").click()
    assert "1 个投标将被解除" in page.locator(".withdraw-project").inner_text()
    page.get_by_label("撤回理由（公开，投标机构可见）").fill(REASON)
    page.get_by_role("button", name="确认撤回").click()
    # then the page says so, with the reason, and the bid is released with it.
    page.get_by_text("项目已撤回，投标已解除。").wait_for()
    assert REASON in page.locator(".withdrawn-card").inner_text()
    assert "项目已撤回：" in page.locator("tbody").inner_text()
    watched.shot("withdrawn-organizer")

    # The bidding organization, on its phone, sees the reason beside its released bid.
    phone = open_page(PHONE_390)
    mine = log_in(phone, *ORGANIZATION)
    phone.open("/me")
    settle(mine)
    row = mine.locator("tbody tr", has_text=bid_on["title"])
    assert REASON in row.inner_text()
    assert mine.evaluate(HORIZONTAL_OVERFLOW) <= 0
    phone.shot("withdrawn-bidder-phone")

    # And a visitor sees the project withdrawn, with the reason, and no way to claim it.
    visitor = open_page()
    page = visitor.open(f"/project/{bid_on['id']}")
    page.locator(".withdrawn-card").wait_for()
    assert REASON in page.locator(".withdrawn-card").inner_text()
    assert page.get_by_role("button", name="撤回项目").count() == 0


@pytest.mark.parametrize("viewport", [None, PHONE_390], ids=["laptop", "phone-390"])
def test_a_publisher_reads_an_organizations_record_across_fairs(
    open_page: Any, server: str, viewport: dict | None
) -> None:
    # Given the demo organization, with projects in two fairs,
    org = graphql(server, DEMO_ORGANIZATION)["organizations"]["edges"][0]["node"]
    watched = open_page(viewport)
    log_in(watched, *PUBLISHER)
    # when a publisher opens its page,
    page = watched.open(f"/organization/{org['id']}")
    page.get_by_role("heading", level=1, name=org["name"]).wait_for()
    settle(page)
    # then the record shows both fairs with their sums, a drawn chart, every project
    # with its scores and payments, and the credit record; nothing is wider than the screen.
    # (other browser tests may have awarded it a project of the open fair meanwhile: newest
    # first, the two past fairs are the last two lines).
    rows = page.locator(".record-table tbody tr")
    assert rows.count() >= 2
    assert "第五届" in rows.nth(-2).inner_text() and "第四届" in rows.nth(-1).inner_text()
    page.locator(".chart canvas").wait_for()
    projects = page.locator("section[aria-labelledby='record-projects-title']")
    assert projects.locator("li").count() >= 6
    assert "末期" in projects.inner_text()
    assert "评估通过" in page.locator("section[aria-labelledby='record-credit-title']").inner_text()
    assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0
    watched.shot(f"organization-record-{'phone' if viewport else 'laptop'}")


def test_a_visitor_sees_the_profile_but_not_the_record(open_page: Any, server: str) -> None:
    org = graphql(server, DEMO_ORGANIZATION)["organizations"]["edges"][0]["node"]
    watched = open_page()
    page = watched.open(f"/organization/{org['id']}")
    page.get_by_role("heading", level=1, name=org["name"]).wait_for()
    assert "履约记录仅主办方、发布单位和该机构本身可见" in page.inner_text("main")
    assert page.locator(".record-table").count() == 0


def test_the_organization_reaches_its_own_record_from_its_dashboard(open_page: Any) -> None:
    watched = open_page()
    page = log_in(watched, *ORGANIZATION)
    watched.open("/me")
    page.get_by_role("link", name="查看历年履约记录").click()
    page.get_by_role("heading", name="历年履约记录").wait_for()
    assert page.locator(".record-table tbody tr").count() >= 2
