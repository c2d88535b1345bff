"""The served schema keeps every name the public contract binds."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    parse,
)

from schema.schema import schema

REPO = Path(__file__).resolve().parents[1]
CONTRACT_COPY = REPO / "docs" / "contract.graphql"
SHARED_CONTRACT = REPO.parent / "shared" / "contract.graphql"

# Parts of the contract not served yet; each entry leaves this list when it is. Every
# part is served now, so the list is empty.
NOT_YET_SERVED: set[str] = set()


def _contract_definitions():
    document = parse(CONTRACT_COPY.read_text(encoding="utf-8"))
    kinds = (
        ObjectTypeDefinitionNode,
        InputObjectTypeDefinitionNode,
        InterfaceTypeDefinitionNode,
        EnumTypeDefinitionNode,
    )
    return [d for d in document.definitions if isinstance(d, kinds)]


def _names(definition) -> set[str]:
    members = getattr(definition, "fields", None) or getattr(definition, "values", None) or []
    return {m.name.value for m in members}


def _served_names(type_name: str) -> set[str]:
    served = schema._schema.type_map[type_name]
    return set(getattr(served, "fields", None) or getattr(served, "values", None) or {})


def test_the_contract_copy_is_current():
    # Given the shared contract beside the repository (where it is checked out there),
    # then the copy kept in docs/ is the same text.
    if not SHARED_CONTRACT.exists():
        pytest.skip("the shared contract is not checked out beside this repository")
    assert CONTRACT_COPY.read_text(encoding="utf-8") == SHARED_CONTRACT.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "definition",
    [d for d in _contract_definitions() if d.name.value not in NOT_YET_SERVED],
    ids=lambda d: d.name.value,
)
def test_served_type_has_every_contract_member(definition):
    # Given a type of the contract, when the served schema is read,
    # then the type exists with every field, input field or enum value the contract names.
    name = definition.name.value
    assert name in schema._schema.type_map, f"{name} is not served"
    missing = _names(definition) - _served_names(name)
    assert missing == set(), f"{name} lacks {sorted(missing)}"
