"""Whose queue a return is in: a scrutiny officer for one review reads that review's returns and new
dates only; a council-wide one and an admin read every review's."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from test_updates import Seeded, _record, seed

from store.action_rows import require_action
from store.db import Database
from store.extensions import pending_extensions, request_extension
from store.models import Verdict, review_scrutiny_officers
from store.plan import require_review
from store.returns import decide, is_reviewer, may_review, return_for_review, returns_to_review


@pytest.fixture(name="seeded")
async def fixture_seeded(db: Database) -> Seeded:
    return await seed(db)


async def test_a_reviewer_for_one_review_reads_only_that_reviews_queue(db: Database, seeded: Seeded) -> None:
    await _record(db, seeded, "7.2")  # Digital Optimisation
    youth_round = seeded.rounds["October 2020"]
    await _record(db, seeded, "youth 1.1", round_id=youth_round, by_person_id=seeded.people["pat"])
    async with db.session() as session:
        digital = (await require_review(session, "Digital Optimisation")).id
        youth = (await require_review(session, "Youth Services")).id
        await session.execute(
            insert(review_scrutiny_officers).values(review_id=youth, person_id=seeded.people["sam"])
        )
        await request_extension(
            session,
            number=7,
            position=2,
            month="March 2021",
            reason="Venues closed.",
            person_id=seeded.people["craig"],
            is_admin=False,
            activity_id=None,
        )
    async with db.session() as session:
        sam = seeded.people["sam"]
        mine, waiting = await returns_to_review(session, person_id=sam, is_admin=False)
        assert ([r.review_title for r in mine], waiting) == (["Youth Services"], 1)
        assert await pending_extensions(session, person_id=sam, is_admin=False) == []
        assert await may_review(session, person_id=sam, is_admin=False, review_id=youth)
        assert not await may_review(session, person_id=sam, is_admin=False, review_id=digital)
        assert await is_reviewer(session, person_id=sam, is_admin=False)
        assert not await is_reviewer(session, person_id=seeded.people["craig"], is_admin=False)
        every, total = await returns_to_review(session, person_id=None, is_admin=True)
        assert (sorted(r.review_title for r in every), total) == (
            ["Digital Optimisation", "Youth Services"],
            2,
        )
        (asked,) = await pending_extensions(session, person_id=None, is_admin=True)
        assert (asked.name, asked.asked_date) == ("Recommendation 7, action 2", "March 2021")


async def test_an_older_version_comes_with_the_one_it_replaced_whatever_was_read_first(
    db: Database, seeded: Seeded
) -> None:
    """An action read once in a unit of work holds each round's newest two versions; a card about an
    older one reads it again, so the card can still say that version answered a return."""
    first = await _record(db, seeded, evidence="First draft.")
    async with db.session() as session:
        await decide(
            session,
            update_id=first.id,
            verdict=Verdict.RETURNED,
            reason="Say what was done.",
            person_id=None,
            is_admin=True,
            activity_id=None,
        )
    second = await _record(db, seeded, evidence="Ran six sessions.")
    await _record(db, seeded, evidence="Ran seven sessions.")
    async with db.session() as session:
        await require_action(session, seeded.actions["7.2"])  # read for something else first
        shown = await return_for_review(session, update_id=second.id)
    assert shown is not None and not shown.current
    assert (shown.answer.evidence, shown.returned_before) == ("Ran six sessions.", "Say what was done.")
