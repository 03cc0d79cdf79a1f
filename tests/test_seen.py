"""Every way a person reaches the bot counts as seen: a message, a card pressed, an install keep their
1:1 chat, so they are told of returns there; a notice for someone never seen is kept and told on
their first message, once, and the review's link officer hears in Teams whom the bot could not reach."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from chat import Chat, MakeChat, Reply
from fake_connector import TENANT_ID
from sqlalchemy import event, select
from test_review_loop import SAM, reason_submit, return_cards
from test_scheduler import (
    Bot,
    fixture_bot,  # noqa: F401 (fixtures)
    london,
    officer,
    open_september,
    seed_sample,
)

from bot.app import DATABASE, SCHEDULER, create_app
from cards import messages
from documents.grades import Grade
from store.db import Database
from store.models import ConversationKind, PendingNotice, Person, TeamsConversation, UpdateSource, utcnow
from store.queries import review_status
from store.updates import record_update

REASON = "A promise, not evidence: say what has been done."
LORRAINE = officer("Lorraine Dixon")  # the review's link officer
MARK = officer("Mark Freeman")
WHILE_AWAY = messages.KEPT_WHILE_AWAY


class Council:
    """The sample plan with its September 2020 round open and a scrutiny officer, Sam. Nobody has
    installed the app: whoever is to be reachable says something first."""

    def __init__(self, bot: Bot, db: Database, make_chat: MakeChat, samples: Path) -> None:
        self.bot, self.db, self.make_chat, self.samples = bot, db, make_chat, samples

    async def set_up(self) -> None:
        self.review_id = await seed_sample(self.db, self.samples)
        self.round_id = await open_september(self.db, self.review_id)
        async with self.db.session() as session:
            session.add(
                Person(
                    name=SAM.name, email=SAM.email, aad_object_id=SAM.aad_object_id, is_scrutiny_officer=True
                )
            )
            mark = await session.scalar(select(Person).where(Person.name == MARK.name))
            assert mark is not None
            mark.aad_object_id = None  # never seen in Teams: no chat, no Teams id
            self.mark_id = mark.id
            recommendations = await review_status(session, review_id=self.review_id)
        self.actions = {
            name: next(a for r in recommendations for a in r.actions if a.owners == [name] and a.asked_now)
            for name in (LORRAINE.name, MARK.name)
        }
        self.sam = await self.make_chat(SAM)

    async def recorded_for(self, name: str) -> None:
        """An update recorded in their name outside Teams (the command line): they were never asked."""
        async with self.db.session() as session:
            person = await session.scalar(select(Person.id).where(Person.name == name))
            await record_update(
                session,
                action_id=self.actions[name].id,
                round_id=self.round_id,
                evidence="We will sign staff up next year.",
                grade=Grade.ON_TRACK,
                explanation=None,
                impact=None,
                by_person_id=person,
                source=UpdateSource.CLI,
                max_text_length=10_000,
            )

    async def return_it(self) -> None:
        """Sam returns the one update waiting, with a reason, over the chat."""
        replies = await self.sam.say("review")
        (card,) = return_cards(replies)
        card_message = next(r for r in replies if r.cards)
        replies = await self.sam.submit(reason_submit(card, REASON), reply_to=card_message)
        assert replies[0].text.startswith("Returned to"), replies[0].text

    def heard(self, chat: Chat) -> list[Reply]:
        """Everything the bot posted in the chat, in turns and unprompted, in order."""
        return [
            Reply(raw=r.body, id=r.response_id)
            for r in self.bot.harness.connector.received
            if r.conversation_id == chat.conversation["id"] and r.kind in ("send", "reply")
        ]

    def returns_heard(self, chat: Chat) -> list[Reply]:
        return [r for r in self.heard(chat) if "was returned" in r.card_text]

    async def kept(self) -> list[PendingNotice]:
        async with self.db.session() as session:
            return list(await session.scalars(select(PendingNotice)))


@pytest.fixture(name="council")
async def fixture_council(bot: Bot, db: Database, make_chat: MakeChat, samples: Path) -> Council:
    council = Council(bot, db, make_chat, samples)
    await council.set_up()
    return council


@pytest.mark.parametrize("first", ["message", "card pressed", "other invoke"])
async def test_an_officer_who_only_ever_wrote_to_the_bot_hears_of_a_return_at_the_next_tick(
    council: Council, bot: Bot, db: Database, first: str
) -> None:
    lorraine = await council.make_chat(LORRAINE)  # no install event, ever
    if first == "message":
        replies = await lorraine.say("my actions")
    elif first == "card pressed":  # a button on an old card of the bot's, pressed as Teams sends it
        action_id = council.actions[LORRAINE.name].id
        pressed = await lorraine.execute({"verb": "open_update", "action_id": action_id})
        assert pressed.status == 200
        replies = pressed.posted
    else:  # any other invoke in her chat with the bot (a task module asked for, say)
        replies = (await lorraine.invoke(lorraine.activity("invoke", name="task/fetch", value={}))).posted
    assert not any(messages.WELCOME_TITLE in r.card_text for r in replies)  # the welcome is for installs
    async with db.session() as session:
        chat = await session.scalar(
            select(TeamsConversation).where(TeamsConversation.conversation_id == lorraine.conversation["id"])
        )
        person = await session.scalar(select(Person).where(Person.name == LORRAINE.name))
    assert chat is not None and person is not None
    assert (chat.kind, chat.person_id, chat.installed, chat.tenant_id) == (
        ConversationKind.PERSONAL,
        person.id,
        True,
        TENANT_ID,
    )
    assert person.teams_user_id == LORRAINE.teams_id

    await council.recorded_for(LORRAINE.name)
    await council.return_it()
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    (notice,) = council.returns_heard(lorraine)  # in the chat she wrote in, not a new one
    assert f"Sam Scrutiny says: {REASON}" in notice.card_text


async def test_a_search_from_the_compose_box_is_not_taken_for_the_chat_with_the_bot(
    council: Council, db: Database
) -> None:
    """A message extension is used wherever its user types, maybe a 1:1 chat with a colleague, where
    the bot could not post: it says nothing about where to reach them."""
    lorraine = await council.make_chat(LORRAINE)
    query = {"commandId": "findRecommendation", "parameters": [{"name": "query", "value": "wifi"}]}
    searched = await lorraine.invoke(lorraine.activity("invoke", name="composeExtension/query", value=query))
    assert searched.status == 200
    async with db.session() as session:
        assert await session.scalar(select(TeamsConversation.id)) is None


async def test_a_message_from_someone_already_seen_costs_no_statement_about_their_chat(
    council: Council, bot: Bot
) -> None:
    lorraine = await council.make_chat(LORRAINE)
    await lorraine.say("help")  # first seen: her chat is stored, kept notices looked for
    assert bot.harness.server is not None
    engine = bot.harness.server.app[DATABASE].engine.sync_engine
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        await lorraine.say("help")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert statements  # the turn was counted
    about_chats = [s for s in statements if "teams_conversations" in s or "pending_notices" in s]
    assert about_chats == []


async def test_someone_never_seen_hears_of_a_return_on_their_first_message_once(
    council: Council, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    lorraine = await council.make_chat(LORRAINE)
    await lorraine.install()  # the link officer, reachable
    await council.recorded_for(MARK.name)
    await council.return_it()

    caplog.set_level(logging.WARNING, logger="bot.notices")
    for minute in ("10:00", "10:01", "10:02"):
        await bot.scheduler.tick(now=london(f"2026-11-24 {minute}"))
    (kept,) = await council.kept()
    assert kept.person_id == council.mark_id and kept.link_officers_told
    # The link officer is told in Teams, once, whom the bot could not reach and about what.
    (told,) = [r for r in council.heard(lorraine) if "couldn't tell" in r.card_text]
    assert "I couldn't tell Mark Freeman this: they haven't used the app in Teams yet" in told.card_text
    assert f"was returned: {REASON}" in told.card_text
    assert told.raw["summary"] == "I couldn't reach Mark Freeman in Teams"
    # …and the log says so once, not every minute.
    assert [r.getMessage() for r in caplog.records].count(
        "Cannot tell Mark Freeman (returned) yet: never seen in Teams; kept for the first time they are"
    ) == 1

    mark = await council.make_chat(MARK)
    replies = await mark.say("help")
    assert replies[0].text == WHILE_AWAY
    assert "was returned" in replies[1].card_text and f"Sam Scrutiny says: {REASON}" in replies[1].card_text
    assert replies[1].raw["summary"].startswith("Your September 2020 update for")
    assert len(replies) > 2  # and then the answer to what he said
    assert await council.kept() == []

    assert await mark.resend() == []  # Teams delivering that message again
    again = await mark.say("my actions")
    assert not any(WHILE_AWAY in r.text or "was returned" in r.card_text for r in again)
    await bot.scheduler.tick(now=london("2026-11-24 10:05"))
    assert len(council.returns_heard(mark)) == 1
    assert len([r for r in council.heard(lorraine) if "couldn't tell" in r.card_text]) == 1


@pytest.mark.parametrize("first", ["install", "card pressed"])
async def test_someone_never_seen_hears_of_a_return_when_they_install_or_press_a_card(
    council: Council, bot: Bot, first: str
) -> None:
    await council.recorded_for(MARK.name)
    await council.return_it()
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    mark = await council.make_chat(MARK)
    if first == "install":
        replies = await mark.install()  # installationUpdate, then conversationUpdate: told once
        assert messages.WELCOME_TITLE in replies[0].card_text  # the welcome first
        replies = replies[1:]
    else:  # a button on a card he was shown elsewhere, pressed in his chat with the bot
        pressed = await mark.execute({"verb": "open_update", "action_id": council.actions[MARK.name].id})
        assert pressed.status == 200
        replies = pressed.posted
    assert [r.text for r in replies] == [WHILE_AWAY, ""]
    assert f"Sam Scrutiny says: {REASON}" in replies[1].card_text
    await mark.say("help")
    await bot.scheduler.tick(now=london("2026-11-24 10:01"))
    assert len(council.returns_heard(mark)) == 1 and await council.kept() == []


async def test_a_kept_notice_teams_would_not_take_in_the_turn_goes_at_a_later_tick(
    council: Council, bot: Bot
) -> None:
    await council.recorded_for(MARK.name)
    await council.return_it()
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    mark = await council.make_chat(MARK)
    bot.harness.connector.fail_next(403)  # the first post of his turn: "While you were away…"
    replies = await mark.say("help")
    assert replies and not council.returns_heard(mark)  # he is answered all the same
    assert len(await council.kept()) == 1
    # A tick after the claim's short retry delay (the turn claimed on the real clock): his chat is known.
    await bot.scheduler.tick(now=utcnow() + timedelta(minutes=2))
    (notice,) = council.returns_heard(mark)
    assert f"Sam Scrutiny says: {REASON}" in notice.card_text
    assert await council.kept() == []


async def test_accepted_updates_kept_over_several_days_are_one_notice(council: Council, bot: Bot) -> None:
    lorraine = await council.make_chat(LORRAINE)
    await lorraine.install()
    await council.recorded_for(MARK.name)
    replies = await council.sam.say("review")
    (card,) = return_cards(replies)
    await council.sam.submit(next(a for a in card["actions"] if a["title"] == "Accept")["data"])
    for day in ("24", "25", "26"):
        await bot.scheduler.tick(now=london(f"2026-11-{day} 11:00"))
    (kept,) = await council.kept()
    assert kept.kind.value == "accepted"
    assert len([r for r in council.heard(lorraine) if "couldn't tell" in r.card_text]) == 1

    mark = await council.make_chat(MARK)
    replies = await mark.say("help")
    assert replies[0].text == WHILE_AWAY
    assert "Accepted by the scrutiny officer" in replies[1].card_text
    await bot.scheduler.tick(now=london("2026-11-27 11:00"))
    heard = [r for r in council.heard(mark) if "Accepted by the scrutiny officer" in r.card_text]
    assert len(heard) == 1 and await council.kept() == []


async def test_an_unreachable_link_officer_is_only_logged(
    council: Council, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    async with council.db.session() as session:
        lorraine = await session.scalar(select(Person).where(Person.name == LORRAINE.name))
        assert lorraine is not None
        lorraine.aad_object_id = None
    await council.recorded_for(MARK.name)
    await council.return_it()
    caplog.set_level(logging.WARNING, logger="bot.notices")
    before = len(bot.harness.connector.received)
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    await bot.scheduler.tick(now=london("2026-11-24 10:01"))
    posted = [Reply(raw=r.body) for r in bot.harness.connector.received[before:] if r.kind == "send"]
    assert posted and not any("Mark Freeman" in r.card_text for r in posted)  # reminders went; not this
    logged = [r.getMessage() for r in caplog.records]
    assert (
        logged.count(
            "Cannot tell link officer Lorraine Dixon that Mark Freeman could not be reached: "
            "never seen in Teams either"
        )
        == 1
    )
    (kept,) = await council.kept()
    assert kept.link_officers_told


async def test_simultaneous_first_messages_and_a_tick_tell_a_kept_notice_once(
    council: Council, bot: Bot
) -> None:
    await council.recorded_for(MARK.name)
    await council.return_it()
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    assert len(await council.kept()) == 1

    mark = await council.make_chat(MARK)
    # The tick on the turns' clock, as in a running bot: a claim is held until its lease runs out, and
    # the lease of a tick dated days before the turns has long run out by the turns' clock.
    await asyncio.gather(
        mark.say("help"),
        mark.say("my actions"),
        mark.say("status 1"),
        bot.scheduler.tick(now=utcnow()),
    )
    await bot.scheduler.tick(now=utcnow())
    assert len(council.returns_heard(mark)) == 1
    # Handed over by a turn it comes under "While you were away…"; a tick that reaches Mark's chat
    # (stored by his first turn) first sends it as any notice. Either way, once.
    assert [r.text for r in council.heard(mark)].count(WHILE_AWAY) <= 1
    assert await council.kept() == []


@pytest.fixture
async def second_replica(bot: Bot, database_url: str) -> AsyncIterator[TestServer]:
    """Another app process serving the same PostgreSQL database: its own engine, adapter, caches and
    scheduler."""
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL server; SQLite is one process's file")
    db = Database(database_url)
    server = TestServer(create_app(bot.harness.settings(), db=db), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()
    await db.dispose()


async def test_first_messages_to_two_replicas_at_once_tell_a_kept_notice_once(
    council: Council, bot: Bot, second_replica: TestServer
) -> None:
    await council.recorded_for(MARK.name)
    await council.return_it()
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    mark = await council.make_chat(MARK)
    assert bot.harness.server is not None
    replicas = [bot.harness.server, second_replica, bot.harness.server, second_replica]

    async with aiohttp.ClientSession() as http:

        async def say(server: TestServer, text: str) -> int:
            activity = mark.activity("message", text=text, textFormat="plain")
            async with http.post(server.make_url("/api/messages"), json=activity) as response:
                return response.status

        texts = ["help", "status 1"] * 2
        statuses = await asyncio.gather(
            *(say(s, t) for s, t in zip(replicas, texts, strict=True)),
            # …while both replicas' schedulers tick, on the same clock as the turns.
            *(server.app[SCHEDULER].tick(now=utcnow()) for server in replicas[:2]),
        )
    assert all(status < 300 for status in statuses[:4])
    assert len(council.returns_heard(mark)) == 1
    # Handed over by a turn it comes under "While you were away…"; a tick that reaches Mark's chat
    # (stored by his first turn) first sends it as any notice. Either way, once.
    assert [r.text for r in council.heard(mark)].count(WHILE_AWAY) <= 1
    assert await council.kept() == []
