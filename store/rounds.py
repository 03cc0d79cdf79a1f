"""Monitoring rounds: at most one open per review, the one officers are asked to return updates for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.dates import parse_month
from documents.errors import UserFacingError
from store.models import MonitoringRound, Review, RoundEvent, RoundHistory
from store.plan import require_review, round_for
from store.returns import count_waiting


async def locked_review(session: AsyncSession, *, review_id: int) -> Review:
    # Two admins opening rounds at once must not leave two open: PostgreSQL serialises on the row lock
    # (SQLite has a single writer anyway).
    review = await session.scalar(select(Review).where(Review.id == review_id).with_for_update())
    if review is None:
        raise UserFacingError("That review no longer exists.")
    return review


async def review_with_open_round(session: AsyncSession, *, title: str | None) -> Review:
    """The review named, or else the only one with an open round."""
    if title:
        return await require_review(session, title)
    reviews = list(
        await session.scalars(
            select(Review)
            .join(MonitoringRound)
            .where(MonitoringRound.is_open)
            .order_by(Review.title)
            .distinct()
        )
    )
    if not reviews:
        raise UserFacingError("No review has an open round.")
    if len(reviews) > 1:
        titles = "; ".join(r.title for r in reviews)
        raise UserFacingError(
            f"{len(reviews)} reviews have an open round; say which: close round TITLE. ({titles})"
        )
    return reviews[0]


async def current_round(session: AsyncSession, *, review_id: int) -> MonitoringRound | None:
    """The open round, if any."""
    return await session.scalar(
        select(MonitoringRound)
        .where(MonitoringRound.review_id == review_id, MonitoringRound.is_open)
        .order_by(MonitoringRound.month.desc())
        .limit(1)
    )


async def open_round(
    session: AsyncSession,
    *,
    review_id: int,
    label: str,
    deadline: date | None,
    by_person_id: int | None = None,
    note: str | None = None,
) -> MonitoringRound:
    """Open the round named by month ("September 2020"), creating it if new; any other open one closes.

    A deadline of None keeps the round's existing deadline. A complete review opens no more rounds.
    """
    try:
        parse_month(label)
    except ValueError as error:
        raise UserFacingError(str(error)) from None
    review = await locked_review(session, review_id=review_id)
    if review.completed_on is not None:
        raise UserFacingError(
            f"“{review.title}” is complete (since {review.completed_on.day} {review.completed_on:%B %Y}): "
            "it has no more rounds."
        )
    round_ = await round_for(session, review=review, label=label)
    others = await session.scalars(
        select(MonitoringRound).where(
            MonitoringRound.review_id == review_id, MonitoringRound.is_open, MonitoringRound.id != round_.id
        )
    )
    for other in others:
        other.is_open = False
        session.add(RoundHistory(round_id=other.id, event=RoundEvent.CLOSED, by_id=by_person_id))
    if not round_.is_open:
        session.add(RoundHistory(round_id=round_.id, event=RoundEvent.OPENED, by_id=by_person_id, note=note))
    round_.is_open = True
    if deadline is not None:
        round_.deadline = deadline
    await session.flush()
    return round_


async def close_round(
    session: AsyncSession, *, review_id: int, by_person_id: int | None = None, anyway: bool = False
) -> MonitoringRound:
    """Close the open round and return it; a UserFacingError if none is open, or while returns wait
    for the scrutiny officer (unless `anyway`: then the history says how many were waiting)."""
    review = await locked_review(session, review_id=review_id)
    round_ = await current_round(session, review_id=review_id)
    if round_ is None:
        raise UserFacingError(f"“{review.title}” has no open round to close.")
    waiting = await count_waiting(session, round_id=round_.id)
    if waiting and not anyway:
        raise UserFacingError(
            f"{waiting} update(s) for the {round_.label} round of “{review.title}” still wait for the "
            "scrutiny officer. Review them first, or close it anyway (“close round anyway”)."
        )
    round_.is_open = False
    note = f"closed with {waiting} update(s) waiting for review" if waiting else None
    session.add(RoundHistory(round_id=round_.id, event=RoundEvent.CLOSED, by_id=by_person_id, note=note))
    await session.flush()
    return round_
