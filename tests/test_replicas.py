"""Two replicas of the bot on one PostgreSQL database, both running their schedulers at the same
moment: each week's summary, and each reminder, is posted once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from chat import CHANNEL_ID, Chat, MakeChat
from test_scheduler import Bot, fixture_bot, fixture_channel, london, officer, open_september, seed_sample  # noqa: F401 (fixtures)

from bot.app import SCHEDULER, create_app
from bot.scheduler import Scheduler
from store.db import Database
from store.deliveries import claim_delivery, deliveries
from store.models import DeliveryKind


@pytest.fixture
async def second_replica(bot: Bot, database_url: str) -> AsyncIterator[Scheduler]:
    """Another app process on the same database: its own engine, adapter and scheduler."""
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL server; SQLite is one process's file")
    db = Database(database_url)
    app = create_app(bot.harness.settings(), db=db)
    scheduler = app[SCHEDULER]
    scheduler.proactive.sleep = bot.scheduler.proactive.sleep
    yield scheduler
    app.freeze()  # never served: its clean-up (connections to Teams) is run by hand
    await app.cleanup()
    await db.dispose()


async def test_two_replicas_post_each_weekly_summary_once(
    bot: Bot, channel: Chat, second_replica: Scheduler, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    first = bot.scheduler
    await asyncio.gather(
        first.tick(now=london("2026-11-20 12:00")), second_replica.tick(now=london("2026-11-20 12:00"))
    )
    for monday in ("2026-11-23", "2026-11-30", "2026-12-07"):
        for minute in ("09:00", "09:01"):
            now = london(f"{monday} {minute}")
            reports = await asyncio.gather(first.tick(now=now), second_replica.tick(now=now))
            assert sum(r.failed for r in reports) == 0
    assert len(bot.posts(CHANNEL_ID)) == 3
    async with db.session() as session:
        sent = await deliveries(session, kind=DeliveryKind.SUMMARY)
    assert len(sent) == 3 and all(d.sent_at is not None and d.attempts == 1 for d in sent)


async def test_two_replicas_send_each_reminder_once(
    bot: Bot, make_chat: MakeChat, second_replica: Scheduler, db: Database, samples: Path
) -> None:
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id, deadline="2026-12-04")
    chat = await make_chat(officer("Craig Taylor"), scope="personal")
    await chat.install()
    now = london("2026-11-20 09:00")
    reports = await asyncio.gather(bot.scheduler.tick(now=now), second_replica.tick(now=now))
    assert sum(r.reminders for r in reports) == 7
    to_craig = [r for r in bot.posts() if r.conversation_id == chat.conversation["id"]]
    assert len(to_craig) == 1
    # And officers without a chat got exactly one new chat each, not one per replica.
    created = [r for r in bot.harness.connector.received if r.kind == "create_conversation"]
    assert len(created) == len({r.body["members"][0]["id"] for r in created}) == 6


async def test_many_claims_at_once_one_winner(bot: Bot, second_replica: Scheduler, db: Database) -> None:
    now = london("2026-11-23 09:00")

    async def claim(database: Database) -> int | None:
        async with database.session() as session:
            return await claim_delivery(
                session, kind=DeliveryKind.SUMMARY, target=CHANNEL_ID, slot="race", now=now
            )

    winners = await asyncio.gather(*(claim(d) for d in [db, second_replica.db] * 10))
    assert len([w for w in winners if w is not None]) == 1
