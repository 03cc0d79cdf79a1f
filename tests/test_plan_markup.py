"""The plan's own markup, one rule wherever text is drawn: the council's document writes
"*My Stockton*" in italics; a card draws it in italics, a choice's title, a button and the terminal
in plain words, and nowhere are its asterisks or a link's brackets shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chat import Chat, MakeChat
from sqlalchemy import select
from test_cli import Cli
from test_review_loop import SAM, return_cards
from test_scheduler import Bot, fixture_bot, officer, open_september, seed_sample  # noqa: F401 (fixtures)
from test_status_cards import runs

from documents.grades import Grade
from store.db import Database
from store.models import EvidenceItem, EvidenceKind, Person, UpdateSource
from store.queries import review_status
from store.updates import record_update

LORRAINE = officer("Lorraine Dixon")
SURVEY_URL = "https://stockton.sharepoint.com/sites/digital/Staff%20survey%20%5Bfinal%5D.xlsx"


def drawn(card: dict[str, Any]) -> list[tuple[str, bool, str | None]]:
    """Each piece of text a card draws: (words, in italics, the link it opens)."""
    return [(r["text"], bool(r.get("italic")), r.get("selectAction", {}).get("url")) for r in runs(card)]


def no_markup_shown(card: dict[str, Any]) -> None:
    for text, _, _ in drawn(card):
        assert "*My Stockton*" not in text and "](" not in text, text


async def test_my_stockton_is_in_italics_on_cards_and_plain_in_choices(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    review_id = await seed_sample(db, samples)
    round_id = await open_september(db, review_id)
    channel = await make_chat(scope="channel")
    await channel.install()

    # The summary's Slipped section: 1.2 "Consider and define content for *My Stockton* at …".
    (summary,) = (await channel.say("summary"))[0].cards
    assert ("My Stockton", True, None) in drawn(summary)
    no_markup_shown(summary)
    # A list's line is one line, cut without leaving half its markup: 3.2's action runs on for lines.
    assert not any("\n" in text or text.endswith("*") for text, _, _ in drawn(summary))

    # Lorraine's `update`: which recommendation, in plain words (a choice's title draws no italics).
    lorraine = await make_chat(LORRAINE)
    (question,) = (await lorraine.say("update"))[0].cards
    titles = [c["title"] for c in question["body"][0]["choices"]]
    assert (
        "Recommendation 1: A review of My Stockton with regards content and layout be undertaken." in titles
    )
    assert not any("*" in title for title in titles)

    # Her 1.2 waits for the scrutiny officer, with a file whose name has brackets.
    async with db.session() as session:
        person = await session.scalar(select(Person).where(Person.name == "Lorraine Dixon"))
        assert person is not None
        session.add(
            Person(name=SAM.name, email=SAM.email, aad_object_id=SAM.aad_object_id, is_scrutiny_officer=True)
        )
        recommendations = await review_status(session, review_id=review_id)
        action_id = next(a.id for rec in recommendations for a in rec.actions if a.ref == "1.2")
        await record_update(
            session,
            action_id=action_id,
            round_id=round_id,
            evidence="Content for *My Stockton* agreed at the Digital Services Group.",
            grade=Grade.ON_TRACK,
            explanation=None,
            impact=None,
            by_person_id=person.id,
            source=UpdateSource.TEAMS,
            max_text_length=20_000,
        )
        session.add(
            EvidenceItem(
                action_id=action_id,
                round_id=round_id,
                kind=EvidenceKind.FILE,
                name="Staff survey [final].xlsx",
                url=SURVEY_URL,
                added_by_id=person.id,
            )
        )
    sam: Chat = await make_chat(SAM)
    (card,) = return_cards(await sam.say("review"))
    shown = drawn(card)
    # The line above the action ("Digital Optimisation — Recommendation 1: A review of *My Stockton* …"),
    # the agreed action and the evidence: each "My Stockton" in italics; the file a link by its name.
    assert shown.count(("My Stockton", True, None)) == 3
    assert ("Staff survey [final].xlsx", False, SURVEY_URL) in shown
    no_markup_shown(card)


def test_the_terminal_shows_plain_words(database_url: str, samples: Path) -> None:
    cli = Cli(database_url)
    cli.ok("import", samples / "progress-update-march-2020.docx")
    shown = cli.ok("status", "1")
    assert "A review of My Stockton with regards content and layout be undertaken." in shown
    assert "Consider and define content for My Stockton at Digital Services Group" in shown
    assert "*" not in shown
