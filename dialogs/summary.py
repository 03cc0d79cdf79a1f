"""The "summary" command, and the summary views the scheduler posts each week.

"summary": every review's summary card, here and now (a channel or a 1:1 chat); what changed is
counted from this conversation's last weekly summary, or from a week ago.

"summary every Friday at 14:00" (or "summary Tue 16.30 Europe/Dublin"): an admin sets when this
channel hears its weekly summary; the bot answers in words with the next date. Anyone else is told
the current schedule and that only an admin can change it.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from botbuilder.dialogs import DialogContext
from botbuilder.schema import Activity
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from cards import messages
from cards.actions import with_refresh
from cards.summary import SUMMARY_REFRESH_VERB, Owner, SummaryView, grade_order, summary_card
from dialogs.context import Caller, card_message, submitted
from documents.grades import Grade
from documents.links import NO_TRACKER, TrackerLinks
from store.conversations import conversation_by_id
from store.db import Database
from store.deliveries import last_sent, people_by_id, set_summary_schedule, summary_schedule, weekly_of
from store.models import ConversationKind, DeliveryKind, Review
from store.outcome import life_of
from store.people import teams_user_ids
from store.queries import changes_since, counts_in_round, imported_since, review_status, reviews
from store.schedule import Weekly, parse_weekly
from store.views import ReturnState, ReviewSummary

WEEK = timedelta(days=7)


def default_weekly(*, summary_default: str, time_zone: str) -> Weekly:
    return parse_weekly(summary_default, default_zone=time_zone)


def next_post(weekly: Weekly, *, now: datetime) -> datetime:
    """The next moment a summary is due under a schedule set `now` (slots before now never are)."""
    latest = weekly.latest_slot(now)
    return latest if latest >= now else weekly.next_slot(now)


def describe_day(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{calendar.day_name[local.weekday()]} {local.day} {local:%B}"


async def review_summary(session: AsyncSession, *, review: ReviewSummary, since: datetime) -> SummaryView:
    """One review's summary: a handful of queries, whatever the size of the plan."""
    recommendations = await review_status(session, review_id=review.id)
    review_row = await session.get(Review, review.id)
    actions = [a for rec in recommendations for a in rec.actions]
    shown = review.open_round or (review.rounds[-1] if review.rounds else None)
    counts = counts_in_round(actions, round_id=shown.id, round_label=shown.label) if shown else None
    slipped = [a for a in actions if not a.done and a.latest_grade in (Grade.SLIPPED, Grade.NOT_ACHIEVED)]
    missing = []
    if review.open_round is not None:
        for action in actions:
            grade = action.in_round(review.open_round.id)
            if grade is not None and not grade.has_update and not grade.fully_achieved_carried:
                missing.append(action)
    # "N/A (Fully Achieved)" rows restate what was done before: not news.
    changes = [
        c
        for c in await changes_since(session, review_id=review.id, since=since)
        if not c.fully_achieved_carried
    ]
    ids = {pid for a in [*slipped, *missing] for pid in a.owner_ids}
    people = await people_by_id(session, ids=ids)
    return SummaryView(
        review_title=review.title,
        round_label=shown.label if shown else None,
        round_open=review.open_round is not None,
        deadline=review.open_round.deadline if review.open_round else None,
        counts=counts,
        since=since,
        changes=changes,
        slipped=grade_order(slipped),
        missing=missing,
        owners={
            p.id: Owner(name=p.name, aad_object_id=p.aad_object_id, is_group=p.is_group)
            for p in people.values()
        },
        waiting=[a for a in actions if a.review_state is ReturnState.WAITING],
        returned=[a for a in actions if a.review_state is ReturnState.RETURNED],
        asked_now=[a for a in actions if a.asked_now and not a.done],
        life=life_of(review_row, recommendations) if review_row is not None else None,
        imported=await imported_since(session, review_id=review.id, since=since),
        published=review_row is not None and review_row.public,
    )


def refresh_data(review_id: int, *, since: datetime, weekly: bool) -> dict[str, Any]:
    return {
        "verb": SUMMARY_REFRESH_VERB,
        "review_id": review_id,
        "since": since.isoformat(),
        "weekly": weekly,
    }


async def refreshing_summary(
    session: AsyncSession,
    *,
    review: ReviewSummary,
    since: datetime,
    weekly: bool,
    viewer: int | None = None,
    tracker_links: TrackerLinks = NO_TRACKER,
) -> dict[str, Any]:
    """One review's summary card, refreshed by Teams for the officers of its open actions: each of
    them then sees Update on their own (`viewer`'s, on the copy made for them), everyone else none."""
    view = await review_summary(session, review=review, since=since)
    yours = [a for a in view.asked_now if viewer is not None and viewer in a.owner_ids]
    tracker = tracker_links.url(review_id=review.id, title=review.title, published=view.published)
    card = summary_card(view, weekly=weekly, yours=yours, tracker=tracker)
    officers = await teams_user_ids(session, person_ids={p for a in view.asked_now for p in a.owner_ids})
    return with_refresh(card, refresh_data(review.id, since=since, weekly=weekly), officers)


async def summary_cards(
    session: AsyncSession,
    *,
    conversation_id: str | None,
    now: datetime,
    weekly: bool = False,
    tracker_links: TrackerLinks = NO_TRACKER,
) -> list[dict[str, Any]]:
    """Every review's summary card, with changes since this conversation's last weekly summary;
    `tracker_links` (from the bot's public address, SCRUTINY_PUBLIC_URL) gives each "Open the tracker"."""
    cards = []
    for review in await reviews(session):
        since = None
        if conversation_id is not None:
            since = await last_sent(
                session, kind=DeliveryKind.SUMMARY, target=conversation_id, review_id=review.id
            )
        cards.append(
            await refreshing_summary(
                session,
                review=review,
                since=since or now - WEEK,
                weekly=weekly,
                tracker_links=tracker_links,
            )
        )
    return cards


class SummaryRefresh(BaseModel):
    review_id: int
    since: datetime
    weekly: bool = True


class SummaryHandlers:
    def __init__(
        self,
        db: Database,
        *,
        time_zone: str,
        summary_default: str,
        clock: Callable[[], datetime],
        tracker_links: TrackerLinks = NO_TRACKER,
    ) -> None:
        self._db = db
        self._tracker_links = tracker_links  # "Open the tracker", if the bot has a public address
        self._zone = time_zone
        self._default = default_weekly(summary_default=summary_default, time_zone=time_zone)
        self._clock = clock

    async def summary(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        text = str(args or "").strip().strip(".!?")
        if text:
            await self._schedule(dc, caller, text)
            return
        activity = dc.context.activity
        conversation_id = activity.conversation.id if activity.conversation else None
        async with self._db.session() as session:
            cards = await summary_cards(
                session, conversation_id=conversation_id, now=self._clock(), tracker_links=self._tracker_links
            )
        if not cards:
            await dc.context.send_activity(messages.SUMMARY_NO_REVIEWS)
            return
        for card in cards:
            await dc.context.send_activity(card_message(card))

    async def refresh(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        """A summary card as it is now, for whoever looks at it (Teams' refresh)."""
        asked = await submitted(dc.context, SummaryRefresh, value, refusal=messages.CARD_OUT_OF_DATE)
        if asked is None:
            return
        async with self._db.session() as session:
            found = await reviews(session, review_id=asked.review_id)
            if not found:
                reply: str | Activity = messages.SUMMARY_REVIEW_GONE
            else:
                card = await refreshing_summary(
                    session,
                    review=found[0],
                    since=asked.since,
                    weekly=asked.weekly,
                    viewer=caller.person_id,
                    tracker_links=self._tracker_links,
                )
                reply = card_message(card)
        await dc.context.send_activity(reply)

    async def _schedule(self, dc: DialogContext, caller: Caller, text: str) -> None:
        activity = dc.context.activity
        is_channel = (
            activity.conversation is not None and activity.conversation.conversation_type == "channel"
        )
        if not is_channel:
            await dc.context.send_activity(messages.SUMMARY_SCHEDULE_CHANNEL_ONLY)
            return
        now = self._clock()
        async with self._db.session() as session:
            conversation = await conversation_by_id(session, conversation_id=activity.conversation.id)
            if conversation is None or conversation.kind is not ConversationKind.CHANNEL:
                reply = messages.SUMMARY_SCHEDULE_NOT_INSTALLED
            elif not caller.is_admin:
                row = await summary_schedule(
                    session, conversation_row_id=conversation.id, default=self._default, now=now
                )
                reply = messages.SUMMARY_SCHEDULE_ADMINS_ONLY.format(schedule=weekly_of(row).describe())
            else:
                # A UserFacingError (an unreadable day or time) is the reply, via the bot's error hook.
                weekly = parse_weekly(text, default_zone=self._zone)
                await set_summary_schedule(
                    session,
                    conversation_row_id=conversation.id,
                    weekly=weekly,
                    now=now,
                    changed_by_id=caller.person_id,
                )
                reply = messages.SUMMARY_SCHEDULE_SET.format(
                    schedule=weekly.describe(), next=describe_day(next_post(weekly, now=now), weekly.zone)
                )
        await dc.context.send_activity(reply)
