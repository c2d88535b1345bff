"""Dataloaders of places."""

from __future__ import annotations

from api.places.models import District, Publisher
from schema.loading import RowByIdLoader


class DistrictByIdLoader(RowByIdLoader[District]):
    model = District


class PublisherByIdLoader(RowByIdLoader[Publisher]):
    model = Publisher
