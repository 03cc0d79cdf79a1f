"""Progress updates end to end: Teams-shaped activities POSTed to the real app, replies via the connector."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from chat import Chat, MakeChat, Reply
from fake_connector import TeamsUser
from records import update_count, updates_for
from test_scheduler import officer, open_september, seed_sample
from test_updates import IMPORTED, Seeded, seed

from documents.grades import Grade
from store.db import Database
from store.models import UpdateSource


def user(first: str, name: str) -> TeamsUser:
    """Someone from the seeded plan, as Teams knows them (seed() gave them these ids)."""
    return TeamsUser(name=name, email=f"{first}@stockton.gov.uk", aad_object_id=f"aad-{first}")


CRAIG = user("craig", "Craig Taylor")
LIZ = user("liz", "Liz Purdy")


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    return await seed(db)


def shown(replies: list[Reply]) -> str:
    return "\n".join(part for r in replies for part in (r.text, r.card_text) if part)


async def answer(chat: Chat, *answers: str | dict[str, Any]) -> list[Reply]:
    replies: list[Reply] = []
    for given in answers:
        replies = await (chat.say(given) if isinstance(given, str) else chat.submit(given))
    return replies


async def test_a_whole_update_in_personal_chat(make_chat: MakeChat, db: Database, seeded: Seeded) -> None:
    chat = await make_chat(CRAIG)
    replies = await chat.say("update")
    assert "Recommendation 7, action 2 · September 2020 update" in shown(replies)
    assert "Piloted with two groups." in shown(replies)  # last round's evidence
    assert "Evidence of progress" in replies[-1].text

    replies = await answer(chat, "Ran six sessions.\n- Stockton\n- Thornaby")
    assert "how would you grade it?" in shown(replies)
    replies = await answer(chat, {"answer": "3"}, "Two venues closed.", {"answer": "skip"})
    assert "Save it?" in shown(replies) and "Two venues closed." in shown(replies)
    replies = await answer(chat, {"answer": "save"})
    assert [r.text for r in replies] == ["Saved: Recommendation 7, action 2 — Slipped for September 2020."]

    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert (saved.evidence, saved.grade, saved.explanation, saved.impact) == (
        "Ran six sessions.\n- Stockton\n- Thornaby",
        Grade.SLIPPED,
        "Two venues closed.",
        None,
    )
    assert saved.recorded_by_id == seeded.people["craig"] and saved.source is UpdateSource.TEAMS


async def test_progress_sent_outside_an_update_is_kept_and_offered_as_evidence(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    """An officer types their progress straight in: nothing is recorded yet, nothing is lost, and
    the next "update" offers those words at the evidence question."""
    chat = await make_chat(CRAIG)
    words = "Staff signed up to iDEA; 40 badges earned across six libraries."
    (reply,) = await chat.say(words)
    assert reply.text.startswith(
        "That sounds like progress on an action. I haven't recorded it yet, but I've kept your words: "
        "say **update**, choose the action, and I'll offer them as its evidence."
    )
    assert await update_count(db) == IMPORTED

    replies = await chat.say("update")
    assert "Evidence of progress" in shown(replies) and words in shown(replies)
    assert "Keep my previous answer" in shown(replies)
    replies = await answer(chat, {"answer": "same"}, {"answer": "2"}, {"answer": "skip"}, {"answer": "save"})
    assert [r.text for r in replies] == ["Saved: Recommendation 7, action 2 — On-Track for September 2020."]
    assert (await updates_for(db, seeded.actions["7.2"]))[-1].evidence == words


async def test_progress_that_starts_like_a_command_is_kept_too(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    """ "Updated the website…" begins like "update", but reads as progress: kept, not corrected."""
    chat = await make_chat(CRAIG)
    words = "Updated the library website with the new opening hours today."
    (reply,) = await chat.say(words)
    assert reply.text.startswith("That sounds like progress on an action. I haven't recorded it yet")
    assert "Did you mean" not in reply.text and "**update the" not in reply.text
    replies = await chat.say("update")
    assert words in shown(replies) and "Keep my previous answer" in shown(replies)
    assert await update_count(db) == IMPORTED
    # A short question with a slip in it is a question: answered (which review?), nothing kept.
    await chat.say("cancel")
    (reply,) = await chat.say("stauts 7")
    assert "Which review?" in "\n".join(reply.shown) and "kept your words" not in reply.text


async def test_the_card_form_saves_and_replaces_itself(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    replies = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.2"]})
    (form_message,) = replies
    (form,) = form_message.cards
    (save,) = form["actions"]
    submit = {
        **save["data"],
        "evidence": "Six sessions.",
        "grade": "2",
        "explanation": "",
        "impact": "Ten learners.",
    }

    replies = await chat.submit(submit, reply_to=form_message)
    assert [r.text for r in replies] == ["Saved: Recommendation 7, action 2 — On-Track for September 2020."]
    (replaced,) = chat.updates
    assert replaced.activity_id == form_message.id
    (saved_card,) = [a["content"] for a in replaced.body["attachments"]]
    assert saved_card["body"][0]["text"] == "Saved: Recommendation 7, action 2 · September 2020 update"
    assert "actions" not in saved_card  # nothing left to press

    # The old form again (a stale client, a second click): nothing more is saved.
    replies = await chat.submit({**submit, "evidence": "Different"}, reply_to=form_message)
    assert replies[0].text.startswith("That was saved already, by Craig Taylor at ")
    rows = await updates_for(db, seeded.actions["7.2"])
    assert [(r.evidence, r.grade, r.impact) for r in rows[1:]] == [
        ("Six sessions.", Grade.ON_TRACK, "Ten learners.")
    ]


async def test_cancel_half_way_changes_nothing(make_chat: MakeChat, db: Database, seeded: Seeded) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update", "Some evidence.", "2")
    replies = await chat.say("cancel")
    assert [r.text for r in replies] == ["Cancelled: nothing was saved."]
    assert await update_count(db) == IMPORTED
    # The conversation is free again: the next words are a command.
    replies = await chat.say("help")
    assert replies[0].text.startswith("Here is what I can do")


async def test_a_restart_half_way_carries_on_where_it_stopped(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update", "Evidence typed before the restart.")
    await chat.restart()  # a new app on the same database: nothing in memory survives
    replies = await chat.submit({"answer": "4"})
    assert "**Not Achieved** needs an explanation" in shown(replies)
    await chat.restart()
    replies = await answer(chat, "Funding withdrawn.", "skip")
    assert "Evidence typed before the restart." in shown(replies)
    await answer(chat, "save")
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert (saved.evidence, saved.grade, saved.explanation) == (
        "Evidence typed before the restart.",
        Grade.NOT_ACHIEVED,
        "Funding withdrawn.",
    )


async def test_a_duplicate_delivery_saves_one_update(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(CRAIG)
    await answer(chat, "update", "Evidence.", "2", "skip", "save")
    await chat.resend()  # Teams delivers the "save" again
    assert len(await updates_for(db, seeded.actions["7.2"])) == 2  # March's import and this one

    replies = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.2"]})
    (save,) = replies[0].cards[0]["actions"]
    await chat.submit({**save["data"], "evidence": "Form evidence.", "grade": "1"}, reply_to=replies[0])
    await chat.resend()
    assert [u.evidence for u in await updates_for(db, seeded.actions["7.2"])][1:] == [
        "Evidence.",
        "Form evidence.",
    ]


async def test_an_officer_cannot_update_someone_elses_action(
    make_chat: MakeChat, db: Database, seeded: Seeded
) -> None:
    chat = await make_chat(LIZ)
    replies = await chat.say("update 7.2")
    assert [r.text for r in replies] == [
        "Recommendation 7, action 2 is Craig Taylor’s to update: ask them, the link officer (Lorraine Dixon) "
        "or an admin."
    ]
    # Her own form, with the action id changed by hand to Craig's.
    replies = await chat.submit({"verb": "open_update", "action_id": seeded.actions["7.1"]})
    (save,) = replies[0].cards[0]["actions"]
    tampered = {**save["data"], "action_id": seeded.actions["7.2"], "evidence": "Not mine.", "grade": "1"}
    replies = await chat.submit(tampered, reply_to=replies[0])
    assert replies[0].text.startswith("Not saved: Recommendation 7, action 2 is Craig Taylor’s to update")
    assert not chat.updates
    assert await update_count(db) == IMPORTED


async def test_the_pickers_run_in_number_order(make_chat: MakeChat, db: Database, samples: Path) -> None:
    """Lorraine, the link officer, may record for every open action: her own are not put first."""
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id)
    lorraine = await make_chat(officer("Lorraine Dixon"))
    (question,) = (await lorraine.say("update"))[0].cards
    numbers = [int(choice["value"]) for choice in question["body"][0]["choices"]]
    assert numbers == sorted(numbers) and {3, 6} <= set(numbers)
    (actions,) = (await lorraine.say("7"))[0].cards
    titles = [choice["title"] for choice in actions["body"][0]["choices"]]
    assert [title.split(":")[0] for title in titles] == [f"Action {n}" for n in range(1, len(titles) + 1)]
