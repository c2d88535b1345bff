"""A publisher publishes its project list from the console: a refused list shows each
problem on its row and column, a corrected one is published whole."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import graphql

COUNT = "{ fair { projects(first: 1) { totalCount edges { node { code } } } } }"


def test_publisher_publishes_a_list_after_fixing_it(open_page: Any, server: str) -> None:
    before = graphql(server, COUNT)["fair"]["projects"]
    taken_code = before["edges"][0]["node"]["code"]

    # Given the demo publisher (大光路街道) logged in, on the console's publishing page,
    watched = open_page()
    page = watched.open("/login")
    page.get_by_label("用户名").fill("publisher")
    page.get_by_label("密码").fill("demo-publisher-2026")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_function("() => location.hash.startsWith('#/console')")
    page.get_by_role("link", name="发布项目", exact=True).click()
    assert "大光路街道" in page.get_by_label("发布单位").input_value()

    # when it fills in the example list (two rows) and gives the second row a budget
    # that is not an amount,
    page.get_by_role("button", name="填入示例").click()
    page.wait_for_function("() => document.getElementById('publish-text').value.includes('\\n')")
    text = page.get_by_label("项目清单").input_value()
    rows = text.split("\n")
    assert len(rows) == 3
    second = rows[2].split("\t")
    good_budget = second[6]
    second[6] = "十五万"
    page.get_by_label("项目清单").fill("\n".join([*rows[:2], "\t".join(second)]))
    # then the preview marks the cell and nothing is sent;
    page.locator("table.preview td.cell-error", has_text="十五万").wait_for()
    page.get_by_role("button", name="发布 2 个项目").click()
    page.locator(".form-alert", has_text="需要修改").first.wait_for()

    # when the budget is right but the code is one the fair already has,
    second[6] = good_budget
    second[0] = taken_code
    page.get_by_label("项目清单").fill("\n".join([*rows[:2], "\t".join(second)]))
    page.get_by_role("button", name="发布 2 个项目").click()
    # then the server refuses the whole list, naming row 2's code,
    page.locator("[role=alert]", has_text="第 2 行 编号").wait_for()
    assert page.locator("table.preview tbody tr").nth(1).locator("td.cell-error").count() == 1
    assert graphql(server, COUNT)["fair"]["projects"]["totalCount"] == before["totalCount"]
    watched.shot("publish-refused")

    # and when the list is corrected, both projects are published,
    page.get_by_role("button", name="填入示例").click()
    page.wait_for_function(
        "(code) => !document.getElementById('publish-text').value.includes(code)", arg=taken_code
    )
    page.get_by_role("button", name="发布 2 个项目").click()
    page.get_by_text("已发布 2 个项目").wait_for()
    assert graphql(server, COUNT)["fair"]["projects"]["totalCount"] == before["totalCount"] + 2
    watched.shot("publish-done")
    # open for claims in the hall under the publisher's name.
    page.locator(".success a").first.click()
    page.get_by_role("heading", level=1, name="社区长者助餐服务项目").wait_for()
    assert page.locator(".page-header .badge").first.inner_text() == "开放认领"
    assert "大光路街道" in page.locator(".facts").first.inner_text()
