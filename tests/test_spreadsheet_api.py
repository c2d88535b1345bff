"""Spreadsheets over HTTP: ``importProjects`` (GraphQL multipart upload) and the downloads.

Uploads follow the GraphQL multipart request spec (operations, map, one file part) and go
through the ASGI app as a browser's would. Every refusal is a ``UserError`` naming the
file, or its row and column, and leaves the database as it was.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from openpyxl import load_workbook
from starlette.responses import PlainTextResponse

from api.body_limit import ENVELOPE_BYTES, BodyLimit
from api.places.models import PublisherKind
from api.projects.models import Project
from api.spreadsheets.columns import EXAMPLE_SHEET, HEADERS, LISTS_SHEET, NOTES_SHEET, SHEET
from tests import factories
from tests.spreadsheet_support import (  # the fixtures among them are used by name
    COMPARED,
    IMPORT,
    LIMIT,
    XLSX,
    competition,
    fair_id,
    fields,
    row,
    stage,
    upload,
    workbook_texts,
    written,
    xlsx,
    zip_bomb,
)

# --- importing ------------------------------------------------------------------------------


async def test_an_organizer_uploads_a_filled_template_and_every_row_is_published(client, stage):
    # Given an open fair and a filled template of three rows
    fair = await factories.fair()
    rows = [row(stage), row(stage, 重点扶持="是"), row(stage)]
    # When an organizer uploads it
    payload = await upload(client, xlsx(rows), fair, stage.organizer)
    # Then the three projects are published, in the file's order, with exact money
    assert payload["errors"] == []
    assert payload["rowCount"] == 3 and payload["dryRun"] is False
    assert payload["totalBudget"] == "240001.50"
    assert [p["code"] for p in payload["projects"]] == [r["项目编号"] for r in rows]
    assert {p["status"] for p in payload["projects"]} == {"PUBLISHED"}
    assert payload["projects"][0]["publisher"]["name"] == stage.publisher.name
    assert await written(fair) == 3


async def test_a_dry_run_checks_the_file_and_writes_nothing(client, stage):
    # Given a valid list of four rows
    fair = await factories.fair()
    data = xlsx([row(stage) for _ in range(4)])
    # When it is uploaded as a dry run
    payload = await upload(client, data, fair, stage.organizer, dry_run=True)
    # Then the count and budget come back, no projects, and nothing is written
    assert payload["errors"] == [] and payload["dryRun"] is True
    assert payload["rowCount"] == 4 and payload["totalBudget"] == "320002.00"
    assert payload["projects"] == []
    assert await written(fair) == 0


async def test_a_publisher_uploads_its_own_projects_but_not_another_publishers(client, stage):
    # Given a publisher account and a list with one row of another publisher
    fair = await factories.fair()
    other = await factories.publisher(stage.district, PublisherKind.COMMUNITY)
    rows = [row(stage), row(stage, 发布单位=other.name)]
    # When the publisher uploads it
    refused = await upload(client, xlsx(rows), fair, stage.own_publisher)
    # Then the other publisher's row is refused at its cell, and nothing is written
    assert fields(refused) == [("file", "rows", "3", "发布单位")]
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    assert await written(fair) == 0
    # and its own rows alone are published
    published = await upload(client, xlsx(rows[:1]), fair, stage.own_publisher)
    assert published["errors"] == [] and await written(fair) == 1


async def test_bad_rows_are_reported_by_row_column_and_chinese_message(client, stage):
    # Given a list with a bad class, a funding split that misses the budget, a budget that
    # is not a number and a duplicated code
    fair = await factories.fair()
    rows = [row(stage) for _ in range(5)]
    rows[0]["服务类别"] = "为狗服务"
    rows[1]["市级资金"] = 10000
    rows[2]["预算（元）"] = "八万元"
    rows[4]["项目编号"] = rows[3]["项目编号"]
    # When it is uploaded (as a dry run or for real)
    for dry_run in (True, False):
        payload = await upload(client, xlsx(rows), fair, stage.organizer, dry_run=dry_run)
        # Then every bad cell is reported by its row (header = 1) and column, in Chinese
        assert fields(payload) == [
            ("file", "rows", "2", "服务类别"),
            ("file", "rows", "3", "市级资金"),
            ("file", "rows", "4", "预算（元）"),
            ("file", "rows", "6", "项目编号"),
        ]
        messages = [e["message"] for e in payload["errors"]]
        assert "为狗服务" in messages[0] and "为老服务" in messages[0]
        assert "之和" in messages[1] and "必须等于预算" in messages[1]
        assert "请写成数字" in messages[2] and "八万元" in messages[2]
        assert "第 5 行" in messages[3]
        assert payload["rowCount"] == 0 and payload["projects"] == []
    # and nothing is written
    assert await written(fair) == 0


async def test_an_unknown_fair_is_reported_with_the_rows(client, stage):
    payload = await upload(client, xlsx([row(stage)]), 2**31 - 1, stage.organizer)
    assert fields(payload) == [("fair",)] and payload["errors"][0]["code"] == "NOT_FOUND"


def _header_csv(encoding: str) -> bytes:
    return (",".join(HEADERS) + "\n" + "为老服务," * 5 + "\n").encode(encoding)


BAD_FILES = {
    "empty": (b"", "list.csv", "文件是空的"),
    "header only": (xlsx([]), "list.xlsx", "没有项目"),
    "utf-16 csv": (_header_csv("utf-16"), "list.csv", "不是表格文件"),
    "undecodable csv": (b"\xff\xfe\xfd" * 50, "list.csv", "编码"),
    "png picture": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64,
        "图.png",
        "不是表格文件",
    ),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "list.xls", ".xls"),
    "broken xlsx": (b"PK\x03\x04" + b"\x01" * 200, "list.xlsx", "不是有效的 Excel"),
    "zip bomb": (zip_bomb(), "list.xlsx", "过大"),
    "other table": ("姓名,电话\n张三,123\n".encode(), "list.csv", "表头"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
async def test_a_file_that_is_not_a_project_list_is_refused_clearly(client, stage, name):
    # Given a file that is not a readable project list
    data, filename, said = BAD_FILES[name]
    fair = await factories.fair()
    # When it is uploaded
    payload = await upload(client, data, fair, stage.organizer, filename=filename)
    # Then it is refused as a whole at the file input, in Chinese, and nothing is written
    assert fields(payload) == [("file",)]
    assert payload["errors"][0]["code"] == "INVALID_INPUT"
    assert said in payload["errors"][0]["message"]
    assert await written(fair) == 0


async def test_a_file_one_byte_over_the_limit_is_refused_for_its_size(client, stage):
    # Given a file one byte over the limit (its request still within the body cap)
    fair = await factories.fair()
    # When it is uploaded
    payload = await upload(client, b"a" * (LIMIT + 1), fair, stage.organizer, filename="a.csv")
    # Then it is refused for its size at the file input
    assert fields(payload) == [("file",)] and "10 MB" in payload["errors"][0]["message"]
    assert await written(fair) == 0


BOUNDARY = "sheqia-test-boundary"
# A well-formed start of a file part: what follows is the file's content, without end.
PART_START = (
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="0"; filename="big.csv"\r\n'
    "Content-Type: text/csv\r\n\r\n"
).encode()


class Counted:
    """A multipart body streamed in 64 KiB chunks, counting what the server asked for."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        self.sent += len(PART_START)
        yield PART_START
        chunk = b"x" * 65_536
        while self.sent < self.total:
            self.sent += len(chunk)
            yield chunk


def _refused_as_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "10 MB" in error["message"]


async def test_a_huge_upload_is_refused_by_its_declared_length_before_any_of_it_is_read(
    client, stage
):
    # Given a multipart upload declaring twice the limit
    body = Counted(2 * LIMIT)
    headers = {
        "authorization": f"Bearer {stage.organizer}",
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
        "content-length": str(2 * LIMIT),
    }
    # When it is posted
    response = await client.post("/graphql", content=body, headers=headers)
    # Then it is refused with a clear 413 and not one byte of it was read
    _refused_as_too_large(response)
    assert body.sent == 0


async def test_a_huge_upload_without_a_length_is_cut_off_at_the_limit(client, stage):
    # Given a chunked multipart upload (no Content-Length) of five times the limit
    fair = await factories.fair()
    body = Counted(5 * LIMIT)
    headers = {
        "authorization": f"Bearer {stage.organizer}",
        "content-type": f"multipart/form-data; boundary={BOUNDARY}",
    }
    # When it is posted
    response = await client.post("/graphql", content=body, headers=headers)
    # Then it is refused once the limit is passed, without reading the rest
    _refused_as_too_large(response)
    assert body.sent <= LIMIT + ENVELOPE_BYTES + 65_536
    assert await written(fair) == 0


async def test_the_body_limit_lets_small_bodies_through_untouched():
    # Given an app behind a body limit of 1 KB
    async def echo(scope: Any, receive: Any, send: Any) -> None:
        received = b""
        while True:
            message = await receive()
            received += message.get("body", b"")
            if not message.get("more_body"):
                break
        await PlainTextResponse(str(len(received)))(scope, receive, send)

    limited = BodyLimit(echo, 1024, 256 * 1024)
    multipart = {"content-type": "multipart/form-data; boundary=x"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=limited), base_url="http://testserver"
    ) as direct:
        # When a small body and one just over limit and envelope are posted
        small = await direct.post("/", content=b"a" * 1000, headers=multipart)
        over = b"a" * (1024 + ENVELOPE_BYTES + 1)
        large = await direct.post("/", content=over, headers=multipart)
    # Then the small one arrives whole and the large one is refused
    assert small.status_code == 200 and small.text == "1000"
    assert large.status_code == 413


@pytest.mark.parametrize("who", ["anonymous", "organization"])
async def test_anonymous_and_organization_accounts_are_refused_before_the_file_is_read(
    client, stage, who
):
    # Given a fair and a file that would be refused if it were read
    fair = await factories.fair()
    token = None if who == "anonymous" else stage.organization
    # When someone not allowed to publish uploads it
    payload = await upload(client, b"\x89PNG\r\n\x1a\n", fair, token, filename="x.png")
    # Then only the refusal of the account comes back, and nothing is written
    expected = "UNAUTHENTICATED" if who == "anonymous" else "FORBIDDEN"
    assert [e["code"] for e in payload["errors"]] == [expected]
    assert await written(fair) == 0


async def test_a_value_that_is_not_an_uploaded_file_is_refused(gql, stage):
    # Given a JSON request naming a string where the file belongs
    fair = await factories.fair()
    variables = {"fair": fair_id(fair), "file": "项目清单.xlsx"}
    # When it is sent
    body = await gql(IMPORT, variables, token=stage.organizer)
    # Then the file input is refused, asking for a multipart upload
    payload = body["data"]["importProjects"]
    assert fields(payload) == [("file",)] and "multipart" in payload["errors"][0]["message"]


async def test_a_fairs_exported_projects_upload_into_a_new_fair_unchanged(client, stage):
    # Given a fair whose list was uploaded, one project since contracted
    source = await factories.fair()
    rows = [row(stage), row(stage, 市级资金=None, 区级资金=None, 采购方式="竞争性评审"), row(stage)]
    assert (await upload(client, xlsx(rows), source, stage.organizer))["errors"] == []
    first = await Project.get(fair_id=source.id, code=rows[0]["项目编号"])
    await factories.contract(first, await factories.organization(), "80000.50")
    # When its results workbook is downloaded and uploaded into a new fair
    download = await client.get(f"/downloads/fairs/{source.edition}/results.xlsx")
    assert download.status_code == 200
    target = await factories.fair()
    payload = await upload(client, download.content, target, stage.organizer)
    # Then the new fair has the same projects
    assert payload["errors"] == [] and payload["rowCount"] == 3
    before = await Project.filter(fair_id=source.id).order_by("code").values_list(*COMPARED)
    after = await Project.filter(fair_id=target.id).order_by("code").values_list(*COMPARED)
    assert after == before


# --- downloads ------------------------------------------------------------------------------


def _filename_star(response: httpx.Response) -> str:
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split("filename*=UTF-8''", 1)[1]


async def test_the_template_downloads_with_a_chinese_file_name(client):
    # When anyone downloads the template
    response = await client.get("/downloads/template.xlsx")
    # Then it is the workbook with the list, example, notes and drop-down lists sheets,
    # named in Chinese (RFC 5987)
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    assert _filename_star(response) == quote("社洽会项目清单模板.xlsx")
    assert 'filename="sheqia-project-list-template.xlsx"' in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [SHEET, EXAMPLE_SHEET, NOTES_SHEET, LISTS_SHEET]
    assert [c.value for c in book[SHEET][1]] == list(HEADERS)


async def test_an_organizer_downloads_the_whole_results_workbook(client, competition, stage):
    # When an organizer downloads the fair's results
    response = await client.get(
        f"/downloads/fairs/{competition.fair.edition}/results.xlsx",
        headers={"authorization": f"Bearer {stage.organizer}"},
    )
    # Then every sheet is there with the private values: contacts, losing bids, marks
    assert response.status_code == 200
    sheets, texts = workbook_texts(response.content)
    assert sheets == ["项目", "立项结果", "拨付", "投标", "评审评分"]
    assert {competition.winner_phone, competition.loser, competition.reviewer} <= texts
    assert competition.supervisor in texts
    assert "no-store" in response.headers["cache-control"]
    # named after the fair, with the path separator in its name made harmless
    name = f"{competition.fair.name.replace('/', '_')}立项结果（主办方完整版）.xlsx"
    assert _filename_star(response) == quote(name)


@pytest.mark.parametrize("who", ["anonymous", "publisher", "organization"])
async def test_anyone_else_downloads_only_the_public_part(client, competition, stage, who):
    # When someone other than an organizer downloads the fair's results
    token = {"anonymous": None, "publisher": stage.own_publisher}.get(who, stage.organization)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.get(
        f"/downloads/fairs/{competition.fair.edition}/results.xlsx", headers=headers
    )
    # Then it has the public sheets: the award with its supervisor and the winning score,
    assert response.status_code == 200
    sheets, texts = workbook_texts(response.content)
    assert sheets == ["项目", "立项结果", "拨付"]
    assert competition.supervisor in texts and "88.5" in texts
    # and none of the private values: contacts, the losing bid, the reviewers' marks
    assert competition.winner_phone not in texts
    assert competition.loser not in texts
    assert competition.reviewer not in texts and "71" not in texts
    assert _filename_star(response).endswith(quote("立项结果公示.xlsx"))


async def test_a_cross_site_cookie_downloads_only_the_public_part(client, competition, stage):
    # Given an organizer's session cookie sent by another site's page
    client.cookies.set("sheqia_session", stage.organizer)
    try:
        response = await client.get(
            f"/downloads/fairs/{competition.fair.edition}/results.xlsx",
            headers={"sec-fetch-site": "cross-site"},
        )
    finally:
        client.cookies.clear()
    # Then the request acts anonymously
    sheets, texts = workbook_texts(response.content)
    assert sheets == ["项目", "立项结果", "拨付"] and competition.loser not in texts


@pytest.mark.parametrize("edition", ["unknown", "99999999999999"])
async def test_an_unknown_fair_is_a_404_in_chinese(client, edition):
    number = str(factories.edition()) if edition == "unknown" else edition
    response = await client.get(f"/downloads/fairs/{number}/results.xlsx")
    assert response.status_code == 404
    assert "社洽会" in response.text and number in response.text


def test_the_command_exports_the_whole_workbook_or_with_public_the_public_part(tmp_path):
    # Given the demo fairs in a database of their own
    database = tmp_path / "demo.db"
    env = {**os.environ, "SHEQIA_DATABASE_URL": f"sqlite://{database}"}

    def sheqia(*args: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            capture_output=True, text=True, timeout=180, env=env,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr

    sheqia("seed", "--scale", "demo")
    with sqlite3.connect(database) as connection:
        [(edition,)] = connection.execute("SELECT min(edition) FROM fair").fetchall()
    # When the past fair's results are exported with and without --public
    whole, public = tmp_path / "whole.xlsx", tmp_path / "public.xlsx"
    sheqia("export", "results", "--fair", str(edition), "--out", str(whole))
    sheqia("export", "results", "--fair", str(edition), "--out", str(public), "--public")
    # Then the organizer's file has the bids and marks, the public one only what 公示 shows
    assert load_workbook(whole).sheetnames == ["项目", "立项结果", "拨付", "投标", "评审评分"]
    assert load_workbook(public).sheetnames == ["项目", "立项结果", "拨付"]
    assert "联系电话" in [c.value for c in load_workbook(whole)["立项结果"][1]]
    assert "联系电话" not in [c.value for c in load_workbook(public)["立项结果"][1]]
