"""A score sheet: one mark 0..100 for each weighted key of a fair's criteria or components.

Reviewers score bids against ``Fair.criteria`` and evaluators score projects against
``Fair.evaluation_components``; both sheets follow the same rules, checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from api.errors import ErrorCode, Problem

MIN_SCORE = 0.0
MAX_SCORE = 100.0
# Totals are kept to four decimals: marks given as decimals (59.99) then add up exactly,
# and equal sheets compare equal instead of differing in the last binary digit.
TOTAL_PLACES = Decimal("0.0001")


def weights_of(items: Sequence[dict[str, Any]]) -> dict[str, float]:
    """``{key: weight}`` of a fair's criteria or evaluation components."""
    return {str(item["key"]): float(item["weight"]) for item in items}


def names_of(items: Sequence[dict[str, Any]]) -> dict[str, str]:
    """``{key: name}``: what a person calls each criterion or component ("需求契合度")."""
    return {str(item["key"]): str(item.get("name") or item["key"]) for item in items}


def sheet_problems(
    marks: Sequence[tuple[str, float]],
    weights: dict[str, float],
    argument: str,
    key_field: str,
    names: dict[str, str] | None = None,
) -> list[Problem]:
    """Every problem of ``marks``: unknown, repeated or missing keys, marks out of 0..100.

    ``argument`` is the list's name in the request ("scores") and ``key_field`` the
    name of the key in each entry ("criterion", "component"), for the field paths;
    ``names`` gives the messages the criteria's names instead of their keys.
    """
    problems = []
    seen: set[str] = set()
    names = names or {}
    for i, (key, score) in enumerate(marks):
        key_path = [argument, str(i), key_field]
        if key not in weights:
            message = f"第 {i + 1} 项的评分项“{key}”不是本届规定的评分项。Unknown key."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, key_path))
        elif key in seen:
            message = f"评分项“{names.get(key, key)}”重复打分，每项只能打一次分。Scored twice."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, key_path))
        seen.add(key)
        if not MIN_SCORE <= score <= MAX_SCORE:
            what = f"“{names[key]}”" if key in names else f"第 {i + 1} 项"
            message = f"{what}的分数必须在 0 到 100 之间，收到 {score:g}。Out of range."
            problems.append(Problem(ErrorCode.INVALID_INPUT, message, [argument, str(i), "score"]))
    missing = [key for key in weights if key not in seen]
    if missing:
        listed = "、".join(names.get(key, key) for key in missing)
        message = f"还有评分项没有打分：{listed}。每一项都必须打分。Missing: {', '.join(missing)}."
        problems.append(Problem(ErrorCode.INVALID_INPUT, message, [argument]))
    return problems


def weighted_total(marks: Sequence[tuple[str, float]], weights: dict[str, float]) -> float:
    """``sum(score * weight) / 100``, computed in decimal and kept to four places."""
    total = sum(
        (Decimal(str(score)) * Decimal(str(weights[key])) for key, score in marks),
        Decimal(0),
    )
    return float((total / 100).quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP))
