"""Evidence kept off the public tracker, over HTTP: the scrutiny officer accepts a return with "Keep this
evidence off the public tracker" on (pressed as Action.Execute or as Action.Submit), and the public
tracker shows its grade and round but says its evidence is not published, while the committee's page
shows it marked internal and the committee's papers carry it; accepted without the toggle, it is
published; a tampered press changes nothing; an admin marks and unmarks a return on the command line."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from cardcheck import strings
from chat import Harness, MakeChat
from markupsafe import escape
from sqlalchemy import select
from test_cli import Cli
from test_committee_page import action_id, page
from test_review_loop import Council, fixture_council, return_cards, said  # noqa: F401 (fixtures)
from test_scheduler import ADMIN, fixture_bot  # noqa: F401 (fixtures)
from test_status import seeded  # noqa: F401 (fixtures)
from test_tabs import sign_in, tab

from store.db import Database
from store.models import MonitoringRound, ProgressUpdate
from store.tracker import mark_internal, publish

EVIDENCE = "Forty staff signed up; the badge results sit with HR until the union has seen them."
WHY = "Held up while the union reads the results."
IMPACT = "Staff confidence survey up 12 points."
NOT_PUBLISHED = "The evidence for this round is not published."
MARKED = "Internal: not on the public tracker."
TOGGLE = "Keep this evidence off the public tracker"


async def record_slipped(council: Council) -> None:
    """Craig saves September 2020's return for his action: Slipped, with an explanation and impact."""
    (form_message,) = await council.craig.submit({"verb": "open_update", "action_id": council.action.id})
    (save,) = form_message.cards[0]["actions"]
    submit = {**save["data"], "evidence": EVIDENCE, "grade": "3", "explanation": WHY, "impact": IMPACT}
    replies = await council.craig.submit(submit, reply_to=form_message)
    assert replies[0].text.startswith("Saved"), said(replies)


async def flags(council: Council) -> list[bool]:
    return [update.internal for update in await council.updates()]


def section(html: str, ref: str) -> str:
    """An action's part of the page."""
    return html.split(f'id="action-{ref}"')[1].split("</section>")[0]


async def the_return_card(council: Council) -> dict[str, Any]:
    (card,) = return_cards(await council.sam.say("review"))
    return card


async def test_accepted_as_internal_the_tracker_says_not_published_and_the_committee_reads_it(
    council: Council, harness: Harness, db: Database
) -> None:
    await record_slipped(council)
    card = await the_return_card(council)
    (toggle,) = [e for e in card["body"] if e.get("type") == "Input.Toggle"]
    assert toggle["id"] == "internal" and toggle["title"] == TOGGLE and toggle["value"] == "false"
    accept = next(a for a in card["actions"] if a["title"] == "Accept")

    # Pressed as Action.Execute, as Teams' desktop sends it: the toggle's value merged into the data.
    pressed = await council.sam.execute(accept["data"], inputs={"internal": "true"})
    notice = pressed.card["body"][0]["items"][0]["text"]
    assert notice.startswith("Accepted: ") and "Its evidence stays off the public tracker" in notice
    assert MARKED in strings(pressed.card)  # the decided card, in place of the one pressed
    assert await flags(council) == [True]

    async with db.session() as session:
        await publish(session, review_id=council.review_id, public=True)
    ref = council.action.ref
    public = await page(harness, f"/tracker/{council.review_id}")
    for words in (EVIDENCE, WHY, IMPACT):
        assert str(escape(words)) not in public and words[:30] not in public
    mine = section(public, ref)
    assert NOT_PUBLISHED in mine and MARKED not in public
    assert "3 Slipped" in mine and "Evidence of progress (September 2020)" in mine  # the grade and round

    committee = section(await page(harness, f"/reviews/{council.review_id}"), ref)
    assert all(str(escape(words)) in committee for words in (EVIDENCE, WHY, IMPACT))
    assert MARKED in committee and NOT_PUBLISHED not in committee

    assert await council.exported() == EVIDENCE  # the committee's papers carry it as before


async def test_accepted_without_the_toggle_the_evidence_is_published(
    council: Council, harness: Harness, db: Database
) -> None:
    await record_slipped(council)
    card = await the_return_card(council)
    accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]
    # Pressed as Action.Submit, as Teams' phone apps send it: the toggle left off says "false".
    replies = await council.sam.submit({**accept, "internal": "false"})
    assert replies[0].text.startswith("Accepted: ") and "public tracker" not in replies[0].text
    assert await flags(council) == [False]

    async with db.session() as session:
        await publish(session, review_id=council.review_id, public=True)
    public = await page(harness, f"/tracker/{council.review_id}")
    assert str(escape(EVIDENCE)) in public and WHY in public and IMPACT in public
    assert NOT_PUBLISHED not in public
    assert MARKED not in await page(harness, f"/reviews/{council.review_id}")


async def test_a_tampered_or_wrong_press_marks_nothing(council: Council, make_chat: MakeChat) -> None:
    await record_slipped(council)
    (update_id,) = [update.id for update in await council.updates()]
    tampered = {"verb": "accept_return", "update_id": update_id, "internal": "true"}

    replies = await council.craig.submit(tampered)  # not the scrutiny officer
    assert replies[0].text.startswith("Only the review's scrutiny officer or an admin can accept")
    pressed = await council.craig.execute(tampered)
    assert "Only the review's scrutiny officer or an admin can accept" in pressed.message
    replies = await council.sam.submit({**tampered, "internal": "perhaps"})
    assert replies[0].text.startswith("That card is out of date")
    replies = await council.sam.submit({**tampered, "update_id": 987654})
    assert replies[0].text.startswith("That update is no longer in the record")
    assert await flags(council) == [False] and await council.decisions() == []

    # Return… sends the toggle too (it is on the card); a returned update is on no tracker to mark.
    returned = {"verb": "return_return", "update_id": update_id, "reason": "Say more.", "internal": "true"}
    replies = await council.sam.submit(returned)
    assert replies[0].text.startswith("Returned to Craig Taylor")
    assert await flags(council) == [False]

    # Accepted by an admin afterwards (on a resubmission), the toggle on: marked then.
    await record_slipped(council)
    admin = await make_chat(ADMIN)
    newer = (await council.updates())[-1].id
    replies = await admin.submit({**tampered, "update_id": newer})
    assert replies[0].text.startswith("Accepted: ")
    assert await flags(council) == [False, True]


async def test_the_toggle_shows_what_an_admin_marked_and_accepting_decides_it(
    council: Council, db: Database
) -> None:
    await record_slipped(council)
    async with db.session() as session:  # as `review evidence-internal` does, before it is read
        await mark_internal(
            session,
            review_id=council.review_id,
            number=council.action.recommendation_number,
            position=council.action.position,
            round_label=None,
            internal=True,
        )
    card = await the_return_card(council)
    (toggle,) = [e for e in card["body"] if e.get("type") == "Input.Toggle"]
    assert toggle["value"] == "true"
    accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]

    # A card from before the toggle (no value sent) leaves it as it is.
    replies = await council.sam.submit(accept)
    assert "Its evidence stays off the public tracker" in replies[0].text
    assert await flags(council) == [True]

    # The scrutiny officer turns it off on the next version: that one is published.
    await record_slipped(council)
    (card,) = return_cards(await council.sam.say("review"))
    accept = next(a for a in card["actions"] if a["title"] == "Accept")["data"]
    replies = await council.sam.submit({**accept, "internal": "false"})
    assert replies[0].text.startswith("Accepted: ") and "public tracker" not in replies[0].text
    assert await flags(council) == [True, False]


async def seven_one(db: Database) -> tuple[str, bool]:
    """Action 7.1's March 2020 evidence, and whether it is internal."""
    async with db.session() as session:
        row = (
            await session.execute(
                select(ProgressUpdate.evidence, ProgressUpdate.internal)
                .join(MonitoringRound)
                .where(
                    ProgressUpdate.action_id == await action_id(session, "7.1"),
                    MonitoringRound.label == "March 2020",
                )
            )
        ).one()
    return row.evidence, row.internal


@pytest.mark.usefixtures("seeded")
async def test_an_admin_marks_and_unmarks_a_return_on_the_command_line(
    harness: Harness, db: Database, database_url: str
) -> None:
    await harness.start()
    cli = Cli(database_url)

    async def run(*args: str) -> str:
        return await asyncio.to_thread(cli.ok, *args)

    async def refused(*args: str) -> str:
        result = await asyncio.to_thread(cli, *args)
        assert result.exit_code == 1, result.output
        return " ".join(result.output.split())

    await run("review", "publish", "Digital Optimisation")
    evidence, internal = await seven_one(db)
    shown = str(escape(evidence))
    assert not internal and shown in section(await page(harness, "/tracker/1"), "7.1")

    said = await run("review", "evidence-internal", "digital optimisation", "7.1")
    assert said == (
        "Action 7.1's March 2020 evidence in “Digital Optimisation” is internal: the public tracker says "
        "it is not published. The committee's page and papers still carry it."
    )
    assert (await seven_one(db))[1] is True
    public = await page(harness, "/tracker/1")
    assert shown not in public and NOT_PUBLISHED in section(public, "7.1")
    assert len(re.findall(re.escape(NOT_PUBLISHED), public)) == 2  # its latest evidence and its history
    committee = section(await page(harness, "/reviews/1"), "7.1")
    assert shown in committee and MARKED in committee
    # The meeting's stage is a shared screen, maybe broadcast: kept off it; each one's panel shows it.
    cookie = await sign_in(harness, db, "Andrew Mearns")
    stage = await tab(harness, "/tab/stage/1/7", cookie)
    assert shown not in stage and "The evidence for March 2020 is internal" in stage
    panel = await tab(harness, "/tab/panel/1?recommendation=7", cookie)
    assert shown in panel and "Internal: not on the public tracker, nor on the meeting's stage." in panel

    # Refused in words, changing nothing.
    assert "has no return for September 2020" in await refused(
        "review", "evidence-public", "Digital Optimisation", "7.1", "--round", "September 2020"
    )
    assert "is not a round" in await refused(
        "review", "evidence-public", "Digital Optimisation", "7.1", "--round", "soon"
    )
    assert "has no Recommendation 7, action 9" in await refused(
        "review", "evidence-public", "Digital Optimisation", "7.9"
    )
    assert "is not an action" in await refused("review", "evidence-public", "Digital Optimisation", "seven")
    assert "There is no review called" in await refused("review", "evidence-public", "Nope", "7.1")
    assert (await seven_one(db))[1] is True

    said = await run("review", "evidence-public", "Digital Optimisation", "7.1", "--round", "March 2020")
    assert said.startswith("Action 7.1's March 2020 evidence in “Digital Optimisation” is public again")
    assert (await seven_one(db))[1] is False
    public = await page(harness, "/tracker/1")
    assert shown in section(public, "7.1") and NOT_PUBLISHED not in public
