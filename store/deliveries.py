"""Exactly once: every weekly summary and reminder is claimed in the database before it is posted.

A delivery is one row per (kind, target, slot) under a unique key. Whoever inserts the row owns it
and posts; a second replica ticking the same minute inserts nothing and does nothing (on SQLite and
PostgreSQL alike: the unique key is the guarantee, not a lock). The owner marks it sent afterwards.

- A process that died between claiming and sending leaves a lease; once it runs out another tick
  takes the delivery over (a conditional UPDATE, so again only one taker wins).
- A send that failed is released with a short retry delay: the next tick tries again.
- Nothing is ever claimed twice once sent, so a restart cannot post twice.

Schedules: a channel's weekly summary moment (SummarySchedule), created with the default the first
time the scheduler sees the channel; slots before its `starts_at` are never due, so a channel just
added, or one whose day was just changed, is not sent a summary for a week it never asked about.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import ConversationKind, Delivery, DeliveryKind, Person, SummarySchedule, TeamsConversation
from store.schedule import Weekly

# Longer than the slowest send with every retry allowed (bot/outbound.py waits at most a few minutes).
LEASE = timedelta(minutes=15)
# After a failed send: wait this long, doubling per attempt, up to MAX_RETRY_DELAY.
RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=1)


def _insert(session: AsyncSession):  # type: ignore[no-untyped-def]
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


async def claim_delivery(
    session: AsyncSession,
    *,
    kind: DeliveryKind,
    target: str,
    slot: str,
    now: datetime,
    review_id: int | None = None,
    lease: timedelta = LEASE,
) -> int | None:
    """The delivery's id if this caller now owns it and must send it; None if it is sent or someone
    else holds it. Commit the session before sending, so other replicas see the claim."""
    inserted = await session.execute(
        _insert(session)(Delivery)
        .values(
            kind=kind,
            target=target,
            slot=slot,
            review_id=review_id,
            claimed_at=now,
            lease_until=now + lease,
            attempts=1,
        )
        .on_conflict_do_nothing()
        .returning(Delivery.id)
    )
    if (delivery_id := inserted.scalar_one_or_none()) is not None:
        return delivery_id
    taken = await session.execute(
        update(Delivery)
        .where(
            Delivery.kind == kind,
            Delivery.target == target,
            Delivery.slot == slot,
            Delivery.sent_at.is_(None),
            (Delivery.lease_until.is_(None)) | (Delivery.lease_until <= now),
        )
        .values(claimed_at=now, lease_until=now + lease, attempts=Delivery.attempts + 1)
        .returning(Delivery.id)
        .execution_options(synchronize_session=False)
    )
    return taken.scalar_one_or_none()


async def mark_sent(
    session: AsyncSession, *, delivery_id: int, now: datetime, conversation_id: str | None
) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(sent_at=now, lease_until=None, conversation_id=conversation_id, last_error=None)
        .execution_options(synchronize_session=False)
    )


async def release_delivery(session: AsyncSession, *, delivery_id: int, now: datetime, error: str) -> None:
    """The send failed: let a later tick try again, sooner after a first failure than after many."""
    attempts = await session.scalar(select(Delivery.attempts).where(Delivery.id == delivery_id)) or 1
    delay = min(MAX_RETRY_DELAY, RETRY_DELAY * 2 ** (attempts - 1))
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(lease_until=now + delay, last_error=error[:300])
        .execution_options(synchronize_session=False)
    )


async def hand_back(session: AsyncSession, *, delivery_id: int, now: datetime) -> None:
    """A claim this process will not post after all (it is stopping): free for the next tick anywhere."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.sent_at.is_(None))
        .values(lease_until=now, last_error="the bot stopped before posting it")
        .execution_options(synchronize_session=False)
    )


async def give_up(session: AsyncSession, *, delivery_id: int, now: datetime, reason: str) -> None:
    """Done without sending (Teams refused the conversation for good): never tried again."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(sent_at=now, lease_until=None, last_error=reason[:300])
        .execution_options(synchronize_session=False)
    )


async def sent_slots(
    session: AsyncSession, *, kind: DeliveryKind, slots: list[str], target: str | None = None
) -> set[str]:
    """Which of these slots of this kind (to this target) went out already: nothing more to work
    out for them."""
    if not slots:
        return set()
    query = select(Delivery.slot).where(
        Delivery.kind == kind, Delivery.slot.in_(slots), Delivery.sent_at.is_not(None)
    )
    if target is not None:
        query = query.where(Delivery.target == target)
    return set(await session.scalars(query))


async def last_sent(
    session: AsyncSession, *, kind: DeliveryKind, target: str, review_id: int | None = None
) -> datetime | None:
    """When the last delivery of this kind to this target (for this review) went out."""
    query = select(func.max(Delivery.sent_at)).where(Delivery.kind == kind, Delivery.target == target)
    if review_id is not None:
        query = query.where(Delivery.review_id == review_id)
    return await session.scalar(query)


async def deliveries(session: AsyncSession, *, kind: DeliveryKind | None = None) -> list[Delivery]:
    query = select(Delivery).order_by(Delivery.id)
    if kind is not None:
        query = query.where(Delivery.kind == kind)
    return list(await session.scalars(query))


async def mark_blocked(session: AsyncSession, *, conversation_id: str, now: datetime) -> None:
    """Teams said 403: stop posting here until the app is added again (which clears it)."""
    await session.execute(
        update(TeamsConversation)
        .where(TeamsConversation.conversation_id == conversation_id)
        .values(blocked_at=now)
        .execution_options(synchronize_session=False)
    )


# --- a channel's weekly summary schedule ---


def weekly_of(row: SummarySchedule) -> Weekly:
    return Weekly(weekday=row.weekday, at=row.at, zone=row.zone)


async def summary_schedule(
    session: AsyncSession, *, conversation_row_id: int, default: Weekly, now: datetime
) -> SummarySchedule:
    """The channel's schedule, made with `default` (starting now) the first time it is asked for."""
    await session.execute(
        _insert(session)(SummarySchedule)
        .values(
            conversation_id=conversation_row_id,
            weekday=default.weekday,
            at=default.at,
            zone=default.zone,
            starts_at=now,
        )
        .on_conflict_do_nothing()
    )
    row = await session.get(SummarySchedule, conversation_row_id, populate_existing=True)
    assert row is not None
    return row


async def set_summary_schedule(
    session: AsyncSession,
    *,
    conversation_row_id: int,
    weekly: Weekly,
    now: datetime,
    changed_by_id: int | None,
) -> SummarySchedule:
    row = await summary_schedule(session, conversation_row_id=conversation_row_id, default=weekly, now=now)
    row.weekday, row.at, row.zone = weekly.weekday, weekly.at, weekly.zone
    row.starts_at = now
    row.changed_by_id = changed_by_id
    await session.flush()
    return row


# --- who reminders go to, and how to reach them ---


async def people_by_id(session: AsyncSession, *, ids: set[int]) -> dict[int, Person]:
    if not ids:
        return {}
    return {p.id: p for p in await session.scalars(select(Person).where(Person.id.in_(ids)))}


async def personal_conversation(session: AsyncSession, *, person_id: int) -> TeamsConversation | None:
    """The person's 1:1 chat with the bot, if the bot has one it may post to (the newest)."""
    return await session.scalar(
        select(TeamsConversation)
        .where(
            TeamsConversation.person_id == person_id,
            TeamsConversation.kind == ConversationKind.PERSONAL,
            TeamsConversation.installed.is_(True),
            TeamsConversation.blocked_at.is_(None),
        )
        .order_by(TeamsConversation.updated_at.desc(), TeamsConversation.id.desc())
        .limit(1)
    )


async def newest_conversation(session: AsyncSession) -> TeamsConversation | None:
    """Any conversation the bot was in lately: its serviceUrl, tenant and bot account are what
    starting a new 1:1 chat in the same tenant needs."""
    return await session.scalar(
        select(TeamsConversation)
        .where(TeamsConversation.tenant_id.is_not(None))
        .order_by(TeamsConversation.updated_at.desc(), TeamsConversation.id.desc())
        .limit(1)
    )
