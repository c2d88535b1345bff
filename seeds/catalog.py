"""The city's purchase catalogue (政府购买服务目录): 6 classes and their service items.

A subset of the city's 280 items, enough for every kind of project the fair shows.
Items flagged ``negative`` are on the negative list: they are goods, works or the
government's own duties, which may not be bought as community services.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.catalog.models import ServiceClass


@dataclass(frozen=True)
class CatalogItemData:
    code: str
    name: str
    service_class: ServiceClass
    negative: bool = False
    note: str = ""


CLASS_PREFIX: dict[ServiceClass, str] = {
    ServiceClass.ELDERLY: "ELD",
    ServiceClass.CHILDREN: "CHD",
    ServiceClass.DISABILITY: "DIS",
    ServiceClass.HARDSHIP: "HRD",
    ServiceClass.PARTICIPATION: "PAR",
    ServiceClass.MEDIATION: "MED",
}

_ITEMS: dict[ServiceClass, tuple[str, ...]] = {
    ServiceClass.ELDERLY: (
        "居家养老服务", "老年助餐", "日间照料", "失能失智老人照护", "独居老人关爱探访",
        "老年人精神慰藉", "老年健康管理", "智慧养老信息服务", "老年文体活动",
    ),
    ServiceClass.CHILDREN: (
        "早教亲子活动", "四点半课堂", "妇女儿童关爱", "青少年成长辅导", "暑期托管",
        "家庭教育指导", "儿童安全教育", "留守流动儿童关爱",
    ),
    ServiceClass.DISABILITY: (
        "残疾人康复", "残疾人就业辅导", "精神障碍社区康复", "残疾儿童融合教育",
        "残疾人家庭支持", "无障碍出行协助",
    ),
    ServiceClass.HARDSHIP: (
        "困境儿童帮扶", "低保家庭帮扶", "失独家庭关爱", "临时救助对象跟踪服务",
        "重病患者家庭支持", "流浪乞讨人员救助服务", "失业人员就业援助",
    ),
    ServiceClass.PARTICIPATION: (
        "社区议事协商", "社区志愿服务", "社区社会组织培育", "楼道自治", "邻里互助",
        "社区文化营造", "垃圾分类宣传引导", "社区公益微创投",
    ),
    ServiceClass.MEDIATION: (
        "邻里纠纷调解", "社区矫正帮扶", "安置帮教", "物业矛盾协调", "婚姻家庭调解",
        "法律援助咨询", "禁毒社会工作", "社区平安建设",
    ),
}

# Things that look like projects but are not purchasable services.
_NEGATIVE: dict[ServiceClass, tuple[tuple[str, str], ...]] = {
    ServiceClass.ELDERLY: (("养老设施设备采购", "货物采购，不属于服务"),),
    ServiceClass.CHILDREN: (("儿童活动场地改造", "工程建设类，不属于服务"),),
    ServiceClass.PARTICIPATION: (
        ("社区用房工程建设", "工程建设类，不属于服务"),
        ("购买社区工作岗位", "以购买岗位代替购买项目，不予支持"),
    ),
    ServiceClass.MEDIATION: (("行政事务性工作", "政府自身履职事项，不得向社会购买"),),
}


def catalog_items() -> list[CatalogItemData]:
    """The whole catalogue in code order; negative items follow a class's service items."""
    rows: list[CatalogItemData] = []
    for service_class, names in _ITEMS.items():
        prefix = CLASS_PREFIX[service_class]
        rows.extend(
            CatalogItemData(f"{prefix}-{number:02d}", name, service_class)
            for number, name in enumerate(names, start=1)
        )
        negatives = _NEGATIVE.get(service_class, ())
        # Negative items are numbered from 90 so the service items can grow in between.
        rows.extend(
            CatalogItemData(f"{prefix}-{90 + number:02d}", name, service_class, True, note)
            for number, (name, note) in enumerate(negatives, start=1)
        )
    return rows


def purchasable(service_class: ServiceClass) -> list[CatalogItemData]:
    return [
        item for item in catalog_items()
        if item.service_class is service_class and not item.negative
    ]
