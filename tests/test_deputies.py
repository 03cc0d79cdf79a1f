"""Deputies, end to end over HTTP: an officer away for a round names one; the deputy records for that
action in that round only, is reminded instead of the officer, and the record and the committee's
document say "recorded by … on behalf of …"."""

from __future__ import annotations

from pathlib import Path

import pytest
from chat import MakeChat, Reply
from sqlalchemy import select
from test_review_loop import CRAIG, REASON, Council, reason_submit, return_cards, said
from test_scheduler import (
    Bot,
    fixture_bot,  # noqa: F401 (fixtures)
    lines,
    london,
    officer,
)

from documents.word_reader import read_docx
from documents.word_writer import write_docx
from store.db import Database
from store.models import ProgressUpdate
from store.plan import export_plan

IAN = officer("Ian Coxon")
MARK = officer("Mark Freeman")


@pytest.fixture
async def council(bot: Bot, db: Database, make_chat: MakeChat, samples: Path) -> Council:
    council = Council(bot, db, make_chat)
    await council.set_up(samples)
    council.ian = await council.personal(IAN)  # type: ignore[attr-defined]
    return council


def ref(council: Council) -> str:
    return f"{council.action.recommendation_number}.{council.action.position}"


async def ian_records(council: Council, evidence: str) -> list[Reply]:
    ian = council.ian  # type: ignore[attr-defined]
    replies = await ian.submit({"verb": "open_update", "action_id": council.action.id})
    if not replies[0].cards:
        return replies
    (save,) = replies[0].cards[0]["actions"]
    submit = {**save["data"], "evidence": evidence, "grade": "2", "explanation": "", "impact": ""}
    return await ian.submit(submit, reply_to=replies[0])


async def test_a_deputy_records_on_behalf_and_the_document_says_so(council: Council, db: Database) -> None:
    replies = await council.craig.say(f"delegate {ref(council)} to Ian Coxon")
    name = f"Recommendation {council.action.recommendation_number}, action {council.action.position}"
    assert replies[0].text == (
        f"Ian Coxon can now record for {name} (September 2020) on behalf of Craig Taylor, "
        "and gets the reminders."
    )
    listed = await council.ian.say("delegations")  # type: ignore[attr-defined]
    assert (
        listed[0].text
        == f"- {name} (Digital Optimisation, September 2020): Ian Coxon on behalf of Craig Taylor"
    )

    replies = await ian_records(council, "Ran the iDEA sessions while Craig was away.")
    assert replies[0].text.startswith("Saved:"), said(replies)
    async with db.session() as session:
        saved = await session.scalar(
            select(ProgressUpdate)
            .where(ProgressUpdate.round_id == council.round_id)
            .order_by(ProgressUpdate.id.desc())
        )
        assert saved is not None
        await session.refresh(saved, ["recorded_by", "on_behalf_of"])
        assert saved.recorded_by is not None and saved.on_behalf_of is not None
        assert (saved.recorded_by.name, saved.on_behalf_of.name) == ("Ian Coxon", "Craig Taylor")
        plan = await export_plan(session, title="Digital Optimisation", include_unreviewed=True)
    status = await council.craig.say(f"status {council.action.recommendation_number}")
    assert "Ian Coxon on behalf of Craig Taylor" in said(status)

    back = read_docx(write_docx(plan), source="export.docx")
    rec = next(r for r in back.recommendations if r.number == council.action.recommendation_number)
    evidence = rec.actions[council.action.position - 1].progress["September 2020"].evidence
    assert evidence.endswith("Recorded by Ian Coxon on behalf of Craig Taylor.")

    # Taken back: the deputy may record no more.
    replies = await council.craig.say("undelegate")
    assert replies[0].text == "Taken back: 1 action(s). Their reminders come to their officers again."
    refused = await ian_records(council, "Again.")
    assert "to update: ask" in said(refused)


async def test_the_deputy_is_reminded_instead_of_the_officer(council: Council, bot: Bot) -> None:
    await council.craig.say("delegate all to Ian Coxon for September 2020")
    await bot.scheduler.tick(now=london("2026-11-20 10:00"))  # 14 days before Friday 4 December
    ian_chat = council.ian.conversation["id"]  # type: ignore[attr-defined]
    reminders = [r for r in bot.cards(ian_chat) if "are due by" in r.card_text]
    assert (
        len(reminders) == 1 and " ".join(council.action.agreed_action.split())[:40] in reminders[0].card_text
    )
    assert [r for r in council.told(CRAIG) if "are due by" in r.card_text] == []


async def test_delegating_wrongly_is_refused_in_plain_words(council: Council, make_chat: MakeChat) -> None:
    craig, ian = council.craig, council.ian  # type: ignore[attr-defined]
    assert (await craig.say(f"delegate {ref(council)} to **Nobody** Atall"))[0].text.startswith(
        "There is nobody by that name on the roster."
    )
    assert (await craig.say("delegate all to Craig Taylor"))[0].text.startswith(
        "You cannot be your own deputy"
    )
    assert (await craig.say("delegate all to the Digital Services Group"))[0].text.startswith(
        "There is nobody by that name"
    )
    assert (await craig.say("delegate everything please"))[0].text.startswith("Say which action and who")
    assert (await craig.say(f"delegate {ref(council)} to Ian Coxon for March 2019"))[0].text == (
        "Deputies are named for the open round, September 2020, not for March 2019."
    )
    # A deputy cannot pass it on.
    await craig.say(f"delegate {ref(council)} to Ian Coxon")
    replies = await ian.say(f"delegate {ref(council)} to Mark Freeman")
    assert replies[0].text.startswith("You cannot delegate Recommendation")
    # Nor name someone who is away themselves.
    await make_chat(MARK)
    await ian.say("delegate all to Mark Freeman")
    await craig.say("undelegate")
    replies = await craig.say(f"delegate {ref(council)} to Ian Coxon")
    assert (
        replies[0].text
        == "Ian Coxon is away for September 2020 too, with a deputy of their own: name someone else."
    )
    # Someone the bot does not know is told whom to ask, as for updates.
    stranger = await make_chat(officer("Pat Nobody"))
    replies = await stranger.say(f"delegate {ref(council)} to Ian Coxon")
    assert replies[0].text.endswith("Please ask ada@stockton.gov.uk to add you to the roster.")


async def test_a_deputys_my_actions_lists_what_was_delegated_to_them(council: Council) -> None:
    lorraine = await council.personal(officer("Lorraine Dixon"))
    liz = await council.personal(officer("Liz Purdy"))
    before = lines(((await liz.say("my actions"))[0]).cards[0])
    assert before[0] == "Your actions: 3" and "13.1" not in before

    await lorraine.say("delegate 13.1 to Liz Purdy")
    after = lines(((await liz.say("my actions"))[0]).cards[0])
    assert after[0] == "Your actions: 4"
    line = after.index("13.1")
    assert after[line + 2] == "Yours to record this round, for Lorraine Dixon · Ongoing"


async def test_the_officer_hears_when_their_deputys_update_is_returned_or_accepted(
    council: Council, bot: Bot
) -> None:
    ian = council.ian  # type: ignore[attr-defined]
    name = f"Recommendation {council.action.recommendation_number}, action {council.action.position}"
    await council.craig.say(f"delegate {ref(council)} to Ian Coxon")
    await ian_records(council, "We will run sessions next year.")
    (card,) = return_cards(await council.sam.say("review"))
    await council.sam.submit(reason_submit(card, REASON))
    await bot.scheduler.tick(now=london("2026-11-24 10:00"))

    def heard(chat_id: str, words: str) -> list[str]:
        """The lines of the cards sent to the chat that say `words`."""
        return [line for r in bot.cards(chat_id) for c in r.cards for line in lines(c) if words in line]

    assert heard(council.craig.conversation["id"], "was returned") == [
        f"The September 2020 update for {name}, recorded on your behalf by Ian Coxon, was returned"
    ]
    assert heard(council.craig.conversation["id"], "says:") == [f"Sam Scrutiny says: {REASON}"]
    assert heard(ian.conversation["id"], "was returned") == [
        f"Your September 2020 update for {name} was returned"
    ]

    await ian_records(council, "Ran six sessions; 40 staff signed up.")
    replies = await council.sam.say("review")
    (card,) = return_cards(replies)
    accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]
    await council.sam.submit(accept)
    await bot.scheduler.tick(now=london("2026-11-24 11:00"))
    assert heard(council.craig.conversation["id"], "Accepted by the scrutiny officer") == [
        f"Accepted by the scrutiny officer: {name} (September 2020, recorded on your behalf by Ian Coxon)."
    ]
    assert heard(ian.conversation["id"], "Accepted by the scrutiny officer") == [
        f"Accepted by the scrutiny officer: {name} (September 2020)."
    ]
