"""Benchmark: the optimal supervisor assignment against the greedy baseline.

Generates a deterministic instance per scale — city (2,000 awarded projects, 600
supervisors), city_tight (the same city with 400 supervisors: places barely cover the
projects) and national (50,000 projects, 10,000 supervisors) — drawn like the seeds:
projects by the seeds' class and district shares; supervisors mostly in the central
districts, with 1–3 fields spread evenly (so the popular fields run short), 1–4
districts, maximum loads 3–8, some still following older projects, one in ten
affiliated with an organization that won a project; three reviewers from the field on
two projects in five. For each scale it reports, for ``engine.solve``, for the engine's
exact network alone (its fallback) and in the same run for ``baseline.greedy`` on the
same input: solve time (median), memory (peak traced by Python, growth of the resident
peak), total fit, projects placed, and the relative loads after the run (max, mean,
stdev, how many at their maximum); every plan is checked against the hard rules.

``--compare`` also solves the same problem with the alternatives considered (OR-Tools
``solve`` with explicit unplaced arcs, NetworkX network simplex on the same network,
SciPy ``linear_sum_assignment`` on the expanded project × place matrix) and checks that
each reaches the same optimum; it needs the ``bench`` extra (SciPy, NetworkX).

    python bench/assignment.py [--scales city,city_tight,national] [--runs 5] [--compare]
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from queue import Empty
from typing import Any

import numpy as np

from api.supervisors.baseline import greedy
from api.supervisors.engine import solve
from api.supervisors.fit import MAX_FIT, fit_of, load_unit_cost
from api.supervisors.formulation import Pool, RelaxedGroup
from api.supervisors.network import FlowNetwork
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
    # The same city with a third of the pool away: places barely cover the projects.
    "city_tight": Size(projects=2_000, supervisors=400, organizations=1_000),
    "national": Size(projects=50_000, supervisors=10_000, organizations=25_000),
}

Instance = tuple[list[ProjectToSupervise], list[SupervisorCapacity]]

# The engine as used (grouped relaxation first), the engine's exact network alone (its
# fallback, timed here on purpose), and the greedy baseline.
ENGINES: dict[str, Callable[..., Solution]] = {
    "optimal": solve,
    "optimal_exact": partial(solve, relax_first=False),
    "greedy": greedy,
}


def generate(scale: str, seed: int = SEED) -> Instance:
    """The instance of ``scale``; the same arguments always give the same instance."""
    size = SIZES[scale]
    rng = random.Random(f"{seed}-{scale}")  # by name: adding a scale changes no other
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


def timed(fn: Callable[[], Solution], runs: int) -> tuple[Solution, float, float]:
    """The result, the median wall time over ``runs``, and the peak memory traced by
    Python (MiB: objects and NumPy arrays, not the C++ solver's own)."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, statistics.median(samples), peak / 2**20


def resident_growth(scale: str, engine: str) -> float:
    """How far one run raises the peak resident memory (MiB) of a fresh process that
    holds only the instance: this also counts what the C++ solver allocates."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return float(pool.apply(_resident_growth, (scale, engine)))


def _resident_growth(scale: str, engine: str) -> float:
    projects, supervisors = generate(scale)
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # Linux: the peak restarts from the current size
    before = _status_mib("VmHWM")
    ENGINES[engine](projects, supervisors)
    return _status_mib("VmHWM") - before


def _status_mib(field: str) -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


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
    for name, fn in ENGINES.items():
        solution, seconds, peak = timed(partial(fn, projects, supervisors), runs)
        check(instance, solution)
        row[name] = {
            "seconds": round(seconds, 3),
            "traced_peak_mib": round(peak, 1),
            "rss_growth_mib": round(resident_growth(scale, name), 1),
        }
        row[name] |= figures(instance, solution)
    assert row["optimal"]["assigned"] >= row["greedy"]["assigned"]
    assert row["optimal"]["total_fit"] >= row["greedy"]["total_fit"]
    for figure in ("assigned", "total_fit", "load_stdev"):
        assert row["optimal"][figure] == row["optimal_exact"][figure]
    return row


# --- solver comparison -------------------------------------------------------------


@dataclass(frozen=True)
class Arrays:
    """A network as plain arrays, for any solver."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    sink: int
    scale: int

    @property
    def sources(self) -> np.ndarray:
        return np.flatnonzero(self.supplies > 0)


def grouped_network(instance: Instance) -> tuple[FlowNetwork, Arrays]:
    """The engine's first-round network: every (class, district) group one node."""
    projects, pool = canonical(*instance)
    available = [s for s in pool if s.spare > 0]
    groups: dict[tuple[str, int], list[ProjectToSupervise]] = {}
    for p in projects:
        groups.setdefault((p.service_class, p.district_id), []).append(p)
    network = FlowNetwork()
    side = Pool(network, available, min(len(projects), sum(s.spare for s in available)))
    for key in sorted(groups):
        RelaxedGroup(network, side, groups[key])
    network.balance(side.sink)
    arrays = Arrays(*network.arrays(), network.supplies, side.sink, side.scale)
    return network, arrays


def score(arrays: Arrays, flows: np.ndarray) -> tuple[int, int]:
    """(projects placed, cost) of a flow on the network's own arcs."""
    flows = np.asarray(flows[: len(arrays.tails)], dtype=np.int64)
    placed = int(flows[(arrays.heads == arrays.sink) & (arrays.capacities == 1)].sum())
    return placed, int((flows * arrays.costs).sum())


def unplaced_cost(arrays: Arrays) -> int:
    """A cost per unplaced project large enough that placing one more always wins: more
    than any path's cost times the number of projects an augmenting path can reroute."""
    longest = MAX_FIT * arrays.scale + int(arrays.costs.max(initial=0))
    return (int(arrays.supplies[arrays.sources].sum()) + 1) * longest


def ortools_balanced(arrays: Arrays) -> np.ndarray:
    """OR-Tools ``solve``: all supply must flow, through an 'unplaced' arc if need be."""
    from ortools.graph.python import min_cost_flow

    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        arrays.tails, arrays.heads, arrays.capacities, arrays.costs
    )
    sources = arrays.sources
    solver.add_arcs_with_capacity_and_unit_cost(
        sources,
        np.full(len(sources), arrays.sink),
        arrays.supplies[sources],
        np.full(len(sources), unplaced_cost(arrays)),
    )
    solver.set_nodes_supplies(np.arange(len(arrays.supplies)), arrays.supplies)
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-Tools solve: {status}")
    return np.asarray(solver.flows(np.arange(len(arrays.tails))))


def networkx_simplex(arrays: Arrays) -> np.ndarray:
    """NetworkX network simplex (pure Python) on the same arcs plus 'unplaced' arcs."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node, supply in enumerate(arrays.supplies.tolist()):
        graph.add_node(node, demand=-supply)
    columns = (arrays.tails, arrays.heads, arrays.capacities, arrays.costs)
    keys = [
        (t, h, graph.add_edge(t, h, capacity=c, weight=w))
        for t, h, c, w in zip(*(a.tolist() for a in columns), strict=True)
    ]
    for node in arrays.sources.tolist():
        graph.add_edge(
            node, arrays.sink, capacity=int(arrays.supplies[node]), weight=unplaced_cost(arrays)
        )
    _, flow = nx.network_simplex(graph)
    return np.array([flow[t][h][k] for t, h, k in keys])


def scipy_dense_bytes(instance: Instance) -> int:
    projects, supervisors = instance
    return len(projects) * (sum(s.spare for s in supervisors) + len(projects)) * 8


def scipy_assignment(instance: Instance, arrays: Arrays) -> tuple[int, int]:
    """Linear assignment on projects × (free places + one 'unplaced' column each), the
    same costs as the network: (MAX_FIT - fit) · scale + the place's load cost."""
    from scipy.optimize import linear_sum_assignment

    projects, pool = canonical(*instance)
    available = [s for s in pool if s.spare > 0]
    owners = [i for i, s in enumerate(available) for _ in range(s.spare)]
    place_cost = np.array(
        [load_unit_cost(s.load + k, s.max_load) for s in available for k in range(1, s.spare + 1)],
        dtype=np.float64,
    )
    unplaced = unplaced_cost(arrays)
    matrix = np.full((len(projects), len(owners) + len(projects)), 2.0 * unplaced)
    rows_by_group: dict[tuple[str, int], list[int]] = {}
    for row, p in enumerate(projects):
        rows_by_group.setdefault((p.service_class, p.district_id), []).append(row)
    for (service_class, district_id), rows in rows_by_group.items():
        fit = np.array([fit_of(service_class, district_id, s) for s in available])
        matrix[np.ix_(rows, range(len(owners)))] = (
            MAX_FIT - fit[owners]
        ) * arrays.scale + place_cost
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
    try:
        # Read before joining: a child blocks on exit until a large result is read.
        measured = queue.get(timeout=seconds)
    except Empty:
        measured = None
        child.terminate()
    child.join()
    return measured


def compare(scale: str, limit: float) -> dict[str, Any]:
    """Each solver on the same grouped, conflict-free problem: time and optimum."""
    instance = generate(scale)
    network, arrays = grouped_network(instance)
    out: dict[str, Any] = {"arcs": len(arrays.tails), "nodes": len(arrays.supplies)}

    def record(name: str, run: Callable[[], Any]) -> None:
        # Only the solver is timed; the optimum reached is scored outside the clock.
        measured = with_limit(run, limit)
        if measured is None:
            out[name] = {"seconds": None, "note": f"not finished within {limit:.0f} s"}
            return
        seconds, result = measured
        placed, cost = result if isinstance(result, tuple) else score(arrays, result)
        out[name] = {"seconds": round(seconds, 3), "placed": placed, "cost": cost}

    record("ortools_max_flow_min_cost", network.solve)
    record("ortools_solve_unplaced_arcs", partial(ortools_balanced, arrays))
    record("networkx_network_simplex", partial(networkx_simplex, arrays))
    dense = scipy_dense_bytes(instance)
    if dense < 2 * 2**30:
        record("scipy_linear_sum_assignment", partial(scipy_assignment, instance, arrays))
    else:
        out["scipy_linear_sum_assignment"] = {
            "seconds": None,
            "note": f"not run: the dense matrix would take {dense / 2**30:.0f} GiB",
        }
    reached = {
        (v["placed"], v["cost"]) for v in out.values() if isinstance(v, dict) and "cost" in v
    }
    assert len(reached) == 1, f"the solvers disagree on the optimum: {out}"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="city,city_tight,national")
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
