"""The guided update, turn by turn, on botbuilder's TestAdapter with dialog state in the database.

Every turn builds the dialogs afresh and reads the state back from SQL storage, as a restarted or
second replica would: nothing survives in memory between turns.
"""

from __future__ import annotations

from typing import Any

import pytest
from botbuilder.core import ConversationState, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs import DialogSet
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from cardcheck import strings
from records import update_count, updates_for
from sqlalchemy import delete, select
from test_updates import IMPORTED, Seeded, seed

from bot.features import build_dialogs
from bot.storage import SqlStorage
from dialogs.context import Caller
from dialogs.update_handlers import update_handlers
from documents.grades import Grade
from store.db import Database
from store.models import BotStateItem, UpdateSource

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
MAX = 200  # small, so over-long text is easy to type in a test


class Chat:
    """One personal chat: routes as the bot does (an active dialog first, then commands and verbs)."""

    def __init__(self, db: Database, caller: Caller, *, user_id: str = "29:user") -> None:
        self.db = db
        self.caller = caller
        self.storage = SqlStorage(db)
        self.adapter = TestAdapter(self._turn)
        self.adapter.template.from_property = ChannelAccount(id=user_id, name=caller.name)

    async def _turn(self, turn_context: TurnContext) -> None:
        state = ConversationState(self.storage)
        dialogs = DialogSet(state.create_property("DialogState"))
        for dialog in build_dialogs(self.db, max_text_length=MAX):
            dialogs.add(dialog)
        handlers = update_handlers(self.db, max_text_length=MAX)
        dc = await dialogs.create_context(turn_context)
        activity = turn_context.activity
        if dc.active_dialog is not None:
            await dc.continue_dialog()
        elif isinstance(activity.value, dict):
            await handlers.verbs()[activity.value["verb"]](dc, self.caller, activity.value)
        else:
            command, _, args = (activity.text or "").partition(" ")
            await handlers.commands()[command.lower()](dc, self.caller, args)
        await state.save_changes(turn_context)

    async def _send(self, activity: Activity) -> list[Activity]:
        self.adapter.activity_buffer.clear()
        await self.adapter.receive_activity(activity)
        return list(self.adapter.activity_buffer)

    async def say(self, text: str) -> list[Activity]:
        return await self._send(Activity(type=ActivityTypes.message, text=text))

    async def press(self, value: dict[str, Any], *, reply_to_id: str | None = None) -> list[Activity]:
        return await self._send(Activity(type=ActivityTypes.message, value=value, reply_to_id=reply_to_id))


def said(replies: list[Activity]) -> str:
    """All a reader sees in these replies: texts and every string on their cards."""
    parts: list[str] = []
    for reply in replies:
        parts.append(reply.text or "")
        for attachment in reply.attachments or []:
            if attachment.content_type == ADAPTIVE_CARD:
                parts += strings(attachment.content)
    return "\n".join(parts)


def card_of(replies: list[Activity]) -> dict[str, Any]:
    cards = [a.content for r in replies for a in r.attachments or [] if a.content_type == ADAPTIVE_CARD]
    assert cards, f"no card in {said(replies)!r}"
    return cards[-1]


@pytest.fixture
async def seeded(db: Database) -> Seeded:
    return await seed(db)


def caller(seeded: Seeded, who: str, name: str, *, is_admin: bool = False) -> Caller:
    return Caller(person_id=seeded.people[who], name=name, is_admin=is_admin)


async def test_a_whole_update_from_update_to_the_saved_row(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))

    # Craig owns one action: straight to it, shown in context with last round's answer.
    replies = await chat.say("update")
    shown = said(replies)
    assert "Recommendation 7, action 2 · September 2020 update" in shown
    assert "Market and promote to Adult learners." in shown and "Learners use iDEA." in shown
    assert "October 2019 - ongoing" in shown and "Craig Taylor" in shown
    assert "Last round (March 2020)" in shown and "Slipped" in shown and "Piloted with two groups." in shown
    assert "Evidence of progress" in replies[-1].text

    evidence = "Ran six sessions:\n- Stockton library\n- Thornaby hub\nSee https://example.org/idea"
    replies = await chat.say(evidence)
    assert "how would you grade it?" in said(replies)
    grade_buttons = [a["title"] for a in card_of(replies)["actions"]]
    assert grade_buttons == ["1 Fully Achieved", "2 On-Track", "3 Slipped", "4 Not Achieved"]

    replies = await chat.press({"answer": "3"})
    assert "**Slipped** needs an explanation" in said(replies)
    replies = await chat.say("Two venues closed in March.")
    assert "Evidence of impact" in said(replies)
    replies = await chat.press({"answer": "skip"})
    summary = said(replies)
    assert "Here is your update. Save it?" in summary
    # The list is drawn with bullets.
    drawn = "Ran six sessions:\n• Stockton library\n• Thornaby hub\nSee https://example.org/idea"
    assert drawn in summary and "Slipped" in summary and "Two venues closed in March." in summary
    assert [a["title"] for a in card_of(replies)["actions"]] == ["Save", "Change", "Cancel"]

    replies = await chat.press({"answer": "save"})
    assert said(replies) == "Saved: Recommendation 7, action 2 — Slipped for September 2020."
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert (saved.evidence, saved.grade, saved.explanation, saved.impact) == (
        evidence,
        Grade.SLIPPED,
        "Two venues closed in March.",
        None,
    )
    assert saved.round_id == seeded.rounds["September 2020"]
    assert saved.recorded_by_id == seeded.people["craig"] and saved.source is UpdateSource.TEAMS
    assert saved.activity_id is not None

    # The dialog is over: the next message is a new command, not an answer.
    assert "Evidence of progress" in said(await chat.say("update"))


async def test_choosing_a_recommendation_offers_the_officers_own_first(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "lorraine", "Lorraine Dixon"))
    replies = await chat.say("update")
    card = card_of(replies)
    titles = [c["title"] for c in card["body"][0]["choices"]]
    # The link officer may update all of Recommendation 7 and 9; she is named on 7's first action.
    assert titles[0].startswith("Recommendation 7:") and titles[1].startswith("Recommendation 9:")
    replies = await chat.press({"answer": "7"})
    assert [c["title"] for c in card_of(replies)["body"][0]["choices"]] == [
        "Action 1: Incorporate within the Council's workforce development plan.",
        "Action 2: Market and promote to Adult learners.",
    ]
    replies = await chat.say("2")
    assert "Recommendation 7, action 2 · September 2020 update" in said(replies)


async def test_update_with_a_number_goes_straight_to_that_recommendation(
    db: Database, seeded: Seeded
) -> None:
    chat = Chat(db, caller(seeded, "liz", "Liz Purdy"))
    replies = await chat.say("update 9")
    assert "Recommendation 9, action 1 · September 2020 update" in said(replies)
    assert "Evidence of progress" in replies[-1].text


async def test_someone_elses_action_is_refused_and_nothing_changes(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "liz", "Liz Purdy"))
    replies = await chat.say("update 7.2")
    assert said(replies) == (
        "Recommendation 7, action 2 is Craig Taylor’s to update: ask them, the link officer (Lorraine Dixon) "
        "or an admin."
    )
    # A hand-made "open the guided update" button for the same action is refused the same way.
    replies = await chat.press({"verb": "open_update", "action_id": seeded.actions["7.2"], "guided": True})
    assert "is Craig Taylor’s to update" in said(replies)
    assert await update_count(db) == IMPORTED


async def test_update_with_words_it_cannot_read_says_what_it_takes(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "liz", "Liz Purdy"))
    replies = await chat.say("update wifi")
    assert said(replies).startswith("**update** takes a recommendation number, like **update 7**")


async def test_in_a_shared_conversation_only_the_starter_answers(db: Database, seeded: Seeded) -> None:
    craig = Chat(db, caller(seeded, "craig", "Craig Taylor"), user_id="29:craig")
    liz = Chat(db, caller(seeded, "liz", "Liz Purdy"), user_id="29:liz")  # same conversation id
    await craig.say("update")
    replies = await liz.say("cancel")
    assert "Someone else is giving a progress update here" in said(replies)
    replies = await craig.say("<p>Cancel</p>")
    assert said(replies) == "Cancelled: nothing was saved."


async def test_someone_not_known_is_told_whom_to_ask(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, Caller(person_id=None, name="Visitor"))
    replies = await chat.say("update")
    assert said(replies) == (
        "I don't know you as an officer yet, so I can't record anything for you. "
        "Please ask Ada Admin to add you to the roster."  # the roster's admin, by name
    )


async def test_cancel_half_way_saves_nothing(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    await chat.say("update")
    await chat.say("Some evidence.")
    replies = await chat.say("Cancel")
    assert said(replies) == "Cancelled: nothing was saved."
    assert await update_count(db) == IMPORTED
    # And the conversation is free again.
    assert "Evidence of progress" in said(await chat.say("update"))


async def test_the_cancel_button_on_the_summary_saves_nothing(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    for answer in ("update", "Evidence.", "2", "skip"):
        await chat.say(answer)
    replies = await chat.press({"answer": "cancel"})
    assert said(replies) == "Cancelled: nothing was saved."
    assert await update_count(db) == IMPORTED


async def test_back_returns_to_the_previous_question_showing_the_previous_answer(
    db: Database, seeded: Seeded
) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    await chat.say("update")
    await chat.say("First version of the evidence.")
    replies = await chat.say("back")
    shown = said(replies)
    assert "Evidence of progress" in shown and "First version of the evidence." in shown
    replies = await chat.say("same")  # keeps it
    assert "how would you grade it?" in said(replies)
    await chat.say("on track")
    replies = await chat.say("back")
    assert "how would you grade it?" in said(replies) and "You chose On-Track last time." in said(replies)
    await chat.say("1")
    await chat.say("skip")
    replies = await chat.say("save")
    assert said(replies) == "Saved: Recommendation 7, action 2 — Fully Achieved for September 2020."
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert (saved.evidence, saved.grade) == ("First version of the evidence.", Grade.FULLY_ACHIEVED)


async def test_back_at_the_first_question_says_so(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    await chat.say("update")
    replies = await chat.say("back")
    assert "This is the first question" in said(replies)
    assert "Evidence of progress" in said(replies)  # asked again


async def test_change_on_the_summary_asks_one_answer_again(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    for answer in ("update", "Evidence.", "2", "Some impact."):
        await chat.say(answer)
    replies = await chat.press({"answer": "change"})
    assert "What would you like to change?" in said(replies)
    replies = await chat.say("evidence of progress")
    assert "Evidence." in said(replies)  # the old answer, offered again
    replies = await chat.say("Better evidence.")
    summary = said(replies)
    assert "Save it?" in summary and "Better evidence." in summary and "Some impact." in summary
    await chat.say("save")
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert (saved.evidence, saved.grade, saved.impact) == ("Better evidence.", Grade.ON_TRACK, "Some impact.")


async def test_help_explains_the_question_and_asks_it_again(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    await chat.say("update")
    await chat.say("Evidence.")
    replies = await chat.say("help")
    shown = said(replies)
    assert "The grades are the committee's" in shown and "**cancel** to stop without saving" in shown
    assert "how would you grade it?" in shown


async def test_over_long_evidence_is_kept_and_can_be_trimmed(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    await chat.say("update")
    long_text = "word " * 60  # 300 characters against a limit of 200
    replies = await chat.say(long_text)
    assert said(replies).startswith(
        "That is 299 characters long; the limit is 200. I have kept what you wrote."
    )
    # Walking away and coming back (state is in the database) loses nothing.
    replies = await chat.say("keep")
    assert "how would you grade it?" in said(replies)
    for answer in ("2", "skip", "save"):
        await chat.say(answer)
    saved = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert saved.evidence == long_text.strip()[:200].rstrip()


async def test_a_grade_that_does_not_exist_is_asked_again_in_plain_words(
    db: Database, seeded: Seeded
) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    await chat.say("update")
    await chat.say("Evidence.")
    replies = await chat.say("5")
    assert replies[0].text == (
        "That isn't a grade. Choose 1 Fully Achieved, 2 On-Track, 3 Slipped or 4 Not Achieved."
    )
    assert "how would you grade it?" in said(replies[1:])
    replies = await chat.press({"answer": "2"})
    assert "Evidence of impact" in said(replies)


async def test_slipped_needs_an_explanation_before_going_on(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    for answer in ("update", "Evidence."):
        await chat.say(answer)
    replies = await chat.say("Slipped")
    assert "**Slipped** needs an explanation" in said(replies)
    # A card button press with no text is not an answer to a free-text question: asked again.
    replies = await chat.press({"unrelated": True})
    assert "I need an answer to this one" in said(replies)
    replies = await chat.say("   ")
    assert "I need an answer to this one" in said(replies)
    replies = await chat.say("Staff shortages.")
    assert "Evidence of impact" in said(replies)


async def test_an_admin_chooses_the_review_first(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, Caller(person_id=seeded.people["ada"], name="Ada Admin", is_admin=True))
    replies = await chat.say("update")
    titles = [c["title"] for c in card_of(replies)["body"][0]["choices"]]
    assert titles == ["Digital Optimisation", "Youth Services"]
    replies = await chat.say("youth")
    assert "Recommendation 1, action 1 · October 2020 update" in said(replies)


async def test_changing_a_saved_answer_says_so_and_offers_it(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    for answer in ("update", "Evidence.", "2", "skip", "save"):
        await chat.say(answer)
    replies = await chat.say("update")
    shown = said(replies)
    assert "You are changing the answer saved on" in shown and "by Craig Taylor" in shown
    assert "Keep my previous answer" in shown


async def test_a_confirmation_delivered_again_after_a_crash_saves_once(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    for answer in ("update", "Evidence.", "2", "skip"):
        await chat.say(answer)
    async with db.session() as session:
        before = [(row.key, dict(row.data), row.e_tag) for row in await session.scalars(select(BotStateItem))]
    await chat._send(Activity(type=ActivityTypes.message, text="save", id="confirm-1"))
    # As if the bot fell over after saving the update but before saving its dialog state:
    # the state is as it was, and Teams delivers the same activity again.
    async with db.session() as session:
        await session.execute(delete(BotStateItem))
        session.add_all(BotStateItem(key=key, data=data, e_tag=e_tag) for key, data, e_tag in before)
    replies = await chat._send(Activity(type=ActivityTypes.message, text="save", id="confirm-1"))
    # Told it was saved (and what), not saved twice.
    assert replies[0].text.startswith("That was saved already, by Craig Taylor at ")
    assert "Saved: Recommendation 7, action 2 · September 2020 update" in said(replies[1:])
    assert len(await updates_for(db, seeded.actions["7.2"])) == 2  # March's import and this one


# --- The one-card form ---


async def open_form(chat: Chat, action_id: int) -> tuple[dict[str, Any], str]:
    """Press a button that opens the form; returns the form card and the id Teams gave its message."""
    replies = await chat.press({"verb": "open_update", "action_id": action_id})
    form = card_of(replies)
    return form, str(chat.adapter._next_id)  # TestAdapter numbers what the bot sends


def filled(form: dict[str, Any], **inputs: Any) -> dict[str, Any]:
    """What Teams sends when Save is pressed: the button's data plus the inputs' values."""
    (save,) = form["actions"]
    return {**save["data"], "evidence": "", "grade": "", "explanation": "", "impact": "", **inputs}


async def test_the_form_saves_and_is_replaced_by_a_read_only_card(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    form, form_message = await open_form(chat, seeded.actions["7.2"])
    assert "Recommendation 7, action 2 · September 2020 update" in strings(form)
    replies = await chat.press(filled(form, evidence="Six sessions.", grade="2"), reply_to_id=form_message)
    assert said(replies) == "Saved: Recommendation 7, action 2 — On-Track for September 2020."
    (replaced,) = chat.adapter.updated_activities
    assert replaced.id == form_message
    saved = replaced.attachments[0].content
    assert "Saved: Recommendation 7, action 2 · September 2020 update" in strings(saved)
    assert "Six sessions." in strings(saved) and "actions" not in saved
    row = (await updates_for(db, seeded.actions["7.2"]))[-1]
    assert (row.evidence, row.grade, row.recorded_by_id) == (
        "Six sessions.",
        Grade.ON_TRACK,
        seeded.people["craig"],
    )


async def test_the_same_form_submitted_twice_saves_once(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    form, form_message = await open_form(chat, seeded.actions["7.2"])
    submit = filled(form, evidence="Six sessions.", grade="2")
    await chat.press(submit, reply_to_id=form_message)
    replies = await chat.press({**submit, "evidence": "Changed on a stale client"}, reply_to_id=form_message)
    assert "That was saved already, by " in said(replies)
    assert [u.evidence for u in await updates_for(db, seeded.actions["7.2"])][1:] == ["Six sessions."]


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (
            {"action_id": "7.1"},
            "Not saved: Recommendation 7, action 1 is Liz Purdy’s or Lorraine Dixon’s to update: "
            "ask them or an admin.",
        ),
        ({"grade": "5"}, "Not saved: That isn't a grade."),
        ({"action_id": None}, "Not saved: I couldn't read that form."),
        ({"round_id": "March 2020"}, "Not saved: The March 2020 round of “Digital Optimisation” is closed"),
        ({"grade": "3"}, "Not saved: Slipped needs an explanation"),
        ({"evidence": "  "}, "Not saved: Evidence of progress is needed"),
        ({"grade": ""}, "Not saved: Choose a grade"),
    ],
)
async def test_a_wrong_or_tampered_form_is_refused_and_nothing_saved(
    db: Database, seeded: Seeded, change: dict[str, Any], refusal: str
) -> None:
    chat = Chat(db, caller(seeded, "craig", "Craig Taylor"))
    form, form_message = await open_form(chat, seeded.actions["7.2"])
    submit = filled(form, evidence="Six sessions.", grade="2")
    for key, value in change.items():
        if key == "action_id" and value:
            value = seeded.actions[value]
        if key == "round_id":
            value = seeded.rounds[value]
        submit[key] = value
    replies = await chat.press(submit, reply_to_id=form_message)
    assert said(replies).startswith(refusal)
    assert not chat.adapter.updated_activities  # the form stays, to be corrected
    assert await update_count(db) == IMPORTED


async def test_a_form_for_someone_elses_action_is_not_sent(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "liz", "Liz Purdy"))
    replies = await chat.press({"verb": "open_update", "action_id": seeded.actions["7.2"]})
    assert said(replies).startswith("Recommendation 7, action 2 is Craig Taylor’s to update")
    assert not any(r.attachments for r in replies)


async def test_a_form_submitted_mid_dialog_is_saved_and_the_question_asked_again(
    db: Database, seeded: Seeded
) -> None:
    chat = Chat(db, caller(seeded, "lorraine", "Lorraine Dixon"))
    form, form_message = await open_form(chat, seeded.actions["7.2"])
    await chat.say("update 7.1")
    replies = await chat.press(filled(form, evidence="For Craig.", grade="2"), reply_to_id=form_message)
    shown = said(replies)
    assert "Saved: Recommendation 7, action 2 — On-Track" in shown and "Evidence of progress" in shown
    replies = await chat.say("For 7.1.")
    assert "how would you grade it?" in said(replies)


async def test_opening_another_update_mid_dialog_leaves_the_first(db: Database, seeded: Seeded) -> None:
    chat = Chat(db, caller(seeded, "lorraine", "Lorraine Dixon"))
    await chat.say("update 7.1")
    replies = await chat.press({"verb": "open_update", "action_id": seeded.actions["7.2"], "guided": True})
    shown = said(replies)
    assert "I've left the update you were giving for Recommendation 7, action 1" in shown
    assert "Recommendation 7, action 2 · September 2020 update" in shown
    for answer in ("Evidence.", "2", "skip", "save"):
        replies = await chat.say(answer)
    assert said(replies) == "Saved: Recommendation 7, action 2 — On-Track for September 2020."
