"""What the committee's page reads besides a review's status: each action's every version, the dates
extensions replaced, and whether the council has published the review as a public tracker."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import AgreedAction, MonitoringRound, ProgressUpdate, Recommendation, Review
from store.queries import ANSWER_ROW, recorded_by, return_state
from store.views import ActionVersion


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
            )
        )
    return found


async def publish(session: AsyncSession, *, review_id: int, public: bool) -> None:
    """Make the review's tracker public, or take it down again."""
    await session.execute(update(Review).where(Review.id == review_id).values(public=public))


async def is_public(session: AsyncSession, *, review_id: int) -> bool:
    return bool(await session.scalar(select(Review.public).where(Review.id == review_id)))
