"""The front end on a crowded venue network or an intranet: compressed, cached, no CDN."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from api.static import IMMUTABLE, REVALIDATE

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
VENDORED_URL = re.compile(r"""["'](?:\./|/)(vendor/[^"'?]+)\?v=([0-9a-f]+)["']""")
PAGES = [FRONTEND / "index.html", FRONTEND / "graphiql.html"]


def vendored_references() -> list[tuple[Path, str, str]]:
    return [
        (page, path, fingerprint)
        for page in PAGES
        for path, fingerprint in VENDORED_URL.findall(page.read_text(encoding="utf-8"))
    ]


def test_every_vendored_url_carries_the_fingerprint_of_its_bytes() -> None:
    # Given the pages' references to vendored files (kept for a year by browsers),
    references = vendored_references()
    assert len(references) >= 9
    for page, path, fingerprint in references:
        # then each names a file that exists and whose sha256 starts with the fingerprint.
        digest = hashlib.sha256((FRONTEND / path).read_bytes()).hexdigest()
        assert digest.startswith(fingerprint), f"{page.name}: {path} is now {digest[:12]}"


async def test_scripts_go_out_gzipped_and_revalidated_with_a_bodiless_304(client) -> None:
    # Given a browser that accepts gzip,
    first = await client.get("/js/main.js", headers={"accept-encoding": "gzip"})
    # then the script comes compressed, with an ETag and an instruction to revalidate,
    assert first.status_code == 200
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["cache-control"] == REVALIDATE
    etag = first.headers["etag"]
    # and asking again with that ETag costs a 304 without a body.
    again = await client.get("/js/main.js", headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["cache-control"] == REVALIDATE


async def test_the_page_and_graphql_answers_are_compressed(client) -> None:
    page = await client.get("/", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "社洽会" in page.text
    query = "{ __schema { types { name description } } }"
    answer = await client.post(
        "/graphql", json={"query": query}, headers={"accept-encoding": "gzip"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"


async def test_fingerprinted_vendored_files_are_kept_for_a_year(client) -> None:
    # Given the URL index.html gives for Vue (with its fingerprint),
    _, path, fingerprint = next(r for r in vendored_references() if "vue" in r[1])
    response = await client.get(f"/{path}?v={fingerprint}")
    # then a browser may keep it without asking again; the bare URL is revalidated.
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    bare = await client.get(f"/{path}")
    assert bare.headers["cache-control"] == REVALIDATE


async def test_graphiql_loads_every_file_from_this_server(client) -> None:
    # Given a developer opening the API explorer in a browser,
    page = await client.get("/graphql", headers={"accept": "text/html"})
    # then the page is GraphiQL and names no outside host: only vendored files,
    assert page.status_code == 200
    assert "graphiql" in page.text
    assert not re.search(r"""(src|href)=["']https?://""", page.text)
    assert "unpkg.com" not in page.text
    files = re.findall(r"""(?:src|href)="(/vendor/[^"]+)\"""", page.text)
    assert len(files) == 6
    for url in files:
        # each of which the server has.
        response = await client.get(url)
        assert response.status_code == 200, url
