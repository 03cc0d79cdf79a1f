"""Monitoring rounds: at most one open per review, the one officers are asked to return updates for."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.dates import parse_month
from documents.errors import UserFacingError
from store.models import MonitoringRound, Review
from store.plan import round_for


async def _locked_review(session: AsyncSession, *, review_id: int) -> Review:
    # Two admins opening rounds at once must not leave two open: PostgreSQL serialises on the row lock
    # (SQLite has a single writer anyway).
    review = await session.scalar(select(Review).where(Review.id == review_id).with_for_update())
    if review is None:
        raise UserFacingError("That review no longer exists.")
    return review


async def current_round(session: AsyncSession, *, review_id: int) -> MonitoringRound | None:
    """The open round, if any."""
    return await session.scalar(
        select(MonitoringRound)
        .where(MonitoringRound.review_id == review_id, MonitoringRound.is_open)
        .order_by(MonitoringRound.month.desc())
        .limit(1)
    )


async def open_round(
    session: AsyncSession, *, review_id: int, label: str, deadline: date | None
) -> MonitoringRound:
    """Open the round named by month ("September 2020"), creating it if new; any other open one closes.

    A deadline of None keeps the round's existing deadline.
    """
    try:
        parse_month(label)
    except ValueError as error:
        raise UserFacingError(str(error)) from None
    review = await _locked_review(session, review_id=review_id)
    round_ = await round_for(session, review=review, label=label)
    others = await session.scalars(
        select(MonitoringRound).where(
            MonitoringRound.review_id == review_id, MonitoringRound.is_open, MonitoringRound.id != round_.id
        )
    )
    for other in others:
        other.is_open = False
    round_.is_open = True
    if deadline is not None:
        round_.deadline = deadline
    await session.flush()
    return round_


async def close_round(session: AsyncSession, *, review_id: int) -> MonitoringRound:
    """Close the open round and return it; a UserFacingError if none is open."""
    review = await _locked_review(session, review_id=review_id)
    round_ = await current_round(session, review_id=review_id)
    if round_ is None:
        raise UserFacingError(f"“{review.title}” has no open round to close.")
    round_.is_open = False
    await session.flush()
    return round_
