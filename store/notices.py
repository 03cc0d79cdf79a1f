"""Personal notices kept for someone the bot has no way to reach yet (never seen in Teams).

A returned update, a decided date, a day's accepted updates: each is kept with the card it would have
sent, and sent the first time its person is seen (a message, a card pressed, an install) or at the
next tick once the bot can reach them. Sending claims the delivery key it would have had
(store/deliveries.py), so a turn and a tick, or two replicas, cannot both send it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.db import insert_or_ignore
from store.models import DeliveryKind, PendingNotice, Person, Review

# A day's accepted updates list everything accepted so far: a newer list replaces the one kept.
_LATEST_ONLY = {DeliveryKind.ACCEPTED}


def person_target(person_id: int) -> str:
    """The delivery target of anything sent to a person, whichever chat reaches them."""
    return f"person:{person_id}"


async def keep_notice(
    session: AsyncSession,
    *,
    person_id: int,
    kind: DeliveryKind,
    slot: str,
    review_id: int | None,
    card: dict[str, Any],
    summary: str,
    now: datetime,
) -> bool:
    """Keep the notice until its person can be told. True when it was not kept already."""
    if kind in _LATEST_ONLY:
        replaced = await session.execute(
            update(PendingNotice)
            .where(PendingNotice.person_id == person_id, PendingNotice.kind == kind)
            .values(card=card, summary=summary, review_id=review_id)
            .execution_options(synchronize_session=False)
        )
        if replaced.rowcount:  # type: ignore[attr-defined]
            return False
    inserted = await session.execute(
        insert_or_ignore(
            session,
            PendingNotice,
            person_id=person_id,
            kind=kind,
            slot=slot,
            review_id=review_id,
            card=card,
            summary=summary,
            kept_at=now,
            link_officers_told=False,
        ).returning(PendingNotice.__table__.c.id)
    )
    return inserted.scalar_one_or_none() is not None


async def pending_notices(session: AsyncSession, *, person_id: int | None = None) -> list[PendingNotice]:
    """What is kept (for one person), oldest first."""
    query = select(PendingNotice).order_by(PendingNotice.id)
    if person_id is not None:
        query = query.where(PendingNotice.person_id == person_id)
    return list(await session.scalars(query))


async def forget_notice(session: AsyncSession, *, notice_id: int) -> None:
    """Sent (by whoever claimed it): nothing left to keep."""
    await session.execute(delete(PendingNotice).where(PendingNotice.id == notice_id))


async def link_officers_told(session: AsyncSession, *, notice_id: int) -> None:
    await session.execute(
        update(PendingNotice)
        .where(PendingNotice.id == notice_id)
        .values(link_officers_told=True)
        .execution_options(synchronize_session=False)
    )


async def link_officers_of(session: AsyncSession, *, review_id: int | None) -> list[Person]:
    """The review's link officers who are people (not a group such as the Digital Services Group)."""
    if review_id is None:
        return []
    review = await session.get(Review, review_id)
    if review is None:
        return []
    await session.refresh(review, ["link_officers"])
    return [person for person in review.link_officers if not person.is_group]
