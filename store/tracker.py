"""What the committee's page reads besides a review's status: each action's every version, the dates
extensions replaced, and whether the council has published the review as a public tracker; for the
index of reviews, every action's grades and which reviews are published. And which returns' evidence
stays off the public tracker (internal)."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import String, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession

from documents.dates import parse_month
from documents.errors import UserFacingError
from documents.grades import Grade
from store.models import (
    AgreedAction,
    MonitoringRound,
    ProgressUpdate,
    Recommendation,
    ReturnDecision,
    Review,
)
from store.queries import ACCEPTED_IN_QUERY, ANSWER_ROW, recorded_by, return_state
from store.responses import MONITORED
from store.views import ActionVersion, ReturnState, action_name

ACCEPTED = ReturnState.ACCEPTED


async def action_histories(session: AsyncSession, *, review_id: int) -> dict[int, list[ActionVersion]]:
    """Action id -> every version of its returns, round by round, oldest first. One query."""
    rows = await session.execute(
        ANSWER_ROW.add_columns(MonitoringRound.label.label("round_label"))
        .join(MonitoringRound, MonitoringRound.id == ProgressUpdate.round_id)
        .join(AgreedAction, AgreedAction.id == ProgressUpdate.action_id)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .where(Recommendation.review_id == review_id)
        .order_by(MonitoringRound.month, ProgressUpdate.id)
    )
    found: dict[int, list[ActionVersion]] = defaultdict(list)
    for row in rows:
        found[row.action_id].append(
            ActionVersion(
                round_label=row.round_label,
                grade=row.grade,
                fully_achieved_carried=row.fully_achieved_carried,
                evidence=row.evidence,
                explanation=row.explanation,
                impact=row.impact,
                recorded_at=row.recorded_at,
                recorded_by=recorded_by(row.recorded_by, row.on_behalf_of),
                state=return_state(
                    verdict=row.verdict, source=row.source, carried=row.fully_achieved_carried
                ),
                reason=row.reason,
                internal=row.internal,
            )
        )
    return found


class GradeRow(NamedTuple):
    """One version of a return, as the index of reviews counts it: its grade and nothing it says."""

    round_id: int
    grade: Grade | None
    fully_achieved_carried: bool


async def newest_grades(session: AsyncSession, *, accepted_only: bool) -> dict[int, dict[int, GradeRow]]:
    """Action id -> round id -> the newest version of its return in the round (of those the scrutiny
    officer accepted, if `accepted_only`), for every review. One query, of grades only.

    A council's every return is read here (40 reviews of 60 actions over 8 rounds: 19,200), so the
    rows come back as the database's plain values, without the ORM's per-row work: the grade as the
    name the column keeps, the acceptance decided in the query (queries.ACCEPTED_IN_QUERY)."""
    query = (
        select(
            ProgressUpdate.action_id,
            ProgressUpdate.round_id,
            type_coerce(ProgressUpdate.grade, String),
            ProgressUpdate.fully_achieved_carried,
        )
        .outerjoin(ReturnDecision, ReturnDecision.update_id == ProgressUpdate.id)
        .order_by(ProgressUpdate.id)
    )
    if accepted_only:
        query = query.where(ACCEPTED_IN_QUERY)
    found: dict[int, dict[int, GradeRow]] = defaultdict(dict)
    connection = await session.connection()
    for action_id, round_id, grade, carried in await connection.execute(query):
        found[action_id][round_id] = GradeRow(round_id, Grade[grade] if grade else None, bool(carried))
    return found


async def monitored_actions(session: AsyncSession) -> dict[int, list[int]]:
    """Review id -> the ids of its monitored actions (a not-accepted recommendation's are not). One query."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = await session.execute(
        select(Recommendation.review_id, AgreedAction.id)
        .join(AgreedAction.recommendation)
        .where(MONITORED)
        .order_by(AgreedAction.id)
    )
    for review_id, action_id in rows:
        found[review_id].append(action_id)
    return found


async def public_reviews(session: AsyncSession) -> set[int]:
    return set(await session.scalars(select(Review.id).where(Review.public.is_(True))))


async def publish(session: AsyncSession, *, review_id: int, public: bool) -> None:
    """Make the review's tracker public, or take it down again."""
    await session.execute(update(Review).where(Review.id == review_id).values(public=public))


async def is_public(session: AsyncSession, *, review_id: int) -> bool:
    return bool(await session.scalar(select(Review.public).where(Review.id == review_id)))


async def mark_internal(
    session: AsyncSession,
    *,
    review_id: int,
    number: int,
    position: int,
    round_label: str | None,
    internal: bool,
) -> str:
    """Keep the evidence of Recommendation `number`'s action `position` for a round (by default the
    latest it has a return in) off the public tracker, or publish it again: every version of it in
    the round, whoever accepts which. The round's label; refused in words if there is no such return."""
    name = action_name(number, position)
    action_id = await session.scalar(
        select(AgreedAction.id)
        .join(Recommendation)
        .where(
            Recommendation.review_id == review_id,
            Recommendation.number == number,
            AgreedAction.position == position,
        )
    )
    if action_id is None:
        raise UserFacingError(f"This review has no {name}.")
    rounds = select(MonitoringRound.id, MonitoringRound.label).where(
        MonitoringRound.id.in_(select(ProgressUpdate.round_id).where(ProgressUpdate.action_id == action_id))
    )
    if round_label is not None:
        try:
            month = parse_month(round_label)
        except ValueError:
            said = f"“{round_label}” is not a round: name it by its month, e.g. September 2020."
            raise UserFacingError(said) from None
        rounds = rounds.where(MonitoringRound.month == month)
    found = (await session.execute(rounds.order_by(MonitoringRound.month.desc()).limit(1))).one_or_none()
    if found is None:
        said = f" for {round_label}" if round_label else ""
        raise UserFacingError(f"{name} has no return{said}: nothing was changed.")
    await session.execute(
        update(ProgressUpdate)
        .where(ProgressUpdate.action_id == action_id, ProgressUpdate.round_id == found.id)
        .values(internal=internal)
    )
    return str(found.label)
