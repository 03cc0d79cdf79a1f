"""Presses that arrive together: a double tap on a slow phone, two Teams clients open at once, or the
same conversation's activities reaching two workers. Teams does not wait for one turn to end before
sending the next, so each test fires its activities at the same moment and counts what was saved and
what each person was told."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from cardcheck import strings
from chat import Chat, Harness, MakeChat, Reply
from fake_connector import FakeConnector
from records import updates_for
from test_hosting import Workers
from test_review_loop import Council, fixture_council, return_cards  # noqa: F401 (fixtures)
from test_scheduler import fixture_bot  # noqa: F401 (fixtures)
from test_update_e2e import CRAIG, answer
from test_updates import Seeded, seed

from bot.app import create_app, start_workers, stop_workers
from bot.settings import Settings
from store.db import Database

SAVED = "Saved: Recommendation 7, action 2 — On-Track for September 2020."


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    return await seed(db)


@pytest.fixture
async def second_worker(harness: Harness, make_chat: MakeChat) -> AsyncIterator[str]:
    """Another app on the same database (its own engine, locks and state objects), as a second
    `--workers` process or replica would be: its address."""
    await make_chat()  # starts the first
    server = TestServer(create_app(harness.settings()), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url(""))
    await server.close()


async def posted_at_once(
    chat: Chat, activities: list[dict[str, Any]], *, urls: list[str]
) -> tuple[list[Any], list[Reply]]:
    """POST every activity at the same moment, spread over the workers at `urls`: each HTTP answer's
    body (an invoke's answer), and every message the bot sent meanwhile."""
    connector = chat.harness.connector
    mark = len(connector.received)

    async def post(http: aiohttp.ClientSession, url: str, activity: dict[str, Any]) -> Any:
        async with http.post(f"{url.rstrip('/')}/api/messages", json=activity) as response:
            assert response.status < 300, response.status
            return await response.json() if response.content_type == "application/json" else None

    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(
            *(post(http, urls[i % len(urls)], a) for i, a in enumerate(activities))
        )
    sent = [
        Reply(raw=r.body, id=r.response_id) for r in connector.sent_since(mark) if r.kind in ("send", "reply")
    ]
    return answers, sent


async def at_once(chat: Chat, activities: list[dict[str, Any]], *, urls: list[str]) -> list[Reply]:
    return (await posted_at_once(chat, activities, urls=urls))[1]


async def up_to_save(chat: Chat) -> dict[str, Any]:
    """The guided update of 7.2 answered up to "Save it?": the Save button's data."""
    replies = await answer(chat, "update", "Six sessions run.", {"answer": "2"}, {"answer": "skip"})
    (summary,) = [card for r in replies for card in r.cards]
    (save,) = [a for a in summary["actions"] if a["title"] == "Save"]
    return dict(save["data"])


def saves(chat: Chat, data: dict[str, Any], count: int) -> list[dict[str, Any]]:
    """The summary card's Save pressed `count` times: each a new activity with its own id."""
    return [chat.activity("message", value=data) for _ in range(count)]


@pytest.mark.parametrize("count", [2, 20])
async def test_saves_at_once_save_one_version(
    make_chat: MakeChat, db: Database, seeded: Seeded, count: int
) -> None:
    chat = await make_chat(CRAIG)
    save = await up_to_save(chat)

    replies = await at_once(chat, saves(chat, save, count), urls=[chat.harness.url])

    rows = await updates_for(db, seeded.actions["7.2"])
    assert [r.evidence for r in rows[1:]] == ["Six sessions run."]
    texts = [r.text for r in replies]
    assert texts.count(SAVED) == 1
    already = [r for r in replies if r.text.startswith("That was saved already")]
    assert len(already) == count - 1, texts
    # Each "saved already" is followed by what was saved.
    saved_cards = [r.card_text for r in replies if r.cards]
    assert len(saved_cards) == count - 1
    assert all("Saved: Recommendation 7, action 2" in c and "Six sessions run." in c for c in saved_cards)


@pytest.mark.parametrize("count", [2, 20])
async def test_saves_at_once_on_two_workers_save_one_version(
    make_chat: MakeChat, db: Database, seeded: Seeded, second_worker: str, count: int
) -> None:
    chat = await make_chat(CRAIG)
    save = await up_to_save(chat)

    replies = await at_once(chat, saves(chat, save, count), urls=[chat.harness.url, second_worker])

    rows = await updates_for(db, seeded.actions["7.2"])
    assert [r.evidence for r in rows[1:]] == ["Six sessions run."]
    texts = [r.text for r in replies]
    assert texts.count(SAVED) == 1, texts
    assert sum(t.startswith("That was saved already") for t in texts) == count - 1, texts
    # The conversation is free afterwards: the next words are a command, not an answer.
    (reply,) = await chat.say("help")
    assert reply.text.startswith("Here is what I can do")


# --- the scrutiny officer's Accept, pressed at once ---


@pytest.fixture
async def waiting(council: Council) -> dict[str, Any]:
    """Craig's update waits for Sam: the Accept button's data on Sam's queue card."""
    await council.record("Signed up 40 staff.")
    replies = await council.sam.say("to review")
    (card,) = return_cards(replies)
    return dict(next(a for a in card["actions"] if a["title"] == "Accept")["data"])


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("count", [2, 20])
async def test_accepts_at_once_decide_once(
    council: Council, waiting: dict[str, Any], second_worker: str, workers: int, count: int
) -> None:
    sam = council.sam
    urls = [sam.harness.url, second_worker][:workers]
    presses = [sam.activity("message", value=waiting) for _ in range(count)]

    replies = await at_once(sam, presses, urls=urls)

    assert len(await council.decisions()) == 1
    texts = [r.text for r in replies if r.text]
    assert sum(t.startswith("Accepted: Recommendation") for t in texts) == 1, texts
    assert sum("was already accepted by Sam Scrutiny at" in t for t in texts) == count - 1, texts


@pytest.mark.parametrize("workers", [1, 2])
async def test_execute_accepts_at_once_decide_once(
    council: Council, waiting: dict[str, Any], second_worker: str, workers: int
) -> None:
    """The same, pressed as Action.Execute (Teams desktop and web): the answers come back as cards."""
    sam = council.sam
    urls = [sam.harness.url, second_worker][:workers]
    action = {"type": "Action.Execute", "verb": waiting["verb"], "data": waiting}
    presses = [
        sam.activity("invoke", name="adaptiveCard/action", value={"action": action, "trigger": "manual"})
        for _ in range(10)
    ]

    answers, _ = await posted_at_once(sam, presses, urls=urls)

    assert len(await council.decisions()) == 1
    # What each presser reads at the top of the card that replaces the one pressed.
    notices = [" ".join(strings(a["value"]["body"][0])) for a in answers]
    assert sum("Accepted: Recommendation" in n for n in notices) == 1, notices
    assert sum("was already accepted by Sam Scrutiny at" in n for n in notices) == 9, notices


async def test_saves_at_once_on_real_workers_save_one_version(
    database_url: str, fake_connector: FakeConnector, db: Database, seeded: Seeded
) -> None:
    """`--workers 2` for real: two processes on one port, each Save on its own connection, so the
    kernel spreads them over both."""
    if not database_url.startswith("postgresql"):
        pytest.skip("workers share a PostgreSQL database; SQLite takes one writer at a time")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(_env_file=None, database_url=database_url, port=port, workers=2)  # type: ignore[call-arg]
    processes = start_workers(settings)
    try:
        served = Workers(f"http://127.0.0.1:{port}", fake_connector)
        await served.started()
        fake_connector.add_member(CRAIG)
        chat = Chat(served, user=CRAIG, scope="personal")  # type: ignore[arg-type]
        save = await up_to_save(chat)

        replies = await at_once(chat, saves(chat, save, 20), urls=[served.url])
    finally:
        await asyncio.to_thread(stop_workers, processes)

    rows = await updates_for(db, seeded.actions["7.2"])
    assert [r.evidence for r in rows[1:]] == ["Six sessions run."]
    texts = [r.text for r in replies]
    assert texts.count(SAVED) == 1, texts
    assert sum(t.startswith("That was saved already") for t in texts) == 19, texts


@pytest.mark.parametrize("workers", [1, 2])
async def test_form_saves_at_once_as_execute_save_one_version(
    make_chat: MakeChat, db: Database, seeded: Seeded, second_worker: str, workers: int
) -> None:
    """The one-card form's Save, pressed as Action.Execute ten times at once."""
    chat = await make_chat(CRAIG)
    (form_message,) = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.2"]})
    (save,) = form_message.cards[0]["actions"]
    data = {**save["data"], "evidence": "Ten sessions.", "grade": "2", "explanation": "", "impact": ""}
    action = {"type": "Action.Execute", "verb": data["verb"], "data": data}
    presses = [
        chat.activity("invoke", name="adaptiveCard/action", value={"action": action, "trigger": "manual"})
        for _ in range(10)
    ]

    answers, _ = await posted_at_once(chat, presses, urls=[chat.harness.url, second_worker][:workers])

    rows = await updates_for(db, seeded.actions["7.2"])
    assert [r.evidence for r in rows[1:]] == ["Ten sessions."]
    notices = [" ".join(strings(a["value"]["body"][0])) for a in answers]
    assert sum("Saved: Recommendation 7, action 2" in n for n in notices) == 1, notices
    assert sum("That was saved already, by Craig Taylor" in n for n in notices) == 9, notices
