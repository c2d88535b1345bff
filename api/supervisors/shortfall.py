"""Why a project got no supervisor, in words an organizer can act on.

The engine places as many projects as possible, so a project left without supervisor
means one of three things, checked in this order:

- nobody in the pool had a free place before the run (``NO_CAPACITY``);
- everyone with a free place must stand aside for this project (``ALL_CONFLICTED``);
- people without a conflict had free places, but other projects needed all of them
  (``FIELD_FULL``): the message says whether experts of the field were among them.

The same holds for the greedy baseline, which leaves a project only when every person
it may have is full at its turn, and loads never fall during a run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from api.supervisors.fit import class_name
from api.supervisors.problem import (
    ALL_CONFLICTED,
    FIELD_FULL,
    NO_CAPACITY,
    ProjectToSupervise,
    Reason,
    SupervisorCapacity,
)


class Shortfall:
    """Explains unassigned projects against the people who had a free place.

    ``available`` are those people (every one with ``spare > 0`` before the run);
    ``excluded`` names positions in it.
    """

    def __init__(self, available: Sequence[SupervisorCapacity]) -> None:
        self._available = available
        # Counted once, so each explanation costs only its own conflicts.
        self._experts = Counter(c for s in available for c in s.expertise)

    def reason(self, project: ProjectToSupervise, excluded: frozenset[int]) -> Reason:
        if not self._available:
            return Reason(
                NO_CAPACITY, "没有任何督导有剩余名额：督导专家库中的督导都已达到最大负荷。"
            )
        if len(excluded) >= len(self._available):
            return Reason(
                ALL_CONFLICTED,
                f"所有可选督导均存在利益冲突：{len(self._available)} 位有剩余名额的督导"
                "都与承接机构有关联或参与过该项目评审，须回避。",
            )
        name = class_name(project.service_class)
        experts = self._experts[project.service_class] - sum(
            project.service_class in self._available[i].expertise for i in excluded
        )
        if experts:
            detail = f"{experts} 位无利益冲突的{name}督导的名额已派给其他项目"
        else:
            detail = f"没有无利益冲突的{name}督导有剩余名额"
        return Reason(FIELD_FULL, f"本领域督导已满额：{detail}，其他督导也已派满。")
