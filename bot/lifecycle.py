"""The scheduler's part in a review's life: complete the reviews whose actions are all Fully Achieved,
then open each round whose day has come (store/lifecycle.py), each review in its own transaction so
one that fails holds up no other. The reminders already built follow the rounds opened."""

from __future__ import annotations

import logging
from datetime import date

from documents.errors import UserFacingError
from store.db import Database
from store.lifecycle import all_achieved, complete_review, due_rounds, open_scheduled_round
from store.models import Completion

log = logging.getLogger(__name__)


async def advance_reviews(db: Database, *, today: date, deadline_days: int) -> int:
    """Complete what is achieved, open what is due; how many rounds were opened."""
    async with db.session() as session:
        finished = await all_achieved(session)
    for review_id in finished:
        try:
            async with db.session() as session:
                review = await complete_review(
                    session, review_id=review_id, how=Completion.ALL_ACHIEVED, today=today
                )
                log.info("Review %r is complete: every action is Fully Achieved", review.title)
        except UserFacingError:  # another replica completed it a moment ago
            continue
    async with db.session() as session:
        due = await due_rounds(session, today=today)
    opened = 0
    for review_id, opens_on in due:
        async with db.session() as session:
            round_ = await open_scheduled_round(
                session, review_id=review_id, opens_on=opens_on, today=today, deadline_days=deadline_days
            )
            if round_ is not None:
                log.info("Opened the %s round of review %d on its day", round_.label, review_id)
                opened += 1
    return opened
