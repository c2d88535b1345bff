"""Benchmark: the optimal supervisor assignment against the greedy baseline.

Generates a deterministic instance per scale — city (2,000 awarded projects, 600
supervisors) and national (50,000 projects, 10,000 supervisors) — drawn like the seeds
(class and district shares, 1–3 fields and 1–4 districts per person, maximum loads 3–8,
some already carrying projects, one in ten affiliated with an organization that won a
project, three reviewers from the field on two projects in five). For each scale it
reports, for ``engine.solve`` and in the same run ``baseline.greedy`` on the same input:
solve time (median), peak traced memory, total fit, projects placed, and the relative
loads after the run (max, mean, stdev); every plan is checked against the hard rules.

``--compare`` also solves the same problem with the alternatives considered (OR-Tools
``solve`` with explicit unplaced arcs, NetworkX network simplex on the same network,
SciPy ``linear_sum_assignment`` on the expanded project × place matrix) and checks that
each reaches the same optimum.

    python bench/assignment.py [--scales city,national] [--runs 5] [--compare]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from api.supervisors.baseline import greedy
from api.supervisors.engine import solve
from api.supervisors.fit import MAX_FIT, fit_of, load_unit_cost
from api.supervisors.network import Demand, Network, build_network, solve_flow
from api.supervisors.problem import (
    ProjectToSupervise,
    Solution,
    SupervisorCapacity,
    canonical,
    conflicts,
    excluded,
)
from seeds.nanjing import DISTRICTS
from seeds.projects import CLASS_WEIGHTS, district_weights

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 2026
CENTRAL = {"320102", "320104", "320105", "320106"}  # 玄武 秦淮 建邺 鼓楼


@dataclass(frozen=True)
class Size:
    projects: int
    supervisors: int
    organizations: int  # organizations that won at least one of the projects


SIZES = {
    "city": Size(projects=2_000, supervisors=600, organizations=1_000),
    "national": Size(projects=50_000, supervisors=10_000, organizations=25_000),
}

Instance = tuple[list[ProjectToSupervise], list[SupervisorCapacity]]


def generate(scale: str, seed: int = SEED) -> Instance:
    """The instance of ``scale``; the same arguments always give the same instance."""
    size = SIZES[scale]
    rng = random.Random(seed * 1_000 + list(SIZES).index(scale))
    district_ids = {d: i + 1 for i, d in enumerate(DISTRICTS)}
    # Projects come from every community alike; supervisors (scholars, agencies) live
    # mostly in the central districts, so the outer ones are where places run short.
    demand = {district_ids[d]: w for d, w in district_weights().items()}
    supply = {
        district_ids[d]: w * (4 if d.code in CENTRAL else 1) for d, w in district_weights().items()
    }
    classes = [str(c) for c in CLASS_WEIGHTS]
    supervisors = [_supervisor(rng, i + 1, size, classes, supply) for i in range(size.supervisors)]
    experts = {c: [s.supervisor_id for s in supervisors if c in s.expertise] for c in classes}
    projects = []
    for i in range(size.projects):
        service_class = rng.choices(classes, weights=list(CLASS_WEIGHTS.values()))[0]
        reviewers: frozenset[int] = frozenset()
        if rng.random() < 0.4:  # competitive: three field experts scored the bids
            reviewers = frozenset(rng.sample(experts[service_class], 3))
        projects.append(
            ProjectToSupervise(
                project_id=i + 1,
                service_class=service_class,
                district_id=rng.choices(list(demand), weights=list(demand.values()))[0],
                organization_id=rng.randint(1, size.organizations),
                reviewer_ids=reviewers,
            )
        )
    return projects, supervisors


def _supervisor(
    rng: random.Random, serial: int, size: Size, classes: list[str], weights: dict[int, int]
) -> SupervisorCapacity:
    home = rng.choices(list(weights), weights=list(weights.values()))[0]
    others = [d for d in weights if d != home]
    extra = rng.choices(range(4), weights=(50, 30, 15, 5))[0]
    max_load = rng.randint(3, 8)
    return SupervisorCapacity(
        supervisor_id=serial,
        # Experts spread evenly over the fields, while projects favour elderly and children.
        expertise=frozenset(rng.sample(classes, rng.choices((1, 2, 3), weights=(60, 30, 10))[0])),
        district_ids=frozenset([home, *rng.sample(others, extra)]),
        max_load=max_load,
        load=rng.randint(1, 2) if rng.random() < 0.15 else 0,  # still following older ones
        affiliated_organization_id=(
            rng.randint(1, size.organizations) if rng.random() < 0.1 else None
        ),
    )


def check(instance: Instance, solution: Solution) -> None:
    """The hard rules: known projects, loads within maxima, no conflict of interest."""
    projects = {p.project_id: p for p in instance[0]}
    people = {s.supervisor_id: s for s in instance[1]}
    assert set(solution.assignments) | set(solution.unassigned) == set(projects)
    assert not set(solution.assignments) & set(solution.unassigned)
    for supervisor_id, new in solution.new_loads().items():
        s = people[supervisor_id]
        assert s.load + new <= s.max_load, f"supervisor {supervisor_id} over maximum"
    for project_id, a in solution.assignments.items():
        assert not excluded(projects[project_id], people[a.supervisor_id]), "conflict"


def figures(instance: Instance, solution: Solution) -> dict[str, Any]:
    people = instance[1]
    new = solution.new_loads()
    shares = [(s.load + new.get(s.supervisor_id, 0)) / s.max_load for s in people]
    return {
        "total_fit": solution.total_fit,
        "assigned": len(solution.assignments),
        "unassigned": len(solution.unassigned),
        "max_relative_load": round(max(shares), 3),
        "mean_relative_load": round(statistics.fmean(shares), 3),
        "load_stdev": round(statistics.pstdev(shares), 3),
        "at_maximum": sum(share >= 1 for share in shares),
        "fit_histogram": {
            str(f): sum(a.fit == f for a in solution.assignments.values())
            for f in range(MAX_FIT, -1, -1)
        },
    }


def timed(fn: Callable[[], Solution], runs: int) -> tuple[Solution, float, float, float]:
    """The result, the median wall time over ``runs``, the peak memory traced by Python
    (MiB), and the growth of the process's peak resident memory (MiB), which also sees
    what the C++ solver allocates."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    measured = with_limit(partial(_resident_growth, fn), 3600)
    rss = measured[1] if measured else float("nan")
    return result, statistics.median(samples), peak / 2**20, rss


def _resident_growth(fn: Callable[[], Any]) -> float:
    # In a fresh child the peak starts at the current size, so the growth is this run's.
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm") as statm:
        before = int(statm.read().split()[1]) * page / 2**20
    fn()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before


def bench_scale(scale: str, runs: int) -> dict[str, Any]:
    instance = generate(scale)
    projects, supervisors = instance
    row: dict[str, Any] = {
        "scale": scale,
        "projects": len(projects),
        "supervisors": len(supervisors),
        "free_places": sum(s.spare for s in supervisors),
        "conflicted_projects": len(conflicts(*canonical(projects, supervisors))),
    }
    for name, fn in (("optimal", solve), ("greedy", greedy)):
        solution, seconds, peak, rss = timed(partial(fn, projects, supervisors), runs)
        check(instance, solution)
        row[name] = {
            "seconds": round(seconds, 3),
            "traced_peak_mib": round(peak, 1),
            "rss_growth_mib": round(rss, 1),
        }
        row[name] |= figures(instance, solution)
    assert row["optimal"]["assigned"] >= row["greedy"]["assigned"]
    assert row["optimal"]["total_fit"] >= row["greedy"]["total_fit"]
    return row


# --- solver comparison -------------------------------------------------------------


def grouped_network(instance: Instance) -> Network:
    """The engine's first-round network: every project in its (class, district) group."""
    projects, pool = canonical(*instance)
    groups = Counter((p.service_class, p.district_id) for p in projects)
    demands = [Demand(c, d, count) for (c, d), count in sorted(groups.items())]
    return build_network(demands, [s for s in pool if s.spare > 0])


def network_cost(network: Network, flows: np.ndarray) -> tuple[int, int]:
    """(placed, cost) of a flow on the demand arcs, the places filled cheapest first."""
    placed = int(flows.sum())
    cost = int((flows * network.costs[: network.demand_arcs]).sum())
    d = network.demand_count
    into = np.bincount(network.heads[: network.demand_arcs] - d, weights=flows)
    place_costs: dict[int, list[int]] = {}
    for arc in range(network.demand_arcs, len(network.tails)):
        place_costs.setdefault(int(network.tails[arc]) - d, []).append(int(network.costs[arc]))
    for supervisor, count in enumerate(into.astype(int)):
        cost += sum(sorted(place_costs.get(supervisor, []))[:count])
    return placed, cost


def unplaced_cost(network: Network) -> int:
    """A cost per unplaced project large enough that placing one more always wins."""
    longest = MAX_FIT * network.fit_scale + int(network.costs.max(initial=0))
    return (int(network.supplies[: network.demand_count].sum()) + 1) * longest


def ortools_balanced(network: Network) -> np.ndarray:
    """OR-Tools ``solve``: max flow forced by an explicit unplaced arc per demand."""
    from ortools.graph.python import min_cost_flow

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        network.tails, network.heads, network.capacities, network.costs
    )
    sink = network.node_count - 1
    d = network.demand_count
    solver.add_arcs_with_capacity_and_unit_cost(
        np.arange(d),
        np.full(d, sink),
        network.supplies[:d],
        np.full(d, unplaced_cost(network)),
    )
    solver.set_nodes_supplies(np.arange(network.node_count), network.supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools solve: {status}")
    return np.asarray(solver.flows(np.arange(network.demand_arcs)))


def networkx_simplex(network: Network) -> np.ndarray:
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node, supply in enumerate(network.supplies.tolist()):
        graph.add_node(node, demand=-supply)
    keys = [
        graph.add_edge(t, h, capacity=c, weight=w)
        for t, h, c, w in zip(
            network.tails.tolist(),
            network.heads.tolist(),
            network.capacities.tolist(),
            network.costs.tolist(),
            strict=True,
        )
    ]
    sink = network.node_count - 1
    for node, supply in enumerate(network.supplies[: network.demand_count].tolist()):
        graph.add_edge(node, sink, capacity=supply, weight=unplaced_cost(network))
    _, flow = nx.network_simplex(graph)
    return np.array(
        [
            flow[t][h][k]
            for t, h, k in zip(
                network.tails[: network.demand_arcs].tolist(),
                network.heads[: network.demand_arcs].tolist(),
                keys[: network.demand_arcs],
                strict=True,
            )
        ]
    )


def scipy_dense_bytes(instance: Instance) -> int:
    projects, supervisors = instance
    places = sum(s.spare for s in supervisors)
    return len(projects) * (places + len(projects)) * 8


def scipy_assignment(instance: Instance, network: Network) -> tuple[int, int]:
    """Linear assignment on projects × (free places + one 'unplaced' column each).

    Only for the conflict-free problem of the comparison: a conflict would be one more
    forbidden cell per (project, place of the excluded person)."""
    from scipy.optimize import linear_sum_assignment

    projects, pool = canonical(*instance)
    available = [s for s in pool if s.spare > 0]
    owners = [i for i, s in enumerate(available) for _ in range(s.spare)]
    place_cost = np.array(
        [load_unit_cost(s.load + k, s.max_load) for s in available for k in range(1, s.spare + 1)],
        dtype=np.float64,
    )
    unplaced = unplaced_cost(network)
    matrix = np.full((len(projects), len(owners) + len(projects)), 2.0 * unplaced)
    rows_by_group: dict[tuple[str, int], list[int]] = {}
    for row, p in enumerate(projects):
        rows_by_group.setdefault((p.service_class, p.district_id), []).append(row)
    for (service_class, district_id), rows in rows_by_group.items():
        fit = np.array([fit_of(service_class, district_id, s) for s in available])
        matrix[np.ix_(rows, range(len(owners)))] = (
            MAX_FIT - fit[owners]
        ) * network.fit_scale + place_cost
    matrix[range(len(projects)), len(owners) + np.arange(len(projects))] = unplaced
    rows, cols = linear_sum_assignment(matrix)
    chosen = cols < len(owners)
    return int(chosen.sum()), int(matrix[rows[chosen], cols[chosen]].sum())


def _in_child(queue: Any, fn: Callable[[], Any]) -> None:
    started = time.perf_counter()
    result = fn()
    queue.put((time.perf_counter() - started, result))


def with_limit(fn: Callable[[], Any], seconds: float) -> tuple[float, Any] | None:
    """Run ``fn`` in a child process; None if it takes longer than ``seconds``."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_child, args=(queue, fn))
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.terminate()
        child.join()
        return None
    return queue.get()


def compare(scale: str, limit: float) -> dict[str, Any]:
    """Each solver on the same (conflict-free, grouped) problem: time and optimum."""
    instance = generate(scale)
    network = grouped_network(instance)
    out: dict[str, Any] = {"arcs": len(network.tails), "nodes": network.node_count}

    def record(name: str, run: Callable[[], tuple[int, int]]) -> None:
        measured = with_limit(run, limit)
        if measured is None:
            out[name] = {"seconds": None, "note": f"not finished within {limit:.0f} s"}
        else:
            seconds, (placed, cost) = measured
            out[name] = {"seconds": round(seconds, 3), "placed": placed, "cost": cost}

    record("ortools_max_flow_min_cost", lambda: network_cost(network, solve_flow(network)))
    record("ortools_solve_unplaced_arcs", lambda: network_cost(network, ortools_balanced(network)))
    record("networkx_network_simplex", lambda: network_cost(network, networkx_simplex(network)))
    dense = scipy_dense_bytes(instance)
    if dense < 2 * 2**30:
        projects_only = ([_ungrouped(p) for p in instance[0]], instance[1])
        record("scipy_linear_sum_assignment", lambda: scipy_assignment(projects_only, network))
    else:
        out["scipy_linear_sum_assignment"] = {
            "seconds": None,
            "note": f"not run: the dense matrix would take {dense / 2**30:.0f} GiB",
        }
    return out


def _ungrouped(p: ProjectToSupervise) -> ProjectToSupervise:
    # The comparison solves the conflict-free problem, the one every solver can take.
    return ProjectToSupervise(p.project_id, p.service_class, p.district_id, -p.project_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="city,national")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare", action="store_true", help="time the alternative solvers")
    parser.add_argument("--limit", type=float, default=600, help="seconds per alternative solver")
    args = parser.parse_args()
    header = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(header))
    rows = []
    for scale in args.scales.split(","):
        row = bench_scale(scale, args.runs)
        if args.compare:
            row["solvers"] = compare(scale, args.limit)
        print(json.dumps(row, ensure_ascii=False, indent=2))
        rows.append(row)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB", file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "assignment.json").write_text(
        json.dumps({**header, "peak_rss_mib": round(rss), "rows": rows}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
