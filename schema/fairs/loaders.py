"""Dataloaders of fairs."""

from __future__ import annotations

from api.fairs.models import Fair
from schema.loading import RowByIdLoader


class FairByIdLoader(RowByIdLoader[Fair]):
    model = Fair
