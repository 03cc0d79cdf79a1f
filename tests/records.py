"""The record as tests read and fill it: a document imported as the CLI imports it (read by documents/,
written by store/), and an action's progress updates as saved."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.files import read_document
from store.db import Database
from store.models import AgreedAction, ProgressUpdate, Recommendation
from store.plan import ImportResult, import_plan


async def import_document(session: AsyncSession, *, path: Path) -> ImportResult:
    return await import_plan(session, plan=read_document(path))


async def action_id(session: AsyncSession, *, number: int, position: int) -> int:
    """The id of recommendation `number`'s action `position` ("7.2": 7, 2)."""
    found = await session.scalar(
        select(AgreedAction.id)
        .join(Recommendation)
        .where(Recommendation.number == number, AgreedAction.position == position)
    )
    assert found is not None, f"no action {number}.{position}"
    return found


async def updates_for(db: Database, action_id: int) -> list[ProgressUpdate]:
    async with db.session() as session:
        rows = await session.scalars(
            select(ProgressUpdate).where(ProgressUpdate.action_id == action_id).order_by(ProgressUpdate.id)
        )
        return list(rows.all())


async def update_count(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(ProgressUpdate)) or 0
