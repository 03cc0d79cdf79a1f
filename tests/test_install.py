"""Adding the app: a welcome card in a 1:1 chat, a hello and a remembered channel in a team."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from importlib import resources

import pytest
from chat import CHANNEL_ID, DEFAULT_USER, TEAM, MakeChat
from fake_connector import TENANT_ID, FakeConnector
from jsonschema import Draft6Validator
from sqlalchemy import select

from cards.welcome import HelpEntry, welcome_card
from store.conversations import forget_conversation, remember_conversation
from store.db import Database
from store.models import ConversationKind, Person, TeamsConversation


async def conversations(db: Database) -> list[TeamsConversation]:
    async with db.session() as session:
        return list(await session.scalars(select(TeamsConversation).order_by(TeamsConversation.id)))


@pytest.fixture
async def other_connector() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector()
    await connector.start()
    yield connector
    await connector.stop()


async def test_installing_for_yourself_shows_one_welcome_card(make_chat: MakeChat, db: Database) -> None:
    async with db.session() as session:
        session.add(Person(name="Alex Officer", email=DEFAULT_USER.email))
    chat = await make_chat()

    replies = await chat.install()

    # Teams sends installationUpdate and conversationUpdate for one install: one welcome, not two.
    assert len(replies) == 1
    [card] = replies[0].cards
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert "Hello, I'm the Scrutiny bot" in replies[0].card_text
    assert "What you can say to me" in replies[0].card_text
    facts = {fact["title"]: fact["value"] for fact in card["body"][-1]["facts"]}
    assert facts["help"] == "Show what I can do."

    [row] = await conversations(db)
    assert (row.kind, row.installed, row.tenant_id) == (ConversationKind.PERSONAL, True, TENANT_ID)
    assert row.conversation_id == chat.conversation["id"]
    assert row.person_id is not None
    assert row.reference["conversation"]["id"] == chat.conversation["id"]  # type: ignore[index]


async def test_adding_to_a_team_remembers_the_channel_and_says_hello(
    make_chat: MakeChat, db: Database
) -> None:
    chat = await make_chat(scope="channel")

    replies = await chat.install()

    assert len(replies) == 1
    assert "I'll post progress summaries for the scrutiny reviews in this channel" in replies[0].text
    assert replies[0].raw["conversation"]["id"] == CHANNEL_ID
    [row] = await conversations(db)
    assert row.kind == ConversationKind.CHANNEL
    assert (row.team_id, row.team_name, row.channel_id) == (TEAM["id"], "Digital Services Group", CHANNEL_ID)
    # From channelData.tenant.id: ConversationAccount.tenant_id would have been None.
    assert row.tenant_id == TENANT_ID
    assert row.service_url == chat.harness.connector.url
    assert row.reference["serviceUrl"] == chat.harness.connector.url  # type: ignore[index]
    assert row.installed


async def test_removing_the_app_stops_it_posting_and_adding_it_again_greets_again(
    make_chat: MakeChat, db: Database
) -> None:
    chat = await make_chat(scope="channel")
    await chat.install()

    assert await chat.uninstall() == []
    [row] = await conversations(db)
    assert not row.installed

    replies = await chat.install()
    assert len(replies) == 1
    [row] = await conversations(db)
    assert row.installed


async def test_every_activity_refreshes_the_service_url(
    make_chat: MakeChat, db: Database, other_connector: FakeConnector
) -> None:
    chat = await make_chat(scope="channel")
    await chat.install()

    # Teams moved this tenant to another region: the next message comes from a new serviceUrl.
    activity = chat.activity("message", text="<at>Scrutiny bot</at> help")
    activity["serviceUrl"] = other_connector.url
    activity["conversation"]["id"] = f"{CHANNEL_ID};messageid=1700000000000"
    await chat.send(activity)

    [row] = await conversations(db)
    assert row.service_url == other_connector.url
    assert row.reference["serviceUrl"] == other_connector.url  # type: ignore[index]
    assert len(other_connector.received) == 1  # the reply went where Teams now is

    # And back again (the bot remembers which URL it stored, so this must not look unchanged).
    await chat.say("<at>Scrutiny bot</at> help")
    [row] = await conversations(db)
    assert row.service_url == chat.harness.connector.url
    assert row.reference["serviceUrl"] == chat.harness.connector.url  # type: ignore[index]


def test_the_welcome_card_is_valid_adaptive_card_1_5_and_small() -> None:
    schema = json.loads((resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text())
    commands = [
        HelpEntry(usage=f"command {n} <with> **markup**", help="Does a thing. " * 20) for n in range(30)
    ]

    card = welcome_card(commands=commands)

    assert [e.message for e in Draft6Validator(schema).iter_errors(card)] == []
    assert len(json.dumps(card).encode()) < 28_000


async def test_two_install_activities_at_once_greet_once_and_fail_neither(db: Database) -> None:
    """Teams (and the Agents Playground) send installationUpdate and conversationUpdate together."""

    async def install() -> bool:
        async with db.session() as session:
            return await remember_conversation(
                session,
                conversation_id="a:1on1",
                kind=ConversationKind.PERSONAL,
                service_url="http://127.0.0.1:1/",
                reference={"conversation": {"id": "a:1on1"}},
                tenant_id="tenant",
            )

    for _ in range(5):
        results = await asyncio.gather(install(), install())
        assert sorted(results) == [False, True]
        async with db.session() as session:
            await forget_conversation(session, conversation_id="a:1on1")
