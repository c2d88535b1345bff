"""Nanjing's places: its 11 districts, their street offices and communities, and the
departments that publish projects.

Street offices are real; community names are real where known and otherwise in the
style of the street (named after a road, a housing estate or a village). The reference
documents mention 大光路街道 and its 蓝旗新村社区, so both are here.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.catalog.models import ServiceClass
from api.places.models import PublisherKind

CITY = "南京市"


@dataclass(frozen=True, eq=False)  # compared by identity: one object per district
class DistrictData:
    code: str  # the GB/T 2260 administrative division code
    name: str
    abbr: str  # used in project codes: 2026-XW-0001
    streets: dict[str, tuple[str, ...]]  # street office → its communities


def _streets(spec: dict[str, str]) -> dict[str, tuple[str, ...]]:
    # Communities are written without the "社区" suffix to keep the table readable.
    return {
        street: tuple(f"{name}社区" for name in communities.split())
        for street, communities in spec.items()
    }


DISTRICTS: tuple[DistrictData, ...] = (
    DistrictData("320102", "玄武区", "XW", _streets({
        "梅园新村街道": "大行宫 梅园 碑亭巷 成贤街 兰园",
        "新街口街道": "洪武北路 丹凤街 双龙巷 估衣廊 文昌巷 吉兆营",
        "玄武门街道": "北京东路 香铺营 和会街 百子亭 高楼门",
        "锁金村街道": "锁金新村 樱铁村 板仓 新庄 龙蟠里",
        "红山街道": "五塘村 晓庄 和燕路 紫金城 红山",
        "孝陵卫街道": "孝陵卫 钟灵 童卫路 白水桥 卫岗",
        "玄武湖街道": "童家巷 岗子村 花园路 后宰门 樱驼村",
    })),
    DistrictData("320104", "秦淮区", "QH", _streets({
        "夫子庙街道": "夫子庙 钞库街 大石坝街 琵琶巷 长乐街",
        "五老村街道": "五老村 常府街 火瓦巷 邀贵井",
        "洪武路街道": "户部街 四福巷 洪武路 游府西街",
        "大光路街道": "蓝旗新村 石门坎 大光路 标营 龙苑",
        "瑞金路街道": "瑞金北村 瑞金新村 明故宫 苜蓿园",
        "月牙湖街道": "月牙湖 白鹭 双麒 仙鹤",
        "光华路街道": "光华东街 御道街 海福巷 马标",
        "朝天宫街道": "朝天宫 安品街 鼎新路 张府园",
    })),
    DistrictData("320105", "建邺区", "JY", _streets({
        "莫愁湖街道": "清凉门 北圩路 凤凰花园城 莫愁新寓 怡康",
        "南苑街道": "吉庆 所街 茶亭 安如村 南苑",
        "兴隆街道": "奥体 梦都 恒山路 泰山路 兴达",
        "沙洲街道": "沙洲 金穗花园 清荷北园 新河",
        "双闸街道": "双闸 嘉熙 双和园 江山汇",
        "江心洲街道": "洲岛家园 江心洲 文化岛",
    })),
    DistrictData("320106", "鼓楼区", "GL", _streets({
        "宁海路街道": "山西路 宁海路 南秀村 颐和路 江苏路",
        "华侨路街道": "华侨路 五台山 随家仓 西桥",
        "湖南路街道": "湖南路 马台街 傅佐路 青岛路",
        "中央门街道": "中央门 丁家桥 黄家圩 工人新村",
        "挹江门街道": "挹江门 绣球公园 西流湾 姜家圩",
        "江东街道": "江东 龙园 清江 华严岗",
        "凤凰街道": "凤凰 草场门 三叉河 西城岚湾",
        "宝塔桥街道": "宝塔桥 金陵 兴宁 南化",
    })),
    DistrictData("320111", "浦口区", "PK", _streets({
        "江浦街道": "象山 求雨山 龙华 白马",
        "泰山街道": "泰山 旭日 柳洲 大桥",
        "顶山街道": "顶山 大新 江锦 吉庆",
        "沿江街道": "沿江 东门 高新",
        "桥林街道": "桥林 福音 林蒲",
        "汤泉街道": "汤泉 龙泉 银泉",
        "星甸街道": "星甸 九华 龙山",
        "永宁街道": "永宁 青山 侯冲",
    })),
    DistrictData("320113", "栖霞区", "QX", _streets({
        "尧化街道": "尧化门 尧辰 仙居",
        "马群街道": "马群 百水 花港 紫东",
        "迈皋桥街道": "迈皋桥 华电 万寿 晓庄村",
        "燕子矶街道": "燕子矶 吉祥庵 新城 和燕",
        "栖霞街道": "栖霞 十月 东阳",
        "龙潭街道": "龙潭 花园 营房",
        "仙林街道": "仙林 文苑 东方 灵山",
        "八卦洲街道": "八卦洲 中桥 外沙",
    })),
    DistrictData("320114", "雨花台区", "YH", _streets({
        "雨花街道": "雨花 菊花台 安德门 油坊桥",
        "赛虹桥街道": "赛虹桥 虹苑 西街 雨花南路",
        "西善桥街道": "西善桥 岱山 华岳",
        "板桥街道": "板桥 新林 三山",
        "铁心桥街道": "铁心桥 韩府山 尹西 景明佳园",
        "梅山街道": "梅山 梅钢 冶金",
    })),
    DistrictData("320115", "江宁区", "JN", _streets({
        "东山街道": "东山 上坊 竹山 百家湖",
        "秣陵街道": "秣陵 将军山 殷巷 胜太",
        "汤山街道": "汤山 孟墓 阜庄",
        "淳化街道": "淳化 青龙 解溪",
        "禄口街道": "禄口 铜山 曹村",
        "江宁街道": "江宁 牧龙 铜井",
        "谷里街道": "谷里 周村 大塘金",
        "麒麟街道": "麒麟 泽诚 东郊",
    })),
    DistrictData("320116", "六合区", "LH", _streets({
        "雄州街道": "雄州 瓜埠 王桥",
        "龙池街道": "龙池 方州 六城",
        "程桥街道": "程桥 东沟 金庄",
        "横梁街道": "横梁 新篁 石柱林",
        "龙袍街道": "龙袍 赵坝 长江",
        "马鞍街道": "马鞍 大圣 樊集",
        "冶山街道": "冶山 东王 石峰",
        "金牛湖街道": "金牛湖 八百 新集",
    })),
    DistrictData("320117", "溧水区", "LS", _streets({
        "永阳街道": "中山 东门 通济 秦淮",
        "柘塘街道": "柘塘 乌山 东庐",
        "东屏街道": "东屏 长乐 爱廉",
        "石湫街道": "石湫 明觉 九塘",
        "洪蓝街道": "洪蓝 傅家边 塘西",
    })),
    DistrictData("320118", "高淳区", "GC", _streets({
        "淳溪街道": "宝塔 河城 镇兴 老街",
        "古柏街道": "古柏 武家嘴 韩村",
        "漆桥街道": "漆桥 双游 茅山",
        "东坝街道": "东坝 游子山 和睦涧",
        "固城街道": "固城 花山 九龙",
        "桠溪街道": "桠溪 瑶宕 蓝溪",
    })),
)

DISTRICTS_BY_CODE = {district.code: district for district in DISTRICTS}

# District departments that publish projects, and the classes they usually buy.
DISTRICT_DEPARTMENTS: dict[str, tuple[ServiceClass, ...]] = {
    "民政局": (ServiceClass.ELDERLY, ServiceClass.HARDSHIP, ServiceClass.PARTICIPATION),
    "卫健委": (ServiceClass.ELDERLY,),
    "妇联": (ServiceClass.CHILDREN, ServiceClass.HARDSHIP),
    "残联": (ServiceClass.DISABILITY,),
    "司法局": (ServiceClass.MEDIATION,),
    "教育局": (ServiceClass.CHILDREN,),
}

# City departments are housed in the district of the city government (玄武区).
CITY_SEAT_CODE = "320102"
CITY_DEPARTMENTS: dict[str, tuple[ServiceClass, ...]] = {
    "南京市民政局": (
        ServiceClass.ELDERLY, ServiceClass.HARDSHIP, ServiceClass.PARTICIPATION,
        ServiceClass.MEDIATION,
    ),
    "南京市残疾人联合会": (ServiceClass.DISABILITY,),
    "南京市妇女联合会": (ServiceClass.CHILDREN, ServiceClass.HARDSHIP),
    "共青团南京市委员会": (ServiceClass.CHILDREN, ServiceClass.PARTICIPATION),
}


@dataclass(frozen=True)
class PublisherData:
    """A publisher as seeded; ``parent`` names the street of a community."""

    district_code: str
    name: str
    kind: PublisherKind
    parent: str | None = None
    classes: tuple[ServiceClass, ...] = ()  # departments only: what they publish


def department_name(district: DistrictData, department: str) -> str:
    return f"{district.name}{department}"


def publishers() -> list[PublisherData]:
    """Every publisher, streets before their communities (parents must exist first)."""
    rows: list[PublisherData] = []
    for district in DISTRICTS:
        for street in district.streets:
            rows.append(PublisherData(district.code, street, PublisherKind.STREET))
        for street, communities in district.streets.items():
            rows.extend(
                PublisherData(district.code, name, PublisherKind.COMMUNITY, parent=street)
                for name in communities
            )
        rows.extend(
            PublisherData(
                district.code, department_name(district, department),
                PublisherKind.DISTRICT_DEPARTMENT, classes=classes,
            )
            for department, classes in DISTRICT_DEPARTMENTS.items()
        )
    rows.extend(
        PublisherData(CITY_SEAT_CODE, name, PublisherKind.CITY_DEPARTMENT, classes=classes)
        for name, classes in CITY_DEPARTMENTS.items()
    )
    return rows
