"""Residents' satisfaction surveys in a real browser: the organizer's controls and the
figures beside the evaluation on a laptop; a resident answering from the short link of
the poster's QR code on a phone, without an account."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import PHONE, graphql

ORGANIZER = ("organizer", "sheqia-organizer")

IN_DELIVERY = """
query InDelivery {
  fairs { edition }
}
"""

PROJECTS = """
query Projects($edition: Int!) {
  fair(edition: $edition) { projects(first: 50, filter: {status: [IN_DELIVERY]}) {
    edges { node { id title satisfaction { count } } } } }
}
"""


def in_delivery(server: str) -> list[dict[str, Any]]:
    """The demo's projects in delivery (the past fair's), surveyed ones first."""
    editions = sorted(f["edition"] for f in graphql(server, IN_DELIVERY)["fairs"])
    nodes = [
        e["node"]
        for edition in editions
        for e in graphql(server, PROJECTS, {"edition": edition})["fair"]["projects"]["edges"]
    ]
    return sorted(nodes, key=lambda n: n["satisfaction"] is None)


@pytest.fixture(scope="module")
def projects(server: str) -> list[dict[str, Any]]:
    found = in_delivery(server)
    assert found and found[0]["satisfaction"], "the demo has a surveyed project in delivery"
    assert len(found) >= 2 and found[1]["satisfaction"] is None
    return found


def log_in(watched: Any, username: str, password: str) -> Any:
    page = watched.open("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_function("() => !location.hash.startsWith('#/login')")
    return page


def test_the_organizer_sees_the_residents_figures_and_uses_them_in_the_evaluation(
    open_page: Any, projects: list[dict[str, Any]]
) -> None:
    # Given the organizer on the demo's surveyed project
    watched = open_page()
    page = log_in(watched, *ORGANIZER)
    watched.open(f"/project/{projects[0]['id']}")
    panel = page.locator(".survey-panel")
    # Then the residents' figures are shown: 24 answers, mean 4.21, the QR code and poster
    panel.get_by_text("已收到 24 份答卷").wait_for()
    assert "4.21" in panel.locator(".satisfaction-mean").inner_text()
    page.wait_for_function("() => document.querySelector('.survey-qr')?.naturalWidth > 0")
    poster = panel.get_by_role("link", name="下载 A4 海报（PDF）").get_attribute("href")
    assert poster is not None
    response = httpx.get(f"{watched.base}{poster}", timeout=30)
    assert response.headers["content-type"] == "application/pdf"
    # When the pending comment is published, it joins the public comments
    pending = panel.locator(".comment", has_text="活动室夏天太热")
    pending.get_by_role("button", name="公开", exact=True).click()
    panel.locator(".comments").last.get_by_text("活动室夏天太热").wait_for()
    page.get_by_role("heading", name="待审核的意见（1）").wait_for(state="detached")
    # And the evaluation form proposes the survey's score for the beneficiary component
    form = page.locator(".evaluation-form")
    beneficiary = form.get_by_label("服务对象满意度", exact=False)
    assert beneficiary.input_value() == "80.2"
    assert "居民满意度调查：80.2 分（24 份答卷）" in form.inner_text()
    # When the organizer enters another mark without a reason, the reason is asked for
    for field in form.locator(".form-grid input").all():
        if field != beneficiary:
            field.fill("85")
    beneficiary.fill("90")
    form.get_by_role("button", name="记录评估").click()
    form.locator(".field-error", has_text="改动理由").wait_for()
    watched.shot("survey-evaluation-reason")
    # And with a reason it is recorded
    form.get_by_label("与调查得分不同的理由（记入审计）").fill("入户回访结果高于扫码答卷。")
    form.get_by_role("button", name="记录评估").click()
    page.locator("#evaluations-title ~ ul li", has_text="中期评估").wait_for()


def test_a_resident_answers_on_a_phone_from_the_posters_short_link(
    open_page: Any, projects: list[dict[str, Any]]
) -> None:
    # Given the organizer opens a survey for a project in delivery
    desk = open_page()
    page = log_in(desk, *ORGANIZER)
    desk.open(f"/project/{projects[1]['id']}")
    panel = page.locator(".survey-panel")
    panel.get_by_role("button", name="开启满意度调查").click()
    link = panel.locator(".survey-link").inner_text()
    assert "/s/" in link
    desk.shot("survey-opened")

    # When a resident opens the short link on a phone, without an account
    phone = open_page(PHONE)
    resident = phone.page
    resident.goto(link)
    resident.get_by_role("heading", name=projects[1]["title"]).wait_for()
    assert resident.locator(".site-header, header.site").count() == 0
    # and submits without choosing, every question asks for a mark
    resident.get_by_role("button", name="提交").click()
    resident.locator("#overall-errors .field-error").wait_for()
    # then, with a wrong phone number, the number is refused beside its field
    resident.locator("fieldset.marks").first.get_by_text("很满意").click()
    for fieldset in resident.locator("fieldset.marks").all()[1:]:
        fieldset.get_by_text("满意", exact=True).click()
    resident.get_by_label("意见建议（可不填，审核后公开）").fill("服务很贴心。")
    resident.get_by_label("手机号（可不填）").fill("12345")
    resident.get_by_role("button", name="提交").click()
    resident.locator("#survey-phone-errors .field-error").wait_for()
    phone.shot("survey-phone-refused")
    # and with a good number the answer is taken
    resident.get_by_label("手机号（可不填）").fill("139 0000 1234")
    resident.get_by_role("button", name="提交").click()
    resident.get_by_text("提交成功，谢谢您的评价！").wait_for()
    assert "审核后公开" in resident.locator(".survey-thanks").inner_text()
    phone.shot("survey-thanks-phone")
    # And the page fits the phone's width
    width = resident.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    # When the resident opens the link again, the page says it was answered on this device
    resident.goto(link)
    resident.get_by_text("您已经在这台设备上提交过本次调查").wait_for()

    # And the organizer's page counts the answer, figures hidden below the threshold
    desk.page.reload()
    panel.get_by_text("已收到 1 份答卷").wait_for()
    assert "答卷达到 10 份后显示统计结果" in panel.inner_text()
    # When the organizer closes the survey early, a resident on another phone is told so
    panel.get_by_role("button", name="提前结束调查").click()
    panel.get_by_text("调查已于").wait_for()
    late = open_page(PHONE)
    late.page.goto(link)
    late.page.get_by_text("本次满意度调查已于").wait_for()
