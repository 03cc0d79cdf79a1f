"""A review's plan agreed in Teams, its rounds opening by themselves on their day (a clock the tests
move), the reminders following, "when is the next round?", and the review complete: by every action
Fully Achieved, or by the committee's sign-off. Over HTTP, with the fake connector."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from chat import DEFAULT_USER, Chat, MakeChat
from sqlalchemy import select
from test_cli import Cli
from test_queries import SEED_LIKE
from test_scheduler import ADMIN, Bot, fixture_bot, lines, london, officer, seed_sample  # noqa: F401 (fixtures)

from bot.app import SCHEDULER, create_app
from bot.scheduler import Scheduler
from documents.dates import find_day
from documents.grades import Grade
from store.db import Database
from store.lifecycle import add_months
from store.models import (
    ActionRevision,
    Completion,
    MonitoringRound,
    Recommendation,
    Review,
    RoundHistory,
    UpdateSource,
    Verdict,
)
from store.queries import review_status
from store.returns import decide
from store.schedule import reminder_moment
from store.updates import record_update

TODAY = datetime.now(UTC).astimezone(london("2026-01-01 00:00").tzinfo).date()  # London's today, as the bot's
AGREED = TODAY - timedelta(days=10)
FIRST = add_months(AGREED, 12)


def at(day: date, clock: str) -> datetime:
    return london(f"{day.isoformat()} {clock}")


def day_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


async def the_review(db: Database) -> Review:
    async with db.session() as session:
        review = await session.scalar(select(Review))
        assert review is not None
        return review


async def rounds(db: Database) -> list[MonitoringRound]:
    async with db.session() as session:
        return list(await session.scalars(select(MonitoringRound).order_by(MonitoringRound.month)))


@pytest.fixture(name="admin")
async def fixture_admin(bot: Bot, make_chat: MakeChat, db: Database, samples: Path) -> Chat:
    await seed_sample(db, samples)
    chat = await make_chat(ADMIN, scope="personal")
    await chat.install()
    return chat


async def agree(admin: Chat, day: date = AGREED) -> str:
    (reply,) = await admin.say(f"plan agreed {day.day} {day:%B %Y}")
    return reply.text


async def test_the_first_round_opens_by_itself_on_its_day_with_its_deadline_and_reminders_follow(
    bot: Bot, admin: Chat, make_chat: MakeChat, db: Database
) -> None:
    reply = await agree(admin)
    assert f"agreed on {day_words(AGREED)}, and is now frozen" in reply
    assert f"opens by itself on **{day_words(FIRST)}**, then one every 6 months" in reply
    assert (await the_review(db)).next_round_on == FIRST
    before = len(await rounds(db))

    assert (await bot.scheduler.tick(now=at(FIRST - timedelta(days=1), "23:59"))).rounds_opened == 0
    assert len(await rounds(db)) == before  # not the day before
    assert (await bot.scheduler.tick(now=at(FIRST, "00:01"))).rounds_opened == 1
    assert (await bot.scheduler.tick(now=at(FIRST, "00:02"))).rounds_opened == 0
    opened = [r for r in await rounds(db) if r.is_open]
    assert [(r.label, r.deadline) for r in opened] == [(f"{FIRST:%B %Y}", FIRST + timedelta(days=28))]
    review = await the_review(db)
    assert review.next_round_on == add_months(AGREED, 18)  # the next one is scheduled when this opens
    async with db.session() as session:
        history = await session.scalar(select(RoundHistory).where(RoundHistory.round_id == opened[0].id))
    assert history is not None and history.by_id is None and "as scheduled" in (history.note or "")

    # The reminders already built follow: 14 days before the deadline, the officer hears of the round.
    craig = await make_chat(officer("Craig Taylor"), scope="personal")
    await craig.install()
    deadline = FIRST + timedelta(days=28)
    moment = reminder_moment(deadline=deadline, days_before=14, zone="Europe/London")
    assert (await bot.scheduler.tick(now=moment)).reminders > 0
    to_craig = [r for r in bot.posts() if r.conversation_id == craig.conversation["id"]]
    assert len(to_craig) == 1
    text = " ".join(lines(to_craig[0].body["attachments"][0]["content"]))
    assert f"{FIRST:%B %Y}" in text


async def test_two_ticks_at_once_open_the_round_once(bot: Bot, admin: Chat, db: Database) -> None:
    await agree(admin)
    now = at(FIRST, "09:00")
    reports = await asyncio.gather(*(bot.scheduler.tick(now=now) for _ in range(2)))
    assert sum(r.rounds_opened for r in reports) == 1
    async with db.session() as session:
        opened = (await session.scalars(select(RoundHistory).where(RoundHistory.note.is_not(None)))).all()
    assert len(opened) == 1


@pytest.fixture
async def second_replica(bot: Bot, database_url: str) -> AsyncIterator[Scheduler]:
    """Another app process on the same PostgreSQL database, with its own scheduler."""
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL server; SQLite is one process's file")
    db = Database(database_url)
    app = create_app(bot.harness.settings(), db=db)
    yield app[SCHEDULER]
    app.freeze()
    await app.cleanup()
    await db.dispose()


async def test_two_replicas_open_the_round_once(
    bot: Bot, admin: Chat, second_replica: Scheduler, db: Database
) -> None:
    await agree(admin)
    now = at(FIRST, "00:00")
    reports = await asyncio.gather(bot.scheduler.tick(now=now), second_replica.tick(now=now))
    assert sum(r.rounds_opened for r in reports) == 1
    assert len([r for r in await rounds(db) if r.is_open]) == 1


async def test_when_is_the_next_round_is_answered_with_its_day(
    bot: Bot, admin: Chat, make_chat: MakeChat
) -> None:
    await agree(admin)
    chair = await make_chat(officer("Carol Chair"), scope="personal")
    (reply,) = await chair.say("when is the next round?")
    assert f"the next round opens by itself on **{day_words(FIRST)}**" in reply.text
    channel = await make_chat(DEFAULT_USER, scope="channel")
    await channel.install()
    (reply,) = [r for r in await channel.say("When does the next round open?") if r.text]
    assert reply.text == f"Digital Optimisation: the next round opens by itself on **{day_words(FIRST)}**."
    await bot.scheduler.tick(now=at(FIRST, "08:00"))
    (reply,) = await chair.say("when is the next round?")
    # The round now open, its deadline, and the one after it.
    assert f"due by **{day_words(FIRST + timedelta(days=28))}**" in reply.text
    assert f"The next round opens by itself on {day_words(add_months(AGREED, 18))}." in reply.text


async def test_plan_agreed_twice_late_unreadable_or_not_by_an_admin(
    bot: Bot, admin: Chat, make_chat: MakeChat, db: Database
) -> None:
    someone = await make_chat(officer("Craig Taylor"), scope="personal")
    (reply,) = await someone.say(f"plan agreed {AGREED.isoformat()}")
    assert (
        reply.text
        == "Only an admin can record that a plan was agreed. Ask one of the scrutiny team's admins to do it."
    )
    for nonsense in ("plan agreed soon", "plan agreed 31 February 2019"):
        (reply,) = await admin.say(nonsense)
        assert reply.text.startswith("I couldn't read a date there."), nonsense
    (reply,) = await admin.say(f"plan agreed {(TODAY + timedelta(days=3)).isoformat()}")
    assert "has not come yet" in reply.text
    assert (await the_review(db)).agreed_on is None  # nothing recorded by any of these

    # So old that its first round has passed: none back-dated; the next in the same rhythm instead.
    old = date(2019, 3, 12)
    expected = next(d for n in range(40) if (d := add_months(old, 12 + 6 * n)) >= TODAY)
    reply = await agree(admin, old)
    assert "would have opened on 12 March 2020, which has passed, so no round is back-dated" in reply
    assert f"the next opens by itself on **{day_words(expected)}**" in reply
    review = await the_review(db)
    assert (review.agreed_on, review.next_round_on) == (old, expected)
    assert (review.first_round_after_months, review.round_every_months) == (12, 6)

    reply = await agree(admin)
    assert reply == (
        "The plan for “Digital Optimisation” was agreed on 12 March 2019; it cannot be agreed twice. "
        "Its monitoring rounds are already scheduled."
    )
    assert (await the_review(db)).agreed_on == old


async def fully_achieve_everything(db: Database, round_id: int) -> list[int]:
    """Every action not yet done graded Fully Achieved in the round; the updates' ids."""
    saved = []
    async with db.session() as session:
        review = await session.scalar(select(Review))
        assert review is not None
        for rec in await review_status(session, review_id=review.id):
            for action in rec.actions:
                if not action.done:
                    update = await record_update(
                        session,
                        action_id=action.id,
                        round_id=round_id,
                        evidence="Done and in use across the council.",
                        grade=Grade.FULLY_ACHIEVED,
                        explanation=None,
                        impact=None,
                        by_person_id=None,
                        source=UpdateSource.CLI,
                        max_text_length=20_000,
                    )
                    saved.append(update.id)
    return saved


async def test_every_action_fully_achieved_completes_the_review_and_no_more_rounds_open(
    bot: Bot, admin: Chat, db: Database
) -> None:
    await agree(admin)
    await bot.scheduler.tick(now=at(FIRST, "00:01"))
    (opened,) = [r for r in await rounds(db) if r.is_open]
    updates = await fully_achieve_everything(db, opened.id)
    # Not before the scrutiny officer has accepted them: one might yet be returned.
    await bot.scheduler.tick(now=at(FIRST + timedelta(days=4), "10:00"))
    assert (await the_review(db)).completed_on is None
    async with db.session() as session:
        for update_id in updates:
            await decide(
                session,
                update_id=update_id,
                verdict=Verdict.ACCEPTED,
                reason=None,
                person_id=None,
                is_admin=True,
                activity_id=None,
            )
    await bot.scheduler.tick(now=at(FIRST + timedelta(days=5), "10:00"))
    review = await the_review(db)
    assert (review.completed_how, review.next_round_on) == (Completion.ALL_ACHIEVED, None)
    assert not [r for r in await rounds(db) if r.is_open]  # its round closed with it
    (reply,) = await admin.say("status")
    shown = lines(reply.cards[0])
    day = day_words(FIRST + timedelta(days=5))
    assert f"Complete since {day} (every action Fully Achieved)." in shown
    assert "13 recommendations accepted: 13 achieved, 0 not achieved." in shown
    # The day the next round would have opened, nothing opens.
    assert (await bot.scheduler.tick(now=at(add_months(AGREED, 18), "00:01"))).rounds_opened == 0
    (reply,) = await admin.say("when is the next round?")
    assert reply.text == f"Digital Optimisation is complete, since {day}: it has no more rounds."


async def test_signed_off_by_the_committee_the_review_is_complete_and_its_rounds_cancelled(
    bot: Bot, admin: Chat, make_chat: MakeChat, db: Database
) -> None:
    await agree(admin)
    someone = await make_chat(officer("Craig Taylor"), scope="personal")
    (reply,) = await someone.say("review signed off")
    assert reply.text == "Only an admin can record that the committee signed a review off."
    assert (await the_review(db)).completed_on is None
    (reply,) = await admin.say("review signed off")
    assert reply.text.startswith(
        "Recorded: “Digital Optimisation” is signed off by the committee and complete."
    )
    assert "13 recommendations accepted:" in reply.text and "not achieved." in reply.text
    review = await the_review(db)
    assert (review.completed_on, review.completed_how, review.next_round_on) == (
        TODAY,
        Completion.SIGNED_OFF,
        None,
    )
    assert (await bot.scheduler.tick(now=at(FIRST, "00:01"))).rounds_opened == 0
    assert not [r for r in await rounds(db) if r.is_open]
    (reply,) = await admin.say("review signed off")
    assert reply.text == f"“Digital Optimisation” is already complete, since {day_words(TODAY)}."
    (reply,) = await admin.say("summary")
    shown = lines(reply.cards[0])
    assert f"Complete since {day_words(TODAY)} (signed off by the committee)." in shown
    (reply,) = await admin.say(f"plan agreed {AGREED.isoformat()}")
    assert "cannot be agreed twice" in reply.text


@pytest.fixture(name="cli")
def fixture_cli(database_url: str) -> Cli:
    return Cli(database_url)


def test_the_command_line_agrees_a_plan_and_signs_a_review_off(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "digital-optimisation.yaml"
    plan.write_text(SEED_LIKE, encoding="utf-8")
    cli.ok("import", plan)
    said = cli.ok("review", "agree", "Digital Optimisation", AGREED.isoformat(), "--first-after", "9")
    first = add_months(AGREED, 9)
    assert (
        f"The first monitoring round opens by itself on {day_words(first)}, then one every 6 months" in said
    )
    again = cli("review", "agree", "Digital Optimisation", "12 March 2019")
    assert again.exit_code == 1 and "cannot be agreed twice" in again.output
    nonsense = cli("review", "agree", "Digital Optimisation", "next Tuesday")
    assert nonsense.exit_code == 1 and "is not a date" in nonsense.output
    assert f"The next round opens by itself on {day_words(first)}." in cli.ok("status")
    assert f"│ {first:%B %Y} │ │ opens {day_words(first)} │" in cli.ok("round", "list")
    said = cli.ok("review", "sign-off", "Digital Optimisation")
    assert said.startswith("Recorded: “Digital Optimisation” is signed off by the committee and complete.")
    shown = cli.ok("status")
    assert f"Complete since {day_words(TODAY)} (signed off by the committee)." in shown
    assert "recommendations accepted:" in shown
    refused = cli("round", "open", "March 2027")
    assert refused.exit_code == 1 and "is complete" in refused.output and "no more rounds" in refused.output


def test_a_change_to_an_agreed_action_after_agreement_keeps_what_it_replaced(
    cli: Cli, tmp_path: Path
) -> None:
    plan = tmp_path / "digital-optimisation.yaml"
    plan.write_text(SEED_LIKE, encoding="utf-8")
    cli.ok("import", plan)
    changed = SEED_LIKE.replace("Continue to submit bids.", "Submit two bids a year.")
    assert changed != SEED_LIKE
    plan.write_text(changed, encoding="utf-8")
    # Before agreement the plan is a draft: changes leave nothing behind.
    assert "revision" not in cli.ok("import", plan)
    plan.write_text(SEED_LIKE, encoding="utf-8")
    cli.ok("import", plan)
    cli.ok("review", "agree", "Digital Optimisation", AGREED.isoformat())
    assert "revision" not in cli.ok("import", plan)  # the same plan again changes nothing
    plan.write_text(changed, encoding="utf-8")
    said = cli.ok("import", plan)
    assert (
        "1 agreed action(s) changed since the plan was agreed: their earlier words are kept as revisions."
        in said
    )
    shown = cli.ok("review", "revisions", "Digital Optimisation")
    assert "13.1" in shown and "Continue to submit bids." in shown and "Submit two bids a year." in shown
    assert cli.count(ActionRevision) == 1
    assert "Submit two bids a year." in cli.ok("status", "13")


async def test_a_plan_with_a_recommendation_without_actions_is_not_agreed(admin: Chat, db: Database) -> None:
    async with db.session() as session:
        review = await session.scalar(select(Review))
        assert review is not None
        session.add(Recommendation(review_id=review.id, number=14, text="A fourteenth, not yet planned."))
    reply = await agree(admin)
    assert reply == (
        "Recommendation 14 of “Digital Optimisation” has no agreed action yet. "
        "A plan is agreed once every accepted recommendation has at least one."
    )
    review = await the_review(db)
    assert (review.agreed_on, review.next_round_on) == (None, None)


@pytest.mark.parametrize(
    ("said", "day", "rest"),
    [
        ("12 March 2019", date(2019, 3, 12), ""),
        ("12th of March 2019 for Digital Optimisation", date(2019, 3, 12), "for Digital Optimisation"),
        ("Digital Optimisation 2019-03-12", date(2019, 3, 12), "Digital Optimisation"),
        ("12/03/2019", date(2019, 3, 12), ""),  # day first, as a British council writes it
        ("1 Sept 2020", date(2020, 9, 1), ""),
    ],
)
def test_the_day_a_plan_was_agreed_is_read_as_councils_write_it(said: str, day: date, rest: str) -> None:
    assert find_day(said) == (day, rest)


@pytest.mark.parametrize("said", ["soon", "March 2019", "31 February 2019", "2019-13-01", ""])
def test_what_is_no_day_is_not_taken_for_one(said: str) -> None:
    assert find_day(said) is None
