"""Talking to Teams politely: the fake connector answers 429, 403, 5xx, and the summary still goes out
once (or is kept for later); retries wait as Teams asks, with an injected sleep so nothing really waits."""

from __future__ import annotations

import logging
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from chat import CHANNEL_ID, Chat
from sqlalchemy import select
from test_scheduler import Bot, Tick, fixture_bot, fixture_channel, fixture_tick, london, seed_sample  # noqa: F401 (fixtures)

from bot.outbound import LIMITS, SLACK, Pacer, RetryPolicy, retry_after
from store.db import Database
from store.deliveries import deliveries
from store.models import DeliveryKind, TeamsConversation

ATTEMPTS = RetryPolicy().attempts


def failures_left(bot: Bot) -> int:
    # The fake connector's queue of answers still to give: how many calls the bot did not make.
    return len(bot.harness.connector._failures)


async def ready(bot: Bot, db: Database, samples: Path, tick: Tick) -> None:
    await seed_sample(db, samples)
    await tick("2026-11-20 12:00")  # the channel's schedule starts; Monday 23rd 09:00 is next


async def summary_delivery(db: Database) -> tuple[bool, str | None]:
    async with db.session() as session:
        (row,) = await deliveries(session, kind=DeliveryKind.SUMMARY)
    return row.sent_at is not None, row.last_error


async def test_a_429_with_retry_after_is_waited_out_and_the_post_arrives_once(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path
) -> None:
    await ready(bot, db, samples, tick)
    bot.harness.connector.fail_next(429, retry_after=1)
    assert await tick("2026-11-23 09:00") == 1
    assert bot.sleeps == [1.0]  # what Retry-After said, not our own backoff
    assert await summary_delivery(db) == (True, None)
    assert await tick("2026-11-23 09:01") == 0


async def test_a_403_marks_the_channel_blocked_and_leaves_it_alone(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await ready(bot, db, samples, tick)
    bot.harness.connector.fail_next(403)
    with caplog.at_level(logging.WARNING, logger="bot.scheduler"):
        assert await tick("2026-11-23 09:00") == 0
    assert bot.sleeps == []  # a 403 is not retried
    assert any("403" in r.getMessage() and CHANNEL_ID in r.getMessage() for r in caplog.records)
    async with db.session() as session:
        row = await session.scalar(
            select(TeamsConversation).where(TeamsConversation.conversation_id == CHANNEL_ID)
        )
    assert row is not None and row.blocked_at == london("2026-11-23 09:00")

    bot.harness.connector.fail_next(500)  # would be used up by any attempt to post
    assert await tick("2026-11-30 09:00") == 0
    assert failures_left(bot) == 1

    await channel.install()  # the app added back: the channel hears its summaries again
    bot.harness.connector._failures.clear()
    assert await tick("2026-12-07 09:00") == 1


async def test_a_500_forever_gives_up_with_an_error_and_keeps_the_summary_for_later(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await ready(bot, db, samples, tick)
    bot.harness.connector.fail_next(500, times=50)
    with caplog.at_level(logging.ERROR):
        assert await tick("2026-11-23 09:00") == 0
    assert 50 - failures_left(bot) == ATTEMPTS  # bounded
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"Sending to {CHANNEL_ID} failed with HTTP 500 after {ATTEMPTS} attempt(s)"
    ]
    assert await summary_delivery(db) == (False, "DeliveryFailed")

    bot.harness.connector._failures.clear()  # Teams is back
    assert await tick("2026-11-23 09:02") == 1
    assert await summary_delivery(db) == (True, None)
    assert await tick("2026-11-23 09:03") == 0


async def test_a_503_is_retried_with_growing_jittered_backoff_then_kept_for_later(
    bot: Bot, channel: Chat, tick: Tick, db: Database, samples: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await ready(bot, db, samples, tick)
    bot.harness.connector.fail_next(503, times=50)
    with caplog.at_level(logging.ERROR):
        assert await tick("2026-11-23 09:00") == 0
    assert 50 - failures_left(bot) == ATTEMPTS
    policy = RetryPolicy()
    assert len(bot.sleeps) == ATTEMPTS - 1
    for attempt, slept in enumerate(bot.sleeps, start=1):
        ceiling = policy.base_delay * 2 ** (attempt - 1)
        assert ceiling / 2 <= slept <= ceiling
    assert f"Sending to {CHANNEL_ID} failed with HTTP 503 after {ATTEMPTS} attempt(s)" in caplog.text
    bot.harness.connector._failures.clear()
    assert await tick("2026-11-23 09:00") == 0  # not before its retry delay
    assert await tick("2026-11-23 09:05") == 1


def test_the_pacer_keeps_a_conversation_within_teams_limits() -> None:
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0])
    assert [pacer.turn("c") for _ in range(7)] == [0] * 7
    assert pacer.turn("c") == pytest.approx(1 + SLACK)  # 7 a second (each window with a little slack)
    assert pacer.turn("c") == pytest.approx(1 + SLACK)  # asking does not count: only going does
    assert pacer.turn("another") == 0  # limits are per conversation
    now[0] += 1 + SLACK
    assert pacer.turn("c") == 0
    assert pacer.turn("c") == pytest.approx(1.0)  # and only 8 in 2 seconds: until 2 + SLACK
    sent = 8
    while sent < 60:  # as fast as it is let: 4 a second
        if wait := pacer.turn("c"):
            now[0] += wait
        else:
            sent += 1
    assert LIMITS[2] == (60, 30.0) and now[0] < 16
    assert pacer.turn("c") == pytest.approx(30 + SLACK - now[0])  # 60 in 30 seconds: until the first ages


def test_the_app_as_a_whole_waits_its_turn() -> None:
    """Across conversations, past the app's count in a second, the next send waits, whichever
    conversation it is for."""
    now = [0.0]
    pacer = Pacer(clock=lambda: now[0], app_per_second=45)
    assert [pacer.turn(f"channel {n % 9}") for n in range(45)] == [0] * 45
    assert pacer.turn("channel 10") == pytest.approx(1 + SLACK)
    now[0] += 1 + SLACK
    assert pacer.turn("channel 10") == 0


def test_retry_after_as_seconds_or_as_a_date() -> None:
    from datetime import UTC, datetime, timedelta

    def error(value: str | None) -> Exception:
        failed = Exception("HTTP 429")
        failed.response = SimpleNamespace(headers={"Retry-After": value} if value else {})  # type: ignore[attr-defined]
        return failed

    assert retry_after(error("2")) == 2.0
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after(error(later)) or 0) <= 30
    assert retry_after(error(None)) is None
