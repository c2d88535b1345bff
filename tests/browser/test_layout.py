"""Every page of every role on a 390 px phone and a laptop: nothing wider than the screen,
no text squeezed into a column narrower than four characters (a title wrapping one
character per line), the hall's filters folded and its cards short on a phone.

With ``SHEQIA_README_SCREENSHOTS=1`` the hall, the bid form and the live board are also
saved to docs/screenshots/ for the README, so its pictures follow the pages."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.browser.conftest import LAPTOP, ROOT, graphql
from tests.browser.test_pages import HORIZONTAL_OVERFLOW, settle

PHONE_390 = {"width": 390, "height": 844}
README_SHOTS = ROOT / "docs" / "screenshots"

# Text of five characters or more that runs over two lines or more inside a column (its
# nearest block, table cell or flex item) narrower than four of its own characters: a
# title wrapping one character per line. Text merely wrapping at the end of a wide line
# is not caught: the column, not the fragment, is measured.
NARROW_TEXT = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if ([...text].length < 5) continue;
    const element = node.parentElement;
    if (!element || element.closest(".visually-hidden, option")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = [...range.getClientRects()].filter((r) => r.width > 0);
    if (new Set(lines.map((r) => Math.round(r.top))).size < 2) continue;
    let column = element;
    while (column.parentElement && getComputedStyle(column).display.startsWith("inline")) {
      column = column.parentElement;
    }
    const style = getComputedStyle(column);
    const width = column.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const em = parseFloat(getComputedStyle(element).fontSize);
    if (width < 4 * em) {
      found.push(`<${column.tagName.toLowerCase()} class="${column.className}"> ${text.slice(0, 24)} (${Math.round(width)} px)`);
    }
  }
  return found;
}"""

PROJECTS = """
query LayoutProjects {
  open: fair { projects(first: 1, filter: {status: [PUBLISHED]}) { edges { node { id } } } }
  bidding: fair { projects(first: 1, filter: {status: [BIDDING]}) { edges { node { id } } } }
  past: fair(edition: 5) {
    edition
    projects(first: 1, filter: {status: [IN_DELIVERY]}) { edges { node { id } } }
  }
}
"""

PUBLIC = ["/hall", "/project/{open}", "/project/{delivering}", "/results",
          "/results?edition={past}", "/stats", "/board", "/login", "/no-such-page"]
ROLES: dict[tuple[str, str], list[str]] = {
    ("org", "demo-org-2026"): ["/me", "/project/{open}", "/hall"],
    ("organizer", "sheqia-organizer"): [
        "/console/claims", "/console/publish", "/console/fair", "/console/supervisors",
        "/console/delivery", "/console/pools", "/console/audit",
        "/project/{bidding}", "/project/{delivering}",
    ],
    ("publisher", "demo-publisher-2026"): ["/console/claims", "/console/publish"],
    ("reviewer", "demo-reviewer-2026"): ["/review", "/project/{bidding}"],
    ("supervisor", "demo-supervisor-2026"): ["/supervise", "/project/{delivering}"],
}
WHO = [None, *ROLES]


@pytest.fixture(scope="module")
def ids(server: str) -> dict[str, str]:
    data = graphql(server, PROJECTS)

    def first(connection: dict[str, Any]) -> str:
        return str(connection["projects"]["edges"][0]["node"]["id"])

    return {
        "open": first(data["open"]),
        "bidding": first(data["bidding"]),
        "delivering": first(data["past"]),
        "past": str(data["past"]["edition"]),
    }


def log_in(watched: Any, username: str, password: str) -> Any:
    page = watched.open("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_label("密码").press("Enter")
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    return page


@pytest.mark.parametrize("size", [PHONE_390, LAPTOP], ids=["phone-390", "laptop"])
@pytest.mark.parametrize("who", WHO, ids=["public", *(a[0] for a in ROLES)])
def test_every_page_fits_and_reads(
    open_page: Any, ids: dict[str, str], who: tuple[str, str] | None, size: dict[str, int]
) -> None:
    # Given a visitor or an account of each role, on a phone and on a laptop,
    watched = open_page(size)
    if who is not None:
        log_in(watched, *who)
    for route in PUBLIC if who is None else ROLES[who]:
        # when each of their pages opens,
        page = watched.open(route.format(**ids))
        settle(page)
        # then nothing is wider than the screen,
        assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0, route
        # and no text is squeezed into a column narrower than four characters.
        assert page.evaluate(NARROW_TEXT) == [], route


def test_the_hall_on_a_phone_folds_its_filters_and_keeps_cards_short(open_page: Any) -> None:
    # Given the hall on a 390 px phone,
    watched = open_page(PHONE_390)
    page = watched.open("/hall")
    settle(page)
    # the search box is there, the other filters fold away behind one button,
    assert page.get_by_label("搜索项目").is_visible()
    assert not page.get_by_label("服务类别").is_visible()
    toggle = page.locator(".filters-toggle")
    toggle.click()
    assert page.get_by_label("服务类别").is_visible()
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.click()
    # and the first page of twelve cards is short: each card well under half a screen.
    cards = page.locator("article.project-card")
    assert cards.count() == 12
    heights = [cards.nth(i).bounding_box()["height"] for i in range(12)]
    assert max(heights) < PHONE_390["height"] / 2, heights
    first = cards.first.bounding_box()["y"]
    last = cards.nth(11).bounding_box()
    assert last["y"] + last["height"] - first < 12 * 300, heights
    watched.shot("hall-phone-390")


def _readme_shot(watched: Any, name: str, full_page: bool = False) -> None:
    watched.shot(name)
    if os.environ.get("SHEQIA_README_SCREENSHOTS"):
        README_SHOTS.mkdir(parents=True, exist_ok=True)
        watched.page.screenshot(path=str(README_SHOTS / f"{name}.png"), full_page=full_page)


def test_readme_screenshots_of_the_hall_the_bid_form_and_the_board(
    open_page: Any, ids: dict[str, str]
) -> None:
    # The hall as a visitor sees it on a laptop,
    watched = open_page(LAPTOP)
    page = watched.open("/hall")
    settle(page)
    page.locator("article.project-card").first.wait_for()
    _readme_shot(watched, "hall")
    # the bid form of an open project, for the demo organization,
    log_in(watched, "org", "demo-org-2026")
    page = watched.open(f"/project/{ids['open']}")
    settle(page)
    form = page.locator("form", has=page.get_by_label("报价（元）"))
    form.wait_for()
    page.get_by_label("管理费（元）").fill("4200.00")
    page.get_by_label("投入的持证专职社工（名）").fill("2")
    page.get_by_label("服务方案").fill("需求评估、专业小组、志愿者培育与成效评估四个阶段推进。")
    form.evaluate("(el) => el.closest('section').scrollIntoView({ block: 'start' })")
    _readme_shot(watched, "bid-form")
    # and the live board, which needs no login.
    page = watched.open("/board")
    settle(page)
    page.locator(".board-totals").wait_for()
    page.locator(".board-canvas canvas").wait_for()
    page.wait_for_timeout(1500)  # for the picture only: ECharts' bars grow in over a second
    _readme_shot(watched, "board")


@pytest.mark.parametrize(
    ("who", "workspace"),
    [(("reviewer", "demo-reviewer-2026"), "#/review"), (("supervisor", "demo-supervisor-2026"), "#/supervise")],
    ids=["reviewer", "supervisor"],
)
def test_logging_in_from_the_hall_lands_on_the_workspace(
    open_page: Any, who: tuple[str, str], workspace: str
) -> None:
    # Given a person on the public hall who follows the header's 登录 link,
    watched = open_page(PHONE_390)
    page = watched.open("/hall")
    settle(page)
    page.locator(".account-bar").get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill(who[0])
    page.get_by_label("密码").fill(who[1])
    page.get_by_label("密码").press("Enter")
    # when they log in, then they land on their own workspace, not back on the hall.
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    assert page.evaluate("location.hash") == workspace
