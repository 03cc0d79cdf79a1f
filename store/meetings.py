"""What a committee's Teams meeting is discussing: the recommendation last shared to its stage, which
every side panel in that meeting opens on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import MeetingDiscussion


async def on_stage(session: AsyncSession, *, meeting_id: str, review_id: int) -> int | None:
    """The number of the review's recommendation the meeting has on its stage, if any."""
    return await session.scalar(
        select(MeetingDiscussion.number).where(
            MeetingDiscussion.meeting_id == meeting_id, MeetingDiscussion.review_id == review_id
        )
    )


async def put_on_stage(
    session: AsyncSession, *, meeting_id: str, review_id: int, number: int, person_id: int, now: datetime
) -> None:
    """Recommendation `number` is now on the meeting's stage: the last share wins, as on the screen."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"number": number, "shared_by_id": person_id, "shared_at": now}
    await session.execute(
        insert(MeetingDiscussion)
        .values(meeting_id=meeting_id, review_id=review_id, **values)
        .on_conflict_do_update(index_elements=["meeting_id", "review_id"], set_=values)
    )
