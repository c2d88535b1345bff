"""Every GraphQL document the front end sends is valid against the served schema.

The pages keep their queries, mutations and subscriptions as strings in ``frontend/js``; when the schema
changes under them this test names the document that broke, without a browser.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend" / "js"
SCHEMA = ROOT / "schema" / "schema.graphql"

STRING = re.compile(r"`([^`]*)`|\"((?:query|mutation|subscription) [^\"]*)\"")
SHARED = re.compile(r"(?:export )?const (\w+) = (?:`([^`]*)`|\"([^\"]*)\");")
OPERATION = re.compile(r"^\s*(query|mutation|subscription)\b")
INTERPOLATION = re.compile(r"\$\{(\w+)\}")


def _documents() -> list[tuple[str, str]]:
    sources = {path: path.read_text(encoding="utf-8") for path in sorted(FRONTEND.rglob("*.js"))}
    shared = {
        name: backticked or quoted
        for source in sources.values()
        for name, backticked, quoted in SHARED.findall(source)
        if not OPERATION.match(backticked or quoted)
    }
    found = []
    for path, source in sources.items():
        for template, quoted in STRING.findall(source):
            text = template or quoted
            if not OPERATION.match(text):
                continue
            text = INTERPOLATION.sub(lambda m: shared[m.group(1)], text)
            name = re.search(r"(?:query|mutation|subscription)\s+(\w+)", text)
            label = f"{path.relative_to(ROOT)}:{name.group(1) if name else '?'}"
            found.append((label, text))
    return found


DOCUMENTS = _documents()


def test_the_front_end_has_documents() -> None:
    names = {label.split(":")[1] for label, _ in DOCUMENTS}
    assert {"FairHall", "ClaimProject", "AwardProject", "PublicResults", "FairStatistics"} <= names
    assert {"BoardActivity", "HallActivity"} <= names  # subscriptions are checked too
    assert len(DOCUMENTS) >= 30


@pytest.mark.parametrize(("label", "document"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_document_is_valid_against_the_served_schema(label: str, document: str) -> None:
    schema = build_schema(SCHEMA.read_text(encoding="utf-8"))
    errors = validate(schema, parse(document))
    assert not errors, f"{label}: " + "; ".join(e.message for e in errors)


def test_graphiql_runs_from_vendored_files_only(open_page: Any) -> None:
    # Given the API explorer, where a government intranet has no CDN,
    watched = open_page()
    page = watched.page
    outside: list[str] = []
    page.on(
        "request",
        lambda request: outside.append(request.url)
        if not request.url.startswith(watched.base) and not request.url.startswith("data:")
        else None,
    )
    page.goto(f"{watched.base}/graphql")
    # when it opens, then GraphiQL's editor is drawn (no console error, no failed request:
    # the fixture checks), and nothing was asked of any other host.
    page.locator(".graphiql-container .graphiql-editors").wait_for()
    assert outside == []
    watched.shot("graphiql")
