"""The fair's results workbook: projects, awards and payments, one sheet each.

The 项目 sheet has the template's columns (plus the status), so it imports into another
fair as it is. Money is written as exact ``Decimal`` numbers shown as ``#,##0.00``.

Two audiences, the same rules as the GraphQL API: the public part (``public=True``) holds
what anyone may read there — published projects, awards with the winning bid's score and
rank, supervisors, payments. The organizer's workbook adds what only organizers see: draft
projects, the contacts of the organizations awarded, every bid (losing and withdrawn ones
too) and each reviewer's marks.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from api.bidding.models import Award
from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.contracts.models import Payment, PaymentStatus
from api.projects.models import Procurement, Project, ProjectStatus, ProjectType
from api.spreadsheets.bid_sheets import bids_sheet, scores_sheet
from api.spreadsheets.cells import Sheet, build, day, money
from api.spreadsheets.columns import HEADERS, NO, PROCUREMENT_NAMES, PROJECT_TYPE_NAMES, YES
from api.supervisors.models import Assignment

STATUS_NAMES: dict[ProjectStatus, str] = {
    ProjectStatus.DRAFT: "草稿",
    ProjectStatus.PUBLISHED: "已发布",
    ProjectStatus.CLAIMED: "已认领",
    ProjectStatus.BIDDING: "评审中",
    ProjectStatus.AWARDED: "已立项",
    ProjectStatus.IN_DELIVERY: "实施中",
    ProjectStatus.CLOSED: "已结项",
    ProjectStatus.WITHDRAWN: "已撤回",
    ProjectStatus.TERMINATED: "已终止",
}
PAYMENT_NAMES: dict[PaymentStatus, str] = {
    PaymentStatus.PENDING: "待评估",
    PaymentStatus.DUE: "待拨付",
    PaymentStatus.PAID: "已拨付",
    PaymentStatus.CANCELLED: "已取消",
}
AWARD_HEADERS = (
    "项目编号",
    "项目名称",
    "承接机构",
    "统一社会信用代码",
    "立项金额（元）",
    "评审得分",
    "排名",
    "督导",
    "立项日期",
)
PAYMENT_HEADERS = (
    "项目编号",
    "项目名称",
    "承接机构",
    "期次",
    "比例",
    "金额（元）",
    "状态",
    "应付日期",
    "拨付日期",
)
# Only in the organizer's workbook: how to reach the organization awarded.
CONTACT_HEADERS = ("联系人", "联系电话")


async def results_workbook(fair_id: int, *, public: bool = True) -> Workbook:
    """The workbook of one fair: 项目, 立项结果 and 拨付; with ``public=False`` (organizers)
    also draft projects, contacts, and the 投标 and 评审评分 sheets."""
    return build(await results_sheets(fair_id, public=public))


async def results_sheets(fair_id: int, *, public: bool = True) -> list[Sheet]:
    """The sheets of ``results_workbook`` as data, for building the file in a thread."""
    award_headers = AWARD_HEADERS if public else (*AWARD_HEADERS, *CONTACT_HEADERS)
    sheets = [
        Sheet("项目", (*HEADERS, "状态"), await _project_rows(fair_id, drafts=not public)),
        Sheet("立项结果", award_headers, await _award_rows(fair_id, contacts=not public)),
        Sheet("拨付", PAYMENT_HEADERS, await _payment_rows(fair_id)),
    ]
    if not public:
        sheets += [await bids_sheet(fair_id), await scores_sheet(fair_id)]
    return sheets


async def _project_rows(fair_id: int, *, drafts: bool) -> list[list[Any]]:
    query = Project.filter(fair_id=fair_id)
    if not drafts:
        query = query.exclude(status=ProjectStatus.DRAFT)
    found = await query.order_by("id").values(
        "code",
        "title",
        "description",
        "service_class",
        "project_type",
        "procurement",
        "budget",
        "min_social_workers",
        "service_period_months",
        "beneficiaries",
        "key_support",
        "publisher__name",
        "district__name",
        "community",
        "catalog_item__code",
        "community_opinion",
        "city_funding",
        "district_funding",
        "beneficiary_count",
        "qualifications",
        "status",
    )
    return [
        [
            p["code"],
            p["title"],
            p["description"],
            SERVICE_CLASS_NAMES[ServiceClass(p["service_class"])],
            PROJECT_TYPE_NAMES[ProjectType(p["project_type"])],
            PROCUREMENT_NAMES[Procurement(p["procurement"])],
            money(p["budget"]),
            p["min_social_workers"],
            p["service_period_months"],
            p["beneficiaries"],
            YES if p["key_support"] else NO,
            p["publisher__name"],
            p["district__name"],
            p["community"],
            p["catalog_item__code"],
            p["community_opinion"],
            money(p["city_funding"]),
            money(p["district_funding"]),
            p["beneficiary_count"],
            p["qualifications"],
            STATUS_NAMES[ProjectStatus(p["status"])],
        ]
        for p in found
    ]


async def _award_rows(fair_id: int, *, contacts: bool) -> list[list[Any]]:
    awards = (
        await Award.filter(project__fair_id=fair_id)
        .order_by("project_id")
        .values(
            "project_id",
            "project__code",
            "project__title",
            "organization__name",
            "organization__credit_code",
            "amount",
            "bid__score",
            "bid__rank",
            "awarded_at",
            "organization__contact_name",
            "organization__contact_phone",
        )
    )
    supervisors = dict(
        await Assignment.filter(project__fair_id=fair_id).values_list(
            "project_id", "supervisor__name"
        )
    )
    return [
        [
            a["project__code"],
            a["project__title"],
            a["organization__name"],
            a["organization__credit_code"],
            money(a["amount"]),
            a["bid__score"],
            a["bid__rank"],
            supervisors.get(a["project_id"], ""),
            day(a["awarded_at"]),
            *(
                [a["organization__contact_name"], a["organization__contact_phone"]]
                if contacts
                else []
            ),
        ]
        for a in awards
    ]


async def _payment_rows(fair_id: int) -> list[list[Any]]:
    payments = (
        await Payment.filter(project__fair_id=fair_id)
        .order_by("project_id", "tranche")
        .values(
            "project__code",
            "project__title",
            "contract__organization__name",
            "tranche",
            "share",
            "amount",
            "status",
            "due_on",
            "paid_at",
        )
    )
    return [
        [
            p["project__code"],
            p["project__title"],
            p["contract__organization__name"],
            p["tranche"],
            float(p["share"]) if p["share"] is not None else None,
            money(p["amount"]),
            PAYMENT_NAMES[PaymentStatus(p["status"])],
            day(p["due_on"]),
            day(p["paid_at"]),
        ]
        for p in payments
    ]
