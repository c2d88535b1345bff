"""The city's purchase catalogue: service classes and the items that may be bought."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ServiceClass(StrEnum):
    """The service classes of the purchase catalogue."""

    ELDERLY = "ELDERLY"  # 为老
    CHILDREN = "CHILDREN"  # 为小
    DISABILITY = "DISABILITY"  # 为残
    HARDSHIP = "HARDSHIP"  # 为困
    PARTICIPATION = "PARTICIPATION"  # 社区参与
    MEDIATION = "MEDIATION"  # 调解治理


SERVICE_CLASS_NAMES: dict[ServiceClass, str] = {
    ServiceClass.ELDERLY: "为老服务",
    ServiceClass.CHILDREN: "为小服务",
    ServiceClass.DISABILITY: "为残服务",
    ServiceClass.HARDSHIP: "为困服务",
    ServiceClass.PARTICIPATION: "社区参与",
    ServiceClass.MEDIATION: "调解治理",
}


class CatalogItem(Model):
    """An item of the purchase catalogue (items on the negative list may not be bought)."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    name = fields.CharField(max_length=64)
    service_class = fields.CharEnumField(ServiceClass, max_length=16, db_index=True)
    negative_list = fields.BooleanField(default=False)
    note = fields.TextField(default="")

    class Meta:
        table = "catalog_item"
        ordering = ["code"]
