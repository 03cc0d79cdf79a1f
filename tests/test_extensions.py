"""Extension requests, end to end over HTTP: an officer asks for a later date; the scrutiny officer
approves it in the review queue; the action is due then from now on ("overdue" judges by it), and the
committee's document says "revised from" the old date."""

from __future__ import annotations

from datetime import date
from typing import Any

from chat import MakeChat, Reply
from records import action_id
from sqlalchemy import select
from test_review_loop import (
    CRAIG,
    Council,
    fixture_council,  # noqa: F401 (fixtures)
    return_cards,
    said,
)
from test_scheduler import (
    Bot,
    fixture_bot,  # noqa: F401 (fixtures)
    london,
    officer,
)

from documents.grades import Grade
from documents.word_reader import read_docx
from documents.word_writer import write_docx
from store.db import Database
from store.models import AgreedAction, ExtensionRequest, Person, UpdateSource
from store.plan import export_plan
from store.queries import overdue_actions
from store.updates import record_update

REASON = "Both community venues closed until the new year."


def extension_cards(replies: list[Reply]) -> list[dict[str, Any]]:
    return [
        c for r in replies for c in r.cards if any(a.get("title") == "Approve" for a in c.get("actions", []))
    ]


async def overdue_refs(db: Database, review_id: int, today: date) -> list[str]:
    async with db.session() as session:
        return [a.ref for a in await overdue_actions(session, review_id=review_id, today=today)]


async def test_a_new_date_asked_approved_and_used_from_then_on(
    council: Council, db: Database, bot: Bot
) -> None:
    ref = f"{council.action.recommendation_number}.{council.action.position}"
    assert council.action.date_text == "October 2019"
    assert ref in await overdue_refs(db, council.review_id, date(2020, 12, 1))

    replies = await council.craig.say(f"extend {ref} to March 2021 because {REASON}")
    name = f"Recommendation {council.action.recommendation_number}, action {council.action.position}"
    assert replies[0].text == (
        f"Asked: {name} to March 2021 (now October 2019). The scrutiny officer decides; you will hear."
    )
    again = await council.craig.say(f"extend {ref} to April 2021 because {REASON}")
    assert again[0].text == "A new date for it is already waiting for the scrutiny officer."

    replies = await council.sam.say("review")
    (card,) = extension_cards(replies)
    assert return_cards(replies) == []
    shown = said(replies)
    assert "From October 2019 to March 2021" in shown and REASON in shown and "Craig Taylor" in shown
    approve = next(a for a in card["actions"] if a["title"] == "Approve")["data"]
    replies = await council.sam.submit(approve, reply_to=next(r for r in replies if r.cards))
    assert replies[0].text == f"Approved: {name} is now due March 2021 (revised from October 2019)."
    (replaced,) = council.sam.updates  # the card, decided, in place of the one pressed
    assert f"Approved: new date for {name}" in Reply(raw=replaced.body).card_text

    async with db.session() as session:
        action = await session.get(AgreedAction, council.action.id)
        assert action is not None and (action.date_text, action.due_by) == ("March 2021", date(2021, 3, 31))
        (request,) = await session.scalars(select(ExtensionRequest))
        assert (request.approved, request.previous_date_text) == (True, "October 2019")
        plan = await export_plan(session, title="Digital Optimisation")
    assert ref not in await overdue_refs(db, council.review_id, date(2020, 12, 1))
    assert ref in await overdue_refs(db, council.review_id, date(2021, 4, 1))

    back = read_docx(write_docx(plan), source="export.docx")
    rec = next(r for r in back.recommendations if r.number == council.action.recommendation_number)
    assert rec.actions[council.action.position - 1].date == "March 2021 (revised from October 2019)"

    # Craig hears, once.
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))
    await bot.scheduler.tick(now=london("2026-11-24 10:01"))
    told = [r for r in council.told(CRAIG) if "new date for" in r.card_text]
    assert (
        len(told) == 1
        and f"Your new date for {name} was approved: it is now due March 2021." in told[0].card_text
    )

    replies = await council.sam.submit(approve)
    assert replies[0].text == f"The new date for {name} was already approved by Sam Scrutiny."


async def test_asking_or_deciding_wrongly_is_refused_and_changes_nothing(
    council: Council, db: Database, make_chat: MakeChat
) -> None:
    ref = f"{council.action.recommendation_number}.{council.action.position}"
    craig = council.craig
    assert (await craig.say(f"extend {ref} to soon"))[0].text.startswith(
        "Say which action, the new month and why"
    )
    assert (await craig.say(f"extend {ref} to March 2021"))[0].text == (
        f"Say why it needs more time: extend {ref} to March 2021 because …"  # his own action, not another's
    )
    assert (await craig.say(f"extend {ref} to June 2019 because late"))[0].text == (
        "June 2019 is not later than its date now (October 2019)."
    )
    ian = await make_chat(officer("Ian Coxon"))
    refused = await ian.say(f"extend {ref} to March 2021 because {REASON}")
    assert "is Craig Taylor’s to update: ask" in refused[0].text

    await craig.say(f"extend {ref} to March 2021 because {REASON}")
    async with db.session() as session:
        (request,) = await session.scalars(select(ExtensionRequest))
    refuse = {"verb": "refuse_extension", "request_id": request.id}
    assert (await ian.submit({**refuse, "reason": "No."}))[0].text.startswith(
        "Only the review's scrutiny officer or an admin can decide new dates: ask Sam Scrutiny."
    )
    assert (await council.sam.submit({**refuse, "reason": " "}))[0].text.startswith(
        "Say why the new date is refused"
    )
    assert (await council.sam.submit({"verb": "approve_extension", "request_id": "x"}))[0].text.startswith(
        "That card is out of date"
    )
    replies = await council.sam.submit({**refuse, "reason": "Use the library instead."})
    assert replies[0].text.startswith("Refused: Recommendation")
    async with db.session() as session:
        action = await session.get(AgreedAction, council.action.id)
        assert action is not None and action.date_text == "October 2019"  # refused: unchanged
        (request,) = await session.scalars(select(ExtensionRequest))
        assert (request.approved, request.decision_reason) == (False, "Use the library instead.")


async def test_the_queue_counts_updates_and_new_dates_each_in_words(council: Council, db: Database) -> None:
    ref = f"{council.action.recommendation_number}.{council.action.position}"
    await council.craig.say(f"extend {ref} to March 2021 because {REASON}")
    assert (await council.sam.say("review"))[0].text == "1 new date waits for you, oldest first."

    await council.record("Signed up 40 staff.")
    async with db.session() as session:
        lorraine = await session.scalar(select(Person).where(Person.name == "Lorraine Dixon"))
        assert lorraine is not None
        for number, position in ((1, 2), (1, 3)):
            await record_update(
                session,
                action_id=await action_id(session, number=number, position=position),
                round_id=council.round_id,
                evidence="Content agreed.",
                grade=Grade.ON_TRACK,
                explanation=None,
                impact=None,
                by_person_id=lorraine.id,
                source=UpdateSource.TEAMS,
                max_text_length=20_000,
            )
    replies = await council.sam.say("review")
    assert replies[0].text == "3 updates and 1 new date wait for you, oldest first."
    assert len(return_cards(replies)) == 3 and len(extension_cards(replies)) == 1


async def test_the_example_for_a_missing_reason_is_the_officers_own(
    make_chat: MakeChat, council: Council
) -> None:
    lorraine = await make_chat(officer("Lorraine Dixon"))
    assert (await lorraine.say("extend 9.1 to march 2021"))[0].text == (
        "Say why it needs more time: extend 9.1 to March 2021 because …"
    )
    assert (await lorraine.say("extend 13 to April 2021"))[0].text == (
        "Say why it needs more time: extend 13 to April 2021 because …"
    )
