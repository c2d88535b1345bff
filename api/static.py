"""The static front end: where its files are, and how long a browser may keep them.

The front end has no build step, so the app's own files keep their names from release to
release: a browser keeps them but asks again each time (``no-cache``), and Starlette's
ETag turns the question into a bodiless 304. Vendored libraries are requested with a
content fingerprint in the query (``vendor/vue.esm-browser.prod.js?v=<sha256 prefix>``,
written into ``index.html`` and ``graphiql.html``; tests/test_static_files.py checks it
matches the file): such a request names one version of the bytes for good, so it may be
kept for a year without asking (``immutable``).
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

import api

REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def frontend_directory() -> Path:
    """The front end shipped inside the installed package (``api/frontend``, see
    pyproject.toml) or, in a source checkout, ``frontend/`` beside the packages."""
    packaged = Path(api.__file__).resolve().parent / "frontend"
    if packaged.is_dir():
        return packaged
    return Path(api.__file__).resolve().parent.parent / "frontend"


def cache_control(scope: Scope) -> str:
    """A fingerprinted vendored file is kept for good; everything else is revalidated."""
    path = scope.get("path", "")
    fingerprinted = "v" in QueryParams(scope.get("query_string", b""))
    if fingerprinted and "/vendor/" in path:
        return IMMUTABLE
    return REVALIDATE


class FrontendFiles(StaticFiles):
    """StaticFiles with a Cache-Control header on every file (and on its 304)."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["cache-control"] = cache_control(scope)
        return response
