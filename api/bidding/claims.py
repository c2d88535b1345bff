"""Claiming DIRECT projects and bidding for COMPETITIVE ones (withdrawing: ``withdrawal``).

A claim is checked in this order. The gates (1–4) stop at the first that fails, because
once one fails the later answers are noise; stage 5 is reported all at once, so a form
can show every problem of the organization and of its bid together.

1. who:   an ORGANIZATION account, acting for its own organization
          (UNAUTHENTICATED, FORBIDDEN);
2. what:  the project exists (NOT_FOUND);
3. when:  its fair is open now, ``opens_at <= now < closes_at`` (FAIR_CLOSED);
4. state: the project is on the table — a DIRECT one PUBLISHED (once CLAIMED: DUPLICATE_BID
          when this organization holds the claim, ALREADY_CLAIMED otherwise), a COMPETITIVE
          one PUBLISHED or BIDDING; anything else (draft, withdrawn, awarded…) is
          NOT_CLAIMABLE;
5. together: CREDIT_RESTRICTED (``restricted_until`` still ahead), INSUFFICIENT_SOCIAL_WORKERS
          (the organization has fewer full-time social workers than the project needs),
          DUPLICATE_BID (an active bid of this organization is there), and the bid itself:
          amount > 0 (INVALID_INPUT) and at most the budget (BID_OVER_BUDGET); fee >= 0
          (INVALID_INPUT) and at most 10% of the amount (MANAGEMENT_FEE_OVER_LIMIT); the
          social workers committed at least the project's minimum (INSUFFICIENT_SOCIAL_WORKERS)
          and at most the organization's own (INVALID_INPUT); a plan (INVALID_INPUT).

A problem's field is the input at fault — ``["project"]`` at the gates, ``["bid", …]`` for
the offer; a credit restriction has none, as nothing in the request can change it.

The checks read outside the transaction, so the writes guard themselves: a DIRECT claim
takes the project with ``UPDATE … SET status = CLAIMED WHERE status = PUBLISHED`` in the
transaction that inserts the bid — exactly one of any number of simultaneous claims
changes the row, the others find it taken. A COMPETITIVE bid moves the project to
BIDDING with a conditional update on the open statuses, which also holds the project's
row until the bid is in, so nobody awards or withdraws it half-way. The unique key
(project, organization, active) is the last line against a doubled bid.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api.audit.log import record
from api.auth.models import Account, Role
from api.auth.permissions import require
from api.bidding.models import Bid, BidStatus
from api.compiled_reads import attach, columns, fetch_rows, model_of
from api.errors import DomainError, ErrorCode, Problem
from api.fairs.models import Fair
from api.fairs.queries import is_open
from api.live.events import EventKind, FairEvent
from api.live.runtime import announce
from api.money import CENT
from api.organizations.models import Organization
from api.projects.models import OPEN_STATUSES, Procurement, Project, ProjectStatus
from api.settings import city_zone

# The management fee may be at most a tenth of the amount bid; compared as
# ``fee * 10 > amount`` so the test is exact in Decimal.
FEE_LIMIT_DIVISOR = 10
MAX_PLAN_LENGTH = 20_000
# Dates in messages are shown in the city's own time.

PROJECT = ["project"]
AMOUNT = ["bid", "amount"]
FEE = ["bid", "managementFee"]
WORKERS = ["bid", "socialWorkers"]
PLAN = ["bid", "plan"]


@dataclass(frozen=True)
class BidDraft:
    """What an organization offers: the amount, the fee in it, its team and its plan."""

    amount: Decimal
    management_fee: Decimal
    social_workers: int
    plan: str


# --- claiming and bidding --------------------------------------------------------------


async def claim_project(
    actor: Account | None, project_id: int | None, draft: BidDraft
) -> tuple[Bid, Project]:
    """Claim a DIRECT project or bid for a COMPETITIVE one; the new bid and the project.

    ``project_id`` None stands for an id that names no project.
    """
    organization_id = own_organization(require(actor, Role.ORGANIZATION))
    now = datetime.now(UTC)
    found = await _project_and_own_bid(project_id, organization_id)
    if found is None:
        raise DomainError.one(ErrorCode.NOT_FOUND, "项目不存在。No such project.", PROJECT)
    project, holds_bid = found
    check_fair_open(project.fair, now)
    _check_project_open(project, holds_bid)
    organization = await Organization.get(id=organization_id)
    problems = _eligibility_problems(organization, project, now)
    if holds_bid:
        problems.append(_duplicate())
    problems += _bid_problems(draft, project, organization)
    if problems:
        raise DomainError(problems)

    try:
        async with in_transaction():
            await _take(project, organization.id)
            bid = await Bid.create(
                project_id=project.id,
                organization_id=organization.id,
                amount=draft.amount,
                management_fee=draft.management_fee,
                social_workers=draft.social_workers,
                plan=draft.plan.strip(),
                submitted_at=now,
                status=BidStatus.SUBMITTED,
                active=1,
            )
            detail = {
                "procurement": project.procurement.value,
                "amount": str(draft.amount),
                "managementFee": str(draft.management_fee),
            }
            await record(actor, "claimProject", [project, bid, organization], detail)
    except IntegrityError as exc:
        # The unique key caught a second active bid of this organization, sent at the
        # same moment as the first: the transaction is rolled back whole.
        if await _has_active_bid(project.id, organization.id):
            raise DomainError([_duplicate()]) from exc
        raise
    kind = EventKind.CLAIMED if project.procurement is Procurement.DIRECT else EventKind.BID
    await announce(FairEvent.about(kind, project, organization.id))
    return bid, project


def own_organization(account: Account) -> int:
    if account.organization_id is None:
        raise DomainError.one(
            ErrorCode.FORBIDDEN, "该账号未关联社会组织。The account has no organization."
        )
    return account.organization_id


async def _project_and_own_bid(
    project_id: int | None, organization_id: int
) -> tuple[Project, bool] | None:
    """The project with its fair, and whether the organization holds an active bid on it.

    One statement, written once (api/compiled_reads.py): most claims in a storm end at the
    gates, after this look-up alone.
    """
    if project_id is None:
        return None
    rows = await fetch_rows(_project_and_own_bid_sql(), [project_id, organization_id])
    if not rows:
        return None
    project = model_of(Project, rows[0], "p_")
    attach(project, "fair", model_of(Fair, rows[0], "f_"))
    return project, rows[0]["own_bid"] is not None


@functools.cache
def _project_and_own_bid_sql() -> str:
    return (
        f"SELECT {columns(Project, 'p', 'p_')}, {columns(Fair, 'f', 'f_')},"
        " (SELECT b.id FROM bid b WHERE b.project_id = p.id AND b.organization_id = $2"
        " AND b.active = 1 LIMIT 1) AS own_bid"
        " FROM project p JOIN fair f ON f.id = p.fair_id WHERE p.id = $1"
    )


async def _has_active_bid(project_id: int, organization_id: int) -> bool:
    mine = Bid.filter(project_id=project_id, organization_id=organization_id, active=1)
    return await mine.exists()


def check_fair_open(fair: Fair, now: datetime) -> None:
    if is_open(fair, now):
        return
    if now < fair.opens_at:
        when = f"将于 {_local(fair.opens_at)} 开始"
    else:
        when = f"已于 {_local(fair.closes_at)} 结束"
    raise DomainError.one(
        ErrorCode.FAIR_CLOSED,
        f"「{fair.name}」的认领与投标{when}，现在不能操作。The fair is not open.",
        PROJECT,
    )


def _check_project_open(project: Project, holds_bid: bool) -> None:
    if project.procurement is Procurement.DIRECT:
        if project.status is ProjectStatus.CLAIMED:
            raise DomainError([_duplicate() if holds_bid else _already_claimed()])
        if project.status is ProjectStatus.PUBLISHED:
            return
    elif project.status in OPEN_STATUSES:
        return
    raise DomainError([_not_claimable(project.status)])


def _eligibility_problems(
    organization: Organization, project: Project, now: datetime
) -> list[Problem]:
    """What keeps the organization itself from this project, whatever it offers."""
    problems = []
    restricted = organization.restricted_until
    if restricted is not None and restricted > now:
        problems.append(
            Problem(
                ErrorCode.CREDIT_RESTRICTED,
                f"本机构因评估未通过受到信用限制，{_local(restricted)} 前不能认领或投标。"
                " Under a credit restriction.",
            )
        )
    if organization.social_workers < project.min_social_workers:
        problems.append(
            Problem(
                ErrorCode.INSUFFICIENT_SOCIAL_WORKERS,
                f"该项目要求至少 {project.min_social_workers} 名持证专职社工，"
                f"本机构登记的只有 {organization.social_workers} 名。"
                " Too few full-time social workers.",
                WORKERS,
            )
        )
    return problems


def _bid_problems(draft: BidDraft, project: Project, organization: Organization) -> list[Problem]:
    """Everything wrong with the bid's own content, all at once."""
    return [
        *_amount_problems(draft, project),
        *_worker_problems(draft, project, organization),
        *_plan_problems(draft),
    ]


def _amount_problems(draft: BidDraft, project: Project) -> list[Problem]:
    problems = []
    amount, fee = draft.amount, draft.management_fee
    if amount <= 0:
        problems.append(Problem(ErrorCode.INVALID_INPUT, "报价必须大于 0 元。", AMOUNT))
    elif amount > project.budget:
        problems.append(
            Problem(
                ErrorCode.BID_OVER_BUDGET,
                f"报价 {amount} 元超过了项目预算 {project.budget} 元。Over the budget.",
                AMOUNT,
            )
        )
    if fee < 0:
        problems.append(Problem(ErrorCode.INVALID_INPUT, "管理费不能为负数。", FEE))
    elif amount > 0 and fee * FEE_LIMIT_DIVISOR > amount:
        problems.append(
            Problem(
                ErrorCode.MANAGEMENT_FEE_OVER_LIMIT,
                f"管理费 {fee} 元超过了报价的 10%（最多 {_tenth(amount)} 元）。"
                " The management fee exceeds 10% of the bid.",
                FEE,
            )
        )
    return problems


def _worker_problems(
    draft: BidDraft, project: Project, organization: Organization
) -> list[Problem]:
    workers, need = draft.social_workers, project.min_social_workers
    have = organization.social_workers
    if workers < 0:
        return [Problem(ErrorCode.INVALID_INPUT, "社工人数不能为负数。", WORKERS)]
    if have < need:
        return []  # the organization falls short itself; said once, in its eligibility
    if workers < need:
        return [
            Problem(
                ErrorCode.INSUFFICIENT_SOCIAL_WORKERS,
                f"该项目要求投入至少 {need} 名持证专职社工，投标中只有 {workers} 名。",
                WORKERS,
            )
        ]
    if workers > have:
        return [
            Problem(
                ErrorCode.INVALID_INPUT,
                f"投入的社工人数不能超过本机构登记的持证专职社工人数（{have} 名）。",
                WORKERS,
            )
        ]
    return []


def _plan_problems(draft: BidDraft) -> list[Problem]:
    plan = draft.plan.strip()
    if not plan:
        return [Problem(ErrorCode.INVALID_INPUT, "请填写服务方案。A plan is required.", PLAN)]
    if len(plan) > MAX_PLAN_LENGTH:
        message = f"服务方案最长 {MAX_PLAN_LENGTH} 个字，请精简后再提交。"
        return [Problem(ErrorCode.INVALID_INPUT, message, PLAN)]
    return []


async def _take(project: Project, organization_id: int) -> None:
    """Move the project on in the claim's transaction, or refuse when it was taken first."""
    if project.procurement is Procurement.DIRECT:
        taken = await Project.filter(id=project.id, status=ProjectStatus.PUBLISHED).update(
            status=ProjectStatus.CLAIMED
        )
        if not taken:
            raise await _lost_race(project, organization_id)
        project.status = ProjectStatus.CLAIMED
        return
    # Also on a BIDDING project: the update holds its row until this bid is in.
    opened = await Project.filter(id=project.id, status__in=OPEN_STATUSES).update(
        status=ProjectStatus.BIDDING
    )
    if not opened:
        raise DomainError([_not_claimable(await _status_of(project.id))])
    project.status = ProjectStatus.BIDDING


async def _lost_race(project: Project, organization_id: int) -> DomainError:
    """Why a DIRECT project that was open at the check is not open any more."""
    status = await _status_of(project.id)
    if status in (ProjectStatus.CLAIMED, ProjectStatus.PUBLISHED):
        # PUBLISHED again: the winner withdrew in between; it was still claimed first.
        mine = await _has_active_bid(project.id, organization_id)
        return DomainError([_duplicate() if mine else _already_claimed()])
    return DomainError([_not_claimable(status)])


async def _status_of(project_id: int) -> ProjectStatus:
    project = await Project.get(id=project_id)
    return project.status


def _duplicate() -> Problem:
    return Problem(
        ErrorCode.DUPLICATE_BID,
        "本机构在该项目上已有有效的认领或投标，不能重复提交。An active bid exists.",
        PROJECT,
    )


def _already_claimed() -> Problem:
    return Problem(
        ErrorCode.ALREADY_CLAIMED,
        "该项目已被其他社会组织认领。The project has been claimed by another organization.",
        PROJECT,
    )


STATUS_NAMES = {
    ProjectStatus.DRAFT: "尚未发布",
    ProjectStatus.CLAIMED: "已被认领",
    ProjectStatus.BIDDING: "正在竞争性评审",
    ProjectStatus.AWARDED: "已立项",
    ProjectStatus.IN_DELIVERY: "正在实施",
    ProjectStatus.CLOSED: "已结项",
    ProjectStatus.WITHDRAWN: "已撤回",
    ProjectStatus.TERMINATED: "已终止",
}


def _not_claimable(status: ProjectStatus) -> Problem:
    state = STATUS_NAMES.get(status, "不在开放状态")
    return Problem(
        ErrorCode.NOT_CLAIMABLE,
        f"该项目{state}，不接受认领或投标。The project is not open for claims ({status.value}).",
        PROJECT,
    )


def _tenth(amount: Decimal) -> Decimal:
    # Rounded down to the fen: the largest fee that still passes.
    return (amount / FEE_LIMIT_DIVISOR).quantize(CENT, rounding=ROUND_DOWN)


def _local(moment: datetime) -> str:
    return moment.astimezone(city_zone()).strftime("%Y-%m-%d %H:%M:%S")
