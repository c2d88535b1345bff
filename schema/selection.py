"""Reading which fields a query selects, so a page can preload what its rows will need."""

from __future__ import annotations

from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _fields(selections: list[Selection]) -> list[SelectedField]:
    found: list[SelectedField] = []
    for s in selections:
        if isinstance(s, SelectedField):
            found.append(s)
        elif isinstance(s, FragmentSpread | InlineFragment):
            found += _fields(s.selections)
    return found


def children(field: SelectedField, name: str) -> list[SelectedField]:
    """Every selection of ``name`` directly under ``field`` (aliases make several)."""
    return [f for f in _fields(field.selections) if f.name == name]


def asks_for(info: Any, name: str) -> bool:
    """Whether the field being resolved selects ``name`` directly under it."""
    return any(children(root, name) for root in info.selected_fields)


def node_fields(info: Any) -> dict[str, list[SelectedField]]:
    """The fields selected on ``edges { node { … } }`` of the connection being resolved."""
    out: dict[str, list[SelectedField]] = {}
    for root in info.selected_fields:
        for edges in children(root, "edges"):
            for node in children(edges, "node"):
                for f in _fields(node.selections):
                    out.setdefault(f.name, []).append(f)
    return out


def sub_fields(fields: list[SelectedField], name: str) -> list[SelectedField]:
    return [child for f in fields for child in children(f, name)]
