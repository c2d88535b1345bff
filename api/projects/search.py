"""Project search: what people mean, not only the letters they typed.

A query is split on spaces into words; a project matches when it matches every word. A
word matches a project when the project's title, description or catalogue item name
contains the word or one of its synonyms (``api.projects.synonyms``), or when the word
names the project's service class (为老服务, 为老, 养老 …).

Everything is a condition of the one statement that reads the page (the catalogue item's
name through a join), so a search costs no extra statement on the fair's hot path.
Matching is a plain ``LIKE '%word%'`` on both engines: Chinese has no spaces for a
tokenizer to split on, a query of two characters (养老) is below what a trigram index can
use, and the hall always filters by fair, so the scan covers one fair's projects.

Results are ranked (``RANK``): the typed word in the title first, then a synonym in the
title, then the catalogue item, then the description, then the class alone; equal ranks
in id order, so keyset pages stay stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from tortoise.expressions import Case, Q, RawSQL, When

from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.projects.synonyms import GROUPS

RANK = "search_rank"
# Suffixes people add to what they mean: 养老服务, 助老项目, 为老类.
SUFFIXES = ("服务", "项目", "类")
# A class's short name as people say it: 为老服务 → 为老.
CLASS_WORDS: dict[ServiceClass, tuple[str, ...]] = {
    c: (name, name.removesuffix("服务")) for c, name in SERVICE_CLASS_NAMES.items()
}


@dataclass(frozen=True)
class Word:
    """One word of a query: as typed, with the words and classes it stands for."""

    typed: str
    words: tuple[str, ...]
    classes: tuple[ServiceClass, ...]


def words_of(query: str) -> list[Word]:
    return [_expand(part) for part in dict.fromkeys(query.split())]


def _expand(typed: str) -> Word:
    core = _core(typed)
    words = [typed, core]
    classes: list[ServiceClass] = []
    for group in GROUPS:
        if core in group.words or typed in group.words:
            words += group.words
            if group.service_class is not None:
                classes.append(group.service_class)
    for service_class, names in CLASS_WORDS.items():
        if core in names or typed in names:
            classes.append(service_class)
    return Word(typed, tuple(w for w in dict.fromkeys(words) if w), tuple(dict.fromkeys(classes)))


def _core(typed: str) -> str:
    for suffix in SUFFIXES:
        if typed.endswith(suffix) and len(typed) > len(suffix) + 1:
            return typed.removesuffix(suffix)
    return typed


def _any(field: str, words: tuple[str, ...]) -> Q:
    return reduce(or_, (Q(**{f"{field}__{_lookup(w)}": w}) for w in words))


def _lookup(word: str) -> str:
    # Chinese has no case: a plain LIKE, without the UPPER() of both sides that made a
    # search take about twice as long on PostgreSQL; Latin letters still match any case.
    return "icontains" if any(c.isascii() and c.isalpha() for c in word) else "contains"


def matches(word: Word) -> Q:
    """The condition under which a project matches ``word``."""
    parts = [_any(field, word.words) for field in ("title", "catalog_item__name", "description")]
    if word.classes:
        # The class first: PostgreSQL then skips the text of a project of that class.
        parts.insert(0, Q(service_class__in=list(word.classes)))
    return reduce(or_, parts)


def condition(words: list[Word]) -> Q:
    """Every word matches."""
    return reduce(lambda a, b: a & b, (matches(w) for w in words))


def _literal(n: int) -> Any:
    # Tortoise's stubs allow functions and fields here; a raw literal works the same.
    return RawSQL(str(n))


def rank(words: list[Word]) -> Case:
    """How well a project matches, 4 (best) to 0; by the query's words taken together."""
    typed = tuple(w.typed for w in words)
    every = tuple(dict.fromkeys(x for w in words for x in w.words))
    # Ranks are literal SQL: as query arguments PostgreSQL would type them as text.
    return Case(
        When(_any("title", typed), then=_literal(4)),
        When(_any("title", every), then=_literal(3)),
        When(_any("catalog_item__name", every), then=_literal(2)),
        When(_any("description", every), then=_literal(1)),
        default=_literal(0),
    )
