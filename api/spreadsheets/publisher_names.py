"""Publisher names as people write them, to the names the system knows.

An officer writes the full title of the office, 五老村街道夫子庙社区居委会 or
秦淮区大光路街道办事处; the system knows the community 夫子庙社区 and the street
大光路街道. The written name is tried first, then shorter forms: without the committee's or
office's title, then without the district and street the name starts with.
"""

from __future__ import annotations

import re

# Titles after a community's or street's name that the system's names leave out.
TITLES = (
    "居民委员会", "居委会", "村民委员会", "村委会", "办事处", "党工委", "管理委员会", "管委会",
)  # fmt: skip
# What the shorter forms must end with: the names of communities and streets.
PLACES = ("社区", "街道", "村", "镇")
# Places a full title may start with: the city, a district (…区), a street (…街道 / …镇).
PREFIX = re.compile(r"^(?:南京市)?(?:[^区]{1,6}区)?(?:[^街]{1,8}街道|[^镇]{1,6}镇)?")


def variants(written: str) -> list[str]:
    """The names to try for ``written``, best first, without repeats."""
    name = re.sub(r"\s+", "", written)
    found = [name]
    untitled = _untitled(name)
    found.append(untitled)
    if untitled.endswith("街道办"):
        found.append(untitled.removesuffix("办"))
    for candidate in list(found):
        rest = PREFIX.sub("", candidate, count=1)
        if rest and rest != candidate:
            found.append(rest)
        # Only the district left out: 秦淮区大光路街道 → 大光路街道.
        district_only = re.sub(r"^(?:南京市)?[^区]{1,6}区(?=.)", "", candidate, count=1)
        found.append(district_only)
    # A shorter form is a community's or street's name, never a bare department (民政局).
    shorter = [n for n in found[1:] if n.endswith(PLACES)]
    return list(dict.fromkeys([name, *shorter]))


def _untitled(name: str) -> str:
    for title in TITLES:
        if name.endswith(title) and len(name) > len(title):
            return name.removesuffix(title)
    return name
