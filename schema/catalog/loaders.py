"""Dataloaders of the purchase catalogue."""

from __future__ import annotations

from api.catalog.models import CatalogItem
from schema.loading import RowByIdLoader


class CatalogItemByIdLoader(RowByIdLoader[CatalogItem]):
    model = CatalogItem
