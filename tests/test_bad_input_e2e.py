"""Every bad input in the brief's list, over HTTP: the reply a user sees, and nothing changed it shouldn't.

An unknown command, a grade of 5, empty and 50,000-character evidence, HTML or markdown in text, a
tampered card submit, an action the officer doesn't own, a duplicate delivery of the same activity.
"""

from __future__ import annotations

import json

from chat import MakeChat
from records import update_count, updates_for
from sqlalchemy import func, select
from test_update_e2e import CRAIG, answer, seeded, shown
from test_updates import IMPORTED, Seeded

from documents.grades import Grade
from store.db import Database
from store.models import ProgressUpdate

__all__ = ["seeded"]  # the fixture, imported for its side effect on pytest


async def test_an_unknown_command_gets_help_and_changes_nothing(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    replies = await chat.say("frobnicate the widgets")
    assert "update" in replies[0].text and "help" in replies[0].text
    assert await update_count(db) == IMPORTED


async def test_a_grade_of_5_is_asked_again_in_the_committees_words(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update", "Ran six sessions.")
    replies = await chat.say("5")
    assert replies[0].text == (
        "That isn't a grade. Choose 1 Fully Achieved, 2 On-Track, 3 Slipped or 4 Not Achieved."
    )
    replies = await answer(chat, {"answer": "2"}, {"answer": "skip"}, {"answer": "save"})
    assert replies[-1].text == "Saved: Recommendation 7, action 2 — On-Track for September 2020."


async def test_empty_evidence_is_asked_for_again_and_an_empty_form_is_refused(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    await chat.say("update")
    replies = await chat.submit({"answer": "   "})
    assert "I need an answer to this one" in shown(replies)
    await chat.say("cancel")

    (form_message,) = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.2"]})
    (save,) = form_message.cards[0]["actions"]
    replies = await chat.submit({**save["data"], "evidence": "", "grade": "2"}, reply_to=form_message)
    assert "Evidence of progress is needed" in shown(replies)
    assert await update_count(db) == IMPORTED


async def test_50000_characters_of_evidence_are_kept_not_lost_and_can_be_trimmed(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    await chat.say("update")
    typed = "Sessions ran in every library. " * 1_613  # 50,003 characters
    replies = await chat.say(typed[:50_000])
    assert shown(replies).startswith(
        "That is 50,000 characters long; the limit is 20,000. I have kept what you wrote."
    )
    assert await update_count(db) == IMPORTED
    assert all(len(json.dumps(r.raw)) < 28_000 for r in replies)  # never echoes the whole text back

    await chat.restart()  # walking away and coming back loses nothing
    await answer(chat, "keep", {"answer": "2"}, {"answer": "skip"}, {"answer": "save"})
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert saved.evidence == typed[:20_000].rstrip()


async def test_html_and_markdown_are_kept_as_typed_and_shown_as_text(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    typed = "<script>alert(1)</script> **Done** <b>really</b> [link](javascript:alert(2))"
    replies = await answer(chat, "update", typed, {"answer": "2"}, {"answer": "skip"})
    runs = [run for r in replies for run in r.text_runs]
    # TextRuns, which Adaptive Cards never read as Markdown or HTML: the tags stay as typed, the
    # convention's bold is drawn, and a link to anything but a web address stays words.
    assert [run for run in runs if run in typed][-3:] == [
        "<script>alert(1)</script> ",
        "Done",
        " <b>really</b> [link](javascript:alert(2))",
    ]
    assert '"url": "javascript' not in json.dumps([r.cards for r in replies])
    await chat.submit({"answer": "save"})
    assert (await updates_for(db, seeded.actions["7.2"]))[-1].evidence == typed


async def test_a_tampered_card_submit_is_refused_and_nothing_saved(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    (form_message,) = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.2"]})
    (save,) = form_message.cards[0]["actions"]
    for tampered in (
        {**save["data"], "evidence": "x", "grade": "5"},
        {**save["data"], "evidence": "x", "grade": "2", "action_id": "7; DROP TABLE"},
        {**save["data"], "evidence": "x", "grade": "2", "round_id": seeded.rounds["March 2020"]},
        {"verb": "save_update"},
    ):
        replies = await chat.submit(tampered, reply_to=form_message)
        assert replies and replies[0].text.startswith("Not saved"), tampered
    assert await update_count(db) == IMPORTED


async def test_a_button_for_an_action_the_officer_does_not_own_is_refused(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)  # 7.1 is Lorraine Dixon and Liz Purdy's
    replies = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.1"]})
    assert [r.text for r in replies] == [
        "Recommendation 7, action 1 is Liz Purdy’s or Lorraine Dixon’s to update: ask them or an admin."
    ]
    assert not any(r.cards for r in replies)
    assert await update_count(db) == IMPORTED


async def test_a_duplicate_delivery_of_the_confirmation_saves_one_update(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update", "Ran six sessions.", {"answer": "2"}, {"answer": "skip"})
    await chat.submit({"answer": "save"})
    again = await chat.resend()
    assert again == []  # acknowledged, nothing said twice
    async with db.session() as session:
        saved = await session.scalar(
            select(func.count())
            .select_from(ProgressUpdate)
            .where(ProgressUpdate.grade == Grade.ON_TRACK, ProgressUpdate.evidence == "Ran six sessions.")
        )
    assert saved == 1
