"""Drafting the action plan in Teams, over HTTP with the fake connector: two link officers draft their
recommendations' actions on the card (add, change, remove), send them to the scrutiny officer, who
returns one with a reason (its drafter is told at the next tick) and accepts the other; the draft is
frozen once the plan is agreed; the draft plan exported as the council's Word document; and each bad
input refused with nothing changed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import docx
import pytest
from cardcheck import assert_valid_card, shown
from chat import Chat, MakeChat, Reply
from fake_connector import TeamsUser
from records import import_document
from sqlalchemy import func, select, update
from test_cli import Cli
from test_scheduler import ADMIN, Bot, fixture_bot, lines, london, officer  # noqa: F401 (fixtures)
from test_status import blocks

from documents.responses import ExecutiveResponse
from store.db import Database
from store.models import AgreedAction, Person, Recommendation, Review
from store.views import DraftState

REPORT = "review-final-report.txt"
LORRAINE = officer("Lorraine Dixon")  # a link officer: drafts Recommendation 1
CRAIG = officer("Craig Taylor")  # the other link officer: drafts Recommendation 4
SAM = officer("Sam Scrutiny")  # the scrutiny officer
ANDREW = officer("Andrew Mearns")  # neither a link officer nor an admin

MY_STOCKTON = {
    "agreed_action": "Review the My Stockton app with its users and publish what changes.",
    "responsibility": "Lorraine Dixon / Liz Purdy",
    "date": "April 2019",
    "success_measure": "A report of the review to the Digital Services Group.",
}
WIFI = {
    "agreed_action": "Offer free public wifi in every library.",
    "responsibility": "Craig Taylor",
    "date": "March 2020 – ongoing",
    "success_measure": "Wifi available in all 9 libraries.",
}
WHY_BACK = "Say which libraries first, and by when each."


def data(card: dict[str, Any], title: str, **where: Any) -> dict[str, Any]:
    """The data of the one button with this title (and these data values) anywhere in the card."""
    (found,) = [
        a
        for a in blocks([card.get("body"), card.get("actions")], "Action.Execute")
        if a.get("title") == title and all(a["data"].get(k) == v for k, v in where.items())
    ]
    result: dict[str, Any] = found["data"]
    return result


def inputs_for(key: int | str, values: dict[str, str]) -> dict[str, str]:
    return {f"{field}_{key}": value for field, value in values.items()}


def form_values(card: dict[str, Any]) -> dict[str, str]:
    return {i["id"]: i.get("value", "") for i in blocks(card["body"], "Input.Text")}


def card_of(replies: list[Reply]) -> dict[str, Any]:
    (card,) = [card for reply in replies for card in reply.cards]
    return card


def notes(pressed: Any) -> str:
    """What the bot said about a press: the notice at the top of the card put in its place, or its
    messages."""
    said = [r.text for r in pressed.posted if r.text]
    if pressed.body["type"] != "application/vnd.microsoft.card.adaptive":
        return "\n".join([*said, pressed.message])
    card = pressed.card
    if card["body"] and card["body"][0].get("style") == "emphasis":
        said += [item["text"] for item in card["body"][0]["items"]]
    return "\n".join(said)


async def draft_actions(db: Database, number: int) -> list[tuple[int, str, str, str]]:
    async with db.session() as session:
        rows = await session.execute(
            select(
                AgreedAction.position,
                AgreedAction.agreed_action,
                AgreedAction.responsibility,
                AgreedAction.date_text,
            )
            .join(Recommendation)
            .where(Recommendation.number == number)
            .order_by(AgreedAction.position)
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def draft_state(db: Database, number: int) -> tuple[DraftState | None, str | None]:
    async with db.session() as session:
        rec = await session.scalar(select(Recommendation).where(Recommendation.number == number))
        assert rec is not None
        return rec.draft_state, rec.draft_reason


async def count_actions(db: Database) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(AgreedAction)) or 0


async def people_for_the_report(db: Database) -> None:
    """Lorraine and Craig the review's link officers, Sam a scrutiny officer, Andrew an officer."""
    async with db.session() as session:
        review = await session.scalar(select(Review))
        assert review is not None
        made = {}
        for user in (LORRAINE, CRAIG, SAM, ANDREW):
            person = await session.scalar(select(Person).where(Person.name == user.name))
            if person is None:
                person = Person(name=user.name)
                session.add(person)
            person.email, person.aad_object_id = user.email, user.aad_object_id
            made[user.name] = person
        made[SAM.name].is_scrutiny_officer = True
        await session.flush()
        await session.refresh(review, ["link_officers"])
        review.link_officers = [made[LORRAINE.name], made[CRAIG.name]]


class Drafting:
    def __init__(self, bot: Bot, db: Database, make_chat: MakeChat) -> None:
        self.bot, self.db, self.make_chat = bot, db, make_chat
        self.chats: dict[str, Chat] = {}

    async def chat(self, user: TeamsUser) -> Chat:
        if user.name not in self.chats:
            chat = await self.make_chat(user)
            await chat.install()
            self.chats[user.name] = chat
        return self.chats[user.name]

    async def draft(self, user: TeamsUser, number: int) -> dict[str, Any]:
        card = card_of(await (await self.chat(user)).say(f"draft {number}"))
        assert_valid_card(card)
        return card

    async def add(self, user: TeamsUser, number: int, values: dict[str, str]) -> Any:
        card = await self.draft(user, number)
        return await (await self.chat(user)).execute(
            data(card, "Add this action"), inputs=inputs_for("new", values)
        )

    async def send(self, user: TeamsUser, number: int) -> Any:
        card = await self.draft(user, number)
        return await (await self.chat(user)).execute(data(card, "Send for review"))


@pytest.fixture(name="drafting")
async def fixture_drafting(bot: Bot, db: Database, make_chat: MakeChat, samples: Path) -> Drafting:
    async with db.session() as session:
        await import_document(session, path=samples / REPORT)
    await people_for_the_report(db)
    return Drafting(bot, db, make_chat)


async def test_two_link_officers_draft_one_is_returned_changed_and_both_accepted(
    drafting: Drafting, bot: Bot, db: Database
) -> None:
    sam = await drafting.chat(SAM)  # seen in Teams: told at the next tick
    # "draft" alone: the choice of the review's recommendations, each with its state.
    choice = card_of(await (await drafting.chat(LORRAINE)).say("draft"))
    assert_valid_card(choice)
    assert "Draft the action plan: Digital Optimisation" in shown(choice)
    assert "0 action(s) · not sent yet" in lines(choice)
    assert data(choice, "Draft recommendation 4")["verb"] == "show_draft"

    empty = await drafting.draft(LORRAINE, 1)
    assert "No actions yet: add the first below." in lines(empty)
    assert "Draft: not sent yet." in lines(empty)

    added = await drafting.add(LORRAINE, 1, MY_STOCKTON)
    assert "Added action 1 to Recommendation 1." in notes(added)
    assert_valid_card(added.card)
    assert MY_STOCKTON["agreed_action"] in shown(added.card)
    await drafting.add(LORRAINE, 1, {**MY_STOCKTON, "agreed_action": "A second action, to be removed."})
    await drafting.add(LORRAINE, 1, {**MY_STOCKTON, "agreed_action": "A third action.", "date": "Ongoing"})
    card = await drafting.draft(LORRAINE, 1)
    second = next(a for a in await draft_actions(db, 1) if a[0] == 2)
    assert second[1] == "A second action, to be removed."
    removed = await (await drafting.chat(LORRAINE)).execute(
        data(card, "Remove", action_id=await action_id(db, 1, 2))
    )
    assert "Removed action 2 of Recommendation 1." in notes(removed)
    assert [a[:2] for a in await draft_actions(db, 1)] == [
        (1, MY_STOCKTON["agreed_action"]),
        (2, "A third action."),
    ]
    # The responsibility's names are people who may then record the action's updates, as an import's.
    async with db.session() as session:
        assert await session.scalar(select(Person).where(Person.name == "Liz Purdy")) is not None

    await drafting.add(CRAIG, 4, WIFI)
    sent = await drafting.send(CRAIG, 4)
    assert "Sent Recommendation 4's 1 action(s) to the scrutiny officer." in notes(sent)
    assert "Draft: waiting for the scrutiny officer." in lines(sent.card)
    await drafting.send(LORRAINE, 1)
    assert (await draft_state(db, 1))[0] is DraftState.WAITING

    # The scrutiny officer's "review" lists both drafts, oldest first, with Accept and Return….
    replies = await sam.say("review")
    assert replies[0].text == "2 recommendations' draft actions wait for you, oldest first."
    wifi_card, stockton_card = replies[1].cards[0], replies[2].cards[0]
    assert_valid_card(wifi_card)
    assert "Recommendation 4 · draft actions from Craig Taylor" in lines(wifi_card)
    returned = await sam.execute({**data(wifi_card, "Return it"), "reason": WHY_BACK})
    assert "Returned Recommendation 4's draft to Craig Taylor. They will be told why." in notes(returned)
    assert await draft_state(db, 4) == (DraftState.RETURNED, WHY_BACK)
    accepted = await sam.execute(data(stockton_card, "Accept"))
    assert "Accepted Recommendation 1's draft actions for “Digital Optimisation”." in notes(accepted)
    assert "Accepted: Recommendation 1's draft actions" in lines(accepted.card)

    # Craig hears why at the next tick, once, with a button to his draft; Sam heard of each draft sent.
    craig = await drafting.chat(CRAIG)
    await bot.scheduler.tick(now=london("2026-12-07 10:00"))
    await bot.scheduler.tick(now=london("2026-12-07 10:05"))
    to_sam = [lines(r.body["attachments"][0]["content"]) for r in bot.posts(sam.conversation["id"])]
    assert [text[0] for text in to_sam if text and "wait for your review" in text[0]] == [
        "Recommendation 4 of “Digital Optimisation”: draft actions wait for your review",
        "Recommendation 1 of “Digital Optimisation”: draft actions wait for your review",
    ]
    told = [r for r in bot.posts(craig.conversation["id"]) if r.body.get("attachments")]
    assert len(told) == 1
    told_card = told[0].body["attachments"][0]["content"]
    assert "Your draft for Recommendation 4 of “Digital Optimisation” came back" in lines(told_card)
    assert f"Sam Scrutiny returned it: {WHY_BACK}" in " ".join(lines(told_card))
    opened = await craig.execute(data(told_card, "Change the draft"))
    assert f"Returned because: {WHY_BACK}" in " ".join(lines(opened.card))

    # He changes the action; it stays returned (the reason in sight) until he sends it again.
    wifi_id = await action_id(db, 4, 1)
    changed_words = {
        **WIFI,
        "agreed_action": "Offer free wifi in Stockton, Thornaby and Billingham libraries.",
    }
    form = (await craig.execute(data(opened.card, "Edit…", action_id=wifi_id))).card
    assert_valid_card(form)
    assert "Action 1 of Recommendation 4 · change it" in lines(form)
    assert form_values(form) == inputs_for(wifi_id, WIFI)
    changed = await craig.execute(
        data(form, "Save changes", action_id=wifi_id), inputs=inputs_for(wifi_id, changed_words)
    )
    assert "Saved the changes to action 1 of Recommendation 4." in notes(changed)
    assert (await draft_actions(db, 4))[0][1] == changed_words["agreed_action"]
    assert (await draft_state(db, 4))[0] is DraftState.RETURNED
    await drafting.send(CRAIG, 4)
    again = await sam.say("review")
    resent = again[1].cards[0]
    assert f"Sent again. It was returned because: {WHY_BACK}" in " ".join(lines(resent))
    # The card returned before is stale now: pressing it decides nothing.
    stale = await sam.execute(data(wifi_card, "Accept"))
    assert "has changed since this card was sent" in notes(stale)
    assert (await draft_state(db, 4))[0] is DraftState.WAITING
    await sam.execute(data(resent, "Accept"))
    assert await draft_state(db, 4) == (DraftState.ACCEPTED, None)


async def action_id(db: Database, number: int, position: int) -> int:
    async with db.session() as session:
        found = await session.scalar(
            select(AgreedAction.id)
            .join(Recommendation)
            .where(Recommendation.number == number, AgreedAction.position == position)
        )
        assert found is not None
        return found


async def test_bad_input_is_refused_with_nothing_changed(drafting: Drafting, db: Database) -> None:
    await drafting.add(LORRAINE, 1, MY_STOCKTON)
    before = await draft_actions(db, 1)
    lorraine = await drafting.chat(LORRAINE)
    card = await drafting.draft(LORRAINE, 1)
    add = data(card, "Add this action")

    no_one = await lorraine.execute(add, inputs=inputs_for("new", {**MY_STOCKTON, "responsibility": " "}))
    assert "Say who is responsible for the action" in notes(no_one)
    unreadable = await lorraine.execute(add, inputs=inputs_for("new", {**MY_STOCKTON, "date": "soon-ish"}))
    assert (
        "I can't read “soon-ish” as the action's date: write a month and year (“April 2019”), “Ongoing”, "
        "or both (“April 2019 – ongoing”)." in notes(unreadable)
    )
    nothing = await lorraine.execute(add)
    assert "Nothing was given for the action" in notes(nothing)
    # Changing an action to no responsibility is refused the same way, and keeps its words.
    first = await action_id(db, 1, 1)
    emptied = await lorraine.execute(
        {"verb": "save_draft_action", "action_id": first},
        inputs=inputs_for(first, {**MY_STOCKTON, "responsibility": ""}),
    )
    assert "Say who is responsible for the action" in notes(emptied)

    # Someone neither a link officer nor an admin: told who may, on the command and on a card's button.
    andrew = await drafting.chat(ANDREW)
    (refused,) = await andrew.say("draft 1")
    assert refused.text == (
        "Only its link officers (Craig Taylor, Lorraine Dixon) or an admin may draft the actions of "
        "“Digital Optimisation”."
    )
    pressed = await andrew.execute(add, inputs=inputs_for("new", WIFI))
    assert "Only its link officers (Craig Taylor, Lorraine Dixon) or an admin" in notes(pressed)
    removed = await andrew.execute({"verb": "remove_draft_action", "action_id": first})
    assert "Only its link officers" in notes(removed)
    # Nor may a link officer decide a draft: only the scrutiny officer or an admin.
    await drafting.send(LORRAINE, 1)
    (queue,) = await lorraine.say("review")
    assert "only for scrutiny officers" in queue.text or "scrutiny" in queue.text
    sent_at = (await draft_view_sent_at(db, 1)).isoformat()
    self_accept = await lorraine.execute({"verb": "accept_draft", "recommendation_id": 1, "sent_at": sent_at})
    assert "Only the review's scrutiny officer or an admin may accept or return a draft." in notes(
        self_accept
    )
    assert (await draft_state(db, 1))[0] is DraftState.WAITING
    # Returned without a reason: refused (the card asks for one; a tampered press is answered).
    sam = await drafting.chat(SAM)
    no_reason = await sam.execute({"verb": "return_draft", "recommendation_id": 1, "sent_at": sent_at})
    assert "Say why the draft goes back" in notes(no_reason)

    # Tampered presses: an id that is no number, an input that is no text, an action that is not there.
    for value in (
        {"verb": "add_draft_action", "recommendation_id": "one"},
        {"verb": "add_draft_action", "recommendation_id": 1, "agreed_action_new": ["a", "list"]},
        {"verb": "save_draft_action"},
        {"verb": "accept_draft", "recommendation_id": 1, "sent_at": "yesterday"},
    ):
        tampered = await lorraine.execute(value)
        assert "That card is out of date" in notes(tampered), value
    gone = await lorraine.execute({"verb": "remove_draft_action", "action_id": 99_999})
    assert "That action is no longer in the draft" in notes(gone)

    # A recommendation the executive did not accept needs no actions: not offered, and refused.
    async with db.session() as session:
        rec_2 = await session.scalar(select(Recommendation).where(Recommendation.number == 2))
        assert rec_2 is not None
        rec_2.response, rec_2.response_reason = ExecutiveResponse.NOT_ACCEPTED, "Done elsewhere."
    choice = card_of(await lorraine.say("draft"))
    assert "Draft recommendation 2" not in shown(choice) and "Draft recommendation 3" in shown(choice)
    not_accepted = await drafting.draft(LORRAINE, 2)
    assert "The executive did not accept this recommendation, so it needs no actions." in lines(not_accepted)
    assert blocks(not_accepted, "Action.Execute") == []
    refused_2 = await lorraine.execute(
        {"verb": "add_draft_action", "recommendation_id": rec_2.id, **inputs_for("new", WIFI)}
    )
    assert "Recommendation 2 was not accepted, so it needs no actions." in notes(refused_2)

    assert await draft_actions(db, 1) == before
    assert await count_actions(db) == len(before)
    assert (await draft_state(db, 1))[0] is DraftState.WAITING


async def draft_view_sent_at(db: Database, number: int) -> Any:
    async with db.session() as session:
        sent = await session.scalar(
            select(Recommendation.draft_sent_at).where(Recommendation.number == number)
        )
        assert sent is not None
        return sent


async def test_the_plan_is_agreed_only_with_every_accepted_recommendation_drafted_then_frozen(
    drafting: Drafting, db: Database
) -> None:
    admin = await drafting.chat(ADMIN)
    await drafting.add(LORRAINE, 1, MY_STOCKTON)
    await drafting.add(CRAIG, 4, WIFI)
    (early,) = await admin.say("plan agreed 1 December 2026")
    assert early.text.startswith(
        "Recommendation 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13 of “Digital Optimisation”"
    )
    assert (
        "has no agreed action yet. A plan is agreed once every accepted recommendation has at least one."
        in (early.text)
    )
    # An admin drafts the rest in one go (the same card), and the plan is agreed.
    for number in range(2, 14):
        if number != 4:
            await drafting.add(
                ADMIN, number, {**WIFI, "agreed_action": f"Action for recommendation {number}."}
            )
    await drafting.send(LORRAINE, 1)  # still waiting for the scrutiny officer when the plan is agreed
    (agreed,) = await admin.say("plan agreed 1 December 2026")
    assert "agreed on 1 December 2026, and is now frozen" in agreed.text
    # Frozen with the plan, it waits no more.
    (nothing,) = await (await drafting.chat(SAM)).say("review")
    assert nothing.text == "Nothing is waiting for review. Thank you!"

    # Frozen: the draft card shows what was agreed with nothing to press, and every change is refused.
    frozen = await drafting.draft(LORRAINE, 1)
    assert (
        "The plan was agreed on 1 December 2026: its actions are fixed, and changes are revisions."
        in lines(frozen)
    )
    assert [a for a in blocks(frozen, "Action.Execute")] == []
    lorraine = await drafting.chat(LORRAINE)
    first = await action_id(db, 1, 1)
    for value in (
        {
            "verb": "save_draft_action",
            "action_id": first,
            **inputs_for(first, {**MY_STOCKTON, "date": "May 2019"}),
        },
        {"verb": "edit_draft_action", "action_id": first},
        {"verb": "remove_draft_action", "action_id": first},
        {"verb": "add_draft_action", "recommendation_id": 1, **inputs_for("new", WIFI)},
        {"verb": "send_draft", "recommendation_id": 1},
    ):
        refused = await lorraine.execute(value)
        assert (
            "The plan for “Digital Optimisation” was agreed on 1 December 2026, so its actions are fixed and "
            "nothing was changed. A change now is a revision the committee sees" in notes(refused)
        ), value
    assert await draft_actions(db, 1) == [
        (1, MY_STOCKTON["agreed_action"], "Lorraine Dixon / Liz Purdy", "April 2019")
    ]
    assert await count_actions(db) == 13


async def test_export_writes_the_draft_plan_as_the_councils_action_plan_document(
    drafting: Drafting, db: Database, tmp_path: Path
) -> None:
    """The Word export of a review with no rounds is already the action plan: the progress update's
    tables without a progress row; a recommendation with no action yet says so."""
    await drafting.add(LORRAINE, 1, MY_STOCKTON)
    await drafting.add(CRAIG, 4, WIFI)
    out = tmp_path / "plan.docx"
    said = await asyncio.to_thread(Cli(drafting.bot.harness.database_url).ok, "export", "-o", out)
    assert "(“Digital Optimisation”, rounds: none)" in said
    document = docx.Document(str(out))
    rows = {
        table.cell(0, 1).text[:40]: [row.cells[0].text for row in table.rows]
        for table in document.tables[1:-1]
    }
    assert len(rows) == 13  # every recommendation, in its own table
    (first,) = [labels for words, labels in rows.items() if words.startswith("A review of My Stockton")]
    assert first == [
        "Recommendation 1:",
        "Responsibility:",
        "Date:",
        "Agreed Action:",
        "Agreed Success Measure:",
    ]
    texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert MY_STOCKTON["agreed_action"] in texts and WIFI["success_measure"] in texts
    assert not any(text.startswith(("Evidence of Progress (", "Assessment of Progress (")) for text in texts)
    header = [row.cells[0].text for row in document.tables[0].rows]
    assert header[1:] == ["Review:", "Committee:", "Link Officer/s:", "Action Plan Agreed:"]
    assert sum(p.text == "No agreed actions yet." for p in document.paragraphs) == 11


async def test_a_review_with_no_accepted_recommendation_has_nothing_to_draft(
    drafting: Drafting, db: Database
) -> None:
    async with db.session() as session:
        await session.execute(
            update(Recommendation).values(response=ExecutiveResponse.NOT_ACCEPTED, response_reason="No.")
        )
    (reply,) = await (await drafting.chat(LORRAINE)).say("draft")
    assert (
        reply.text == "“Digital Optimisation” has no accepted recommendation, so there is nothing to draft."
    )
