"""The summary card: what the channel reads about the council's March 2020 return, and a huge council's."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cardcheck import assert_valid_card as assert_valid_plain_card
from cardcheck import render_cards, requires_renderer
from chat import CHANNEL_ID, DEFAULT_USER, Chat, MakeChat
from records import action_id, import_document
from sqlalchemy import select, update
from test_cli import Cli
from test_review_loop import SAM, reason_submit, return_cards
from test_scheduler import (  # noqa: F401 (fixtures)
    ADMIN,
    Bot,
    Tick,
    fixture_bot,
    fixture_channel,
    fixture_tick,
    lines,
    officer,
    open_september,
    seed_sample,
)
from typer.testing import CliRunner

from bot.cli import app
from bot.cli.summary import send_summaries_now
from cards.size import CARD_BYTE_LIMIT, card_bytes
from cards.summary import summary_card
from dialogs.summary import review_summary
from documents.grades import Grade
from documents.synthetic import synthetic_council
from store.db import Database
from store.models import ConversationKind, Person, ProgressUpdate, TeamsConversation, UpdateSource, utcnow
from store.plan import import_plan, require_review
from store.queries import reviews
from store.updates import record_update


def assert_valid_card(card: dict[str, Any], name: str = "card") -> None:
    """Valid Adaptive Card 1.5 apart from `msteams`, Teams' own extension (the schema knows nothing of
    it, Teams needs it for @mentions), whose shape is checked here; and under 28 KB with it."""
    teams = card.get("msteams", {})
    assert set(teams) <= {"width", "entities"} and teams.get("width", "full") == "full", name
    for entity in teams.get("entities", []):
        assert entity["type"] == "mention" and set(entity["mentioned"]) == {"id", "name"}, name
        assert entity["text"] == f"<at>{entity['mentioned']['name']}</at>", name
    assert_valid_plain_card({key: value for key, value in card.items() if key != "msteams"}, name)
    assert card_bytes(card) < CARD_BYTE_LIMIT, f"{name} is {card_bytes(card)} bytes"


def texts(card: dict[str, Any]) -> list[str]:
    return lines(card)


async def the_summary(chat: Chat) -> dict[str, Any]:
    replies = await chat.say("summary")
    assert len(replies) == 1 and len(replies[0].cards) == 1
    card = replies[0].cards[0]
    assert_valid_card(card, "summary")
    return card


async def test_the_march_2020_summary_as_the_channel_reads_it(
    bot: Bot, channel: Chat, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    card = await the_summary(channel)
    lines = texts(card)
    assert lines[:2] == [
        "Summary: Digital Optimisation",
        "No round is open; these are the grades from March 2020.",
    ]
    assert "5 Fully Achieved · 16 On-Track · 6 Slipped · 0 Not Achieved" in lines
    bar = next(e for e in card["body"] if e["type"] == "ColumnSet")
    assert [(c["style"], c["width"]) for c in bar["columns"]] == [("good", 5), ("accent", 16), ("warning", 6)]
    slipped = lines[lines.index("Slipped or Not Achieved") + 1 :]
    assert [line.split(" —")[0] for line in slipped[:6]] == [
        f"{r} Slipped" for r in (1.2, 1.3, 3.2, 7.4, 9.1, 9.2)
    ]
    assert (
        slipped[3]
        == "7.4 Slipped — Carly Dixon, Andrew Mearns: Promote via Stockton website and Stockton News."
    )
    assert lines[-2:] == ["Updates", "No round is open, so no updates are being asked for."]
    assert card_bytes(card) < CARD_BYTE_LIMIT


async def test_with_a_round_open_owners_are_mentioned_with_what_they_still_owe(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    review_id = await seed_sample(db, samples)
    await open_september(db, review_id, deadline="2026-12-04")
    async with db.session() as session:  # never seen in Teams: named, not mentioned
        mark = await session.scalar(select(Person).where(Person.name == "Mark Freeman"))
        assert mark is not None
        mark.aad_object_id = None
    chat = await make_chat(DEFAULT_USER, scope="personal")  # "summary" works in a 1:1 chat too
    card = await the_summary(chat)
    lines = texts(card)
    assert lines[1] == "September 2020 round, updates due by Friday 4 December 2026."
    assert (
        "0 Fully Achieved · 0 On-Track · 0 Slipped · 0 Not Achieved · "
        "5 Fully Achieved in an earlier round · 22 not assessed" in lines
    )
    missing = lines[lines.index("Still to update for September 2020") + 1 :]
    assert missing[0] == (
        "<at>Lorraine Dixon</at>: 1.2, 1.3, 2.1, 5.2 (with Ian Coxon), 7.1 (with Liz Purdy), 8.2, "
        "9.1 (with Liz Purdy), 9.2 (with Liz Purdy), 10.1 (with Ian Coxon), 11.1, 12.1, 13.1"
    )
    # 10.2's "Digital Service Group", as the council's document spells it there, is the same group.
    assert "Digital Services Group: 5.1, 6.2, 8.3, 8.4, 10.2, 12.2" in missing
    assert "Mark Freeman: 7.3" in missing
    entities = {e["mentioned"]["name"]: e for e in card["msteams"]["entities"]}
    assert entities["Lorraine Dixon"] == {
        "type": "mention",
        "text": "<at>Lorraine Dixon</at>",
        "mentioned": {"id": "aad-lorraine", "name": "Lorraine Dixon"},
    }
    assert "Mark Freeman" not in entities and "Digital Services Group" not in entities


async def test_a_large_councils_biggest_review_is_summarised_under_28_kb(db: Database) -> None:
    (plan,) = synthetic_council(reviews=1, recommendations=60, actions=6, rounds=8)
    async with db.session() as session:
        await import_plan(session, plan=plan)
        # As if its officers had recorded every return in Teams this week: a week of news.
        await session.execute(update(ProgressUpdate).values(source=UpdateSource.TEAMS))
        for i, person in enumerate(await session.scalars(select(Person).where(Person.is_group.is_(False)))):
            person.aad_object_id = f"aad-{i}"
    async with db.session() as session:
        (review,) = await reviews(session)
        view = await review_summary(session, review=review, since=datetime.now(UTC) - timedelta(days=7))
    assert len(view.changes) > 100 and len(view.slipped) > 12 and len(view.missing) > 30
    card = summary_card(view)
    assert_valid_card(card, "large summary")
    more = [line for line in texts(card) if line.startswith("…and ")]
    assert more[0] == f"…and {len(view.changes) - 12} more — say “status” to see them all."
    assert more[1] == f"…and {len(view.slipped) - 12} more — say “slipped” to see them all."


async def test_a_summary_that_would_not_fit_shows_fewer_lines(db: Database) -> None:
    (plan,) = synthetic_council(reviews=1, recommendations=60, actions=6, rounds=8)
    plan = plan.model_copy(update={"review": "R" * 250})
    async with db.session() as session:
        await import_plan(session, plan=plan)
        await session.execute(update(ProgressUpdate).values(source=UpdateSource.TEAMS))
    async with db.session() as session:
        (review,) = await reviews(session)
        view = await review_summary(session, review=review, since=datetime.now(UTC) - timedelta(days=7))
    # Every slipped action's text made very long (and far from ASCII, six bytes a character on the wire):
    slipped = [a.model_copy(update={"agreed_action": "€" * 2000}) for a in view.slipped]
    card = summary_card(view.model_copy(update={"slipped": slipped}))
    assert_valid_card(card, "crowded summary")


async def test_the_summary_command_is_for_everyone_in_the_channel(
    bot: Bot, make_chat: MakeChat, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    stranger = await make_chat(officer("Pat Nobody"), scope="channel")  # not on the roster
    card = await the_summary(stranger)
    assert texts(card)[0] == "Summary: Digital Optimisation"


async def test_no_reviews_yet(bot: Bot, channel: Chat) -> None:
    replies = await channel.say("summary")
    assert [r.text for r in replies] == [
        "There are no reviews to summarise yet. An admin can import an action plan."
    ]


async def test_a_schedule_it_cannot_read_is_answered_in_words(bot: Bot, make_chat: MakeChat) -> None:
    admin = await make_chat(ADMIN, scope="channel")
    await admin.install()
    replies = await admin.say("summary every Funday at 25:00")
    assert [r.text for r in replies] == [
        "I couldn't read that schedule. Say, for example, “summary every Friday at 14:00”."
    ]
    personal = await make_chat(ADMIN, scope="personal")
    replies = await personal.say("summary every Friday at 14:00")
    assert replies[0].text.startswith("The weekly summary goes to channels.")


@requires_renderer
async def test_the_summary_renders_in_teams_without_a_complaint(
    bot: Bot, channel: Chat, db: Database, samples: Path, tmp_path: Path
) -> None:
    review_id = await seed_sample(db, samples)
    before = await the_summary(channel)
    await open_september(db, review_id)
    after = await the_summary(channel)
    events = render_cards({"summary-march": before, "summary-september": after}, tmp_path)
    assert events == {"summary-march": [], "summary-september": []}
    assert CHANNEL_ID


def test_an_admin_sets_a_channels_time_from_the_command_line(database_url: str) -> None:
    async def add_channel() -> None:
        database = Database(database_url)
        async with database.session() as session:
            session.add(
                TeamsConversation(
                    conversation_id=CHANNEL_ID,
                    kind=ConversationKind.CHANNEL,
                    team_name="Digital Services Group",
                    service_url="https://smba.trafficmanager.net/uk/",
                    reference={},
                )
            )
        await database.dispose()

    asyncio.run(add_channel())
    runner = CliRunner()
    env = {"DATABASE_URL": database_url, "COLUMNS": "200", "HOST": None, "PORT": None}
    listed = runner.invoke(app, ["summary", "schedule"], env=env)
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith(
        "Digital Services Group: every Monday at 09:00 (Europe/London). Next: Monday "
    )
    changed = runner.invoke(
        app, ["summary", "schedule", "Thursday 8am", "--channel", "Digital Services Group"], env=env
    )
    assert changed.exit_code == 0, changed.output
    assert changed.output.startswith(
        "Digital Services Group: every Thursday at 08:00 (Europe/London). Next: Thursday "
    )
    wrong = runner.invoke(app, ["summary", "schedule", "Thursday 8am", "--channel", "Elsewhere"], env=env)
    assert (wrong.exit_code, wrong.output.strip()) == (1, "No channel matches.")


async def test_send_now_posts_every_reviews_summary_to_the_channel(
    bot: Bot, channel: Chat, db: Database, samples: Path
) -> None:
    await seed_sample(db, samples)
    scheduler = bot.scheduler
    assert await send_summaries_now(scheduler.db, scheduler.proactive, channel=None, now=utcnow()) == (1, 0)
    (posted,) = bot.cards(CHANNEL_ID)
    assert texts(posted.cards[0])[0] == "Summary: Digital Optimisation"
    assert posted.raw["summary"] == "Summary: Digital Optimisation"


async def test_an_imported_round_is_one_line_and_the_weeks_changes_are_what_people_did(
    bot: Bot, channel: Chat, db: Database, samples: Path
) -> None:
    """Imported this week, then three September 2020 updates: the summary's "Since …" lists those three
    (graded against March 2020), and the import as one line, not 27 changes."""
    async with db.session() as session:
        await import_document(session, path=samples / "progress-update-march-2020.docx")
        review_id = (await require_review(session, "Digital Optimisation")).id
    september = await open_september(db, review_id)
    async with db.session() as session:
        craig = await session.scalar(select(Person).where(Person.name == "Craig Taylor"))
        assert craig is not None
        september_grades = {(7, 2): Grade.SLIPPED, (1, 2): Grade.ON_TRACK, (9, 1): None}
        for (number, position), grade in september_grades.items():
            await record_update(
                session,
                action_id=await action_id(session, number=number, position=position),
                round_id=september,
                evidence="Venues visited.",
                grade=grade,
                explanation="Venues shut for repairs." if grade is Grade.SLIPPED else None,
                impact=None,
                by_person_id=craig.id,
                source=UpdateSource.TEAMS,
                max_text_length=20_000,
            )
    card = await the_summary(channel)
    shown = texts(card)
    since = next(i for i, line in enumerate(shown) if line.startswith("Since "))
    assert shown[since + 1 : shown.index("Slipped or Not Achieved")] == [
        "March 2020 imported: 27 updates",
        "7.2 September 2020: On-Track → Slipped ↓ (Craig Taylor)",
        "1.2 September 2020: Slipped → On-Track ↑ (Craig Taylor)",
        "9.1 September 2020: not graded yet (Craig Taylor)",
    ]


async def test_a_group_spelt_two_ways_is_one_owner_until_an_admin_keeps_them_apart(
    bot: Bot, channel: Chat, db: Database, samples: Path, database_url: str
) -> None:
    cli = Cli(database_url)
    imported = await asyncio.to_thread(cli.ok, "import", samples / "progress-update-march-2020.docx")
    assert imported.endswith(
        "“Digital Service Group” is taken to be “Digital Services Group”, one owner "
        "(to keep them apart: scrutiny-bot people unmerge “Digital Service Group”)."
    )
    async with db.session() as session:
        review_id = (await require_review(session, "Digital Optimisation")).id
    await open_september(db, review_id)

    async def still_to_update() -> list[str]:
        shown = texts(await the_summary(channel))
        return [line for line in shown if line.startswith("Digital")]

    assert await still_to_update() == ["Digital Services Group: 5.1, 6.2, 8.3, 8.4, 10.2, 12.2"]

    apart = await asyncio.to_thread(cli.ok, "people", "unmerge", "Digital Service Group")
    assert apart == (
        "“Digital Service Group” is an owner of its own again, for 10.2 (it had been taken for "
        "“Digital Services Group”). Imports keep them apart from now on."
    )
    expected = ["Digital Services Group: 5.1, 6.2, 8.3, 8.4, 12.2", "Digital Service Group: 10.2"]
    assert await still_to_update() == expected
    again = await asyncio.to_thread(cli.ok, "import", samples / "progress-update-march-2020.docx")
    assert "taken to be" not in again
    assert await still_to_update() == expected
    twice = await asyncio.to_thread(cli, "people", "unmerge", "Digital Service Group")
    assert twice.exit_code == 1
    assert "“Digital Service Group” is an owner of its own already: nothing was changed." in twice.output


async def test_the_summary_names_whom_a_return_went_to_says_what_is_shared_and_numbers_every_part(
    bot: Bot, channel: Chat, db: Database, samples: Path, make_chat: MakeChat
) -> None:
    review_id = await seed_sample(db, samples)
    september = await open_september(db, review_id)
    sam = await make_chat(SAM)
    async with db.session() as session:
        session.add(
            Person(name=SAM.name, email=SAM.email, aad_object_id=SAM.aad_object_id, is_scrutiny_officer=True)
        )
        liz = await session.scalar(select(Person).where(Person.name == "Liz Purdy"))
        assert liz is not None
        await record_update(
            session,
            action_id=await action_id(session, number=7, position=1),  # Lorraine Dixon / Liz Purdy
            round_id=september,
            evidence="We will sign staff up next year.",
            grade=Grade.ON_TRACK,
            explanation=None,
            impact=None,
            by_person_id=liz.id,
            source=UpdateSource.TEAMS,
            max_text_length=20_000,
        )
    replies = await sam.say("review")
    (card,) = return_cards(replies)
    await sam.submit(
        reason_submit(card, "A promise, not evidence."), reply_to=next(r for r in replies if r.cards)
    )

    summary = await the_summary(channel)
    shown = texts(summary)
    assert "Waiting for review: 0. Returned: 1 (to Liz Purdy)." in shown  # not both joint owners
    # 9.1 and 9.2 are Lorraine's and Liz's: under each of them, saying so.
    assert (
        "<at>Lorraine Dixon</at>: 1.2, 1.3, 2.1, 5.2 (with Ian Coxon), 8.2, 9.1 (with Liz Purdy), "
        "9.2 (with Liz Purdy), 10.1 (with Ian Coxon), 11.1, 12.1, 13.1"
    ) in shown
    assert "<at>Liz Purdy</at>: 9.1 (with Lorraine Dixon), 9.2 (with Lorraine Dixon)" in shown
    # Every part of the bar carries its number, the one On-Track too.
    bar = next(e for e in summary["body"] if e["type"] == "ColumnSet")
    assert [(c["style"], c["items"][0]["text"]) for c in bar["columns"]] == [
        ("good", "5"),
        ("accent", "1"),
        ("emphasis", "21"),
    ]
