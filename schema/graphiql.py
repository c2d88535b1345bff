"""The GraphiQL page served at /graphql outside production.

Strawberry's own page loads React and GraphiQL from a public CDN, which a government
intranet or a crowded venue network may not reach; ``frontend/graphiql.html`` is that page
with every file taken from ``frontend/vendor/graphiql`` (scripts/vendor_frontend.sh)."""

from __future__ import annotations

from functools import cache

from api.static import frontend_directory


@cache
def graphiql_page() -> str:
    return (frontend_directory() / "graphiql.html").read_text(encoding="utf-8")
