"""A publisher publishes its project list from the console's paste box: a check shows each
problem on its row and column, a corrected list is published whole; rows copied from the
template (its own headers, 万元 amounts, √ marks) are read as the file import reads them."""

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

    # when it fills in the example list (two rows, the template's headers) and gives the
    # second row a budget in words, a class nobody knows and a code the fair already has,
    page.get_by_role("button", name="填入示例").click()
    page.wait_for_function("() => document.getElementById('publish-text').value.includes('\\n')")
    text = page.get_by_label("项目清单").input_value()
    rows = text.split("\n")
    assert len(rows) == 3
    assert rows[0].split("\t")[:3] == ["项目编号", "项目名称", "项目简介"]
    second = rows[2].split("\t")
    good = list(second)
    second[0], second[3], second[6] = taken_code, "为狗服务", "十五万"
    page.get_by_label("项目清单").fill("\n".join([*rows[:2], "\t".join(second)]))
    page.get_by_role("button", name="检查清单").click()
    # then one check reports all three on row 2, marks the cells, and writes nothing;
    alert = page.locator("[role=alert]", has_text="第 2 行 预算（元）")
    alert.wait_for()
    assert "第 2 行 项目编号" in alert.inner_text() and "第 2 行 服务类别" in alert.inner_text()
    assert page.locator("table.preview tbody tr").nth(1).locator("td.cell-error").count() == 3
    assert graphql(server, COUNT)["fair"]["projects"]["totalCount"] == before["totalCount"]
    watched.shot("publish-refused")

    # and when the row is corrected, written as officers write it (15万元, √), and 1 social
    # worker asked for a 150,000 project, both projects are published, with a warning.
    good[6], good[7], good[13] = "15万元", "1", "√"
    page.get_by_label("项目清单").fill("\n".join([*rows[:2], "\t".join(good)]))
    page.get_by_role("button", name="发布 2 个项目").click()
    page.get_by_text("已发布 2 个项目").wait_for()
    page.locator(".success .warnings", has_text="第 2 行 最少持证社工").wait_for()
    assert graphql(server, COUNT)["fair"]["projects"]["totalCount"] == before["totalCount"] + 2
    watched.shot("publish-done")
    # open for claims in the hall under the publisher's name.
    page.locator(".success a").first.click()
    page.get_by_role("heading", level=1, name="社区长者助餐服务项目").wait_for()
    assert page.locator(".page-header .badge").first.inner_text() == "开放认领"
    assert "大光路街道" in page.locator(".facts").first.inner_text()
