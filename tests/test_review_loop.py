"""The scrutiny officer's review, end to end over HTTP: an officer's update waits, is returned with a
reason, reaches the officer with a button to the form filled with what they wrote, is resubmitted,
accepted, and only then is what the committee's document carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from cardcheck import strings
from chat import Chat, MakeChat, Reply
from fake_connector import TeamsUser
from sqlalchemy import select
from test_reminders import buttons
from test_scheduler import (
    ADMIN,
    Bot,
    fixture_bot,  # noqa: F401 (fixtures)
    lines,
    london,
    officer,
    open_september,
    seed_sample,
)

from documents.grades import Grade
from documents.word_reader import read_docx
from documents.word_writer import write_docx
from store.db import Database
from store.models import Person, ProgressUpdate, ReturnDecision, RoundHistory, UpdateSource, Verdict
from store.plan import export_plan
from store.queries import review_status
from store.updates import record_update

REVIEW = "Digital Optimisation"
CRAIG = officer("Craig Taylor")
SAM = TeamsUser(name="Sam Scrutiny", email="sam@stockton.gov.uk", aad_object_id="aad-sam")
PROMISE = "We will sign staff up next year."
EVIDENCE = "Signed up 40 staff; 40 iDEA badges earned."
REASON = "A promise, not evidence: say what has been done."


def said(replies: list[Reply]) -> str:
    return "\n".join(part for r in replies for part in (r.text, r.card_text) if part)


class Council:
    """The sample plan with the September 2020 round open, a scrutiny officer, and Craig's action."""

    def __init__(self, bot: Bot, db: Database, make_chat: MakeChat) -> None:
        self.bot, self.db, self.make_chat = bot, db, make_chat

    async def set_up(self, samples: Path) -> None:
        self.review_id = await seed_sample(self.db, samples)
        self.round_id = await open_september(self.db, self.review_id)
        async with self.db.session() as session:
            session.add(
                Person(
                    name=SAM.name, email=SAM.email, aad_object_id=SAM.aad_object_id, is_scrutiny_officer=True
                )
            )
            recommendations = await review_status(session, review_id=self.review_id)
        self.action = next(a for rec in recommendations for a in rec.actions if a.owners == ["Craig Taylor"])
        self.craig = await self.personal(CRAIG)
        self.sam = await self.personal(SAM)

    async def personal(self, user: TeamsUser) -> Chat:
        chat = await self.make_chat(user)
        await chat.install()  # the bot keeps the 1:1 chat, to tell them things later
        return chat

    async def record(self, evidence: str, grade: str = "2") -> None:
        """Craig fills in the form for his action and saves it."""
        (form_message,) = await self.craig.submit({"verb": "open_update", "action_id": self.action.id})
        (save,) = form_message.cards[0]["actions"]
        submit = {**save["data"], "evidence": evidence, "grade": grade, "explanation": "", "impact": ""}
        replies = await self.craig.submit(submit, reply_to=form_message)
        assert replies[0].text.startswith("Saved"), said(replies)
        self.saved = replies[0].text

    async def updates(self) -> list[ProgressUpdate]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(ProgressUpdate)
                .where(ProgressUpdate.action_id == self.action.id, ProgressUpdate.round_id == self.round_id)
                .order_by(ProgressUpdate.id)
            )
            return list(rows)

    async def decisions(self) -> list[tuple[int, Verdict, str | None, str | None]]:
        async with self.db.session() as session:
            rows = await session.execute(
                select(ReturnDecision.update_id, ReturnDecision.verdict, ReturnDecision.reason, Person.name)
                .outerjoin(Person, Person.id == ReturnDecision.decided_by_id)
                .where(ReturnDecision.decided_by_id.is_not(None))
                .order_by(ReturnDecision.id)
            )
            return [tuple(row) for row in rows]  # type: ignore[misc]

    async def exported(self, *, include_unreviewed: bool = False) -> str:
        """The action's September 2020 evidence in the committee's .docx, read back from the file."""
        async with self.db.session() as session:
            plan = await export_plan(session, title=REVIEW, include_unreviewed=include_unreviewed)
        back = read_docx(write_docx(plan), source="export.docx")
        rec = next(r for r in back.recommendations if r.number == self.action.recommendation_number)
        entry = rec.actions[self.action.position - 1].progress.get("September 2020")
        return entry.evidence if entry else ""

    def told(self, user: TeamsUser) -> list[Reply]:
        """What the scheduler sent to the user's 1:1 chat."""
        chat = self.craig if user is CRAIG else self.sam
        return self.bot.cards(chat.conversation["id"])


@pytest.fixture(name="council")
async def fixture_council(bot: Bot, db: Database, make_chat: MakeChat, samples: Path) -> Council:
    council = Council(bot, db, make_chat)
    await council.set_up(samples)
    return council


def return_cards(replies: list[Reply]) -> list[dict[str, Any]]:
    return [
        card
        for r in replies
        for card in r.cards
        if any(a.get("title") == "Accept" for a in card.get("actions", []))
    ]


def reason_submit(card: dict[str, Any], reason: str) -> dict[str, Any]:
    """What Teams sends for Return… then "Return it": the inner card's data with the typed reason."""
    (give_reason,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    (send_back,) = give_reason["card"]["actions"]
    return {**send_back["data"], "reason": reason}


async def test_returned_resubmitted_accepted_then_exported(council: Council, bot: Bot) -> None:
    await council.record(PROMISE)
    assert await council.exported() == ""  # the committee reads accepted returns only
    assert await council.exported(include_unreviewed=True) == f"(not yet reviewed)\n{PROMISE}"

    replies = await council.sam.say("review")
    assert replies[0].text == "1 update waits for you, oldest first."
    (card,) = return_cards(replies)
    shown = "\n".join(r.card_text for r in replies)
    assert f"Recommendation {council.action.recommendation_number}, action {council.action.position}" in shown
    assert PROMISE in shown and council.action.agreed_action[:40] in shown and "Craig Taylor" in shown
    card_message = next(r for r in replies if r.cards)

    # No reason: refused, nothing decided.
    refused = await council.sam.submit(reason_submit(card, "  "), reply_to=card_message)
    assert refused[0].text == "Say why it goes back: the officer reads your reason, and nothing was changed."
    assert await council.decisions() == []

    replies = await council.sam.submit(reason_submit(card, REASON), reply_to=card_message)
    assert replies[0].text.startswith("Returned to Craig Taylor: Recommendation")
    (replaced,) = council.sam.updates  # the card, decided, in place of the one pressed
    assert "Returned because" in Reply(raw=replaced.body).card_text
    first = (await council.updates())[0]
    assert await council.decisions() == [(first.id, Verdict.RETURNED, REASON, "Sam Scrutiny")]

    # Craig hears at the next tick, once.
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    (notice,) = council.told(CRAIG)
    assert "was returned" in notice.card_text and f"Sam Scrutiny says: {REASON}" in notice.card_text
    await bot.scheduler.tick(now=london("2026-11-24 10:01"))
    assert len(council.told(CRAIG)) == 1

    # The button opens the form filled with what he wrote, and says why it came back.
    replies = await council.craig.submit(buttons(notice)["Change my update"])
    (form,) = replies[0].cards
    evidence_input = next(e for e in form["body"] if e.get("id") == "evidence")
    assert evidence_input["value"] == PROMISE
    assert f"Returned by the scrutiny officer: {REASON}" in replies[0].card_text
    await council.record(EVIDENCE)

    replies = await council.sam.say("to review")
    (card,) = return_cards(replies)
    assert f"Resubmitted. It was returned because: {REASON}" in replies[1].card_text
    assert EVIDENCE in replies[1].card_text
    accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]
    replies = await council.sam.submit(accept, reply_to=replies[1])
    assert replies[0].text.startswith("Accepted: Recommendation")

    # The same Accept delivered again decides nothing more; pressed again, it says who did it.
    await council.sam.resend()
    again = await council.sam.submit(accept)
    assert "was already accepted by Sam Scrutiny at" in again[0].text
    second = (await council.updates())[1]
    assert await council.decisions() == [
        (first.id, Verdict.RETURNED, REASON, "Sam Scrutiny"),
        (second.id, Verdict.ACCEPTED, None, "Sam Scrutiny"),
    ]
    assert (await council.sam.say("review"))[0].text == "Nothing is waiting for review. Thank you!"

    # One line of thanks, once a day.
    await bot.scheduler.tick(now=london("2026-11-24 11:00"))
    await bot.scheduler.tick(now=london("2026-11-24 11:01"))
    thanks = [r for r in council.told(CRAIG) if "Accepted by the scrutiny officer" in r.card_text]
    assert len(thanks) == 1 and f"({'September 2020'})" in thanks[0].card_text

    assert await council.exported() == EVIDENCE


async def test_only_a_reviewer_decides_and_a_tampered_card_changes_nothing(
    council: Council, make_chat: MakeChat
) -> None:
    await council.record(PROMISE)
    update_id = (await council.updates())[0].id
    replies = await council.craig.say("review")
    assert replies[0].text.startswith("Only a scrutiny officer or an admin reviews updates.")
    replies = await council.craig.submit({"verb": "accept_return", "update_id": update_id})
    assert replies[0].text == (
        "Only the review's scrutiny officer or an admin can accept or return updates: ask Sam Scrutiny."
    )
    replies = await council.sam.submit({"verb": "accept_return", "update_id": "seven"})
    assert replies[0].text.startswith("That card is out of date")
    replies = await council.sam.submit({"verb": "accept_return", "update_id": 987654})
    assert replies[0].text.startswith("That update is no longer in the record")
    assert await council.decisions() == []

    # An admin may act as the scrutiny officer.
    admin = await make_chat(ADMIN)
    replies = await admin.submit({"verb": "accept_return", "update_id": update_id})
    assert replies[0].text.startswith("Accepted:")


async def test_a_card_changed_since_it_was_sent_is_not_accepted(council: Council) -> None:
    await council.record(PROMISE)
    replies = await council.sam.say("review")
    (old,) = return_cards(replies)
    # Craig changes it several times before Sam gets to it: the card's version is now deep in the
    # history, which the bot reads only as far back as it needs.
    for draft in ("A first draft.", "A second draft.", EVIDENCE):
        await council.record(draft)
    accept = next(a for a in old["actions"] if a["title"] == "Accept")["data"]
    replies = await council.sam.submit(accept)
    assert "has changed since that card was sent: here is the new one." in replies[0].text
    (new,) = return_cards(replies)
    newest = (await council.updates())[-1]
    assert next(a for a in new["actions"] if a["title"] == "Accept")["data"]["update_id"] == newest.id
    assert EVIDENCE in replies[1].card_text and "draft" not in replies[1].card_text
    assert await council.decisions() == []


async def test_a_decided_card_pressed_again_later_still_says_it_was_resubmitted(council: Council) -> None:
    """The card of a version that is no longer the newest still shows the one it answered."""
    await council.record(PROMISE)
    replies = await council.sam.say("review")
    (card,) = return_cards(replies)
    await council.sam.submit(reason_submit(card, REASON), reply_to=next(r for r in replies if r.cards))
    await council.record(EVIDENCE)
    replies = await council.sam.say("review")
    (card,) = return_cards(replies)
    card_message = next(r for r in replies if r.cards)
    accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]
    assert (await council.sam.submit(accept, reply_to=card_message))[0].text.startswith("Accepted:")
    await council.record("The hours are on the website now.")  # newer than the accepted version

    again = await council.sam.submit(accept, reply_to=card_message)
    assert "was already accepted by Sam Scrutiny at" in again[0].text
    (replaced,) = council.sam.updates
    shown = Reply(raw=replaced.body).card_text
    assert EVIDENCE in shown and f"Resubmitted. It was returned because: {REASON}" in shown


async def test_everyone_sees_where_returns_stand(council: Council, make_chat: MakeChat) -> None:
    await council.record(PROMISE)
    ref = f"{council.action.recommendation_number}.{council.action.position}"
    chair = await make_chat(officer("Jo Chair"))
    replies = await chair.say("waiting")
    assert "Waiting for review" in replies[0].card_text and ref in replies[0].card_text
    replies = await chair.say(f"status {council.action.recommendation_number}")
    assert "waiting for review" in replies[0].card_text

    replies = await council.sam.say("review")
    (card,) = return_cards(replies)
    await council.sam.submit(reason_submit(card, REASON))
    replies = await chair.say("returned")
    assert "Returned to their officers" in replies[0].card_text and ref in replies[0].card_text
    assert "Nothing is waiting for review." in (await chair.say("waiting"))[0].card_text

    channel = await make_chat(ADMIN, scope="channel")
    await channel.install()
    replies = await channel.say("summary")
    assert "Waiting for review: 0. Returned: 1 (to Craig Taylor)." in said(replies)


async def test_closing_a_round_waits_for_the_review_unless_told(
    council: Council, make_chat: MakeChat, db: Database
) -> None:
    await council.record(PROMISE)
    replies = await council.craig.say("close round")
    assert replies[0].text == "Only an admin can close a round."
    admin = await make_chat(ADMIN)
    replies = await admin.say("close round")
    assert replies[0].text.startswith(
        "1 update(s) for the September 2020 round of “Digital Optimisation” still wait"
    )
    replies = await admin.say("close round anyway")
    assert replies[0].text == "Closed the September 2020 round of “Digital Optimisation”."
    async with db.session() as session:
        (closing,) = [h for h in await session.scalars(select(RoundHistory)) if h.event == "closed"]
    assert (
        closing.round_id == council.round_id and closing.note == "closed with 1 update(s) waiting for review"
    )


async def test_after_the_deadline_the_scrutiny_officer_hears_what_waits(council: Council, bot: Bot) -> None:
    await council.record(PROMISE)
    await bot.scheduler.tick(now=london("2026-12-07 10:00"))  # the Monday after Friday's deadline
    await bot.scheduler.tick(now=london("2026-12-07 10:01"))
    (heard,) = [r for r in council.told(SAM) if "deadline has passed" in r.card_text]
    assert "The September 2020 deadline has passed: 1 update waits for your review" in heard.card_text
    assert "Craig Taylor" in heard.card_text
    replies = await council.sam.submit(buttons(heard)["Review them"])
    assert len(return_cards(replies)) == 1
    # Pressed as Teams sends it (Action.Execute): the queue is posted below, the notice stays.
    pressed = await council.sam.execute(buttons(heard)["Review them"])
    assert pressed.message == "Carried on in the chat below."
    assert len(return_cards(pressed.posted)) == 1


async def test_a_long_queue_shows_ten_cards_and_says_how_many_more(council: Council, db: Database) -> None:
    async with db.session() as session:
        recommendations = await review_status(session, review_id=council.review_id)
        lorraine = await session.scalar(select(Person.id).where(Person.name == "Lorraine Dixon"))
        hers = [
            a for rec in recommendations for a in rec.actions if "Lorraine Dixon" in a.owners and a.asked_now
        ]
        for action in hers[:12]:
            await record_update(
                session,
                action_id=action.id,
                round_id=council.round_id,
                evidence=f"Done for {action.ref}.",
                grade=Grade.ON_TRACK,
                explanation=None,
                impact=None,
                by_person_id=lorraine,
                source=UpdateSource.TEAMS,
                max_text_length=10_000,
            )
    assert len(hers) >= 12
    replies = await council.sam.say("review")
    assert replies[0].text == "12 updates wait for you, oldest first."
    assert len(return_cards(replies)) == 10
    assert replies[-1].text == "…and 2 more: accept or return these, then say **review** again."


async def test_each_officer_hears_of_their_own_accepted_updates_once_a_day(
    council: Council, bot: Bot
) -> None:
    lorraine = await council.personal(officer("Lorraine Dixon"))
    async with council.db.session() as session:
        recommendations = await review_status(session, review_id=council.review_id)
    hers = next(
        a for rec in recommendations for a in rec.actions if a.owners == ["Lorraine Dixon"] and a.asked_now
    )
    await council.record(PROMISE)
    (form_message,) = await lorraine.submit({"verb": "open_update", "action_id": hers.id})
    (save,) = form_message.cards[0]["actions"]
    await lorraine.submit(
        {**save["data"], "evidence": EVIDENCE, "grade": "2", "explanation": "", "impact": ""}
    )
    replies = await council.sam.say("review")
    for card in return_cards(replies):
        accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]
        await council.sam.submit(accept)
    await bot.scheduler.tick(now=london("2026-11-24 11:00"))
    heard = {
        name: [
            r for r in bot.cards(chat.conversation["id"]) if "Accepted by the scrutiny officer" in r.card_text
        ]
        for name, chat in (("Craig", council.craig), ("Lorraine", lorraine))
    }
    assert [len(heard["Craig"]), len(heard["Lorraine"])] == [1, 1]


async def test_accept_and_return_pressed_as_execute_replace_the_card_in_place(council: Council) -> None:
    """Action.Execute, as Teams sends it: the decided card comes back in the invoke, for the presser."""
    await council.record(PROMISE)
    replies = await council.sam.say("review")
    (card,) = return_cards(replies)
    (give_reason,) = [a for a in card["actions"] if a["type"] == "Action.ShowCard"]
    (send_back,) = give_reason["card"]["actions"]
    assert send_back["type"] == "Action.Execute"

    # Return… with no reason: refused on the card, which stays as it was.
    refused = await council.sam.execute(send_back["data"], inputs={"reason": " "})
    assert refused.message.startswith("Say why it goes back") and refused.posted == []
    pressed = await council.sam.execute(send_back["data"], inputs={"reason": REASON})
    assert pressed.posted == []
    assert pressed.card["body"][0]["items"][0]["text"].startswith("Returned to Craig Taylor: Recommendation")
    assert "Returned because" in "\n".join(strings(pressed.card))
    assert [d[1] for d in await council.decisions()] == [Verdict.RETURNED]

    # The same card pressed again (its Accept, from another copy): who decided it, and when, on the card.
    accept = next(a for a in card["actions"] if a["title"] == "Accept")
    again = await council.sam.execute(accept["data"])
    notice = again.card["body"][0]["items"][0]["text"]
    assert notice.startswith(f"Recommendation {council.action.recommendation_number}, action ")
    assert "update was already returned by Sam Scrutiny at " in notice
    assert "Returned because" in "\n".join(strings(again.card))
    assert [d[1] for d in await council.decisions()] == [Verdict.RETURNED]


async def test_the_saved_card_heads_each_answer_and_says_a_resubmission_went_back(council: Council) -> None:
    name = f"Recommendation {council.action.recommendation_number}, action {council.action.position}"
    await council.record(PROMISE)
    assert council.saved == f"Saved: {name} — On-Track for September 2020."
    (saved,) = council.craig.updates  # the saved card, in place of the form
    shown = lines(Reply(raw=saved.body).cards[0])
    assert shown[shown.index("Assessment of progress") :] == [
        "Assessment of progress",
        "On-Track",
        "Evidence of progress",
        PROMISE,
    ]

    async def send_back() -> None:
        replies = await council.sam.say("review")
        (card,) = return_cards(replies)
        await council.sam.submit(reason_submit(card, REASON), reply_to=next(r for r in replies if r.cards))

    await send_back()
    await council.record(EVIDENCE)
    assert (
        council.saved == f"Saved and sent back to the scrutiny officer: {name} — On-Track for September 2020."
    )
    (saved,) = council.craig.updates
    assert f"Sent back to the scrutiny officer, who had returned it because: {REASON}" in lines(
        Reply(raw=saved.body).cards[0]
    )

    # The same when the answer is given in the guided update.
    await send_back()
    await council.craig.say("update")
    await council.craig.say("Signed up 40 staff and ran six sessions.")
    await council.craig.submit({"answer": "2"})
    await council.craig.submit({"answer": "skip"})
    replies = await council.craig.submit({"answer": "save"})
    assert replies[0].text == (
        f"Saved and sent back to the scrutiny officer: {name} — On-Track for September 2020."
    )
