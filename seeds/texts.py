"""Text templates for believable projects, organizations and people.

Every function takes the generator's ``random.Random`` so that the whole seed stays
deterministic.
"""

from __future__ import annotations

import random

from api.catalog.models import SERVICE_CLASS_NAMES, ServiceClass

# Project brands, in the quoted style communities give their projects.
BRANDS: dict[ServiceClass, tuple[str, ...]] = {
    ServiceClass.ELDERLY: (
        "银龄守护", "乐龄生活", "夕阳暖心", "爱心敲门", "时间银行", "长者之家", "颐养邻里",
        "银发课堂", "幸福晚晴",
    ),
    ServiceClass.CHILDREN: (
        "童心港湾", "快乐成长", "小候鸟", "成长驿站", "阳光少年", "护苗行动", "彩虹桥",
        "梦想小屋",
    ),
    ServiceClass.DISABILITY: (
        "阳光助残", "同行无碍", "点亮心灯", "温馨家园", "向阳花", "融爱同行",
    ),
    ServiceClass.HARDSHIP: (
        "微光守护", "爱心驿站", "共渡同行", "暖冬送温暖", "希望之翼", "守望相助",
    ),
    ServiceClass.PARTICIPATION: (
        "邻里议事厅", "楼道美家", "社区合伙人", "益起来", "邻里节", "共建美好家园",
    ),
    ServiceClass.MEDIATION: (
        "和事佬", "老娘舅调解室", "新起点", "法润社区", "平安小巷", "连心桥",
    ),
}

_NEEDS: dict[ServiceClass, tuple[str, ...]] = {
    ServiceClass.ELDERLY: (
        "{place}60周岁以上老年人占常住人口近三成，独居、空巢老人日常照料和精神慰藉需求突出。",
        "{place}老旧小区集中，高龄老人就餐难、就医难的问题在居民议事会上被反复提出。",
        "{place}失能、半失能老人家庭照护压力大，家属普遍希望获得专业支持。",
    ),
    ServiceClass.CHILDREN: (
        "{place}双职工家庭较多，放学后至家长下班前的看护真空是居民反映最集中的问题。",
        "{place}外来务工家庭子女较多，课业辅导和安全教育资源不足。",
        "{place}0—3岁婴幼儿家庭对科学育儿指导和亲子活动空间的需求逐年上升。",
    ),
    ServiceClass.DISABILITY: (
        "{place}登记持证残疾人较多，康复训练和社会融入服务供给不足。",
        "{place}精神障碍患者及其家庭缺乏持续的社区康复支持，复发风险较高。",
    ),
    ServiceClass.HARDSHIP: (
        "{place}低保、低保边缘家庭和困境儿童分散居住，仅靠物质救助难以解决其发展困境。",
        "{place}困难群众除经济困难外，普遍面临就业、心理和家庭关系等多重问题。",
    ),
    ServiceClass.PARTICIPATION: (
        "{place}居民参与社区事务渠道有限，公共空间管理和楼道环境问题长期缺少议事平台。",
        "{place}新建小区居民互不熟悉，社区社会组织数量少、活跃度低。",
    ),
    ServiceClass.MEDIATION: (
        "{place}因物业、停车、噪音引发的邻里矛盾逐年增多，亟需专业力量介入化解。",
        "{place}社区矫正对象和安置帮教人员回归社会面临就业、家庭和心理等多重困难。",
    ),
}

_ACTIVITIES: dict[ServiceClass, tuple[str, ...]] = {
    ServiceClass.ELDERLY: (
        "组织专业社工和志愿者开展上门探访、生活照料、健康监测和文娱活动",
        "建立“一人一档”需求台账，提供助餐、助洁、助医和精神慰藉服务",
    ),
    ServiceClass.CHILDREN: (
        "由专业社工和高校志愿者开展课业辅导、兴趣小组、安全教育和亲子活动",
        "依托社区儿童之家，开展成长小组、家长课堂和假期营会",
    ),
    ServiceClass.DISABILITY: (
        "引入康复师和社工开展康复训练、社交小组、就业辅导和家属支持",
        "以个案管理为主线，链接医疗、康复和就业资源，开展融合活动",
    ),
    ServiceClass.HARDSHIP: (
        "采用个案管理方法评估需求，开展心理疏导、就业援助、学业支持和资源链接",
        "建立帮扶对象档案，组织志愿者结对陪伴，定期回访跟进",
    ),
    ServiceClass.PARTICIPATION: (
        "搭建居民议事平台，培育骨干，孵化社区社会组织，引导居民自主解决公共事务",
        "以楼栋为单元组织居民协商，开展志愿服务和社区文化活动",
    ),
    ServiceClass.MEDIATION: (
        "组建由社工、律师和居民骨干组成的调解队伍，开展矛盾排查、调解和法律宣传",
        "运用个案、小组方法开展教育矫正、就业指导和社会适应帮扶",
    ),
}

_OUTPUTS = (
    "全年开展服务不少于{times}次，建立服务档案{files}份，服务对象满意度不低于90%。",
    "项目周期内开展个案服务{files}个、小组活动{groups}期、社区活动{times}场，形成服务案例汇编一册。",
    "预计服务{people}人次，培育志愿者骨干{groups}名，形成可推广的服务模式和工作手册。",
)

_BENEFICIARIES: dict[ServiceClass, tuple[tuple[str, int, int], ...]] = {
    ServiceClass.ELDERLY: (
        ("辖区60周岁以上独居、空巢老人约{n}人", 60, 300),
        ("辖区80周岁以上高龄老人约{n}人", 40, 200),
        ("辖区失能、半失能老人及其家庭照护者约{n}人", 20, 120),
    ),
    ServiceClass.CHILDREN: (
        ("辖区6—12岁小学生约{n}人", 40, 200),
        ("辖区0—3岁婴幼儿家庭约{n}户", 30, 150),
        ("辖区留守、流动儿童约{n}人", 20, 100),
    ),
    ServiceClass.DISABILITY: (
        ("辖区持证残疾人约{n}人", 30, 200),
        ("辖区精神障碍康复者及家属约{n}人", 15, 80),
    ),
    ServiceClass.HARDSHIP: (
        ("辖区低保及低保边缘家庭约{n}户", 20, 150),
        ("辖区困境儿童约{n}人", 10, 60),
    ),
    ServiceClass.PARTICIPATION: (
        ("辖区居民约{n}人", 300, 3000),
        ("辖区楼栋长、居民骨干及志愿者约{n}人", 40, 200),
    ),
    ServiceClass.MEDIATION: (
        ("辖区居民约{n}人", 500, 5000),
        ("辖区社区矫正对象及安置帮教人员约{n}人", 10, 60),
    ),
}

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶贺顾毛郝"
    "龚邵万钱严戴孔汤葛"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰志红文斌晓东海燕雪梅丹宁"
    "浩宇欣怡子涵思远佳琪俊峰晨曦雨婷嘉慧立新春生淑珍永福瑞雯"
)

TITLES_ACADEMIC = ("教授", "副教授", "讲师", "研究员", "副研究员")
TITLES_PRACTICE = ("高级社工师", "社工师", "督导")
UNIVERSITIES = (
    "南京大学社会学院", "河海大学公共管理学院", "南京师范大学社会发展学院", "金陵科技学院",
    "南京理工大学公共事务学院", "东南大学人文学院", "南京邮电大学社会与人口学院",
    "南京晓庄学院", "南京工业大学法政学院",
)

_ORG_BRANDS: dict[ServiceClass, tuple[str, ...]] = {
    ServiceClass.ELDERLY: ("乐龄", "颐养", "康乐", "夕阳红", "银杏", "福寿", "安康"),
    ServiceClass.CHILDREN: ("童心", "启明", "春苗", "彩虹", "新芽", "知行", "悦成长"),
    ServiceClass.DISABILITY: ("阳光", "向日葵", "同行", "心翼", "融爱"),
    ServiceClass.HARDSHIP: ("春晖", "暖阳", "守望", "仁恩", "微光", "善邻"),
    ServiceClass.PARTICIPATION: ("益心", "爱邻", "同心", "众合", "邻里", "和美"),
    ServiceClass.MEDIATION: ("和谐", "和事", "新航", "正和", "安宁", "明理"),
}

# Organization name endings by civil-affairs type code (see api.organizations.creditcode).
ORG_SUFFIXES: dict[str, tuple[str, ...]] = {
    "1": ("社会工作协会", "志愿者协会", "社区服务促进会"),
    "2": ("社会工作服务中心", "社工服务社", "社会工作事务所"),
    "3": ("公益基金会", "慈善基金会"),
    "9": ("志愿服务队", "睦邻互助会", "居民互助会"),
}
# Endings that name the field, for private non-enterprise units (type 2) of that class.
CLASS_SUFFIXES: dict[ServiceClass, tuple[str, ...]] = {
    ServiceClass.ELDERLY: ("养老服务中心", "居家养老服务中心", "为老服务中心"),
    ServiceClass.CHILDREN: ("青少年服务中心", "儿童发展中心", "家庭服务中心"),
    ServiceClass.DISABILITY: ("助残服务社", "康复服务中心"),
    ServiceClass.HARDSHIP: ("社会救助服务中心", "家庭服务中心"),
    ServiceClass.PARTICIPATION: ("社区服务中心", "社区发展中心"),
    ServiceClass.MEDIATION: ("人民调解服务中心", "法律服务中心"),
}


def person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + f"{rng.randrange(10**9):09d}"


def project_title(rng: random.Random, place: str, item: str, service_class: ServiceClass) -> str:
    brand = rng.choice(BRANDS[service_class])
    form = rng.randrange(3)
    if form == 0:
        return f"{place}“{brand}”{item}项目"
    if form == 1:
        return f"“{brand}”——{place}{item}服务项目"
    return f"{place}{item}（{brand}）项目"


def project_description(
    rng: random.Random, place: str, item: str, service_class: ServiceClass, venture: bool
) -> str:
    """Two to four sentences: the need, the content, the outputs, maybe the funding."""
    need = rng.choice(_NEEDS[service_class]).format(place=place)
    content = f"项目以{item}为核心，{rng.choice(_ACTIVITIES[service_class])}。"
    outputs = rng.choice(_OUTPUTS).format(
        times=rng.randrange(24, 121, 4), files=rng.randrange(10, 81, 5),
        groups=rng.randrange(4, 21), people=rng.randrange(500, 5001, 100),
    )
    sentences = [need, content, outputs]
    if venture:
        sentences.append("本项目为公益创投项目，市、区两级资金按1:1配套。")
    return "".join(sentences)


def beneficiaries(rng: random.Random, service_class: ServiceClass) -> tuple[str, int]:
    template, low, high = rng.choice(_BENEFICIARIES[service_class])
    step = 10 if high >= 100 else 5
    count = rng.randrange(low, high + 1, step)
    return template.format(n=count), count


def qualifications(rng: random.Random, min_social_workers: int, key_support: bool) -> str:
    parts = ["在南京市依法登记或备案的社会组织"]
    if min_social_workers:
        parts.append(f"至少配备{min_social_workers}名持证专职社会工作者")
    if key_support or rng.random() < 0.3:
        parts.append("社会组织评估等级3A及以上")
    parts.append("近两年内无项目终止、评估不合格等不良信用记录")
    if rng.random() < 0.4:
        parts.append("具有同类项目服务经验者优先")
    return "；".join(parts) + "。"


def community_opinion(rng: random.Random, community: str | None, street: str | None) -> str:
    """The opinion of the community / street where the project is delivered."""
    if community:
        how = rng.choice(("居民议事会", "居民代表会议", "两委联席会议"))
        text = f"经{community}{how}讨论，项目符合居民实际需求，同意实施，居委会将全程参与监督。"
    else:
        text = "项目面向全辖区，经各社区征求意见，同意实施。"
    if street:
        text += f"{street}审核同意。"
    return text


def organization_name(
    rng: random.Random, district: str, street: str | None, service_class: ServiceClass,
    type_code: str,
) -> str:
    brand = rng.choice(_ORG_BRANDS[service_class])
    suffixes = ORG_SUFFIXES[type_code]
    if type_code == "2":
        suffixes += CLASS_SUFFIXES[service_class]
    suffix = rng.choice(suffixes)
    if type_code == "9" and street:
        # Filed community groups are named after their street, not the city.
        return f"{district}{street}{brand}{suffix}"
    if rng.random() < 0.5:
        return f"南京市{district}{brand}{suffix}"
    return f"{district}{brand}{suffix}"


def organization_intro(
    rng: random.Random, classes: tuple[ServiceClass, ...], social_workers: int
) -> str:
    areas = "、".join(SERVICE_CLASS_NAMES[c] for c in classes)
    year = rng.randrange(2008, 2024)
    return (
        f"本机构成立于{year}年，主要开展{areas}等社区服务，"
        f"现有持证专职社工{social_workers}人，长期扎根社区提供专业服务。"
    )


def supervisor_profile(rng: random.Random, community: str) -> tuple[str, str]:
    """A title and an affiliation for someone who is not with a pool organization."""
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(TITLES_ACADEMIC), rng.choice(UNIVERSITIES)
    if roll < 0.8:
        return rng.choice(TITLES_PRACTICE), "南京市社会工作协会"
    return "居委会主任", f"{community}居民委员会"
