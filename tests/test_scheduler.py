"""The weekly summary on an injected clock: posted at the channel's local time, once, whatever happens.

The app runs for real (chat harness, fake connector); its scheduler is not started, and each test
calls `await scheduler.tick(now=...)` with the moment it wants: nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from chat import BOT, CHANNEL_ID, DEFAULT_USER, Chat, Harness, MakeChat, Reply
from fake_connector import Received, TeamsUser
from records import import_document
from sqlalchemy import select, update
from test_status import import_youth_review

from bot.app import SCHEDULER
from bot.outbound import Pacer
from bot.scheduler import Scheduler, TickReport
from dialogs.summary import next_post
from documents.grades import Grade
from documents.synthetic import synthetic_council
from store.conversations import remember_conversation
from store.db import Database
from store.deliveries import claim_delivery, deliveries
from store.models import (
    ConversationKind,
    Delivery,
    DeliveryKind,
    Person,
    ProcessedActivity,
    ProgressUpdate,
    UpdateSource,
)
from store.plan import import_plan, require_review
from store.queries import review_status
from store.rounds import open_round
from store.schedule import Weekly
from store.updates import record_update

LONDON = ZoneInfo("Europe/London")
REVIEW = "Digital Optimisation"


def london(text: str) -> datetime:
    """A wall-clock time in London ("2026-11-23 09:00"), as the UTC moment the scheduler is given."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


def officer(name: str) -> TeamsUser:
    first = name.split()[0].lower()
    return TeamsUser(name=name, email=f"{first}@stockton.gov.uk", aad_object_id=f"aad-{first}")


ADMIN = TeamsUser(name="Ada Admin", email="ada@stockton.gov.uk", aad_object_id="aad-ada")


@dataclass
class Bot:
    """The running app, its scheduler, and what the fake connector got."""

    harness: Harness
    sleeps: list[float]

    @property
    def scheduler(self) -> Scheduler:
        assert self.harness.server is not None
        return self.harness.server.app[SCHEDULER]

    def posts(self, conversation_id: str | None = None) -> list[Received]:
        return [
            r
            for r in self.harness.connector.received
            if r.kind == "send" and (conversation_id is None or r.conversation_id == conversation_id)
        ]

    def cards(self, conversation_id: str | None = None) -> list[Reply]:
        return [Reply(raw=r.body, id=r.response_id) for r in self.posts(conversation_id)]

    async def restart(self) -> None:
        await self.harness.restart()
        self.pretend_to_sleep()

    def pretend_to_sleep(self) -> None:
        """Waits are recorded, not slept; the pacer's clock moves on by them, as if they had been."""
        self.scheduler.proactive.sleep = self._sleep
        self.scheduler.proactive.pacer = Pacer(clock=lambda: monotonic() + sum(self.sleeps))

    async def _sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


@pytest.fixture(name="bot")
async def fixture_bot(harness: Harness) -> Bot:
    """The app with its background scheduler off (the tests tick it) and retries that do not sleep."""
    await harness.start(scheduler=False, admins=ADMIN.email)
    running = Bot(harness=harness, sleeps=[])
    running.pretend_to_sleep()
    return running


async def seed_sample(db: Database, samples: Path, *, teams_ids: bool = True) -> int:
    """The council's March 2020 progress update; officers given the Teams ids officer() makes."""
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.docx")
        review_id = (await require_review(session, REVIEW)).id
        # Returned in April 2020, as the real document was: not news to any summary in these tests.
        await session.execute(update(ProgressUpdate).values(recorded_at=datetime(2020, 4, 1, tzinfo=UTC)))
        if teams_ids:
            for person in await session.scalars(select(Person).where(Person.is_group.is_(False))):
                user = officer(person.name)
                person.email, person.aad_object_id = user.email, user.aad_object_id
    return review_id


async def open_september(db: Database, review_id: int, deadline: str | None = "2026-12-04") -> int:
    async with db.session() as session:
        opened = await open_round(
            session,
            review_id=review_id,
            label="September 2020",
            deadline=datetime.fromisoformat(deadline).date() if deadline else None,
        )
        return opened.id


@pytest.fixture(name="channel")
async def fixture_channel(bot: Bot, make_chat: MakeChat) -> Chat:
    chat = await make_chat(DEFAULT_USER, scope="channel")
    await chat.install()
    return chat


def lines(card: dict[str, Any]) -> list[str]:
    """The card's text as a reader sees it, a line per TextBlock or RichTextBlock (its runs joined),
    in order, anywhere in the card."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            elif node.get("type") == "RichTextBlock":
                found.append("".join(run["text"] for run in node["inlines"]))
            else:
                for value in node.values():
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card.get("body", []))
    return found


Tick = Callable[[str], Awaitable[int]]


@pytest.fixture(name="tick")
def fixture_tick(bot: Bot) -> Tick:
    """Tick at a London wall-clock time; how many messages were posted to the channel then."""

    async def at(when: str) -> int:
        before = len(bot.posts(CHANNEL_ID))
        await bot.scheduler.tick(now=london(when))
        return len(bot.posts(CHANNEL_ID)) - before

    return at


async def test_the_summary_posts_at_nine_on_monday_london_time(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    assert await tick("2026-11-20 12:00") == 0  # Friday: the channel's schedule starts
    assert await tick("2026-11-23 08:59") == 0
    assert await tick("2026-11-23 09:00") == 1
    assert await tick("2026-11-23 09:01") == 0
    assert await tick("2026-11-27 17:00") == 0
    card = bot.cards(CHANNEL_ID)[-1]
    assert card.cards[0]["body"][0]["text"] == "Weekly summary: Digital Optimisation"


async def test_a_council_of_summaries_keeps_within_teams_limits(
    bot: Bot, channel: Chat, tick: Tick, db: Database
) -> None:
    """Twelve reviews' cards to one channel: past Teams' 7 a second and 8 in 2 seconds for a
    conversation, so the bot waits its turn (for real here) and Teams never answers 429."""
    async with db.session() as session:
        for plan in synthetic_council(reviews=12, recommendations=1, actions=1, rounds=2):
            await import_plan(session, plan=plan)
    bot.harness.connector.teams_limits = True
    bot.scheduler.proactive.sleep = asyncio.sleep
    assert await tick("2026-11-20 12:00") == 0
    assert await tick("2026-11-23 09:00") == 12
    assert bot.harness.connector.too_many == 0
    titles = sorted(card.cards[0]["body"][0]["text"] for card in bot.cards(CHANNEL_ID))
    assert titles == sorted(f"Weekly summary: {plan.review}" for plan in synthetic_council(reviews=12))


async def test_channels_posted_side_by_side_keep_within_the_apps_limit(
    bot: Bot, channel: Chat, tick: Tick, db: Database
) -> None:
    """Three channels at once, each within its own limits, together past what the app may send in a
    second (here 5, Teams' 50 scaled down): the app's count holds them back, and no 429 comes."""
    others = ["19:housing@thread.tacv2", "19:adult-care@thread.tacv2"]
    async with db.session() as session:
        for plan in synthetic_council(reviews=4, recommendations=1, actions=1, rounds=2):
            await import_plan(session, plan=plan)
        for conversation_id in others:
            reference = {
                "bot": BOT,
                "conversation": {"id": conversation_id, "conversationType": "channel", "isGroup": True},
                "channelId": "msteams",
                "serviceUrl": bot.harness.connector.url,
            }
            await remember_conversation(
                session,
                conversation_id=conversation_id,
                kind=ConversationKind.CHANNEL,
                service_url=bot.harness.connector.url,
                reference=reference,
                tenant_id=None,
            )
    bot.harness.connector.teams_limits = True
    bot.harness.connector.app_per_second = 6
    bot.scheduler.proactive.pacer = Pacer(app_per_second=5)
    bot.scheduler.proactive.sleep = asyncio.sleep
    await bot.scheduler.tick(now=london("2026-11-20 12:00"))
    report = await bot.scheduler.tick(now=london("2026-11-23 09:00"))
    assert (report.summaries, report.failed, bot.harness.connector.too_many) == (12, 0, 0)
    for conversation_id in [CHANNEL_ID, *others]:
        assert len(bot.posts(conversation_id)) == 4


async def test_the_same_local_time_either_side_of_the_clocks_changing(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    await bot.scheduler.tick(now=datetime(2026, 10, 16, 12, 0, tzinfo=UTC))
    # British Summer Time: 09:00 in London is 08:00 UTC.
    assert await tick("2026-10-19 08:59") == 0
    assert await tick("2026-10-19 09:00") == 1
    assert london("2026-10-19 09:00") == datetime(2026, 10, 19, 8, 0, tzinfo=UTC)
    # The clocks went back on Sunday 25 October: 08:00 UTC is now 08:00 in London, too early.
    await bot.scheduler.tick(now=datetime(2026, 10, 26, 8, 0, tzinfo=UTC))
    assert len(bot.posts(CHANNEL_ID)) == 1
    await bot.scheduler.tick(now=datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
    assert len(bot.posts(CHANNEL_ID)) == 2
    # And forward again on Sunday 28 March 2027: 09:00 BST is 08:00 UTC.
    await bot.scheduler.tick(now=datetime(2027, 3, 22, 9, 0, tzinfo=UTC))
    assert await tick("2027-03-29 08:59") == 0
    await bot.scheduler.tick(now=datetime(2027, 3, 29, 8, 0, tzinfo=UTC))
    assert len(bot.posts(CHANNEL_ID)) == 4


async def test_a_restart_does_not_post_again(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    await tick("2026-11-20 12:00")
    assert await tick("2026-11-23 09:00") == 1
    await bot.restart()  # a new app, engine and scheduler: nothing in memory survives
    assert await tick("2026-11-23 09:00") == 0
    assert await tick("2026-11-23 10:30") == 0
    assert await tick("2026-11-30 09:00") == 1


async def test_after_two_missed_weeks_one_post(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    await tick("2026-11-20 12:00")
    # Down from Friday 20 November until Wednesday 2 December: two Mondays missed.
    assert await tick("2026-12-02 14:00") == 1
    assert await tick("2026-12-02 14:01") == 0
    async with db.session() as session:
        sent = await deliveries(session, kind=DeliveryKind.SUMMARY)
    assert [d.slot for d in sent] == [f"{london('2026-11-30 09:00').isoformat()} review {sent[0].review_id}"]


async def test_a_channel_just_added_is_not_sent_last_weeks_summary(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    assert await tick("2026-11-24 10:00") == 0  # Tuesday: Monday's slot was before the channel's time
    assert await tick("2026-11-30 09:00") == 1


async def test_one_card_per_review(bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path) -> None:
    await seed_sample(db, samples)
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.txt")
    await tick("2026-11-20 12:00")
    assert await tick("2026-11-23 09:00") >= 1
    titles = [c.cards[0]["body"][0]["text"] for c in bot.cards(CHANNEL_ID)]
    assert titles == sorted(set(titles)) and "Weekly summary: Digital Optimisation" in titles


async def test_what_changed_since_the_last_summary(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    review_id = await seed_sample(db, samples)
    september = await open_september(db, review_id)
    await tick("2026-11-20 12:00")
    await tick("2026-11-23 09:00")
    first = lines(bot.cards(CHANNEL_ID)[-1].cards[0])
    assert "No new updates." in first
    async with db.session() as session:
        craig = await session.scalar(select(Person).where(Person.name == "Craig Taylor"))
        assert craig is not None
        rec7 = (await review_status(session, review_id=review_id))[6]
        action_72 = rec7.actions[1]
        assert action_72.latest_grade is Grade.ON_TRACK
        recorded = await record_update(
            session,
            action_id=action_72.id,
            round_id=september,
            evidence="Two venues closed.",
            grade=Grade.SLIPPED,
            explanation="Venues shut for repairs.",
            impact=None,
            by_person_id=craig.id,
            source=UpdateSource.TEAMS,
            max_text_length=20_000,
        )
        recorded.recorded_at = london("2026-11-25 10:00")  # a Wednesday between the two summaries
    assert await tick("2026-11-30 09:00") == 1
    second = lines(bot.cards(CHANNEL_ID)[-1].cards[0])
    assert "Since Monday 23 November 2026" in second
    assert second[second.index("Since Monday 23 November 2026") + 1] == (
        "7.2 September 2020: On-Track → Slipped ↓ (Craig Taylor)"
    )


async def test_an_admin_changes_the_day_and_time_by_message(
    bot: Bot, make_chat: MakeChat, tick: Tick, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    admin = await make_chat(ADMIN, scope="channel")
    await admin.install()
    replies = await admin.say("summary every Friday at 14:00")
    assert len(replies) == 1
    assert replies[0].text.startswith(
        "Weekly summary here: every Friday at 14:00 (Europe/London). Next: Friday "
    )

    officer_chat = await make_chat(officer("Craig Taylor"), scope="channel")
    refused = await officer_chat.say("summary every Tuesday at 10:00")
    assert refused[0].text.startswith(
        "Only an admin can change when this channel's weekly summary is posted. It is every Friday at 14:00"
    )
    # From now on, Fridays at 14:00 London time; the Friday before it was set is not due.
    first = next_post(Weekly(weekday=4, at=time(14, 0)), now=datetime.now(UTC))
    assert first.astimezone(LONDON).strftime("%A %H:%M") == "Friday 14:00"
    assert await bot.scheduler.tick(now=first - timedelta(minutes=1)) == TickReport()
    assert (await bot.scheduler.tick(now=first)).summaries == 1
    assert (await bot.scheduler.tick(now=first + timedelta(days=6))).summaries == 0


async def test_a_claim_left_by_a_process_that_died_is_taken_over_once_its_lease_ends(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    review_id = await seed_sample(db, samples)
    await tick("2026-11-20 12:00")
    slot = f"{london('2026-11-23 09:00').isoformat()} review {review_id}"
    async with db.session() as session:  # another replica claimed it at 09:00 and died
        claimed = await claim_delivery(
            session,
            kind=DeliveryKind.SUMMARY,
            target=CHANNEL_ID,
            slot=slot,
            review_id=review_id,
            now=london("2026-11-23 09:00"),
        )
    assert claimed is not None
    assert await tick("2026-11-23 09:05") == 0  # its lease still runs
    assert await tick("2026-11-23 09:20") == 1
    assert await tick("2026-11-23 09:40") == 0
    async with db.session() as session:
        row = await session.get(Delivery, claimed)
        assert row is not None and row.sent_at == london("2026-11-23 09:20") and row.attempts == 2


async def test_the_scheduler_runs_inside_the_bot_and_stops_with_it(harness: Harness) -> None:
    await harness.start()  # the default: on
    assert harness.server is not None
    scheduler = harness.server.app[SCHEDULER]
    assert scheduler.running
    await harness.restart(scheduler=False)
    assert not scheduler.running  # the old app's cleanup stopped it
    assert harness.server is not None and not harness.server.app[SCHEDULER].running


async def test_a_tick_forgets_activities_older_than_three_days_and_still_catches_repeats(
    bot: Bot, make_chat: MakeChat, db: Database
) -> None:
    chat = await make_chat()
    await chat.say("help")
    await chat.say("help")
    now = datetime.now(UTC)
    async with db.session() as session:
        old, recent = await session.scalars(select(ProcessedActivity).order_by(ProcessedActivity.received_at))
        old.received_at = now - timedelta(days=4)
        recent_id = recent.activity_id

    await bot.scheduler.tick(now=now)

    async with db.session() as session:
        kept = [row.activity_id for row in await session.scalars(select(ProcessedActivity))]
    assert kept == [recent_id]
    assert await chat.resend() == [], "the last message, delivered again, is still ignored"


async def test_a_bot_stopping_mid_tick_hands_back_what_it_had_not_posted(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    """SIGTERM while the weekly summaries go out: the post under way finishes, the next is handed back
    at once (not left leased for 15 minutes), and the next tick anywhere posts it."""
    await seed_sample(db, samples)
    await import_youth_review(db)  # a second review: two summaries to post
    await tick("2026-11-20 12:00")
    connector = bot.harness.connector
    release = connector.hold(CHANNEL_ID)
    ticking = asyncio.create_task(bot.scheduler.tick(now=london("2026-11-23 09:00")))
    for _ in range(200):
        if connector.waiting:
            break
        await asyncio.sleep(0.01)
    bot.scheduler.stopping = True  # as stop() sets it, with the first summary at Teams
    release.set()
    await ticking
    (posted,) = [reply.cards[0]["body"][0]["text"] for reply in bot.cards(CHANNEL_ID)]
    async with db.session() as session:
        summaries = await deliveries(session, kind=DeliveryKind.SUMMARY)
    (handed_back,) = [d for d in summaries if d.sent_at is None]
    assert handed_back.last_error == "the bot stopped before posting it"
    assert handed_back.lease_until is not None and handed_back.lease_until <= london("2026-11-23 09:00")

    bot.scheduler.stopping = False  # another replica, a minute later
    assert await tick("2026-11-23 09:01") == 1
    titles = [reply.cards[0]["body"][0]["text"] for reply in bot.cards(CHANNEL_ID)]
    assert titles[0] == posted and sorted(titles) == [
        "Weekly summary: Digital Optimisation",
        "Weekly summary: Youth Engagement",
    ]
