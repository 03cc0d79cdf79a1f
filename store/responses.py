"""The executive's response to each recommendation of the committee's report: accepted, partially
accepted or not accepted, with the reason and the date, due some months after the report.

Who records it: the review's link officers, who lead the review for the service (the plan names no
other lead officer), and admins. A recommendation not accepted needs no actions and is never
monitored: every question about actions, the update's choices and the reminders add MONITORED.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from documents.errors import UserFacingError
from documents.responses import REASON_LIMIT, ExecutiveResponse
from store.models import Recommendation, Review
from store.views import AwaitingResponses, RecommendationResponse, ResponseView

# The condition on a recommendation (joined in the query) for its actions to be monitored at all.
MONITORED = or_(Recommendation.response.is_(None), Recommendation.response != ExecutiveResponse.NOT_ACCEPTED)


class ResponseAnswer(NamedTuple):
    """One recommendation's response, as someone gives it."""

    number: int
    response: ExecutiveResponse
    reason: str | None


def response_due(report_date: date, *, months: int) -> date:
    """`months` after the report, on the same day of the month (or that month's last day)."""
    month_index = report_date.month - 1 + months
    year, month = report_date.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(report_date.day, calendar.monthrange(year, month)[1]))


def _numbers(recommendations: Sequence[Recommendation]) -> str:
    numbers = sorted(r.number for r in recommendations)
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}–{numbers[-1]}" if len(numbers) > 1 else str(numbers[0])
    return ", ".join(map(str, numbers))


def may_respond(review: Review, *, person_id: int | None, is_admin: bool) -> bool:
    """The review's link officers (its lead officers) and admins; `review.link_officers` loaded."""
    return is_admin or (person_id is not None and person_id in {p.id for p in review.link_officers})


async def _review(session: AsyncSession, review_id: int) -> Review:
    review = await session.scalar(
        select(Review)
        .where(Review.id == review_id)
        .options(selectinload(Review.link_officers), selectinload(Review.recommendations))
    )
    if review is None:
        raise UserFacingError("That review is no longer in the plans, so no response can be recorded for it.")
    return review


def _refusal(review: Review) -> str:
    officers = [p.name for p in review.link_officers if not p.is_group]
    who = f"its link officers ({', '.join(officers)})" if officers else "its link officers"
    return f"Only {who} or an admin may record the executive's response to “{review.title}”."


async def require_may_respond(
    session: AsyncSession, *, review_id: int, person_id: int | None, is_admin: bool
) -> Review:
    """The review, if the caller may record its responses; else a refusal naming who may."""
    review = await _review(session, review_id)
    if not may_respond(review, person_id=person_id, is_admin=is_admin):
        raise UserFacingError(_refusal(review))
    return review


async def record_responses(
    session: AsyncSession,
    *,
    review_id: int,
    answers: Sequence[ResponseAnswer],
    on: date,
    person_id: int | None,
    is_admin: bool,
) -> list[Recommendation]:
    """Record the responses, all or none: each is checked (the recommendation exists, a reason for one
    not accepted) before any is written. A recommendation answered again takes the new response."""
    review = await require_may_respond(session, review_id=review_id, person_id=person_id, is_admin=is_admin)
    by_number = {r.number: r for r in review.recommendations}
    if not answers:
        raise UserFacingError("No response was given: choose one for at least one recommendation.")
    checked: list[tuple[Recommendation, ResponseAnswer]] = []
    for answer in answers:
        recommendation = by_number.get(answer.number)
        if recommendation is None:
            known = f" (its recommendations are {_numbers(review.recommendations)})" if by_number else ""
            raise UserFacingError(f"“{review.title}” has no recommendation {answer.number}{known}.")
        reason = (answer.reason or "").strip() or None
        if answer.response is ExecutiveResponse.NOT_ACCEPTED and reason is None:
            raise UserFacingError(
                f"Recommendation {answer.number} was not accepted: say why, for the committee."
            )
        if reason is not None and len(reason) > REASON_LIMIT:
            raise UserFacingError(
                f"The reason for recommendation {answer.number} is {len(reason):,} characters long; "
                f"the limit is {REASON_LIMIT:,}. Please shorten it."
            )
        checked.append((recommendation, answer._replace(reason=reason)))
    for recommendation, answer in checked:
        recommendation.response = answer.response
        recommendation.response_reason = answer.reason
        recommendation.response_date = on
        recommendation.response_by_id = person_id
    await session.flush()
    return [recommendation for recommendation, _ in checked]


def response_view(recommendation: Recommendation) -> ResponseView | None:
    if recommendation.response is None:
        return None
    return ResponseView(
        response=recommendation.response,
        reason=recommendation.response_reason,
        date=recommendation.response_date,
    )


async def review_responses(
    session: AsyncSession, *, review_id: int, person_id: int | None, is_admin: bool
) -> tuple[Review, list[RecommendationResponse]]:
    """The review's recommendations with their responses so far, for someone who may record them."""
    review = await require_may_respond(session, review_id=review_id, person_id=person_id, is_admin=is_admin)
    return review, [
        RecommendationResponse(number=r.number, text=r.text, response=response_view(r))
        for r in review.recommendations
    ]


async def awaiting_responses(session: AsyncSession) -> list[AwaitingResponses]:
    """Reviews with a report's date and recommendations still without the executive's response."""
    reviews = await session.scalars(
        select(Review)
        .where(
            Review.report_date.is_not(None),
            Review.recommendations.any(Recommendation.response.is_(None)),
        )
        .options(selectinload(Review.recommendations))
        .order_by(Review.title)
    )
    return [
        AwaitingResponses(
            review_id=review.id,
            review_title=review.title,
            report_date=review.report_date,
            waiting=[
                RecommendationResponse(number=r.number, text=r.text, response=None)
                for r in review.recommendations
                if r.response is None
            ],
        )
        for review in reviews
        if review.report_date is not None
    ]


async def review_to_respond(
    session: AsyncSession, *, title: str | None, person_id: int | None, is_admin: bool
) -> Review | list[str]:
    """The review named, or else the one the caller may answer for (the one still awaiting responses,
    if several); the titles to choose from when that is not one review."""
    if title:
        named = await session.scalar(select(Review).where(func.lower(Review.title) == title.strip().lower()))
        if named is None:
            titles = "; ".join(await session.scalars(select(Review.title).order_by(Review.title)))
            known = titles or "none yet"
            raise UserFacingError(f"There is no review called “{title.strip()}”. Reviews: {known}.")
        return named
    query = select(Review).options(selectinload(Review.recommendations)).order_by(Review.title)
    if not is_admin:
        query = query.where(Review.link_officers.any(id=person_id))
    reviews = list(await session.scalars(query))
    if len(reviews) == 1:
        return reviews[0]
    awaiting = [r for r in reviews if any(rec.response is None for rec in r.recommendations)]
    if len(awaiting) == 1:
        return awaiting[0]
    if not reviews and is_admin:
        raise UserFacingError("There are no reviews yet: import the committee's report first.")
    return [r.title for r in awaiting or reviews]
