"""The city's staffing rule for big projects, and the notice when a list is raised to it.

A project of CNY 100,000 or more must be taken by an organization with at least 2
full-time certified social workers. Publishing stores at least that on such a project
whatever the list says, and tells people so rather than changing it silently.
"""

from __future__ import annotations

from decimal import Decimal

from api.errors import Notice

BIG_PROJECT = Decimal("100000.00")
BIG_PROJECT_SOCIAL_WORKERS = 2


def required_social_workers(budget: Decimal, given: int | None) -> int:
    """What is stored: the list's number, raised to the rule's minimum for a big project."""
    number = given or 0
    return max(number, BIG_PROJECT_SOCIAL_WORKERS) if budget >= BIG_PROJECT else number


def raised(index: int, budget: Decimal, given: int | None) -> Notice | None:
    """The notice for the list's row ``index`` when its number is raised, else None."""
    stored = required_social_workers(budget, given)
    if stored == (given or 0):
        return None
    return Notice(
        f"预算 {budget:,.2f} 元达到 10 万元，承接机构至少需要 {BIG_PROJECT_SOCIAL_WORKERS} 名"
        f"持证专职社工：最少持证社工由 {given or 0} 按 {stored} 发布。",
        ["projects", str(index), "minSocialWorkers"],
    )
