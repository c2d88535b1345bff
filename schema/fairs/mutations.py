"""Setting up fair editions: ``createFair`` and ``updateFair`` (organizers)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.fairs.services import create_fair, update_fair
from schema.context import Info
from schema.errors import UserError
from schema.fairs.inputs import FairInput
from schema.fairs.types import Fair
from schema.payloads import attempt
from schema.relay import pk_or_none


@strawberry.type(description="创建一届社洽会的结果。The result of creating a fair.")
class CreateFairPayload:
    fair: Fair | None = strawberry.field(description="新的一届。The new edition.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type(description="修改一届社洽会的结果。The result of updating a fair.")
class UpdateFairPayload:
    fair: Fair | None = strawberry.field(description="修改后的一届。The edition as changed.")
    errors: list[UserError] = strawberry.field(description="错误；为空表示成功。")


@strawberry.type
class FairsMutation:
    @strawberry.mutation(
        description="创建一届社洽会（主办方）。Create a fair edition (organizers)."
    )
    async def create_fair(self, info: Info, input: FairInput) -> CreateFairPayload:
        row, errors = await attempt(create_fair(info.context.account, input.to_spec()))
        return CreateFairPayload(fair=Fair.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(
        description="修改一届社洽会：改名、调整或提前结束开放时间（截止时间设为现在）（主办方）。"
        " Rename a fair, move or end its window (organizers)."
    )
    async def update_fair(
        self,
        info: Info,
        fair: Annotated[strawberry.ID, strawberry.argument(description="要修改的届次。The fair.")],
        input: FairInput,
    ) -> UpdateFairPayload:
        work = update_fair(info.context.account, pk_or_none(fair, "Fair"), input.to_spec())
        row, errors = await attempt(work)
        return UpdateFairPayload(fair=Fair.from_row(row) if row else None, errors=errors)
