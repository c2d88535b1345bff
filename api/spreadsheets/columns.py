"""The columns of a project list: Chinese headers, the fields they fill, and their notes.

One table serves the template, the reader and the export, so a workbook exported from one
fair imports into another unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass
from api.projects.models import Procurement, ProjectType

SHEET = "项目清单"
NOTES_SHEET = "填写说明"
EXAMPLE_SHEET = "填写示例"
LISTS_SHEET = "选项列表"

PROJECT_TYPE_NAMES: dict[ProjectType, str] = {
    ProjectType.PUBLIC_WELFARE: "社区公益服务",
    ProjectType.PUBLIC_SERVICE: "社区公共服务",
    ProjectType.SELF_GOVERNANCE: "社区自治服务",
}
PROCUREMENT_NAMES: dict[Procurement, str] = {
    Procurement.DIRECT: "直接认领",
    Procurement.COMPETITIVE: "竞争性评审",
}
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    """A column of the sheet: its header, the ``ProjectInput`` field it fills, its note."""

    header: str
    field: str
    note: str
    required: bool = False


def _choices(
    names: dict[ServiceClass, str] | dict[ProjectType, str] | dict[Procurement, str],
) -> str:
    return "/".join(names.values())


MONEY_NOTE = (
    "填数字，单位元，最多两位小数（如 80000 或 80000.50）；也可带单位写成 8万元、12.65万、"
    "¥80000、80,000元。不要写“约”“左右”、范围或汉字数字（如“八万”）。"
)
PICK_NOTE = "从下拉列表中选择"

COLUMNS: tuple[Column, ...] = (
    Column("项目编号", "code", "本届内唯一，最多 32 个字符，如 XW-2026-001。", True),
    Column("项目名称", "title", "最多 128 个字。", True),
    Column("项目简介", "description", "项目回应的社区需求和服务内容，最多 5000 字。", True),
    Column(
        "服务类别",
        "serviceClass",
        f"{PICK_NOTE}：{_choices(SERVICE_CLASS_NAMES)}（也可写简称，如“为老”）。",
        True,
    ),
    Column("项目类型", "projectType", f"{PICK_NOTE}：{_choices(PROJECT_TYPE_NAMES)}。", True),
    Column("采购方式", "procurement", f"{PICK_NOTE}：{_choices(PROCUREMENT_NAMES)}。", True),
    Column("预算（元）", "budget", f"大于 0。{MONEY_NOTE}", True),
    Column(
        "最少持证社工",
        "minSocialWorkers",
        "承接机构至少需要的持证专职社工人数（整数，可不填，默认 0）；"
        "预算 10 万元及以上的项目至少为 2，填得更少时按 2 发布并提醒。",
    ),
    Column("服务周期（月）", "servicePeriodMonths", "整数，1 到 36。", True),
    Column("服务对象", "beneficiaries", "服务对象及人数，如“辖区独居老人约 120 人”。", True),
    Column("重点扶持", "keySupport", f"{PICK_NOTE}：“{YES}”或“{NO}”（也可写 √ 或 ×），不填为否。"),
    Column(
        "发布单位",
        "publisher",
        "发布单位在系统中的名称：社区如“夫子庙社区”，街道如“大光路街道”，区级部门如"
        "“秦淮区民政局”；写全称如“五老村街道夫子庙社区居委会”“秦淮区大光路街道办事处”也能识别，"
        "同名的社区按实施区区分。发布单位账号只能发布本单位的项目。",
        True,
    ),
    Column(
        "实施区",
        "district",
        f"{PICK_NOTE}：项目实施地所在区，如“玄武区”；社区和街道只能填本区。",
        True,
    ),
    Column("实施社区", "community", "可不填，最多 64 字。"),
    Column(
        "目录编码",
        "catalogItem",
        f"{PICK_NOTE}（编码和名称，如“ELD-01 居家养老服务”），或只填编码“ELD-01”；"
        "编码和名称见“选项列表”表。其类别须与服务类别一致，负面清单上的项目不能发布。",
        True,
    ),
    Column(
        "社区/街道意见", "communityOpinion", "实施地社区/街道的意见，必填，最多 2000 字。", True
    ),
    Column(
        "市级资金",
        "cityFunding",
        f"可不填；填写时须与区级资金同时填写，两者之和等于预算。{MONEY_NOTE}",
    ),
    Column("区级资金", "districtFunding", f"可不填；见市级资金。{MONEY_NOTE}"),
    Column("受益人数", "beneficiaryCount", "整数，大于 0，可不填。"),
    Column("资质要求", "qualifications", "对承接机构的资质要求，可不填，最多 2000 字。"),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}
BY_HEADER: dict[str, Column] = {c.header: c for c in COLUMNS}


def value_names(
    names: dict[ServiceClass, str] | dict[ProjectType, str] | dict[Procurement, str],
) -> dict[str, StrEnum]:
    """Chinese name → value, its short form (为老 for 为老服务) and the code itself
    (ELDERLY) accepted as well; the full name comes first, as messages show it."""
    found: dict[str, StrEnum] = {}
    for value, name in names.items():
        found[name] = value
    for value, name in names.items():
        short = name.removesuffix("服务")
        if len(short) >= 2:
            found.setdefault(short, value)
        found[value.value] = value
    return found


SERVICE_CLASSES = value_names(SERVICE_CLASS_NAMES)
PROJECT_TYPES = value_names(PROJECT_TYPE_NAMES)
PROCUREMENTS = value_names(PROCUREMENT_NAMES)
