"""The greedy baseline the optimal engine is measured against.

Projects in id order each take, among the people they may have who still have a free
place, the best fit, then the least relative load (load / max_load), then the least load,
then the lowest id: what an organizer or a simple program does one project at a time.
It never looks ahead, so an early project can take the only expert a later one needed.

Same inputs, rules and outputs as ``engine.solve``. To stay fast at national scale
(50,000 projects × 10,000 people) the candidates of each (class, district) are kept in
one heap per fit level, ordered by load; a heap entry is stale once its person's load
moved, and is then skipped (lazy deletion) instead of searched for.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence

from api.supervisors.engine import describe
from api.supervisors.fit import MAX_FIT, fit_of
from api.supervisors.problem import (
    ProjectToSupervise,
    Solution,
    SupervisorCapacity,
    canonical,
    conflicts,
)

# (relative load, load, position): the order of preference among equal fits.
_Entry = tuple[float, int, int]


def greedy(
    projects: Sequence[ProjectToSupervise], supervisors: Sequence[SupervisorCapacity]
) -> Solution:
    """The greedy plan for ``projects``; the same for any order of either input."""
    ordered, pool = canonical(projects, supervisors)
    available = [s for s in pool if s.spare > 0]
    aside = conflicts(ordered, available)
    candidates = _Candidates(available, {(p.service_class, p.district_id) for p in ordered})
    placed: dict[int, int] = {}
    for project in ordered:
        chosen = candidates.take(project, aside.get(project.project_id, frozenset()))
        if chosen is not None:
            placed[project.project_id] = chosen
    return describe(ordered, available, aside, placed)


class _Candidates:
    """Per (class, district, fit), a heap of the people with a free place, by load."""

    def __init__(self, available: list[SupervisorCapacity], keys: set[tuple[str, int]]) -> None:
        self._available = available
        self.loads = [s.load for s in available]
        self._keys = sorted(keys)
        self._heaps: dict[tuple[str, int, int], list[_Entry]] = {
            (c, d, fit): [] for c, d in self._keys for fit in range(MAX_FIT + 1)
        }
        for position in range(len(available)):
            for heap, entry in self._entries(position):
                heap.append(entry)
        for heap in self._heaps.values():
            heapq.heapify(heap)

    def take(self, project: ProjectToSupervise, excluded: frozenset[int]) -> int | None:
        """The position of the person ``project`` takes (their load grows), or None."""
        for fit in range(MAX_FIT, -1, -1):
            heap = self._heaps[(project.service_class, project.district_id, fit)]
            chosen = self._best(heap, excluded)
            if chosen is not None:
                self.loads[chosen] += 1
                if self.loads[chosen] < self._available[chosen].max_load:
                    for moved, entry in self._entries(chosen):
                        heapq.heappush(moved, entry)
                return chosen
        return None

    def _best(self, heap: list[_Entry], excluded: frozenset[int]) -> int | None:
        """Pop stale entries; return the least loaded person not excluded, left in place."""
        set_aside: list[_Entry] = []
        chosen = None
        while heap:
            _, load, position = heap[0]
            if load != self.loads[position]:
                heapq.heappop(heap)  # stale: a newer entry for this person exists
            elif position in excluded:
                set_aside.append(heapq.heappop(heap))
            else:
                chosen = position
                heapq.heappop(heap)  # taken: pushed again with the new load if not full
                break
        for entry in set_aside:
            heapq.heappush(heap, entry)
        return chosen

    def _entries(self, position: int) -> Iterator[tuple[list[_Entry], _Entry]]:
        """The person's current entry, once per (class, district), in its fit's heap."""
        s = self._available[position]
        entry = (self.loads[position] / s.max_load, self.loads[position], position)
        for c, d in self._keys:
            yield self._heaps[(c, d, fit_of(c, d, s))], entry
