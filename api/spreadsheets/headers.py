"""Which column a header names, as people write headers: the template's own (预算（元）),
the units in other brackets (预算(元), 预算（万元）), required marks (*项目名称), shorter or
older names (编号, 社区意见), and the API's field names (budget).

A header is matched whole, after its marks and unit are set aside; never by its first
characters, so 社区/街道意见 is the opinion and only 社区 (or 实施社区) is the community.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.spreadsheets.columns import BY_FIELD, COLUMNS

# Other names people give the template's columns, by field.
ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("编号", "项目代码", "项目编码"),
    "title": ("名称",),
    "description": ("简介", "项目内容", "服务内容", "项目概述"),
    "serviceClass": ("类别", "项目类别", "服务领域"),
    "projectType": ("类型",),
    "procurement": ("承接方式", "认领方式"),
    "budget": ("项目预算", "预算金额", "预算资金", "金额"),
    "minSocialWorkers": ("持证社工", "社工人数", "最少社工人数", "所需社工人数"),
    "servicePeriodMonths": ("周期", "服务期限"),
    "beneficiaries": ("受益对象",),
    "keySupport": ("是否重点扶持", "重点扶持项目"),
    "publisher": ("发布单位名称", "申报单位"),
    "district": ("所在区", "实施地区", "区"),
    "community": ("社区", "实施地社区"),
    "catalogItem": ("服务目录编码", "目录代码", "服务项目编码"),
    "communityOpinion": ("社区意见", "街道意见", "社区街道意见", "实施地意见", "意见"),
    "cityFunding": ("市级",),
    "districtFunding": ("区级",),
    "beneficiaryCount": ("服务人数",),
    "qualifications": ("承接资质",),
}
UNITS = ("万元", "元", "月", "个月", "人", "名", "个")
BRACKETED = re.compile(r"[（(【\[]([^）)】\]]*)[）)】\]]")
MARKS = re.compile(r"[\s*＊:：]")


@dataclass(frozen=True)
class Header:
    """A header cell read: the template's header of its column (None: not a column of the
    list) and whether its amounts are in 万元."""

    column: str | None
    in_ten_thousands: bool = False


def _core(text: str) -> tuple[str, str]:
    """The header without marks and unit, and the unit."""
    cleaned = MARKS.sub("", text)
    unit = ""
    for found in BRACKETED.finditer(cleaned):
        if found.group(1) in UNITS:
            unit = found.group(1)
    core = BRACKETED.sub(lambda m: "" if m.group(1) in UNITS else m.group(1), cleaned)
    return core.replace("／", "/"), unit


def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for column in COLUMNS:
        names[_core(column.header)[0]] = column.header
        names[column.field.lower()] = column.header
    for field, aliases in ALIASES.items():
        for alias in aliases:
            names[_core(alias)[0]] = BY_FIELD[field].header
    return names


NAMES = _names()


def read_header(value: object) -> Header:
    if value is None:
        return Header(None)
    core, unit = _core(str(value))
    column = NAMES.get(core) or NAMES.get(core.lower())
    return Header(column, unit == "万元")
