"""The council-sized figures: the weekly summary cards, and importing the council's Word documents."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from documents.files import read_document
from documents.synthetic import synthetic_council
from documents.word_writer import write_docx
from store.db import Database
from store.models import ProgressUpdate


def summary_figures(url: str) -> dict[str, Any]:
    """Every review's weekly summary card for the council in the database at url: time and size.

    Everything was imported just now, so every update counts as changed this week: the biggest
    "what changed" a card can be asked to show.
    """
    try:
        from cards.summary import summary_card
        from dialogs.summary import WEEK, review_summary
    except ImportError as error:
        return {"missing": f"the weekly summary cards are not there ({error})"}
    return asyncio.run(_summaries(url, summary_card, review_summary, WEEK))


async def _summaries(url: str, summary_card: Any, review_summary: Any, week: timedelta) -> dict[str, Any]:
    from store.queries import reviews

    db = Database(url)
    try:
        started = time.perf_counter()
        async with db.session() as session:
            since = datetime.now(UTC) - week
            views = [
                await review_summary(session, review=review, since=since) for review in await reviews(session)
            ]
        queried = time.perf_counter()
        cards = [summary_card(view, weekly=True) for view in views]
        built = time.perf_counter()
    finally:
        await db.dispose()
    sizes = [len(json.dumps(card).encode()) for card in cards]
    largest = max(range(len(cards)), key=sizes.__getitem__)
    return {
        "reviews": len(views),
        "cards": len(cards),
        "build_ms": 1000 * (built - queried),
        "total_ms": 1000 * (built - started),
        "largest_bytes": sizes[largest],
        "largest_review": views[largest].review_title,
    }


def docx_import_figures(url: str, *, reviews: int, workdir: Path) -> dict[str, Any]:
    """`scrutiny-bot import` of the synthetic council as the committee keeps it: one .docx per review."""
    folder = workdir / "docx"
    folder.mkdir(exist_ok=True)
    paths = []
    for plan in synthetic_council(reviews=reviews):
        path = folder / (plan.review.replace(" ", "-") + ".docx")
        path.write_bytes(write_docx(plan))
        paths.append(path)

    started = time.perf_counter()
    for path in paths:
        read_document(path)
    parse_seconds = time.perf_counter() - started

    command = Path(sys.executable).with_name("scrutiny-bot")
    started = time.perf_counter()
    subprocess.run(
        [str(command), "import", *map(str, paths)],
        check=True,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    seconds = time.perf_counter() - started
    return {
        "documents": len(paths),
        "megabytes": sum(path.stat().st_size for path in paths) / 1e6,
        "updates": asyncio.run(_count_updates(url)),
        "seconds": seconds,
        "parse_seconds": parse_seconds,
    }


async def _count_updates(url: str) -> int:
    db = Database(url)
    try:
        async with db.session() as session:
            return await session.scalar(select(func.count()).select_from(ProgressUpdate)) or 0
    finally:
        await db.dispose()


def posting_figures(url: str, *, channels: int) -> dict[str, Any]:
    """One Monday's weekly summaries, every review's card to each of `channels` channels, through the
    real scheduler to the fake connector holding Teams to its published limits (it answers 429 past
    them, as Teams does): how long it took, how many cards, how many 429s, the busiest second."""
    return asyncio.run(_posting(url, channels=channels))


async def _posting(url: str, *, channels: int) -> dict[str, Any]:
    from fake_connector import FakeConnector

    from bot.app import SCHEDULER, create_app
    from bot.settings import Settings
    from store.conversations import remember_conversation
    from store.models import ConversationKind

    connector = FakeConnector(teams_limits=True)
    await connector.start()
    db = Database(url)
    settings = Settings(_env_file=None, database_url=url, scheduler=False, app_id="", app_password=None)  # type: ignore[call-arg]
    app = create_app(settings, db=db)
    try:
        async with db.session() as session:
            for n in range(1, channels + 1):
                conversation_id = f"19:bench-channel-{n}@thread.tacv2"
                reference = {
                    "bot": {"id": "28:bench-bot", "name": "scrutiny-bot"},
                    "conversation": {"id": conversation_id, "conversationType": "channel", "isGroup": True},
                    "channelId": "msteams",
                    "serviceUrl": connector.url,
                }
                await remember_conversation(
                    session,
                    conversation_id=conversation_id,
                    kind=ConversationKind.CHANNEL,
                    service_url=connector.url,
                    reference=reference,
                    tenant_id=None,
                    team_name=f"Bench team {n}",
                )
        scheduler = app[SCHEDULER]
        friday = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # the channels' schedules start
        await scheduler.tick(now=friday)
        started = time.perf_counter()
        report = await scheduler.tick(now=friday + timedelta(days=3, hours=-3))  # Monday 09:00 London
        seconds = time.perf_counter() - started
    finally:
        app.freeze()
        await app.cleanup()
        await db.dispose()
        await connector.stop()
    arrived = connector.arrived
    busiest = max((sum(start <= t < start + 1.0 for t in arrived) for start in arrived), default=0)
    return {
        "channels": channels,
        "cards": report.summaries,
        "failed": report.failed,
        "too_many": connector.too_many,
        "seconds": seconds,
        "busiest_second": busiest,
    }
