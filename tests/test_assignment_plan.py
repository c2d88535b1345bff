"""The greedy supervisor plan, as a pure function: preferences, loads, conflicts, reasons."""

from __future__ import annotations

from api.catalog.models import ServiceClass
from api.errors import ErrorCode
from api.supervisors.greedy import Candidate, ProjectNeed, assign

CLASS = ServiceClass.MEDIATION


def need(project_id: int, district_id: int = 1) -> ProjectNeed:
    return ProjectNeed(project_id, CLASS, district_id)


def person(
    supervisor_id: int, *, expert: bool = True, district_id: int | None = 1, max_load: int = 5
) -> Candidate:
    return Candidate(
        supervisor_id=supervisor_id,
        expertise=frozenset({CLASS} if expert else {ServiceClass.ELDERLY}),
        district_ids=frozenset({district_id} if district_id else set()),
        max_load=max_load,
    )


def chosen(plan) -> dict[int, int]:
    return {p.project_id: p.supervisor_id for p in plan}


def test_matching_expertise_comes_before_a_matching_district() -> None:
    plan, _ = assign([need(1)], [person(1, expert=False), person(2, district_id=9)], {}, {})
    assert chosen(plan) == {1: 2}


def test_a_matching_district_comes_before_a_lighter_load() -> None:
    plan, _ = assign([need(1)], [person(1, district_id=9), person(2)], {1: 0, 2: 4}, {})
    assert chosen(plan) == {1: 2}


def test_among_equals_the_least_loaded_is_chosen() -> None:
    plan, _ = assign([need(1)], [person(1), person(2)], {1: 3, 2: 1}, {})
    assert chosen(plan) == {1: 2}


def test_load_is_weighed_against_each_supervisors_maximum() -> None:
    # 2 of 10 is lighter than 1 of 2.
    plan, _ = assign([need(1)], [person(1, max_load=2), person(2, max_load=10)], {1: 1, 2: 2}, {})
    assert chosen(plan) == {1: 2}


def test_nobody_goes_above_the_maximum_load() -> None:
    # One place left: the first project takes it, the second finds everyone full.
    plan, uncovered = assign([need(1), need(2)], [person(1, max_load=3)], {1: 2}, {})
    assert chosen(plan) == {1: 1}
    assert [(u.project_id, u.code) for u in uncovered] == [(2, ErrorCode.NO_ELIGIBLE_SUPERVISOR)]
    assert "最大负荷" in uncovered[0].reason


def test_conflicted_supervisors_are_never_chosen() -> None:
    plan, _ = assign([need(1)], [person(1), person(2, expert=False)], {}, {1: {1}})
    assert chosen(plan) == {1: 2}


def test_a_project_everyone_must_stand_aside_from_is_uncovered_with_the_reason() -> None:
    plan, uncovered = assign([need(1)], [person(1), person(2)], {}, {1: {1, 2}})
    assert plan == []
    assert "回避" in uncovered[0].reason


def test_an_empty_pool_leaves_every_project_uncovered() -> None:
    plan, uncovered = assign([need(1), need(2)], [], {}, {})
    assert plan == []
    assert [u.project_id for u in uncovered] == [1, 2]
    assert {u.code for u in uncovered} == {ErrorCode.NO_ELIGIBLE_SUPERVISOR}


def test_the_most_constrained_project_chooses_first() -> None:
    # Project 2 can only have supervisor 1; project 1 could have either. With one place
    # each, a first-come order would leave project 2 without anyone.
    supervisors = [person(1, max_load=1), person(2, expert=False, max_load=1)]
    plan, uncovered = assign([need(1), need(2)], supervisors, {}, {2: {2}})
    assert chosen(plan) == {1: 2, 2: 1}
    assert uncovered == []


def test_the_fit_and_reasons_explain_the_choice() -> None:
    plan, _ = assign([need(1)], [person(1, max_load=4)], {1: 1}, {})
    (planned,) = plan
    assert planned.fit == 0.95  # 0.5 expertise + 0.3 district + 0.2 * (1 - 1/4)
    assert planned.reasons[:3] == (
        "专长领域包含调解治理",
        "服务区域覆盖项目所在区",
        "当前督导 1 个项目，上限 4 个",
    )
