"""The organizer's console: next year's fair, the pools and accounts. Refusals show beside
their fields; what is created can be used at once."""

from __future__ import annotations

from typing import Any

from seeds.generator import credit_code

ORGANIZATION_NAME = "南京市秦淮区启明社会工作服务中心"


def log_in(watched: Any, username: str, password: str) -> Any:
    page = watched.open("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    return page


def test_organizer_creates_next_years_fair(open_page: Any) -> None:
    # Given the organizer on the console's fair settings,
    watched = open_page()
    page = log_in(watched, "organizer", "sheqia-organizer")
    page.get_by_role("link", name="届次设置", exact=True).click()
    page.get_by_role("heading", name="新建一届洽谈会").wait_for()
    # the next edition number is offered,
    page.wait_for_function("() => document.getElementById('fair-edition').value !== ''")
    edition = page.get_by_label("届次", exact=True).input_value()

    # when an edition that exists and a window that closes before it opens are entered,
    page.get_by_label("届次", exact=True).fill("6")
    page.get_by_label("名称").fill("第七届南京市社区暨社会公益服务项目洽谈会")
    page.get_by_label("开放时间（北京时间）").fill("2027-11-20T09:00")
    page.get_by_label("截止时间（北京时间）").fill("2027-11-10T18:00")
    page.get_by_role("button", name="创建届次").click()
    # then both are refused, each beside its field;
    page.locator("#fair-edition-errors").get_by_text("已经存在").wait_for()
    assert "晚于开放时间" in page.locator("#fair-closes-errors").inner_text()
    watched.shot("console-fair-refused")

    # and when they are corrected, the fair is created and listed, not yet open.
    page.get_by_label("届次", exact=True).fill(edition)
    page.get_by_label("截止时间（北京时间）").fill("2027-12-20T18:00")
    page.get_by_role("button", name="创建届次").click()
    page.get_by_text("已创建：第七届").wait_for()
    row = page.locator("tbody tr", has_text="第七届南京市社区暨社会公益服务项目洽谈会")
    assert "2027-11-20 09:00 – 2027-12-20 18:00" in row.inner_text()
    assert "未在开放期" in row.inner_text()
    watched.shot("console-fair-created")


def test_organizer_adds_to_the_pools_and_creates_a_login(open_page: Any) -> None:
    # Given the organizer on the console's pools,
    watched = open_page()
    page = log_in(watched, "organizer", "sheqia-organizer")
    page.get_by_role("link", name="资源库与账号", exact=True).click()
    form = page.locator("form", has=page.get_by_role("heading", name="登记社会组织"))

    # when an organization is registered with a credit code that is not one,
    form.get_by_label("机构名称").fill(ORGANIZATION_NAME)
    form.get_by_label("统一社会信用代码").fill("52320104MJ1234567X")
    form.get_by_label("持证专职社工").fill("3")
    form.get_by_label("评估等级").select_option("3A")
    form.get_by_label("为老服务").check()
    form.get_by_label("秦淮区").check()
    form.get_by_role("button", name="登记").click()
    # then the code is refused beside its field;
    form.locator("#org-code-errors .field-error").wait_for()
    assert form.get_by_label("统一社会信用代码").get_attribute("aria-invalid") == "true"
    watched.shot("console-pools-refused")

    # and with a valid code the organization is registered.
    form.get_by_label("统一社会信用代码").fill(credit_code(999_998, "2", "320104"))
    form.get_by_role("button", name="登记").click()
    form.get_by_text(f"已登记：{ORGANIZATION_NAME}").wait_for()

    # A supervisor is added to the expert pool the same way.
    experts = page.locator("form", has=page.get_by_role("heading", name="添加督导/评审专家"))
    experts.get_by_label("姓名").fill("王静")
    experts.get_by_label("职称/职务").fill("副教授")
    experts.get_by_label("工作单位").fill("南京师范大学社会发展学院")
    experts.get_by_label("为老服务").check()
    experts.get_by_label("秦淮区").check()
    experts.get_by_role("button", name="添加").click()
    experts.get_by_text("已添加：王静").wait_for()

    # When a login is created for the new organization,
    accounts = page.locator("form", has=page.get_by_role("heading", name="创建账号"))
    accounts.get_by_label("用户名").fill("qiming")
    accounts.get_by_label("密码").fill("qiming-2026-demo")
    accounts.get_by_label("角色").select_option("ORGANIZATION")
    accounts.get_by_label("查找（名称）").fill("启明")
    accounts.get_by_label("查找（名称）").press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#acc-link option')].some((o) => o.textContent.includes('启明'))"
    )
    accounts.get_by_label("所属社会组织").select_option(label=ORGANIZATION_NAME)
    accounts.get_by_role("button", name="创建").click()
    accounts.get_by_text("已创建账号：qiming").wait_for()
    watched.shot("console-pools-done")

    # then it can log in and lands on its organization's dashboard.
    page.get_by_role("button", name="退出").click()
    page.wait_for_function("() => location.hash === '#/hall'")
    page.get_by_role("link", name="登录", exact=True).wait_for()
    page = log_in(watched, "qiming", "qiming-2026-demo")
    assert page.evaluate("location.hash") == "#/me"
    page.get_by_text(ORGANIZATION_NAME).first.wait_for()
