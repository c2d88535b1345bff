"""A publisher publishes its list by uploading the filled template: a check lists every bad
cell by row and column, the corrected file is published whole. Anyone downloads the
results workbook from the 公示 page."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.browser.conftest import graphql

COUNT = "{ fair { projects(first: 1) { totalCount } } }"
LOOKUPS = """
{ publishers { name kind district { name } }
  catalogItems(serviceClass: ELDERLY) { code negativeList } }
"""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _total(server: str) -> int:
    return int(graphql(server, COUNT)["fair"]["projects"]["totalCount"])


def _rows(server: str) -> list[dict[str, Any]]:
    """Two rows the demo publisher (大光路街道) may publish."""
    found = graphql(server, LOOKUPS)
    street = next(p for p in found["publishers"] if p["name"] == "大光路街道")
    item = next(i["code"] for i in found["catalogItems"] if not i["negativeList"])
    common = {
        "项目简介": "为辖区独居老人提供上门探访和日间照料。",
        "服务类别": "为老服务",
        "项目类型": "社区公益服务",
        "采购方式": "直接认领",
        "服务周期（月）": 12,
        "服务对象": "独居老人约 60 人",
        "发布单位": street["name"],
        "实施区": street["district"]["name"],
        "目录编码": item,
        "社区/街道意见": "街道同意实施。",
    }
    return [
        {
            **common,
            "项目编号": "UPLOAD-2026-01",
            "项目名称": "长者助餐上门服务",
            "预算（元）": 60000,
        },
        {**common, "项目编号": "UPLOAD-2026-02", "项目名称": "独居老人探访", "预算（元）": 45000.5},
    ]


def _filled(template: Path, rows: list[dict[str, Any]]) -> bytes:
    """The downloaded template with ``rows`` under its header, as a person fills it in."""
    book = load_workbook(template)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choose(page: Any, content: bytes) -> None:
    page.get_by_label("表格文件", exact=True).set_input_files(
        files=[{"name": "项目清单.xlsx", "mimeType": XLSX, "buffer": content}]
    )


def test_publisher_checks_then_publishes_an_uploaded_list(
    open_page: Any, server: str, tmp_path: Path
) -> None:
    before = _total(server)
    # Given the demo publisher on the console's publishing page,
    watched = open_page()
    page = watched.open("/login")
    page.get_by_label("用户名").fill("publisher")
    page.get_by_label("密码").fill("demo-publisher-2026")
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_function("() => location.hash.startsWith('#/console')")
    page.get_by_role("link", name="发布项目", exact=True).click()

    # when it downloads the template and fills in two rows, the second with a service class
    # and a budget that are not right,
    with page.expect_download() as download:
        page.get_by_role("link", name="下载模板").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    assert download.value.suggested_filename == "社洽会项目清单模板.xlsx"
    rows = _rows(server)
    bad = [rows[0], {**rows[1], "服务类别": "为狗服务", "预算（元）": "十五万"}]
    _choose(page, _filled(template, bad))
    page.get_by_role("button", name="只检查", exact=True).click()

    # then the check lists both cells of row 3 with their columns and says why,
    table = page.locator("table.row-errors")
    table.wait_for()
    cells = [r.locator("td").all_inner_texts() for r in table.locator("tbody tr").all()]
    assert [c[:2] for c in cells] == [["3", "服务类别"], ["3", "预算（元）"]]
    assert "为狗服务" in cells[0][2] and "十五万" in cells[1][2]
    page.locator("[role=alert]", has_text="2 处错误").wait_for()
    assert _total(server) == before
    watched.shot("upload-refused")

    # and when the corrected file is checked, it passes without publishing anything,
    _choose(page, _filled(template, rows))
    page.get_by_role("button", name="只检查", exact=True).click()
    page.get_by_text("检查通过：2 个项目").wait_for()
    assert "¥105,000.50" in page.locator(".success").inner_text()
    assert table.count() == 0 and _total(server) == before

    # and once published, both projects are in the fair.
    page.get_by_role("button", name="发布", exact=True).click()
    page.get_by_text("已发布 2 个项目").wait_for()
    assert _total(server) == before + 2
    assert "UPLOAD-2026-01" in page.locator(".success").inner_text()
    watched.shot("upload-published")


def test_anyone_downloads_the_results_workbook_from_the_public_results(
    open_page: Any, tmp_path: Path
) -> None:
    # Given a visitor, not logged in, on the 公示 page,
    watched = open_page()
    page = watched.open("/results")
    link = page.get_by_role("link", name="下载结果表 (.xlsx)")
    # when the results workbook is downloaded,
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "results.xlsx"
    download.value.save_as(saved)
    # then it is the fair's public part, named in Chinese.
    assert download.value.suggested_filename.endswith("立项结果公示.xlsx")
    assert load_workbook(saved).sheetnames == ["项目", "立项结果", "拨付"]
