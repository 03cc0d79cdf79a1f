"""Inbound Teams activities already handled: Teams may deliver the same activity more than once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import insert_or_ignore
from store.models import ProcessedActivity, utcnow

# Teams retries within seconds or minutes; a few days is ample and keeps the table small.
KEEP_FOR = timedelta(days=3)


async def first_delivery(session: AsyncSession, *, activity_id: str, conversation_id: str) -> bool:
    """True the first time an activity arrives; False for a repeat delivery of it.

    The unique key does the work, so two replicas receiving the same delivery agree on which one
    handles it.
    """
    values = {"activity_id": activity_id, "conversation_id": conversation_id, "received_at": utcnow()}
    inserted = ProcessedActivity.__table__.c.activity_id  # a column of the table, as insert_or_ignore's
    result = await session.execute(insert_or_ignore(session, ProcessedActivity, **values).returning(inserted))
    return result.scalar_one_or_none() is not None


async def forget_old_activities(session: AsyncSession, *, now: datetime) -> int:
    """Drop the record of activities received more than KEEP_FOR before `now`; how many went.

    The scheduler does it each tick rather than every turn: a turn need not pay a statement for it.
    """
    result = await session.execute(
        delete(ProcessedActivity).where(ProcessedActivity.received_at < now - KEEP_FOR)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
