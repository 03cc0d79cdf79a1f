"""`summary schedule / send`: the weekly summary each channel hears, and posting one now."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import fail, load_settings, plain_errors, run, terminal
from documents.errors import UserFacingError
from documents.links import NO_TRACKER, TrackerLinks
from store.conversations import installed_conversations
from store.db import Database, upgrade_if_behind
from store.deliveries import mark_blocked, set_summary_schedule, weekly_of
from store.models import ConversationKind, SummarySchedule, utcnow
from store.schedule import parse_weekly

if TYPE_CHECKING:
    from bot.proactive import Proactive

log = logging.getLogger(__name__)

summary_app = typer.Typer(
    help="The weekly summary each channel hears, and posting one now.", no_args_is_help=True
)

ChannelOption = Annotated[
    str | None,
    typer.Option(
        "--channel", "-c", help="The team's name or the conversation id; needed only when there are several."
    ),
]


@summary_app.command("schedule")
def summary_schedule_command(
    when: Annotated[
        str | None, typer.Argument(help="e.g. “Friday 14:00”, “Tue 16.30 Europe/Dublin”. Omit to list.")
    ] = None,
    channel: ChannelOption = None,
) -> None:
    """Each channel's weekly summary time; with WHEN, change it (from now on: no catching up)."""
    from dialogs.summary import default_weekly, describe_day, next_post  # loads botbuilder

    settings = load_settings()
    default = default_weekly(summary_default=settings.summary_default, time_zone=settings.time_zone)

    async def work(session: AsyncSession) -> list[str]:
        now = utcnow()
        channels = await installed_conversations(session, kind=ConversationKind.CHANNEL)
        if channel is not None:
            channels = [c for c in channels if channel in (c.conversation_id, c.team_name)]
        if not channels:
            raise UserFacingError(
                "No channel matches." if channel else "The app has not been added to any channel yet."
            )
        if when is None:
            lines = []
            for row in channels:
                schedule = await session.get(SummarySchedule, row.id)
                weekly = weekly_of(schedule) if schedule else default
                following = describe_day(next_post(weekly, now=now), weekly.zone)
                lines.append(
                    f"{row.team_name or row.conversation_id}: {weekly.describe()}. Next: {following}."
                )
            return lines
        if len(channels) > 1:
            names = "; ".join(c.team_name or c.conversation_id for c in channels)
            raise UserFacingError(f"There are {len(channels)} channels; say which with --channel: {names}.")
        weekly = parse_weekly(when, default_zone=settings.time_zone)
        await set_summary_schedule(
            session, conversation_row_id=channels[0].id, weekly=weekly, now=now, changed_by_id=None
        )
        following = describe_day(next_post(weekly, now=now), weekly.zone)
        return [
            f"{channels[0].team_name or channels[0].conversation_id}: {weekly.describe()}. Next: {following}."
        ]

    for line in run(work, settings=settings):
        terminal().print(line, markup=False)


@summary_app.command("send")
def summary_send(channel: ChannelOption = None) -> None:
    """Post every review's summary to the channels now, as “summary” does in Teams. The weekly one
    still goes out at its time."""
    settings = load_settings()
    from bot.app import SCHEDULER, create_app

    async def send() -> tuple[int, int]:
        database = Database(settings.database_url)
        bot_app = create_app(settings, db=database)
        try:
            scheduler = bot_app[SCHEDULER]
            return await send_summaries_now(
                scheduler.db,
                scheduler.proactive,
                channel=channel,
                now=utcnow(),
                tracker_links=scheduler.tracker_links,
            )
        finally:
            # The app is never served: run its clean-up (connections to Teams) by hand.
            bot_app.freeze()
            await bot_app.cleanup()
            await database.dispose()

    with plain_errors():
        upgrade_if_behind(settings.database_url)
        posted, failed = asyncio.run(send())
    terminal().print(f"Posted {posted} summary card(s).", markup=False)
    if failed:
        fail(f"{failed} channel(s) could not be reached; the log says why.")


async def send_summaries_now(
    db: Database,
    proactive: Proactive,
    *,
    channel: str | None,
    now: datetime,
    tracker_links: TrackerLinks = NO_TRACKER,
) -> tuple[int, int]:
    """Every review's summary to each channel (or the one named by team name or conversation id),
    now, as "summary" does in Teams: not the weekly one, which still goes out at its time.
    Returns (cards posted, channels that failed)."""
    from bot.outbound import ConversationBlocked, DeliveryFailed
    from bot.proactive import card_activity
    from dialogs.summary import summary_cards  # loads botbuilder

    posted = failed = 0
    async with db.session() as session:
        channels = [
            c
            for c in await installed_conversations(session, kind=ConversationKind.CHANNEL)
            if channel is None or channel in (c.conversation_id, c.team_name)
        ]
        plans = [
            (
                c.conversation_id,
                dict(c.reference),
                await summary_cards(
                    session, conversation_id=c.conversation_id, now=now, tracker_links=tracker_links
                ),
            )
            for c in channels
        ]
    for conversation_id, reference, cards in plans:
        try:
            for card in cards:
                activity = card_activity(card, summary=str(card["body"][0]["text"]))
                await proactive.send(reference=reference, activity=activity)
                posted += 1
        except ConversationBlocked:
            async with db.session() as session:
                await mark_blocked(session, conversation_id=conversation_id, now=now)
            log.warning("Teams refused to post in %s (403); it is marked blocked", conversation_id)
            failed += 1
        except DeliveryFailed:
            failed += 1
    return posted, failed
