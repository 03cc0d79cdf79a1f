"""A review's whole life over HTTP with the fake connector, from the committee's report to the papers
for its meeting: the report imported on the command line → the executive's responses recorded on
their card → actions drafted by two link officers → one returned, changed and accepted → the plan
agreed → the first round opening by itself on its day (a clock the test moves) → an officer's update
on the form, accepted → the covering report written by `export --cover`, read back with python-docx."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import docx
from chat import MakeChat
from sqlalchemy import select
from test_cli import Cli
from test_drafting import (
    CRAIG,
    LORRAINE,
    SAM,
    Drafting,
    card_of,
    data,
    draft_state,
    inputs_for,
    notes,
    people_for_the_report,
)
from test_papers import HEADINGS, counts_table, paragraphs
from test_scheduler import ADMIN, Bot, fixture_bot, lines, london  # noqa: F401 (fixtures)

from documents.dates import round_label
from documents.responses import ExecutiveResponse
from store.db import Database
from store.lifecycle import add_months
from store.models import MonitoringRound, Recommendation
from store.views import DraftState

TODAY = datetime.now(UTC).astimezone(london("2026-01-01 00:00").tzinfo).date()  # London's, as the bot's
AGREED = TODAY - timedelta(days=10)
FIRST = add_months(AGREED, 12)
NOT_OURS = "Already done by the council's website programme."
WHY_BACK = "Say which libraries, and by when."


def at(day: Any, clock: str) -> datetime:
    return london(f"{day.isoformat()} {clock}")


async def test_a_review_from_its_report_to_the_papers_for_its_first_round(
    bot: Bot, db: Database, make_chat: MakeChat, samples: Path, tmp_path: Path
) -> None:
    cli = Cli(bot.harness.database_url)

    # The committee's report, imported on the command line: 13 recommendations, no actions yet.
    said = await asyncio.to_thread(cli.ok, "import", samples / "review-final-report.txt")
    assert "Digital Optimisation" in said and "13 recommendations" in said
    await people_for_the_report(db)
    drafting = Drafting(bot, db, make_chat)

    # The executive's response on its card: 1 accepted, 4 partially, the others not accepted.
    lorraine = await drafting.chat(LORRAINE)
    form = card_of(await lorraine.say("respond"))
    answers: dict[str, str] = {"date": AGREED.isoformat(), "response_1": "accepted"}
    answers |= {"response_4": "partially_accepted", "reason_4": "Libraries first, then community centres."}
    for number in (2, 3, *range(5, 14)):
        answers |= {f"response_{number}": "not_accepted", f"reason_{number}": NOT_OURS}
    saved = await lorraine.execute(data(form, "Save the responses"), inputs=answers)
    assert notes(saved).startswith(
        "Saved the executive's response to 13 recommendation(s) of “Digital Optimisation”: 1 accepted, "
        "1 partially accepted, 11 not accepted."
    )
    async with db.session() as session:
        responses = dict(
            (await session.execute(select(Recommendation.number, Recommendation.response))).all()
        )
    assert responses[1] is ExecutiveResponse.ACCEPTED and responses[4] is ExecutiveResponse.PARTIALLY_ACCEPTED
    assert sum(r is ExecutiveResponse.NOT_ACCEPTED for r in responses.values()) == 11

    # "draft" offers only the two accepted; each link officer drafts one and sends it.
    choice = card_of(await lorraine.say("draft"))
    assert [b["title"] for b in choice["body"][2:] for b in b["items"][-1]["actions"]] == [
        "Draft recommendation 1",
        "Draft recommendation 4",
    ]
    stockton = {
        "agreed_action": "Review the My Stockton app with its users.",
        "responsibility": "Lorraine Dixon",
        "date": "April 2019",
        "success_measure": "A report to the Digital Services Group.",
    }
    wifi = {
        "agreed_action": "Offer free wifi in libraries.",
        "responsibility": "Craig Taylor",
        "date": "March 2020 – ongoing",
        "success_measure": "Wifi in every library.",
    }
    await drafting.add(LORRAINE, 1, stockton)
    await drafting.add(CRAIG, 4, wifi)
    await drafting.send(LORRAINE, 1)
    await drafting.send(CRAIG, 4)

    # The scrutiny officer returns Craig's and accepts Lorraine's; Craig hears why, changes it, resends.
    sam = await drafting.chat(SAM)
    queue = await sam.say("review")
    assert queue[0].text == "2 recommendations' draft actions wait for you, oldest first."
    await sam.execute(data(queue[1].cards[0], "Accept"))
    await sam.execute({**data(queue[2].cards[0], "Return it"), "reason": WHY_BACK})
    craig = await drafting.chat(CRAIG)
    await bot.scheduler.tick(now=datetime.now(UTC))
    (told,) = [r for r in bot.posts(craig.conversation["id"]) if r.body.get("attachments")]
    told_card = told.body["attachments"][0]["content"]
    assert f"Sam Scrutiny returned it: {WHY_BACK}" in " ".join(lines(told_card))
    opened = await craig.execute(data(told_card, "Change the draft"))
    (wifi_id,) = [a["data"]["action_id"] for a in blocks_titled(opened.card, "Edit…")]
    edit = (await craig.execute(data(opened.card, "Edit…", action_id=wifi_id))).card
    better = {**wifi, "agreed_action": "Offer free wifi in Stockton, Thornaby and Billingham libraries."}
    await craig.execute(data(edit, "Save changes", action_id=wifi_id), inputs=inputs_for(wifi_id, better))
    await drafting.send(CRAIG, 4)
    (_, resent) = await sam.say("review")
    await sam.execute(data(resent.cards[0], "Accept"))
    assert (await draft_state(db, 4))[0] is (await draft_state(db, 1))[0] is DraftState.ACCEPTED

    # The plan agreed: frozen, its first round scheduled about 12 months on.
    admin = await drafting.chat(ADMIN)
    (agreed,) = await admin.say(f"plan agreed {AGREED.day} {AGREED:%B %Y}")
    assert f"opens by itself on **{FIRST.day} {FIRST:%B %Y}**" in agreed.text

    # The first round opens by itself on its day, not the day before.
    assert (await bot.scheduler.tick(now=at(FIRST - timedelta(days=1), "23:59"))).rounds_opened == 0
    assert (await bot.scheduler.tick(now=at(FIRST, "00:01"))).rounds_opened == 1
    label = round_label(FIRST)
    async with db.session() as session:
        (round_,) = await session.scalars(select(MonitoringRound))
    assert (round_.label, round_.is_open, round_.deadline) == (label, True, FIRST + timedelta(days=28))

    # Each officer's update on the form (from status), accepted by the scrutiny officer.
    for chat, number, grade in ((craig, 4, "2"), (lorraine, 1, "1")):
        (status,) = await chat.say(f"status {number}")
        pressed = await chat.execute(data(status.cards[0], f"Update {number}.1"), reply_to=status)
        saved_update = await chat.execute(
            data(pressed.card, "Save"),
            inputs={"evidence": f"Evidence for {number}.1 in {label}.", "grade": grade},
            reply_to=status,
        )
        assert "Saved: " in notes(saved_update)
    returns = await sam.say("review")
    assert returns[0].text == "2 updates wait for you, oldest first."
    for reply in returns[1:]:
        await sam.execute(data(reply.cards[0], "Accept"))

    # The papers for the meeting: the covering report, its sections and counts, read back.
    out = tmp_path / "papers.docx"
    wrote = await asyncio.to_thread(cli.ok, "export", "--cover", "-o", out)
    assert f"the covering report on the {label} round of “Digital Optimisation”" in wrote
    document = docx.Document(str(out))
    assert paragraphs(document, "Heading 1") == HEADINGS
    assert counts_table(document) == [
        ["Assessment of Progress", label],
        ["1 Fully Achieved", "1"],
        ["2 On-Track", "1"],
        ["3 Slipped", "0"],
        ["4 Not Achieved", "0"],
        ["Not yet assessed", "0"],
        ["Total", "2"],
    ]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "The action plan has 2 agreed actions under 2 recommendations." in text
    assert f"Their assessments in the {label} round: 1 Fully Achieved, 1 On-Track, 0 Slipped" in text
    assert "made 13 recommendations. The action plan responding to them was agreed in " in text
    assert (
        "Action 1 (Craig Taylor), “Offer free wifi in Stockton, Thornaby and Billingham libraries.”: "
        "On-Track." in paragraphs(document, "List Bullet")
    )


def blocks_titled(card: dict[str, Any], title: str) -> list[dict[str, Any]]:
    from test_status import blocks

    return [a for a in blocks(card, "Action.Execute") if a.get("title") == title]
