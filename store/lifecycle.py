"""A review's life after its action plan: agreed, monitored in rounds that open on their own, complete.

"plan agreed 12 March 2019" records the day, freezes the plan (a second agreement is refused) and
schedules the first round about 12 months later (the progress update's own words: "approximately 12
months after agreement"), then one every 6 months; both are kept on the review. Only the next round is
scheduled, as `Review.next_round_on`: it opens on that day, and the one after it is scheduled then.

A round opens exactly once whatever replicas tick at the same moment: the schedule moves on with a
conditional UPDATE (only where `next_round_on` is still the day being opened), in the same transaction
that opens the round. Whoever's UPDATE changes the row opens it; anyone else's changes nothing.

A review is complete when every action of its accepted recommendations is Fully Achieved (checked for
agreed reviews, the ones the bot schedules), or when an admin records that the committee signed it off.
Then nothing more is scheduled, and its open round closes.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from documents.dates import round_label
from documents.errors import UserFacingError
from store.models import Completion, MonitoringRound, Review, RoundEvent, RoundHistory
from store.outcome import is_accepted, life_of
from store.queries import review_status
from store.rounds import current_round, locked_review, open_round
from store.views import Agreement, ReturnState, ReviewLife, RoundPlan


def day(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"


def add_months(start: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 August + 6)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def round_day(review: Review, *, on_or_after: date) -> date:
    """The first day in the review's schedule (agreement + first + every × n months) on or after."""
    assert review.agreed_on and review.first_round_after_months and review.round_every_months
    n = 0
    while (
        due := add_months(review.agreed_on, review.first_round_after_months + n * review.round_every_months)
    ) < on_or_after:
        n += 1
    return due


async def agree_plan(
    session: AsyncSession,
    *,
    review_id: int,
    agreed_on: date,
    today: date,
    plan: RoundPlan,
    by_person_id: int | None = None,
) -> Agreement:
    """Record the committee's agreement and schedule the first round; refused if already agreed, if
    the day has not come yet, if the review is complete, or while a recommendation has no action.

    An agreement recorded so late that its first round's day has passed is not given a round back-dated
    to then: the schedule starts from its next day in the same rhythm (the rounds in between were run
    by hand, or not at all), and the reply says so.
    """
    review = await locked_review(session, review_id=review_id)
    if review.agreed_on is not None:
        raise UserFacingError(
            f"The plan for “{review.title}” was agreed on {day(review.agreed_on)}; it cannot be agreed "
            "twice. Its monitoring rounds are already scheduled."
        )
    if review.completed_on is not None:
        raise UserFacingError(f"“{review.title}” is complete since {day(review.completed_on)}.")
    if agreed_on > today:
        raise UserFacingError(
            f"{day(agreed_on)} has not come yet: record the agreement on or after the committee's meeting."
        )
    recommendations = [r for r in await review_status(session, review_id=review_id) if is_accepted(r)]
    if not recommendations:
        raise UserFacingError(f"“{review.title}” has no recommendations yet: there is no plan to agree.")
    without = [str(r.number) for r in recommendations if not r.actions]
    if without:
        raise UserFacingError(
            f"Recommendation {', '.join(without)} of “{review.title}” has no agreed action yet. "
            "A plan is agreed once every accepted recommendation has at least one."
        )
    review.agreed_on = agreed_on
    review.agreed_by_id = by_person_id
    review.first_round_after_months = plan.first_after_months
    review.round_every_months = plan.every_months
    review.action_plan_agreed = review.action_plan_agreed or round_label(agreed_on)
    first = add_months(agreed_on, plan.first_after_months)
    review.next_round_on = round_day(review, on_or_after=today)
    await session.flush()
    return Agreement(
        title=review.title,
        agreed_on=agreed_on,
        first_round_on=first,
        next_round_on=review.next_round_on,
        every_months=plan.every_months,
    )


async def due_rounds(session: AsyncSession, *, today: date) -> list[tuple[int, date]]:
    """(review id, day) of each scheduled round whose day has come."""
    rows = await session.execute(
        select(Review.id, Review.next_round_on).where(
            Review.next_round_on <= today, Review.completed_on.is_(None)
        )
    )
    return [(review_id, opens_on) for review_id, opens_on in rows if opens_on is not None]


async def open_scheduled_round(
    session: AsyncSession, *, review_id: int, opens_on: date, today: date, deadline_days: int
) -> MonitoringRound | None:
    """Open the round scheduled for `opens_on` and schedule the next; None if another process did it
    first (or the schedule changed meanwhile). A round opened late (the bot was down on its day) still
    opens, with its deadline counted from today, and the next is the first day after today."""
    review = await session.get(Review, review_id)
    if review is None or review.agreed_on is None:
        return None
    following = round_day(review, on_or_after=max(today, opens_on) + timedelta(days=1))
    moved = await session.execute(
        update(Review)
        .where(Review.id == review_id, Review.next_round_on == opens_on, Review.completed_on.is_(None))
        .values(next_round_on=following)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult[object], moved).rowcount != 1:
        return None
    await session.refresh(review)
    return await open_round(
        session,
        review_id=review_id,
        label=round_label(opens_on),
        deadline=max(today, opens_on) + timedelta(days=deadline_days),
        note=f"opened on its day, {day(opens_on)}, as scheduled",
    )


async def complete_review(
    session: AsyncSession,
    *,
    review_id: int,
    how: Completion,
    today: date,
    by_person_id: int | None = None,
) -> Review:
    """Mark the review complete: nothing more is scheduled, and its open round (if any) closes."""
    review = await locked_review(session, review_id=review_id)
    if review.completed_on is not None:
        raise UserFacingError(f"“{review.title}” is already complete, since {day(review.completed_on)}.")
    review.completed_on, review.completed_how, review.completed_by_id = today, how, by_person_id
    review.next_round_on = None
    open_now = await current_round(session, review_id=review_id)
    if open_now is not None:
        open_now.is_open = False
        session.add(
            RoundHistory(
                round_id=open_now.id,
                event=RoundEvent.CLOSED,
                by_id=by_person_id,
                note="the review is complete",
            )
        )
    await session.flush()
    return review


async def all_achieved(session: AsyncSession) -> list[int]:
    """Agreed reviews not yet complete whose accepted recommendations' actions are all Fully Achieved,
    and accepted so by the scrutiny officer."""
    ids = await session.scalars(
        select(Review.id).where(Review.agreed_on.is_not(None), Review.completed_on.is_(None))
    )
    finished = []
    for review_id in ids.all():
        actions = [
            a for r in await review_status(session, review_id=review_id) if is_accepted(r) for a in r.actions
        ]
        # Achieved in the committee's eyes: a Fully Achieved still waiting for the scrutiny officer
        # (who may return it) does not complete the review until it is accepted.
        if actions and all(a.done and a.review_state in (None, ReturnState.ACCEPTED) for a in actions):
            finished.append(review_id)
    return finished


async def signed_off(
    session: AsyncSession, *, review_id: int, today: date, by_person_id: int | None
) -> tuple[str, ReviewLife]:
    """Record the committee's sign-off: the review's title and its life, with its outcome."""
    review = await complete_review(
        session, review_id=review_id, how=Completion.SIGNED_OFF, today=today, by_person_id=by_person_id
    )
    return review.title, life_of(review, await review_status(session, review_id=review_id))
