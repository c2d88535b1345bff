"""How well a supervisor fits a project, and what spreading the load costs.

Fit of a supervisor for a project, an integer from 0 to 3:

    +2  the supervisor's expertise covers the project's service class
    +1  the supervisor serves the district where the project is delivered

Expertise weighs double: a supervisor follows the substance of the work all year, while
travel within one city is a lesser matter. The fit depends only on the project's
(service class, district), which is what lets the engine treat such projects as one.

Load is spread by a convex cost per new project: taking a supervisor from ``j - 1`` to
``j`` projects costs ``(2j - 1) / max_load``, the increase of ``j² / max_load``. Summed,
the engine minimises ``Σ load² / max_load``, which is least when every supervisor is at
the same share of their own maximum (the Lagrange condition ``2·load / max_load = λ``),
so a supervisor of 8 takes twice the projects of a supervisor of 4 in the same field.
"""

from __future__ import annotations

from api.catalog.models import SERVICE_CLASS_NAMES
from api.supervisors.problem import ProjectToSupervise, SupervisorCapacity

EXPERTISE_FIT = 2
DISTRICT_FIT = 1
MAX_FIT = EXPERTISE_FIT + DISTRICT_FIT

# Integer resolution of the load cost (solvers want integers). Consecutive costs of one
# supervisor differ by 2·LOAD_SCALE / max_load before rounding, so they stay strictly
# increasing for any max_load up to 2·LOAD_SCALE; rounding moves a cost by at most half
# a unit, which only matters between near-equal shares of different supervisors.
LOAD_SCALE = 1_000


def fit_of(service_class: str, district_id: int, supervisor: SupervisorCapacity) -> int:
    """The fit of ``supervisor`` for a project of this class delivered in this district."""
    return EXPERTISE_FIT * (service_class in supervisor.expertise) + DISTRICT_FIT * (
        district_id in supervisor.district_ids
    )


def load_unit_cost(new_load: int, max_load: int) -> int:
    """The cost of the project that brings a supervisor to ``new_load``: convex in it."""
    return round(LOAD_SCALE * (2 * new_load - 1) / max_load)


def max_load_unit_cost(supervisors: list[SupervisorCapacity]) -> int:
    """The dearest single place: the last one of any supervisor with a free place."""
    return max((load_unit_cost(s.max_load, s.max_load) for s in supervisors if s.spare), default=0)


def fit_scale(placeable: int, dearest_place: int) -> int:
    """What one point of fit costs, so that load never buys a worse fit.

    The engine first places as many projects as it can (a maximum flow), so every
    candidate plan places the same number F of projects, F <= ``placeable``. Its cost is
    ``fit_scale · Σ (MAX_FIT - fit) + Σ load costs``. The load sum lies between 0 and
    ``F · dearest_place``; two plans whose total fit differ differ by at least one whole
    point (fits are integers), i.e. by at least ``fit_scale`` in the first term, which is
    more than the load sum can ever make up. So the cheapest plan has the greatest total
    fit, and among those the evenest load.
    """
    return placeable * dearest_place + 1


_CLASS_NAMES = {str(c): name for c, name in SERVICE_CLASS_NAMES.items()}


def class_name(service_class: str) -> str:
    """The catalogue's Chinese name of a service class (the code if unknown)."""
    return _CLASS_NAMES.get(service_class, service_class)


def fit_reasons(
    project: ProjectToSupervise, supervisor: SupervisorCapacity, load_after: int
) -> list[str]:
    """The fit terms in words, for organizers: why this person follows this project."""
    name = class_name(project.service_class)
    expert = project.service_class in supervisor.expertise
    local = project.district_id in supervisor.district_ids
    return [
        f"专长领域包含{name}（+{EXPERTISE_FIT}）" if expert else f"专长领域不含{name}（+0）",
        f"服务区域覆盖项目所在区（+{DISTRICT_FIT}）" if local else "服务区域不含项目所在区（+0）",
        f"派定后督导 {load_after} 个项目，上限 {supervisor.max_load} 个",
        "与承接机构无关联，且未参与该项目评审",
    ]
