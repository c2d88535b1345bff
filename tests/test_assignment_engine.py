"""The optimal supervisor assignment engine and its greedy baseline (pure, no database).

Hand-checked instances pin the objective (placed projects first, then fit, then even
load); property tests over random instances check the hard rules, compare with the
greedy baseline and, on tiny instances, with the optimum found by trying every plan.
"""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.supervisors.baseline import greedy
from api.supervisors.engine import solve
from api.supervisors.fit import fit_of, load_unit_cost
from api.supervisors.problem import (
    ALL_CONFLICTED,
    FIELD_FULL,
    NO_CAPACITY,
    ProjectToSupervise,
    Solution,
    SupervisorCapacity,
    excluded,
)

ELDERLY, CHILDREN, DISABILITY = "ELDERLY", "CHILDREN", "DISABILITY"
PROPERTY = settings(max_examples=200, deadline=None, database=None, derandomize=True)


def project(
    project_id: int,
    service_class: str = ELDERLY,
    district_id: int = 1,
    organization_id: int = 100,
    reviewers: tuple[int, ...] = (),
) -> ProjectToSupervise:
    return ProjectToSupervise(
        project_id, service_class, district_id, organization_id, frozenset(reviewers)
    )


def person(
    supervisor_id: int,
    expertise: tuple[str, ...] = (ELDERLY,),
    districts: tuple[int, ...] = (1,),
    max_load: int = 5,
    load: int = 0,
    affiliated: int | None = None,
) -> SupervisorCapacity:
    return SupervisorCapacity(
        supervisor_id, frozenset(expertise), frozenset(districts), max_load, load, affiliated
    )


def chosen(solution: Solution) -> dict[int, int]:
    return {p: a.supervisor_id for p, a in solution.assignments.items()}


# --- hand-checked optima -------------------------------------------------------------


def test_fit_is_two_for_expertise_and_one_for_district():
    # Given a project for the elderly in district 1,
    # when fitted against people with each combination of field and district,
    # then expertise counts 2 and the district 1.
    assert fit_of(ELDERLY, 1, person(1, (ELDERLY,), (1,))) == 3
    assert fit_of(ELDERLY, 1, person(2, (ELDERLY,), (2,))) == 2
    assert fit_of(ELDERLY, 1, person(3, (CHILDREN,), (1,))) == 1
    assert fit_of(ELDERLY, 1, person(4, (CHILDREN,), (2,))) == 0


def test_greedy_is_worse_than_optimal_when_an_early_project_takes_the_versatile_expert():
    # Given two elderly projects in districts 1 and 2, and two experts with one place each:
    # A serves both districts, B only district 1,
    projects = [project(1, district_id=1), project(2, district_id=2)]
    people = [person(1, districts=(1, 2), max_load=1), person(2, districts=(1,), max_load=1)]
    # when both plans are made,
    optimal, baseline = solve(projects, people), greedy(projects, people)
    # then greedy gives A to the first project (tie broken by id) and leaves B, who does
    # not serve district 2, to the second: 3 + 2 = 5; the optimum swaps them: 3 + 3 = 6.
    assert chosen(baseline) == {1: 1, 2: 2}
    assert baseline.total_fit == 5.0
    assert chosen(optimal) == {1: 2, 2: 1}
    assert optimal.total_fit == 6.0


def test_a_project_placed_with_fit_zero_beats_a_project_left_without_supervisor():
    # Given project 1 that A fits (3) and project 2 that A fits less (2), A with one place,
    # and B who fits project 1 not at all and reviewed project 2,
    projects = [project(1, district_id=1), project(2, district_id=2, reviewers=(2,))]
    people = [person(1, districts=(1,), max_load=1), person(2, expertise=(), districts=())]
    # when solved,
    solution = solve(projects, people)
    # then both projects get a supervisor (total fit 2) rather than only the best pair
    # (fit 3): every project needs its supervisor. Greedy, taking the best pair first,
    # places one project with the higher fit: the optimum is compared by count first.
    assert chosen(solution) == {1: 2, 2: 1}
    assert solution.total_fit == 2.0
    baseline = greedy(projects, people)
    assert chosen(baseline) == {1: 1}
    assert baseline.total_fit == 3.0


def test_load_never_buys_a_worse_fit():
    # Given three projects that A fits perfectly (3 places) and idle B fits less (2),
    projects = [project(i) for i in (1, 2, 3)]
    people = [person(1, max_load=3), person(2, districts=(2,), max_load=10)]
    # when solved,
    solution = solve(projects, people)
    # then A takes all three and reaches the maximum: fit comes before even load.
    assert set(chosen(solution).values()) == {1}
    assert solution.total_fit == 9.0


def test_load_is_spread_by_share_of_each_maximum():
    # Given four projects that both fit perfectly, A with at most 2 and B with at most 6,
    projects = [project(i) for i in range(1, 5)]
    people = [person(1, max_load=2), person(2, max_load=6)]
    # when solved,
    solution = solve(projects, people)
    # then each ends at half of their own maximum: A 1, B 3.
    assert solution.new_loads() == {1: 1, 2: 3}


def test_existing_load_counts_when_spreading():
    # Given two projects, and two equal experts of 4 of whom A already follows 2,
    projects = [project(1), project(2)]
    people = [person(1, max_load=4, load=2), person(2, max_load=4)]
    # when solved, then B takes both: both end at half their maximum.
    assert solve(projects, people).new_loads() == {2: 2}


def test_reasons_name_the_fit_terms_and_the_load():
    # Given one elderly project and an elderly expert from another district,
    solution = solve([project(1)], [person(7, districts=(2,), max_load=3, load=1)])
    # when solved, then the assignment says why, term by term.
    assignment = solution.assignments[1]
    assert assignment.supervisor_id == 7
    assert assignment.fit == 2.0
    assert assignment.reasons[0] == "专长领域包含为老服务（+2）"
    assert assignment.reasons[1] == "服务区域不含项目所在区（+0）"
    assert "2 个项目，上限 3 个" in assignment.reasons[2]


# --- conflicts of interest -----------------------------------------------------------


def test_affiliated_supervisor_and_reviewers_stand_aside():
    # Given a project of organization 100 reviewed by B, the perfect fit A affiliated
    # with organization 100, B who fits as well, and C who fits less,
    projects = [project(1, organization_id=100, reviewers=(2,))]
    people = [person(1, affiliated=100), person(2), person(3, districts=(2,))]
    # when solved, then only C may take it.
    assert chosen(solve(projects, people)) == {1: 3}
    assert chosen(greedy(projects, people)) == {1: 3}


def test_conflicted_projects_of_one_group_are_solved_exactly():
    # Given three projects of the same class and district (one group), two of them by
    # organization 1 with which A, the only perfect fit (2 places), is affiliated, and B
    # who fits less (2 places),
    projects = [project(1, organization_id=1), project(2, organization_id=1), project(3)]
    people = [person(1, max_load=2, affiliated=1), person(2, districts=(2,), max_load=2)]
    # when solved (the grouped relaxation gives A two projects of the group, which
    # cannot be shared out, so the exact network decides), and straight on the exact one,
    for solution in (solve(projects, people), solve(projects, people, relax_first=False)):
        # then A takes only the project it may have and B the other two: 3 + 2 + 2.
        assert chosen(solution) == {1: 2, 2: 2, 3: 1}
        assert solution.total_fit == 7.0


# --- projects nobody can take ------------------------------------------------------------


def test_full_pool_reports_no_capacity():
    # Given a pool whose only person is already at maximum load, and an empty pool,
    for people in ([person(1, max_load=2, load=2)], []):
        # when solved, then every project is left with NO_CAPACITY.
        solution = solve([project(1), project(2)], people)
        assert solution.assignments == {}
        assert {p: r.code for p, r in solution.unassigned.items()} == {
            1: NO_CAPACITY,
            2: NO_CAPACITY,
        }
        assert solution.unassigned[1].message.startswith("没有任何督导有剩余名额")


def test_everyone_conflicted_is_reported_per_project():
    # Given A affiliated with organization 100 and B who reviewed project 2,
    projects = [project(1, organization_id=100, reviewers=(2,)), project(2, reviewers=(2,))]
    people = [person(1, affiliated=100, max_load=1), person(2)]
    # when solved,
    solution = solve(projects, people)
    # then both projects, by organization 100 and reviewed by B, are reported conflicted.
    assert solution.assignments == {}
    assert {p: r.code for p, r in solution.unassigned.items()} == {
        1: ALL_CONFLICTED,
        2: ALL_CONFLICTED,
    }
    assert solution.unassigned[1].message.startswith("所有可选督导均存在利益冲突")


def test_field_full_leaves_the_last_projects_of_the_group():
    # Given three elderly projects, one elderly expert with two places, and a children's
    # expert already at maximum,
    projects = [project(1), project(2), project(3)]
    people = [person(1, max_load=2), person(2, expertise=(CHILDREN,), max_load=1, load=1)]
    # when solved,
    solution = solve(projects, people)
    # then the first two by id are placed and the third is reported as field full.
    assert chosen(solution) == {1: 1, 2: 1}
    assert list(solution.unassigned) == [3]
    assert solution.unassigned[3].code == FIELD_FULL
    assert solution.unassigned[3].message.startswith("本领域督导已满额")


def test_mixed_shortfall_names_the_right_projects():
    # Given two elderly projects and a children's project reviewed by B, the children's
    # expert; A, the elderly expert, and B have one place each,
    projects = [project(1), project(2, CHILDREN, reviewers=(2,)), project(3)]
    people = [person(1, max_load=1), person(2, expertise=(CHILDREN,), max_load=1)]
    # when solved,
    solution = solve(projects, people)
    # then the elderly projects take both places (A fits them best; B, who may not take
    # project 2, fits them by district), and project 2 is left: A is taken and the only
    # children's expert stands aside.
    assert chosen(solution) == {1: 1, 3: 2}
    assert solution.total_fit == 4.0
    assert set(solution.unassigned) == {2}
    assert solution.unassigned[2].code == FIELD_FULL
    assert "没有无利益冲突的为小服务督导" in solution.unassigned[2].message


# --- determinism -----------------------------------------------------------------------


def test_same_input_same_plan_in_any_order():
    # Given a random instance,
    projects, people = random_instance(random.Random(7), projects=60, people=15)
    # when solved twice, and once with both inputs shuffled,
    first, second = solve(projects, people), solve(projects, people)
    shuffled_projects, shuffled_people = list(projects), list(people)
    random.Random(1).shuffle(shuffled_projects)
    random.Random(2).shuffle(shuffled_people)
    third = solve(shuffled_projects, shuffled_people)
    # then the three plans are identical, reasons included.
    assert first == second == third
    assert greedy(projects, people) == greedy(shuffled_projects, shuffled_people)


def test_repeated_ids_are_refused():
    # Given the same project twice, when solved, then the input is refused.
    with pytest.raises(ValueError, match="repeated project id"):
        solve([project(1), project(1)], [person(1)])


# --- properties over random instances -----------------------------------------------


def random_instance(
    rng: random.Random, projects: int, people: int
) -> tuple[list[ProjectToSupervise], list[SupervisorCapacity]]:
    classes, districts, organizations = [ELDERLY, CHILDREN, DISABILITY], [1, 2, 3], [1, 2, 3, 4]
    pool = [
        person(
            10 * (i + 1),
            tuple(rng.sample(classes, rng.randint(0, 2))),
            tuple(rng.sample(districts, rng.randint(0, 2))),
            max_load=(m := rng.randint(1, 4)),
            load=rng.randint(0, m),
            affiliated=rng.choice([None, *organizations]),
        )
        for i in range(people)
    ]
    ids = [s.supervisor_id for s in pool] + [999]
    demand = [
        project(
            i + 1,
            rng.choice(classes),
            rng.choice(districts),
            rng.choice(organizations),
            tuple(rng.sample(ids, rng.randint(0, min(2, len(ids))))),
        )
        for i in range(projects)
    ]
    return demand, pool


def instances(projects: int, people: int) -> st.SearchStrategy:
    return st.builds(
        lambda seed, p, s: random_instance(random.Random(seed), p, s),
        st.integers(0, 2**32),
        st.integers(0, projects),
        st.integers(0, people),
    )


def assert_rules_kept(
    projects: list[ProjectToSupervise], people: list[SupervisorCapacity], solution: Solution
) -> None:
    by_project = {p.project_id: p for p in projects}
    by_person = {s.supervisor_id: s for s in people}
    assert sorted(solution.assignments.keys() | solution.unassigned.keys()) == sorted(by_project)
    assert not solution.assignments.keys() & solution.unassigned.keys()
    for project_id, assignment in solution.assignments.items():
        s = by_person[assignment.supervisor_id]
        assert not excluded(by_project[project_id], s)
        assert assignment.fit == fit_of(
            by_project[project_id].service_class, by_project[project_id].district_id, s
        )
    for supervisor_id, new in solution.new_loads().items():
        s = by_person[supervisor_id]
        assert s.load + new <= s.max_load


@PROPERTY
@given(instances(projects=25, people=8))
def test_conflicts_and_loads_are_never_violated(instance):
    # Given any instance, when solved by either engine, then the hard rules hold.
    projects, people = instance
    for plan in (solve, greedy):
        assert_rules_kept(projects, people, plan(projects, people))


@PROPERTY
@given(instances(projects=25, people=8))
def test_optimal_never_loses_to_greedy(instance):
    # Given any instance, when both plans are made,
    projects, people = instance
    optimal, baseline = solve(projects, people), greedy(projects, people)
    # then the optimum places at least as many projects, and with as many placed its
    # total fit is at least greedy's (fewer placed may carry more fit: see above).
    assert len(optimal.assignments) >= len(baseline.assignments)
    if len(optimal.assignments) == len(baseline.assignments):
        assert optimal.total_fit >= baseline.total_fit


def load_cost(people: list[SupervisorCapacity], new_loads: dict[int, int]) -> int:
    return sum(
        load_unit_cost(j, s.max_load)
        for s in people
        for j in range(s.load + 1, s.load + new_loads.get(s.supervisor_id, 0) + 1)
    )


def best_by_trying_every_plan(
    projects: list[ProjectToSupervise], people: list[SupervisorCapacity]
) -> tuple[int, int, int]:
    """(placed, total fit, -load cost) of the best plan, by enumeration."""
    best = (0, 0, 0)
    options = [None, *people]
    for plan in itertools.product(options, repeat=len(projects)):
        new: dict[int, int] = {}
        fit = 0
        for p, s in zip(projects, plan, strict=True):
            if s is None:
                continue
            if excluded(p, s):
                break
            new[s.supervisor_id] = new.get(s.supervisor_id, 0) + 1
            fit += fit_of(p.service_class, p.district_id, s)
        else:
            if all(
                s.load + new.get(s.supervisor_id, 0) <= s.max_load
                for s in people
                if new.get(s.supervisor_id)
            ):
                best = max(best, (len([s for s in plan if s]), fit, -load_cost(people, new)))
    return best


@PROPERTY
@given(instances(projects=6, people=3), st.booleans())
def test_optimum_matches_trying_every_plan(instance, relax_first):
    # Given a tiny instance, when solved (through the grouped relaxation or straight on
    # the exact network) and when every possible plan is tried,
    projects, people = instance
    solution = solve(projects, people, relax_first=relax_first)
    # then the engine's plan is as good: as many placed, as much fit, as even a load.
    found = (
        len(solution.assignments),
        int(solution.total_fit),
        -load_cost(people, solution.new_loads()),
    )
    assert found == best_by_trying_every_plan(projects, people)


@PROPERTY
@given(instances(projects=25, people=8))
def test_exact_network_agrees_with_the_relaxation(instance):
    # Given any instance, when solved both ways, then both plans are equally good.
    projects, people = instance
    relaxed, exact = solve(projects, people), solve(projects, people, relax_first=False)
    assert_rules_kept(projects, people, exact)
    assert len(relaxed.assignments) == len(exact.assignments)
    assert relaxed.total_fit == exact.total_fit
    assert load_cost(people, relaxed.new_loads()) == load_cost(people, exact.new_loads())


@PROPERTY
@given(instances(projects=25, people=8), st.randoms(use_true_random=False))
def test_shuffled_input_gives_the_same_plan(instance, rng):
    # Given any instance and a shuffled copy, when both are solved, then the plans agree.
    projects, people = instance
    shuffled_projects, shuffled_people = list(projects), list(people)
    rng.shuffle(shuffled_projects)
    rng.shuffle(shuffled_people)
    assert solve(projects, people) == solve(shuffled_projects, shuffled_people)
