"""Refusals the server explains in words reach the person in those words, whatever the
HTTP status they come with (a rate limit's 429, a refused document's 400); a network
failure and an answer that is not JSON keep their plain messages.

The refusals are staged with Playwright's routing, except the costly query, which the
real server refuses. Chromium logs every 4xx/5xx answer and aborted request as a console
error; the ones a test stages are expected and taken off the page's problems.
"""

from __future__ import annotations

import json
from typing import Any

RATE_LIMITED = {
    "data": None,
    "errors": [
        {
            "message": "操作过于频繁，请 42 秒后再试。Too many requests: retry in 42 s.",
            "extensions": {"code": "RATE_LIMITED", "retryAfter": 42},
        }
    ],
}
TOO_COSTLY = {
    "errors": [
        {
            "message": "查询预计返回约 20301 个对象，超过上限 5000（SHEQIA_MAX_QUERY_COST）。"
            "Query cost 20301 exceeds the limit 5000.",
            "extensions": {"code": "QUERY_TOO_COSTLY", "cost": 20301, "limit": 5000},
        }
    ]
}
# 100 projects with 100 bids each: about 20,000 objects, past the default limit of 5,000.
COSTLY = "query Costly { projects(first: 100) { edges { node { bids(first: 100) { edges { node { id } } } } } } }"
IMPORT = "mutation Import($file: Upload!) { importProjects(fair: 1, file: $file, dryRun: true) { errors { code message } } }"

# Calls the page's own api.js (the module main.js loaded) and returns what it threw.
CALL_GQL = """async (document) => {
  const { gql } = await import("/js/api.js");
  try { await gql(document); return null; }
  catch (error) { return { name: error.name, code: error.code, message: error.message, extensions: error.extensions ?? null }; }
}"""
CALL_UPLOAD = """async (document) => {
  const { uploadMutation } = await import("/js/upload.js");
  const file = new File(["code,title\\n"], "list.csv", { type: "text/csv" });
  try { await uploadMutation(document, {}, "file", file, "importProjects"); return null; }
  catch (error) { return { name: error.name, code: error.code, message: error.message }; }
}"""
SET_ENGLISH = """async () => { (await import("/js/i18n.js")).setLanguage("en"); }"""


def answering(page: Any, status: int, body: dict[str, Any] | str) -> None:
    """Every GraphQL request of ``page`` now gets this answer."""
    page.unroute("**/graphql")
    text, kind = (
        (body, "text/html") if isinstance(body, str) else (json.dumps(body), "application/json")
    )
    page.route(
        "**/graphql",
        lambda route: route.fulfill(status=status, content_type=kind, body=text),
    )


def expect_problems(watched: Any, *expected: str) -> None:
    """Takes the console errors and failed requests a test staged off the page's problems."""
    watched.problems[:] = [p for p in watched.problems if not any(e in p for e in expected)]


def test_a_rate_limited_login_says_when_to_try_again(open_page: Any) -> None:
    # Given the login page, when the server refuses the login with 429 (rate limited),
    watched = open_page()
    page = watched.open("/login")
    answering(page, 429, RATE_LIMITED)
    page.get_by_label("用户名").fill("org")
    page.get_by_label("密码").fill("demo-org-2026")
    page.get_by_role("button", name="登录", exact=True).click()
    # then the form says what the server said, in Chinese, not "server error 429".
    alert = page.locator(".form-alert")
    alert.wait_for()
    assert "操作过于频繁，请 42 秒后再试。" in alert.inner_text()
    assert "429" not in alert.inner_text()
    assert "Too many" not in alert.inner_text()
    expect_problems(watched, "status of 429")


def test_the_api_reads_graphql_errors_whatever_the_status(open_page: Any) -> None:
    watched = open_page()
    page = watched.open("/login")
    page.wait_for_function("() => document.querySelector('form')")
    # Given a query the real server refuses as too costly (200 for a JSON client),
    # then the error is the server's explanation with its code
    refused = page.evaluate(CALL_GQL, COSTLY)
    assert refused["code"] == "QUERY_TOO_COSTLY"
    assert refused["message"].startswith("查询预计返回约")
    assert "Query cost" not in refused["message"]
    # Given the same refusal as a 400, and a rate limit as a 429, then the same
    answering(page, 400, TOO_COSTLY)
    assert page.evaluate(CALL_GQL, COSTLY)["message"].startswith("查询预计返回约 20301 个对象")
    answering(page, 429, RATE_LIMITED)
    limited = page.evaluate(CALL_GQL, COSTLY)
    assert limited["code"] == "RATE_LIMITED"
    assert limited["message"] == "操作过于频繁，请 42 秒后再试。"
    assert limited["extensions"]["retryAfter"] == 42
    # And an upload refused by a rate limit says the same
    uploaded = page.evaluate(CALL_UPLOAD, IMPORT)
    assert (uploaded["code"], uploaded["message"]) == (
        "RATE_LIMITED",
        "操作过于频繁，请 42 秒后再试。",
    )
    # Given a proxy's error page (not JSON), then the plain server message with the status
    answering(page, 502, "<html>Bad Gateway</html>")
    proxied = page.evaluate(CALL_GQL, COSTLY)
    assert (proxied["code"], proxied["message"]) == (
        "HTTP",
        "服务器暂时无法处理请求（502），请稍后再试。",
    )
    # Given no network at all, then the network message
    page.unroute("**/graphql")
    page.route("**/graphql", lambda route: route.abort())
    offline = page.evaluate(CALL_GQL, COSTLY)
    assert (offline["code"], offline["message"]) == ("NETWORK", "网络连接失败，请检查网络后重试。")
    # And in English, the English half of the server's words
    answering(page, 429, RATE_LIMITED)
    page.evaluate(SET_ENGLISH)
    assert page.evaluate(CALL_GQL, COSTLY)["message"] == "Too many requests: retry in 42 s."
    expect_problems(watched, "status of 400", "status of 429", "status of 502", "ERR_FAILED")
