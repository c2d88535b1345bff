"""The fair's results workbook: projects, awards and payments, one sheet each.

The 项目 sheet has the template's columns (plus the status), so it imports into another
fair as it is. Money is written as exact ``Decimal`` numbers shown as ``#,##0.00``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from api.bidding.models import Award
from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.contracts.models import Payment, PaymentStatus
from api.money import from_fen
from api.projects.models import Procurement, Project, ProjectStatus, ProjectType
from api.spreadsheets.columns import HEADERS, NO, PROCUREMENT_NAMES, PROJECT_TYPE_NAMES, YES
from api.spreadsheets.template import write_headers
from api.supervisors.models import Assignment

MONEY_FORMAT = "#,##0.00"
# Dates as the city reads them (Excel has no time zones).
CITY_TIME = timezone(timedelta(hours=8))
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


async def results_workbook(fair_id: int) -> Workbook:
    """The workbook of one fair: 项目, 立项结果 and 拨付 sheets."""
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)
    book.remove(first)
    _fill(book.create_sheet("项目"), (*HEADERS, "状态"), await _project_rows(fair_id))
    _fill(book.create_sheet("立项结果"), AWARD_HEADERS, await _award_rows(fair_id))
    _fill(book.create_sheet("拨付"), PAYMENT_HEADERS, await _payment_rows(fair_id))
    return book


def _fill(sheet: Worksheet, headers: tuple[str, ...], rows: list[list[Any]]) -> None:
    write_headers(sheet, headers)
    for row in rows:
        sheet.append(row)
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT


def _money(value: Any) -> Decimal | None:
    """A money column as ``values()`` gives it: ``Decimal`` or, through a join, fen."""
    if value is None or isinstance(value, Decimal):
        return value
    return from_fen(int(value))


def _day(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.astimezone(CITY_TIME).date()
    return value


async def _project_rows(fair_id: int) -> list[list[Any]]:
    found = (
        await Project.filter(fair_id=fair_id)
        .exclude(status=ProjectStatus.DRAFT)
        .order_by("id")
        .values(
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
    )
    return [
        [
            p["code"],
            p["title"],
            p["description"],
            SERVICE_CLASS_NAMES[ServiceClass(p["service_class"])],
            PROJECT_TYPE_NAMES[ProjectType(p["project_type"])],
            PROCUREMENT_NAMES[Procurement(p["procurement"])],
            _money(p["budget"]),
            p["min_social_workers"],
            p["service_period_months"],
            p["beneficiaries"],
            YES if p["key_support"] else NO,
            p["publisher__name"],
            p["district__name"],
            p["community"],
            p["catalog_item__code"],
            p["community_opinion"],
            _money(p["city_funding"]),
            _money(p["district_funding"]),
            p["beneficiary_count"],
            p["qualifications"],
            STATUS_NAMES[ProjectStatus(p["status"])],
        ]
        for p in found
    ]


async def _award_rows(fair_id: int) -> list[list[Any]]:
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
            _money(a["amount"]),
            a["bid__score"],
            a["bid__rank"],
            supervisors.get(a["project_id"], ""),
            _day(a["awarded_at"]),
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
            _money(p["amount"]),
            PAYMENT_NAMES[PaymentStatus(p["status"])],
            _day(p["due_on"]),
            _day(p["paid_at"]),
        ]
        for p in payments
    ]
