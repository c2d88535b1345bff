"""The fair walked in a real browser, in order: the hall, an organization's claim (refused,
corrected, accepted), the organizer's award, the public results and the statistics.

The steps share one server, so later ones build on earlier ones: the project the
organization claims is the one the organizer awards and the public then finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.browser.conftest import graphql

ORGANIZATION = ("org", "demo-org-2026")
ORGANIZER = ("organizer", "sheqia-organizer")

TARGET_QUERY = """
query Target {
  me { username }
  fair { projects(first: 100, filter: {procurement: DIRECT, status: [PUBLISHED]}) {
    edges { node { id title budget minSocialWorkers } } } }
}
"""


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    budget: Decimal
    min_social_workers: int


@pytest.fixture(scope="module")
def target(server: str) -> Target:
    """An open DIRECT project of the current fair that the demo organization (6 social
    workers) may claim, with a title no other project of the page shares."""
    edges = graphql(server, TARGET_QUERY)["fair"]["projects"]["edges"]
    nodes = [e["node"] for e in edges]
    titles = [n["title"] for n in nodes]
    for node in nodes:
        if node["minSocialWorkers"] <= 6 and titles.count(node["title"]) == 1:
            return Target(
                node["id"], node["title"], Decimal(node["budget"]), node["minSocialWorkers"]
            )
    raise AssertionError("the demo fair has no claimable DIRECT project")


def log_in(watched: Any, username: str, password: str) -> None:
    page = watched.open("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_function("() => !location.hash.startsWith('#/login')")


def nav(page: Any, name: str) -> Any:
    """A link of the site's main navigation."""
    return page.get_by_role("navigation", name="主导航").get_by_role("link", name=name)


def yuan(text: str) -> Decimal:
    """'¥1,234.50' → Decimal('1234.50')"""
    return Decimal(re.sub(r"[¥,\s]", "", text))


def cards(page: Any) -> Any:
    return page.locator("article.project-card")


def wait_for_hall(page: Any) -> None:
    page.wait_for_selector("article.project-card")
    page.wait_for_function("() => !document.querySelector('.card-grid[aria-busy=\"true\"]')")


# --- the hall ----------------------------------------------------------------------------


def test_hall_loads_in_one_request_and_filters(open_page: Any) -> None:
    # Given a visitor opening the matchmaking hall,
    watched = open_page()
    requests: list[str] = []
    watched.page.on(
        "request",
        lambda r: requests.append(r.post_data or "") if r.url.endswith("/graphql") else None,
    )
    page = watched.open("/hall")
    wait_for_hall(page)
    # then projects, organizations and supervisors come from one FairHall request,
    hall_requests = [body for body in requests if "FairHall" in body]
    assert len(hall_requests) == 1, requests
    assert all("FairHall" in body or "query Me" in body for body in requests), requests
    assert cards(page).count() == 12
    assert page.locator("#supply-orgs + ul li").count() > 0
    assert page.locator("#supply-supervisors + ul li").count() > 0
    # each card shows budget, publisher, status, bids and fitting organizations with reasons.
    first = cards(page).first
    assert first.locator(".money").inner_text().startswith("¥")
    assert first.locator(".meta").inner_text()
    assert first.locator(".badge").first.inner_text() in {"开放认领", "已认领", "投标中"}
    assert first.locator(".bid-count").inner_text()
    assert first.locator(".matches li .reasons").first.inner_text()
    watched.shot("hall")

    # When the visitor narrows by service class, then every card is of that class;
    page.get_by_label("服务类别").select_option("ELDERLY")
    page.wait_for_function("() => location.hash.includes('class=ELDERLY')")
    wait_for_hall(page)
    assert set(cards(page).locator(".class-badge").all_inner_texts()) == {"为老服务"}

    # by status and procurement, then every card has that status and procurement;
    page.get_by_label("采购方式").select_option("COMPETITIVE")
    page.wait_for_function("() => location.hash.includes('procurement=COMPETITIVE')")
    wait_for_hall(page)
    assert set(cards(page).locator(".badge.neutral").all_inner_texts()) == {"竞争性评审"}
    page.get_by_label("状态", exact=True).select_option("PUBLISHED")
    page.wait_for_function("() => location.hash.includes('status=PUBLISHED')")
    wait_for_hall(page)
    assert set(cards(page).locator(".badge").first.all_inner_texts()) <= {"开放认领"}

    # by budget, then every budget is in the range;
    page.get_by_label("最低预算（元）").fill("200000")
    page.get_by_label("最低预算（元）").press("Enter")
    page.wait_for_function("() => location.hash.includes('min=200000')")
    wait_for_hall(page)
    budgets = [yuan(t) for t in cards(page).locator(".figures .money").all_inner_texts()]
    assert budgets and min(budgets) >= 200000

    # and a budget that is not an amount is refused beside its field, not sent.
    page.get_by_label("最高预算（元）").fill("很多")
    page.get_by_role("button", name="筛选", exact=True).click()
    assert "请输入金额" in page.locator("#hall-max-errors").inner_text()
    assert page.get_by_label("最高预算（元）").get_attribute("aria-invalid") == "true"
    assert "max=" not in page.evaluate("location.hash")

    # When the filters are cleared and the visitor searches in Chinese,
    page.get_by_role("button", name="清除筛选").click()
    page.wait_for_function("() => location.hash === '#/hall'")
    wait_for_hall(page)
    page.get_by_label("搜索项目").fill("养老")
    page.get_by_label("搜索项目").press("Enter")
    page.wait_for_function("() => decodeURIComponent(location.hash).includes('q=养老')")
    wait_for_hall(page)
    # then fewer projects are found, all of them matching.
    found = int(re.sub(r"\D", "", page.locator("#demand-title .result-count").inner_text()))
    assert 0 < found < 200
    watched.shot("hall-search")

    # When the visitor asks for more with no filter, the next page is added below.
    page.get_by_role("button", name="清除筛选").click()
    wait_for_hall(page)
    page.get_by_role("button", name=re.compile("加载更多")).click()
    page.wait_for_function("() => document.querySelectorAll('article.project-card').length === 24")


# --- an organization claims --------------------------------------------------------------


def test_organization_finds_a_project_is_refused_then_claims(
    open_page: Any, target: Target
) -> None:
    # Given the demo organization logged in,
    watched = open_page()
    log_in(watched, *ORGANIZATION)
    page = watched.page
    assert page.evaluate("location.hash") == "#/me"
    page.wait_for_selector("#recommended-title")
    watched.shot("organization-dashboard")

    # when it searches the hall in Chinese for the project's name and opens it,
    nav(page, "洽谈大厅").click()
    wait_for_hall(page)
    page.get_by_label("搜索项目").fill(target.title)
    page.get_by_label("搜索项目").press("Enter")
    page.wait_for_function("() => location.hash.includes('q=')")
    wait_for_hall(page)
    card = page.locator(f"article.project-card[data-project-id='{target.id}']")
    card.get_by_role("link", name=target.title).click()
    page.get_by_role("heading", level=1, name=target.title).wait_for()

    # the rules are shown before the form,
    rules = page.locator(".rules").inner_text()
    assert "10%" in rules and "持证专职社工" in rules

    # and when it claims with a management fee of a fifth of its bid,
    workers = str(max(target.min_social_workers, 1))
    page.get_by_label("报价（元）").fill(str(target.budget))
    page.get_by_label("管理费（元）").fill(str((target.budget / 5).quantize(Decimal("0.01"))))
    page.get_by_label("投入的持证专职社工（名）").fill(workers)
    page.get_by_label("服务方案").fill(
        "组建社工与志愿者团队，按季度开展探访、小组活动和个案服务，年末评估成效。"
    )
    page.get_by_role("button", name="确认认领").click()

    # then it is refused, with the fee error in Chinese beside the fee field.
    fee_errors = page.locator("#bid-managementFee-errors")
    fee_errors.get_by_text("管理费").wait_for()
    assert "10%" in fee_errors.inner_text()
    fee = page.get_by_label("管理费（元）")
    assert fee.get_attribute("aria-invalid") == "true"
    assert "bid-managementFee-errors" in (fee.get_attribute("aria-describedby") or "")
    same_field = page.evaluate(
        "() => document.getElementById('bid-managementFee').closest('.field')"
        " === document.getElementById('bid-managementFee-errors').closest('.field')"
    )
    assert same_field
    assert page.locator("#bid-amount-errors .field-error").count() == 0
    assert "GraphQL" not in page.content()
    watched.shot("claim-refused")

    # When it corrects the fee to a twentieth of the bid and claims again,
    fee.fill(str((target.budget / 20).quantize(Decimal("0.01"))))
    page.get_by_role("button", name="确认认领").click()

    # then the claim is accepted and the project shows it.
    page.locator(".notice").get_by_text("认领成功").wait_for()
    assert page.locator(".page-header .badge").first.inner_text() == "已认领"
    assert page.get_by_role("cell", name="南京市秦淮区同心社会工作服务中心").count() == 1
    watched.shot("claim-accepted")

    # Back in the hall, the project's card has moved on too.
    nav(page, "洽谈大厅").click()
    wait_for_hall(page)
    card = page.locator(f"article.project-card[data-project-id='{target.id}']")
    card.locator(".badge", has_text="已认领").wait_for()
    assert card.locator(".bid-count").inner_text() == "已被认领"


# --- the organizer awards ----------------------------------------------------------------


def test_organizer_awards_the_claim(open_page: Any, target: Target) -> None:
    # Given the organizer logged in, on the console's claims,
    watched = open_page()
    log_in(watched, *ORGANIZER)
    page = watched.page
    assert page.evaluate("location.hash").startswith("#/console")
    row = page.locator(f"article.claim-row[data-project-id='{target.id}']")
    row.wait_for()  # needs the claim of the step before
    assert "南京市秦淮区同心社会工作服务中心" in row.inner_text()
    watched.shot("console-claims")

    # when the organizer confirms the DIRECT project's claim,
    row.get_by_role("button", name="确认认领并立项").click()

    # then it is awarded to the organization,
    row.get_by_text("已立项：南京市秦淮区同心社会工作服务中心").wait_for()

    # and the project page shows the award and three payment tranches, the first due.
    watched.open(f"/project/{target.id}")
    page.get_by_role("heading", level=1, name=target.title).wait_for()
    assert page.locator(".page-header .badge").first.inner_text() == "已立项"
    assert "南京市秦淮区同心社会工作服务中心" in page.locator("#award-title + dl").inner_text()
    tranches = page.locator(".payments tbody tr")
    assert tranches.count() == 3
    assert "应付" in tranches.first.inner_text()
    assert page.locator(".steps [aria-current='step']").inner_text().startswith("实施")
    watched.shot("project-awarded")

    # The other console sections open without errors.
    nav(page, "管理台").click()
    for section, heading in [
        ("publish", "发布项目"),
        ("fair", "届次设置"),
        ("supervisors", "督导指派"),
        ("delivery", "评估与拨付"),
        ("pools", "资源库与账号"),
        ("audit", "审计日志"),
    ]:
        page.get_by_role("link", name=heading, exact=True).click()
        page.get_by_role("heading", level=2, name=re.compile(heading)).wait_for()
        page.wait_for_load_state("networkidle")
        watched.shot(f"console-{section}")
    assert page.locator("table.audit tbody tr", has_text="立项").count() >= 1


# --- the public ---------------------------------------------------------------------------


def test_public_results_show_the_award_without_login(open_page: Any, target: Target) -> None:
    # Given a visitor who is not logged in,
    watched = open_page()
    # when the results page opens,
    page = watched.open("/results")
    row = page.locator(f"tr[data-project-id='{target.id}']")
    row.wait_for()
    # then the awarded project is listed with its organization, amount and scoring.
    text = row.inner_text()
    assert target.title in text
    assert "南京市秦淮区同心社会工作服务中心" in text
    assert yuan(row.locator("td.money").inner_text().split("\n")[0]) == target.budget
    assert "直接认领" in text
    assert page.get_by_role("link", name="登录").count() == 1  # still anonymous
    watched.shot("results")


def test_statistics_charts_render(open_page: Any) -> None:
    # Given a visitor, when the statistics page opens,
    watched = open_page()
    page = watched.open("/stats")
    page.wait_for_selector(".chart canvas")
    page.wait_for_function("() => document.querySelectorAll('.chart canvas').length >= 3")
    # then three charts are drawn, each with painted pixels,
    painted = page.evaluate(
        """() => [...document.querySelectorAll('.chart canvas')].map((canvas) => {
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n += 1;
            return { width: canvas.width, height: canvas.height, painted: n };
        })"""
    )
    assert len(painted) == 3
    for canvas in painted:
        assert canvas["width"] > 0 and canvas["height"] > 0
        assert canvas["painted"] > 1000, painted
    # and the figures count the award.
    tiles = page.locator(".stat-tiles dd").all_inner_texts()
    assert int(tiles[2]) >= 1
    assert yuan(tiles[3]) > 0
    watched.shot("stats")


# --- competitive bidding and review ------------------------------------------------------

COMPETITIVE_QUERY = """
query Competitive {
  fair { projects(first: 100, filter: {procurement: COMPETITIVE, status: [PUBLISHED]}) {
    edges { node { id title budget minSocialWorkers } } } }
}
"""


@pytest.fixture(scope="module")
def competitive(server: str) -> Target:
    """An open COMPETITIVE project the demo organization may bid for."""
    for edge in graphql(server, COMPETITIVE_QUERY)["fair"]["projects"]["edges"]:
        node = edge["node"]
        if node["minSocialWorkers"] <= 6:
            return Target(
                node["id"], node["title"], Decimal(node["budget"]), node["minSocialWorkers"]
            )
    raise AssertionError("the demo fair has no COMPETITIVE project to bid for")


def test_organization_bids_and_sees_its_dashboard(open_page: Any, competitive: Target) -> None:
    # Given the organization logged in, on a competitive project,
    watched = open_page()
    log_in(watched, *ORGANIZATION)
    page = watched.open(f"/project/{competitive.id}")
    page.get_by_role("heading", level=1, name=competitive.title).wait_for()
    # when it submits a bid within every rule,
    amount = (competitive.budget * Decimal("0.95")).quantize(Decimal("0.01"))
    page.get_by_label("报价（元）").fill(str(amount))
    page.get_by_label("管理费（元）").fill(str((amount / 20).quantize(Decimal("0.01"))))
    page.get_by_label("投入的持证专职社工（名）").fill(str(max(competitive.min_social_workers, 2)))
    page.get_by_label("服务方案").fill("需求评估、专业小组、志愿者培育与成效评估四个阶段推进。")
    page.get_by_role("button", name="提交投标").click()
    # then the bid is in, and its own row is visible to it with a withdraw button;
    page.locator(".notice").get_by_text("投标已提交").wait_for()
    assert page.locator(".page-header .badge").first.inner_text() == "投标中"
    assert page.get_by_role("button", name="撤回").count() == 1
    # and its dashboard lists the bid, the awarded project and recommendations.
    nav(page, "我的工作台").click()
    page.locator("#mybids-title").wait_for()
    assert competitive.title in page.locator("#mybids-title + * ").inner_text()
    page.locator("#myprojects-title").wait_for()
    assert page.locator("#recommended-title ~ ol li").count() > 0
    watched.shot("organization-dashboard-after")


def test_reviewer_scores_the_bid(open_page: Any, competitive: Target) -> None:
    # Given the reviewer logged in,
    watched = open_page()
    log_in(watched, *("reviewer", "demo-reviewer-2026"))
    page = watched.page
    assert page.evaluate("location.hash") == "#/review"
    # the fair's criteria and weights are shown, and the bid waits on its project;
    page.locator("#criteria-title").wait_for()
    assert page.locator(".criteria-list li").count() == 5
    # the queue counts what is left to score, with a plain 打分 button on each bid;
    tally = page.locator(".review-tally")
    assert re.search(r"待评\s*[1-9]", tally.inner_text())
    project = page.locator(".review-project", has=page.get_by_role("link", name=competitive.title))
    bid = project.locator("article.bid-review").first
    todo_before = int(tally.locator(".tally").first.locator("strong").inner_text())
    bid.get_by_role("button", name="打分", exact=True).click()
    # when the reviewer fills the sheet and submits it,
    inputs = bid.locator(".score-sheet input")
    for i in range(inputs.count()):
        inputs.nth(i).fill(str(70 + 5 * i))
    bid.get_by_role("button", name="提交评分").click()
    # then it is saved, the bid has a score and a rank, and one fewer waits.
    bid.get_by_text("评分已保存").wait_for()
    page.wait_for_function(
        "(el) => /第 1 名/.test(el.textContent)", arg=bid.locator(".bid-review-head").element_handle()
    )
    assert int(tally.locator(".tally").first.locator("strong").inner_text()) == todo_before - 1
    assert bid.get_by_role("button", name="收起").count() == 1
    watched.shot("review")


# --- supervisors, payments, evaluations ---------------------------------------------------


def test_organizer_assigns_a_supervisor_pays_and_evaluates(open_page: Any, target: Target) -> None:
    # Given the organizer on the console's supervisor section,
    watched = open_page()
    log_in(watched, *ORGANIZER)
    page = watched.page
    page.get_by_role("link", name="督导指派", exact=True).click()
    page.get_by_role("button", name=re.compile("指派督导")).wait_for()
    # when supervisors are assigned,
    page.get_by_role("button", name=re.compile("指派督导")).click()
    page.get_by_text(re.compile(r"已指派 \d+ 个项目")).wait_for()
    # then the awarded project has one, with the reasons for the choice.
    row = page.locator("tr", has=page.get_by_role("link", name=target.title))
    row.locator("strong").wait_for()
    assert re.search(r"3 项条件(全部|中 \d 项)符合", row.inner_text())
    assert "%" not in row.inner_text()
    watched.shot("console-supervisors-assigned")

    # When the first tranche is paid with its voucher number,
    page.get_by_role("link", name="评估与拨付", exact=True).click()
    item = page.locator("details.delivery-item", has_text=target.title)
    item.locator("summary").click()
    item.get_by_label("支付凭证号").fill("ZF-2026-000123")
    item.get_by_role("button", name="记录拨付").click()
    # then it shows paid,
    item.locator(".payments tbody tr").first.get_by_text("已拨付").wait_for()
    # and when the mid-term evaluation is recorded with passing marks,
    item = page.locator("details.delivery-item", has_text=target.title)
    if not item.evaluate("el => el.open"):
        item.locator("summary").click()
    item.get_by_label("评估阶段").select_option("MIDTERM")
    for field in item.locator(".evaluation-form input").all():
        field.fill("85")
    item.get_by_role("button", name="记录评估").click()
    item.get_by_text("合格").first.wait_for()

    # then the project page shows the mid-term as done and the second tranche due.
    watched.open(f"/project/{target.id}")
    page.get_by_role("heading", level=1, name=target.title).wait_for()
    page.locator("#evaluations-title ~ ul li", has_text="中期评估").wait_for()
    assert "应付" in page.locator(".payments tbody tr").nth(1).inner_text()
    assert page.locator("#supervisor-title + p strong").inner_text()
    assert page.locator(".steps [aria-current='step']").inner_text().startswith("末期评估")
    watched.shot("project-in-delivery")


def test_supervisor_sees_own_projects(open_page: Any) -> None:
    # Given the demo supervisor logged in, the supervision page lists their projects
    # (or says there are none yet) with their load.
    watched = open_page()
    log_in(watched, "supervisor", "demo-supervisor-2026")
    page = watched.page
    assert page.evaluate("location.hash") == "#/supervise"
    page.get_by_role("heading", level=2, name="项目").wait_for()
    assert re.match(r"\d+ / \d+", page.locator(".stat-tiles dd").first.inner_text())
    watched.shot("supervisor")
