"""The scheduler: weekly summaries to channels, reminders before a round's deadline, inside the bot.

An asyncio task started with the app (SCRUTINY_SCHEDULER=off to leave it out) calls `tick()` about
once a minute; tests call `await scheduler.tick(now=...)` with whatever time they like, and nothing
sleeps. Each tick works out what is due *now* and posts what nobody has posted yet:

- Summaries: for each channel, the latest weekly slot of its schedule (store/schedule.py's
  Weekly.latest_slot): a bot that was down for two Mondays finds one slot, and posts once.
- Rounds: a round scheduled by "plan agreed" opens on its day, once (bot/lifecycle.py).
- The executive's response: before it is due, the review's link officers hear what has none yet
  (bot/response_reminders.py).
- Reminders: for each review's open round with a deadline, the latest reminder moment already past
  (14 and 3 days before by default, 09:00 local, moved off weekends), sent only in working hours.
  One 1:1 message per officer (a Person; actions owned by a group go to the review's link officers),
  through their stored personal chat or a new one; officers the bot cannot reach are listed in the
  link officers' reminder. After the deadline the link officers hear once what is still missing.

Exactly once comes from store/deliveries.py: each (kind, target, slot) is claimed by a unique row
before posting, in its own committed transaction, so replicas and restarts cannot post it twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.decisions_told import tell_decisions
from bot.lifecycle import advance_reviews
from bot.notices import KeptNotices, Reach, Send
from bot.outbound import ConversationBlocked, DeliveryFailed
from bot.package import tracker_links
from bot.proactive import Proactive, card_activity
from bot.response_reminders import remind_responses_due
from bot.settings import Settings
from cards import messages
from cards.reminder import after_deadline_card, reminder_card
from cards.review import to_review_card, waiting_words
from dialogs.summary import WEEK, default_weekly, refreshing_summary
from store.activities import forget_old_activities
from store.conversations import installed_conversations, remember_conversation
from store.db import Database
from store.deliveries import (
    claim_delivery,
    give_up,
    hand_back,
    last_sent,
    mark_blocked,
    mark_sent,
    newest_conversation,
    people_by_id,
    personal_conversation,
    release_delivery,
    summary_schedule,
    weekly_of,
)
from store.deputies import deputies_for
from store.models import ConversationKind, DeliveryKind, Person, Review, utcnow
from store.queries import missing_updates, reviews
from store.returns import returns_to_review, reviewers_of
from store.schedule import reminder_moment, within_working_hours
from store.views import ActionView, ReviewSummary, RoundView

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
CHANNELS_AT_ONCE = 12  # at Teams' 4 posts a second for each, together about the app's 45 (bot/outbound.py)
Outcome = Literal["sent", "failed", "blocked"]


@dataclass
class TickReport:
    """What one tick posted, for logs, the CLI and tests."""

    summaries: int = 0
    reminders: int = 0
    failed: int = 0
    rounds_opened: int = 0


@dataclass
class _Recipient:
    person: Person
    actions: list[ActionView] = field(default_factory=list)
    unreachable: list[tuple[str, list[str]]] = field(default_factory=list)


class Scheduler:
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        proactive: Proactive,
        clock: Callable[[], datetime] = utcnow,
        interval: float = TICK_SECONDS,
    ) -> None:
        self.db = db
        self.proactive = proactive
        self.clock = clock
        self.interval = interval
        self.zone = settings.time_zone
        self.default = default_weekly(summary_default=settings.summary_default, time_zone=settings.time_zone)
        self.reminder_days = settings.reminder_days_before
        self.tracker_links = tracker_links(settings)  # each summary's "Open the tracker", if the bot has one
        self.kept = KeptNotices(db=db, reach=self._reach)
        self.round_deadline_days = settings.round_deadline_days
        self.response_due_months = settings.response_due_months
        self.response_reminder_days = settings.response_reminder_days_before
        self._task: asyncio.Task[None] | None = None
        self._ticking = False
        self.stopping = False  # once set, claims not yet posted are handed back, not posted

    # --- running inside the bot process ---

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="scrutiny-scheduler")

    async def stop(self, *, grace: float = 20.0) -> None:
        """Stop ticking. A tick under way finishes the post it is making (within `grace` seconds) and
        hands back the claims it had not posted yet, so another replica posts them at its next tick
        instead of after the lease runs out."""
        self.stopping = True
        if self._task is not None:
            if self._ticking:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(self._task), grace)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        log.info("Scheduler started: summaries and reminders are checked every %.0f s", self.interval)
        while not self.stopping:
            # Sleep first: a bot starting up answers its first messages before it looks at the clock.
            await asyncio.sleep(self.interval)
            self._ticking = True
            try:
                await self.tick()
            except Exception:
                # The database may be briefly away; the next tick tries again.
                log.exception("A scheduler tick failed")
            finally:
                self._ticking = False

    async def tick(self, now: datetime | None = None) -> TickReport:
        now = now or self.clock()
        report = TickReport()
        # Rounds first: one that opens today is in this tick's summaries and reminders.
        today = now.astimezone(ZoneInfo(self.zone)).date()
        report.rounds_opened = await advance_reviews(
            self.db, today=today, deadline_days=self.round_deadline_days
        )
        await self.post_summaries(now, report)
        await self.send_reminders(now, report)
        await remind_responses_due(
            self.db,
            now=now,
            report=report,
            zone=self.zone,
            months=self.response_due_months,
            days_before=self.response_reminder_days,
            tell=self._tell,
        )
        await self.tell_officers(now, report)
        await self.kept.deliver(self._sender(now, report))
        async with self.db.session() as session:
            await forget_old_activities(session, now=now)
        return report

    # --- sending one delivery ---

    async def _deliver(
        self,
        delivery_id: int,
        *,
        reference: dict[str, Any],
        card: dict[str, Any],
        summary: str,
        now: datetime,
        report: TickReport,
    ) -> Outcome:
        """Post and record the outcome: sent, failed (retried on a later tick) or blocked (403)."""
        conversation_id = str((reference.get("conversation") or {}).get("id"))
        if self.stopping:  # claimed, not posted: another replica may post it at once
            async with self.db.session() as session:
                await hand_back(session, delivery_id=delivery_id, now=now)
            return "failed"
        try:
            await self.proactive.send(reference=reference, activity=card_activity(card, summary=summary))
        except ConversationBlocked:
            log.warning(
                "Teams refused to post in conversation %s (403: the app was removed or blocked there); "
                "it is marked blocked and left alone until the app is added again",
                conversation_id,
            )
            async with self.db.session() as session:
                await mark_blocked(session, conversation_id=conversation_id, now=now)
                await give_up(session, delivery_id=delivery_id, now=now, reason="403 blocked")
            report.failed += 1
            return "blocked"
        except Exception as error:
            if not isinstance(error, DeliveryFailed):
                log.exception("Posting to %s failed", conversation_id)
            async with self.db.session() as session:
                await release_delivery(session, delivery_id=delivery_id, now=now, error=type(error).__name__)
            report.failed += 1
            return "failed"
        async with self.db.session() as session:
            await mark_sent(session, delivery_id=delivery_id, now=now, conversation_id=conversation_id)
        return "sent"

    # --- weekly summaries ---

    async def post_summaries(self, now: datetime, report: TickReport) -> None:
        async with self.db.session() as session:
            channels = await installed_conversations(session, kind=ConversationKind.CHANNEL)
            plans = []
            for channel in channels:
                schedule = await summary_schedule(
                    session, conversation_row_id=channel.id, default=self.default, now=now
                )
                slot = weekly_of(schedule).latest_slot(now)
                if slot >= schedule.starts_at:
                    plans.append((channel.conversation_id, dict(channel.reference), slot))
            all_reviews = await reviews(session) if plans else []
        # A review's card since a given moment is the same for every channel that had its last summary
        # then (all of them, in an ordinary week): made once, not once a channel.
        cards: dict[tuple[int, datetime], dict[str, Any]] = {}
        # Channels side by side, each paced to Teams' limit for a conversation (4 a second, sustained)
        # and all together to the app's (bot/outbound.py): one channel after another, 40 channels of
        # 40 reviews took 40 × 10 s.
        at_once = asyncio.Semaphore(CHANNELS_AT_ONCE)

        async def post_to(conversation_id: str, reference: dict[str, Any], slot: datetime) -> None:
            async with at_once:
                for review in all_reviews:
                    posted = await self._summary(conversation_id, reference, slot, review, now, report, cards)
                    if not posted:
                        break  # blocked: nothing more to this channel

        async with asyncio.TaskGroup() as posting:
            for conversation_id, reference, slot in plans:
                posting.create_task(post_to(conversation_id, reference, slot))

    async def _summary(
        self,
        conversation_id: str,
        reference: dict[str, Any],
        slot: datetime,
        review: ReviewSummary,
        now: datetime,
        report: TickReport,
        cards: dict[tuple[int, datetime], dict[str, Any]],
    ) -> bool:
        async with self.db.session() as session:
            delivery_id = await claim_delivery(
                session,
                kind=DeliveryKind.SUMMARY,
                target=conversation_id,
                slot=f"{slot.isoformat()} review {review.id}",
                review_id=review.id,
                now=now,
            )
        if delivery_id is None:
            return True
        async with self.db.session() as session:
            since = await last_sent(
                session, kind=DeliveryKind.SUMMARY, target=conversation_id, review_id=review.id
            )
            key = (review.id, since or slot - WEEK)
            if key not in cards:
                cards[key] = await refreshing_summary(
                    session, review=review, since=key[1], weekly=True, tracker_links=self.tracker_links
                )
            card = cards[key]
        summary = messages.SUMMARY_TITLE_WEEKLY.format(review=review.title)
        outcome = await self._deliver(
            delivery_id, reference=reference, card=card, summary=summary, now=now, report=report
        )
        report.summaries += outcome == "sent"
        return outcome != "blocked"

    # --- reminders ---

    def _due_reminder(self, round_: RoundView, now: datetime) -> str | None:
        """Which reminder of the round is due now, as its slot name; None if none is."""
        assert round_.deadline is not None
        if not within_working_hours(now, zone=self.zone):
            return None
        if now.astimezone(ZoneInfo(self.zone)).date() > round_.deadline:
            return f"round {round_.id}, after the deadline"
        moments = [
            (reminder_moment(deadline=round_.deadline, days_before=days, zone=self.zone), days)
            for days in self.reminder_days
        ]
        # The latest moment already past: a round opened late gets one reminder, not two at once.
        due = max((m for m in moments if m[0] <= now), default=None)
        return f"round {round_.id}, {due[1]} days before" if due else None

    async def send_reminders(self, now: datetime, report: TickReport) -> None:
        async with self.db.session() as session:
            open_rounds = [
                (review, review.open_round)
                for review in await reviews(session)
                if review.open_round is not None and review.open_round.deadline is not None
            ]
        for review, round_ in open_rounds:
            assert round_ is not None
            slot = self._due_reminder(round_, now)
            if slot is None:
                continue
            after = slot.endswith("after the deadline")
            kind = DeliveryKind.AFTER_DEADLINE if after else DeliveryKind.REMINDER
            # One row for the whole review first: once everyone has had theirs, later ticks stop here
            # instead of working out the recipients again every minute until the deadline.
            async with self.db.session() as session:
                batch = await claim_delivery(
                    session, kind=kind, target=f"review:{review.id}", slot=slot, review_id=review.id, now=now
                )
            if batch is None:
                continue
            failed_before = report.failed
            if after:
                await self._after_deadline(review, round_, slot, now, report)
                await self._to_review(review, round_, slot, now, report)
            else:
                await self._remind(review, round_, slot, now, report)
            async with self.db.session() as session:
                if report.failed == failed_before:
                    await mark_sent(session, delivery_id=batch, now=now, conversation_id=None)
                else:  # someone's is to be tried again; theirs alone, the others are marked sent
                    await release_delivery(session, delivery_id=batch, now=now, error="some not delivered")

    async def _recipients(
        self, review: ReviewSummary, round_: RoundView
    ) -> tuple[list[ActionView], dict[int, _Recipient], list[Person]]:
        async with self.db.session() as session:
            missing = await missing_updates(session, review_id=review.id, round_id=round_.id)
            review_row = await session.get(Review, review.id)
            assert review_row is not None
            await session.refresh(review_row, ["link_officers"])
            link_officers = [p for p in review_row.link_officers if not p.is_group]
            deputies = await deputies_for(session, round_id=round_.id)
            ids = {pid for a in missing for pid in a.owner_ids} | {d for d, _ in deputies.values()}
            people = await people_by_id(session, ids=ids)
        recipients: dict[int, _Recipient] = {}
        for action in missing:
            officers = [people[pid] for pid in action.owner_ids if pid in people and not people[pid].is_group]
            if (named := deputies.get((action.id, round_.id))) is not None:
                # The deputy is reminded instead of the officer who is away, not as well.
                deputy_id, away_id = named
                officers = [p for p in officers if p.id != away_id] + [people[deputy_id]]
            # Nobody to nudge by name (a group such as the Digital Services Group): the link officer.
            for person in officers or link_officers:
                recipients.setdefault(person.id, _Recipient(person)).actions.append(action)
        return missing, recipients, link_officers

    async def _reach(self, person: Person) -> Reach:
        """A conversation reference for the person's 1:1 chat, or (None, None) if the bot cannot reach
        them; also the aad id to open a chat with when none is stored yet."""
        async with self.db.session() as session:
            chat = await personal_conversation(session, person_id=person.id)
            if chat is not None:
                return dict(chat.reference), None
            if person.aad_object_id and await newest_conversation(session) is not None:
                return None, person.aad_object_id
        return None, None

    async def _open_chat(self, person: Person, user_id: str) -> dict[str, Any]:
        async with self.db.session() as session:
            template = await newest_conversation(session)
            assert template is not None and template.tenant_id is not None
            service_url, tenant_id = template.service_url, template.tenant_id
            bot = dict(template.reference.get("bot") or {})  # type: ignore[call-overload]
        reference = await self.proactive.open_personal_chat(
            service_url=service_url, tenant_id=tenant_id, bot=bot, user_id=user_id
        )
        async with self.db.session() as session:
            await remember_conversation(
                session,
                conversation_id=reference["conversation"]["id"],
                kind=ConversationKind.PERSONAL,
                service_url=service_url,
                reference=reference,
                tenant_id=tenant_id,
                person_id=person.id,
            )
        return reference

    async def _remind(
        self, review: ReviewSummary, round_: RoundView, slot: str, now: datetime, report: TickReport
    ) -> None:
        assert round_.deadline is not None
        _missing, recipients, link_officers = await self._recipients(review, round_)
        reachable: dict[int, Reach] = {}
        unreachable: list[tuple[str, list[str]]] = []
        for pid, recipient in recipients.items():
            reachable[pid] = await self._reach(recipient.person)
            if reachable[pid] == (None, None):
                log.warning(
                    "Cannot remind %s: never seen in Teams (no 1:1 chat, no Teams id); told the link officer",
                    recipient.person.name,
                )
                unreachable.append((recipient.person.name, [a.ref for a in recipient.actions]))
        if unreachable:
            for officer in link_officers:
                recipients.setdefault(officer.id, _Recipient(officer)).unreachable = unreachable
                reachable.setdefault(officer.id, await self._reach(officer))
        for pid, recipient in recipients.items():
            if reachable[pid] == (None, None):
                continue
            card = reminder_card(
                review_title=review.title,
                round_label=round_.label,
                deadline=round_.deadline,
                actions=recipient.actions,
                unreachable=recipient.unreachable,
            )
            summary = messages.REMINDER_TITLE.format(round=round_.label, deadline=round_.deadline)
            await self._send_to_person(
                recipient.person,
                reachable[pid],
                DeliveryKind.REMINDER,
                slot,
                review.id,
                card,
                summary,
                now,
                report,
            )

    async def _after_deadline(
        self, review: ReviewSummary, round_: RoundView, slot: str, now: datetime, report: TickReport
    ) -> None:
        assert round_.deadline is not None
        missing, _recipients, link_officers = await self._recipients(review, round_)
        if not missing:
            return
        card = after_deadline_card(
            review_title=review.title, round_label=round_.label, deadline=round_.deadline, actions=missing
        )
        summary = messages.AFTER_DEADLINE_TITLE.format(round=round_.label, deadline=round_.deadline)
        for officer in link_officers:
            await self._tell(
                officer, DeliveryKind.AFTER_DEADLINE, slot, review.id, card, summary, now, report
            )

    # --- the scrutiny officer's decisions, and what waits for them ---

    async def tell_officers(self, now: datetime, report: TickReport) -> None:
        await tell_decisions(self.db, now=now, report=report, zone=self.zone, tell=self._tell)

    async def _to_review(
        self, review: ReviewSummary, round_: RoundView, slot: str, now: datetime, report: TickReport
    ) -> None:
        async with self.db.session() as session:
            reviewers = await reviewers_of(session, review_id=review.id)
            found, _ = await returns_to_review(session, person_id=None, is_admin=True, review_id=review.id)
            waiting = [item for item in found if item.round_id == round_.id]
        if not waiting:
            return
        card = to_review_card(round_label=round_.label, items=waiting)
        summary = messages.TO_REVIEW_TITLE.format(
            round=round_.label, updates=waiting_words(updates=len(waiting))
        )
        for reviewer in reviewers:
            await self._tell(reviewer, DeliveryKind.TO_REVIEW, slot, review.id, card, summary, now, report)

    async def _tell(
        self,
        person: Person,
        kind: DeliveryKind,
        slot: str,
        review_id: int | None,
        card: dict[str, Any],
        summary: str,
        now: datetime,
        report: TickReport,
    ) -> None:
        reach = await self._reach(person)
        if reach == (None, None):  # kept for when they are seen, their link officer told meanwhile
            await self.kept.keep(person, kind, slot, review_id, card, summary, now)
            return
        await self._send_to_person(person, reach, kind, slot, review_id, card, summary, now, report)

    def _sender(self, now: datetime, report: TickReport) -> Send:
        async def send(
            person: Person,
            reach: Reach,
            kind: DeliveryKind,
            slot: str,
            review_id: int | None,
            card: dict[str, Any],
            summary: str,
        ) -> None:
            await self._send_to_person(person, reach, kind, slot, review_id, card, summary, now, report)

        return send

    async def _send_to_person(
        self,
        person: Person,
        reach: Reach,
        kind: DeliveryKind,
        slot: str,
        review_id: int | None,
        card: dict[str, Any],
        summary: str,
        now: datetime,
        report: TickReport,
    ) -> None:
        async with self.db.session() as session:
            delivery_id = await claim_delivery(
                session, kind=kind, target=f"person:{person.id}", slot=slot, review_id=review_id, now=now
            )
        if delivery_id is None:
            return
        reference, user_id = reach
        if reference is None:
            assert user_id is not None
            try:
                reference = await self._open_chat(person, user_id)
            except (ConversationBlocked, DeliveryFailed) as error:
                log.warning("Could not open a 1:1 chat with %s (%s)", person.name, type(error).__name__)
                async with self.db.session() as session:
                    if isinstance(error, ConversationBlocked):
                        await give_up(session, delivery_id=delivery_id, now=now, reason="403 opening a chat")
                    else:
                        await release_delivery(
                            session, delivery_id=delivery_id, now=now, error="opening a chat"
                        )
                report.failed += 1
                return
        outcome = await self._deliver(
            delivery_id, reference=reference, card=card, summary=summary, now=now, report=report
        )
        report.reminders += outcome == "sent"
