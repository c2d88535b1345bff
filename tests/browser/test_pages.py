"""Every page in the browser: a 360 px phone, the keyboard, labelled controls, no console
errors (the ``open_page`` fixture fails a test on any), and the English switch."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, graphql

UNLABELLED_CONTROLS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter((el) => el.type !== 'hidden')
  .filter((el) => !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`))
    || el.closest('label')))
  .map((el) => el.outerHTML.slice(0, 160))"""

HORIZONTAL_OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"

ROLE_PAGES = {
    ("org", "demo-org-2026"): ["/me", "/project/{project}"],
    ("organizer", "sheqia-organizer"): [
        "/console/claims",
        "/console/publish",
        "/console/fair",
        "/console/supervisors",
        "/console/delivery",
        "/console/pools",
        "/console/audit",
        "/project/{project}",
    ],
    ("publisher", "demo-publisher-2026"): ["/console/claims", "/console/publish"],
    ("reviewer", "demo-reviewer-2026"): ["/review"],
    ("supervisor", "demo-supervisor-2026"): ["/supervise"],
}
PUBLIC_PAGES = ["/hall", "/project/{project}", "/results", "/stats", "/login", "/no-such-page"]


@pytest.fixture(scope="module")
def project(server: str) -> str:
    """An open project of the current fair."""
    data = graphql(
        server,
        "{ fair { projects(first: 1, filter: {status: [PUBLISHED]}) { edges { node { id } } } } }",
    )
    return str(data["fair"]["projects"]["edges"][0]["node"]["id"])


def settle(page: Any) -> None:
    """Waits until the page has its data: no request in flight, no loading state left."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('.state-loading')")


def test_pages_fit_a_360px_phone(open_page: Any, project: str) -> None:
    # Given a phone 360 px wide,
    watched = open_page(PHONE)
    for route, name in [
        ("/hall", "hall-phone"),
        (f"/project/{project}", "project-phone"),
        ("/results", "results-phone"),
        ("/stats", "stats-phone"),
        ("/login", "login-phone"),
    ]:
        # when each public page opens,
        page = watched.open(route)
        settle(page)
        # then nothing is wider than the screen: no horizontal scrolling.
        assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0, route
        watched.shot(name)
    # The hall's cards and filters are there, one column wide.
    page = watched.open("/hall")
    settle(page)
    card = page.locator("article.project-card").first.bounding_box()
    assert card is not None and card["width"] <= PHONE["width"]
    assert page.get_by_label("搜索项目").is_visible()


def test_public_pages_have_labelled_controls_and_no_errors(open_page: Any, project: str) -> None:
    # Given a visitor, every public page opens without console errors (checked by the
    # fixture) and every form control on it has a label.
    watched = open_page()
    for route in PUBLIC_PAGES:
        page = watched.open(route.format(project=project))
        settle(page)
        assert page.locator("h1").count() == 1, route
        assert page.evaluate(UNLABELLED_CONTROLS) == [], route


@pytest.mark.parametrize("account", list(ROLE_PAGES), ids=[a[0] for a in ROLE_PAGES])
def test_each_role_pages_have_labelled_controls_and_no_errors(
    open_page: Any, project: str, account: tuple[str, str]
) -> None:
    # Given an account of each role logged in,
    watched = open_page()
    page = watched.open("/login")
    page.get_by_label("用户名").fill(account[0])
    page.get_by_label("密码").fill(account[1])
    page.get_by_label("密码").press("Enter")
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    # when it opens each of its pages, then they open cleanly with labelled controls.
    for route in ROLE_PAGES[account]:
        page = watched.open(route.format(project=project))
        settle(page)
        assert page.locator("h1").count() == 1, route
        assert page.evaluate(UNLABELLED_CONTROLS) == [], route
        assert page.evaluate(HORIZONTAL_OVERFLOW) <= 0, route


def test_keyboard_reaches_content_and_logs_in(open_page: Any) -> None:
    # Given the hall, when a keyboard user presses Tab,
    watched = open_page()
    page = watched.open("/hall")
    settle(page)
    page.keyboard.press("Tab")
    # then the first stop is the visible "skip to content" link, with a focus outline,
    focused = page.evaluate(
        "() => ({ text: document.activeElement.textContent.trim(),"
        " outline: getComputedStyle(document.activeElement).outlineStyle,"
        " top: document.activeElement.getBoundingClientRect().top })"
    )
    assert focused["text"] == "跳到正文"
    assert focused["outline"] != "none"
    assert focused["top"] >= 0
    # and Enter on it moves focus to the page's content.
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # When the keyboard user logs in with Tab and Enter only,
    page = watched.open("/login")
    page.wait_for_function("() => document.activeElement.id === 'login-username'")
    page.keyboard.type("org")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-org-2026")
    page.keyboard.press("Enter")
    # then they are logged in.
    page.wait_for_function("() => location.hash === '#/me'")


def test_wrong_password_is_a_plain_message(open_page: Any) -> None:
    # Given the login page, when the password is wrong,
    watched = open_page()
    page = watched.open("/login")
    page.get_by_label("用户名").fill("org")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录", exact=True).click()
    # then a plain Chinese message says so, with nothing technical in it.
    alert = page.locator(".form-alert")
    alert.wait_for()
    assert "用户名或密码错误" in alert.inner_text()
    assert "Wrong" not in alert.inner_text()
    assert page.evaluate("location.hash") == "#/login"


def test_english_switch(open_page: Any) -> None:
    # Given the hall in Chinese, when the visitor switches to English,
    watched = open_page()
    page = watched.open("/hall")
    settle(page)
    page.get_by_role("button", name="English").click()
    # then the labels are English and the page says so,
    page.get_by_role("heading", level=1, name="Fair hall").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_label("Search projects").is_visible()
    watched.shot("hall-english")
    # and it stays English on the next page, until switched back.
    page = watched.open("/stats")
    page.get_by_role("heading", level=1, name="Statistics").wait_for()
    page.get_by_role("button", name="中文").click()
    page.get_by_role("heading", level=1, name="统计").wait_for()
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
