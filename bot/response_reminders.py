"""Before the executive's response is due (SCRUTINY_RESPONSE_DUE_MONTHS after the committee's
report), the review's link officers hear which recommendations still have none: a 1:1 card with a
button to the responses form, in working hours, once for each of SCRUTINY_RESPONSE_REMINDER_DAYS.

The scheduler's tick runs it. Exactly once as the round reminders are: one claim for the review
first, then one per officer (store/deliveries.py), so restarts and replicas cannot send it twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import selectinload

from cards import life_messages
from cards.responses import response_due_card
from cards.status import day_of
from store.db import Database
from store.deliveries import claim_delivery, mark_sent, release_delivery
from store.models import DeliveryKind, Person, Review
from store.responses import awaiting_responses, response_due
from store.schedule import reminder_moment, within_working_hours


class TickReport(Protocol):
    failed: int  # sends to be tried again at a later tick (bot/scheduler.py's TickReport)


# The scheduler's way to reach one person once (Scheduler._tell): person, kind, slot, review id, card,
# summary, now, the tick's report.
Tell = Callable[[Person, DeliveryKind, str, int | None, dict[str, Any], str, datetime, Any], Awaitable[None]]


async def remind_responses_due(
    db: Database,
    *,
    now: datetime,
    report: TickReport,
    zone: str,
    months: int,
    days_before: Sequence[int],
    tell: Tell,
) -> None:
    if not within_working_hours(now, zone=zone):
        return
    today = now.astimezone(ZoneInfo(zone)).date()
    async with db.session() as session:
        awaiting = await awaiting_responses(session)
    for review in awaiting:
        due = response_due(review.report_date, months=months)
        if today > due:
            continue  # overdue: the reminder is for before it is due
        moments = [(reminder_moment(deadline=due, days_before=days, zone=zone), days) for days in days_before]
        # The latest moment already past: a report entered late gets one reminder, not several at once.
        past = max((moment for moment in moments if moment[0] <= now), default=None)
        if past is None:
            continue
        slot = f"review {review.review_id}: response due {due.isoformat()}, {past[1]} days before"
        async with db.session() as session:
            batch = await claim_delivery(
                session,
                kind=DeliveryKind.RESPONSE_DUE,
                target=f"review:{review.review_id}",
                slot=slot,
                review_id=review.review_id,
                now=now,
            )
            if batch is None:
                continue
            found = await session.get(Review, review.review_id, options=[selectinload(Review.link_officers)])
            officers = [p for p in (found.link_officers if found else []) if not p.is_group]
        card = response_due_card(
            review_id=review.review_id, review_title=review.review_title, due=due, waiting=review.waiting
        )
        summary = life_messages.RESPONSE_DUE_TITLE.format(review=review.review_title, due=day_of(due))
        failed_before = report.failed
        for officer in officers:
            await tell(officer, DeliveryKind.RESPONSE_DUE, slot, review.review_id, card, summary, now, report)
        async with db.session() as session:
            if report.failed == failed_before:
                await mark_sent(session, delivery_id=batch, now=now, conversation_id=None)
            else:  # someone's is to be tried again; theirs alone, the others are marked sent
                await release_delivery(session, delivery_id=batch, now=now, error="some not delivered")
