"""A command typed where the guided update asks for any words ("update 7" at "Evidence of progress?")
is asked about, not saved as the answer: start again, or keep the words. Progress that only begins
like a command is an answer, as before."""

from __future__ import annotations

from typing import Any

import pytest
from chat import MakeChat, Reply
from records import update_count, updates_for
from test_update_e2e import CRAIG, answer, shown
from test_updates import IMPORTED, Seeded, seed

from store.db import Database

# Each question that takes any words: the answers that reach it, and its name in the question.
QUESTIONS: dict[str, tuple[list[str | dict[str, Any]], str]] = {
    "evidence": ([], "evidence"),
    "explanation": (["Six sessions run.", {"answer": "3"}], "explanation"),
    "impact": (["Six sessions run.", {"answer": "2"}], "evidence of impact"),
}


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    return await seed(db)


def buttons(reply: Reply) -> dict[str, dict[str, Any]]:
    return {action["title"]: action["data"] for card in reply.cards for action in card.get("actions", [])}


@pytest.mark.parametrize("question", QUESTIONS)
async def test_update_typed_at_a_question_offers_to_start_again(
    make_chat: MakeChat, db: Database, seeded: Seeded, question: str
) -> None:
    before, name = QUESTIONS[question]
    chat = await make_chat(CRAIG)
    await answer(chat, "update", *before)

    (asked,) = await chat.say("update 7")
    assert f"Start again with Recommendation 7, or keep “update 7” as your {name}?" in asked.shown
    assert list(buttons(asked)) == ["Start again with Recommendation 7", f"Keep it as my {name}"]
    assert await update_count(db) == IMPORTED

    replies = await chat.submit(buttons(asked)["Start again with Recommendation 7"])
    assert replies[0].text == "Cancelled: nothing was saved."
    assert "Recommendation 7, action 2 · September 2020 update" in shown(replies)
    assert "Evidence of progress" in replies[-1].text  # the new update's first question
    assert await update_count(db) == IMPORTED


@pytest.mark.parametrize("question", QUESTIONS)
async def test_a_command_kept_as_the_answer_is_saved_as_typed(
    make_chat: MakeChat, db: Database, seeded: Seeded, question: str
) -> None:
    before, name = QUESTIONS[question]
    chat = await make_chat(CRAIG)
    await answer(chat, "update", *before)

    (asked,) = await chat.say("status")
    assert f"Stop this update and do “status”, or keep “status” as your {name}?" in asked.shown
    await chat.submit(buttons(asked)[f"Keep it as my {name}"])
    rest: dict[str, list[str | dict[str, Any]]] = {
        "evidence": [{"answer": "2"}, {"answer": "skip"}],
        "explanation": [{"answer": "skip"}],
        "impact": [],
    }
    replies = await answer(chat, *rest[question], {"answer": "save"})
    assert replies[0].text.startswith("Saved: Recommendation 7, action 2")
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert {"evidence": saved.evidence, "explanation": saved.explanation, "impact": saved.impact}[
        question
    ] == "status"


async def test_stop_and_do_runs_the_command(make_chat: MakeChat, db: Database, seeded: Seeded) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update")
    (asked,) = await chat.say("my actions")
    replies = await chat.submit(buttons(asked)["Stop this update and do “my actions”"])
    assert replies[0].text == "Cancelled: nothing was saved."
    assert "Your actions: 1" in shown(replies[1:])
    # The conversation is free: the next words are a command again.
    (reply,) = await chat.say("help")
    assert reply.text.startswith("Here is what I can do")


@pytest.mark.parametrize(
    "words",
    [
        "Updated the library website with the new opening hours.",
        "Update: the survey went out to all staff on Monday.",
        "Status report sent to the Digital Services Group in October.",
    ],
)
async def test_progress_that_begins_like_a_command_is_the_answer(
    make_chat: MakeChat, db: Database, seeded: Seeded, words: str
) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update")
    replies = await chat.say(words)
    assert "how would you grade it?" in shown(replies)
    await answer(chat, {"answer": "2"}, {"answer": "skip"}, {"answer": "save"})
    assert (await updates_for(db, seeded.actions["7.2"]))[-1].evidence == words
