"""The reviewed synonym table of the project search: what people type → what they mean.

People search the fair for what a project is about (养老, 助残, 调解), not for the words a
publisher happened to write in its title. Each group lists words that mean the same thing
for the fair, and the service class they point to, if any: a query naming a group finds
every project of that class and every project whose title, description or catalogue item
names one of the group's words.

Keep the groups small and unambiguous. A word belongs to one group only (a test checks),
and a group is added after someone has looked at what it finds on the seeded fair.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.catalog.models import ServiceClass


@dataclass(frozen=True)
class SynonymGroup:
    """Words that mean one thing for the fair, and the class they name (None: no class)."""

    service_class: ServiceClass | None
    words: tuple[str, ...]


GROUPS: tuple[SynonymGroup, ...] = (
    SynonymGroup(
        ServiceClass.ELDERLY,
        ("为老", "养老", "助老", "敬老", "老年", "老年人", "老人", "长者", "高龄", "空巢", "银发"),
    ),
    SynonymGroup(
        ServiceClass.CHILDREN,
        ("为小", "儿童", "少儿", "青少年", "未成年人", "小学生", "孩子", "托管", "四点半"),
    ),
    SynonymGroup(
        ServiceClass.DISABILITY,
        ("为残", "助残", "残疾", "残疾人", "残障", "康复", "无障碍"),
    ),
    SynonymGroup(
        ServiceClass.HARDSHIP,
        ("为困", "帮困", "困难", "困境", "低保", "救助", "帮扶"),
    ),
    SynonymGroup(
        ServiceClass.PARTICIPATION,
        ("社区参与", "居民参与", "议事", "协商", "自治", "志愿", "志愿者", "志愿服务"),
    ),
    SynonymGroup(
        ServiceClass.MEDIATION,
        ("调解", "调解治理", "纠纷", "矛盾", "化解", "治理", "矫正", "社区矫正", "帮教"),
    ),
    # Words without a class of their own: they widen the words, not the classes.
    SynonymGroup(None, ("助餐", "老年助餐", "食堂", "就餐")),
    SynonymGroup(None, ("早教", "婴幼儿", "亲子")),
    SynonymGroup(None, ("心理", "心理疏导", "精神慰藉")),
    SynonymGroup(None, ("就业", "就业援助", "就业辅导")),
)
