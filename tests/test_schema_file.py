"""The checked-in schema file is the schema the server serves, and keeps the contract."""

from __future__ import annotations

import re
from pathlib import Path

from schema.export import SCHEMA_FILE, served_sdl
from schema.schema import schema

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract.graphql"
ROOT_FIELDS = (
    "node",
    "me",
    "fair",
    "fairs",
    "project",
    "projects",
    "organizations",
    "supervisors",
    "districts",
    "publishers",
    "catalogItems",
    "auditLog",
)


def test_schema_file_matches_the_served_schema():
    # Given the schema built from the code, when it is compared with schema/schema.graphql,
    # then they are identical (run `python -m schema.export` after changing the schema).
    assert SCHEMA_FILE.read_text(encoding="utf-8") == served_sdl()


def test_every_query_root_field_of_the_contract_is_served():
    query_type = re.search(r"type Query \{(.*?)\n\}", served_sdl(), re.S)
    assert query_type is not None
    served = set(re.findall(r"^  (\w+)[(:]", query_type.group(1), re.M))
    assert set(ROOT_FIELDS) <= served


def test_every_type_and_field_has_a_description():
    # Given the served schema, when its own types and fields are listed,
    # then each one carries a description.
    undocumented = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if not kind.description:
            undocumented.append(name)
        fields = getattr(kind, "fields", None) or {}
        undocumented += [f"{name}.{f}" for f, d in fields.items() if not d.description]
    assert undocumented == []
