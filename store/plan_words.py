"""The plan's words, for the understanding of questions: every recommendation's text, agreed
actions, success measures and latest evidence; reviews, their rounds; the people named.

Read whole, but only when `plan_version` says something changed: the caller keeps what it built.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from store.models import AgreedAction, MonitoringRound, Person, ProgressUpdate, Recommendation, Review
from store.views import View


class RecommendationText(View):
    id: int
    review_id: int
    number: int
    text: str
    actions: tuple[str, ...]  # each agreed action, with the sub-heading it sits under
    measures: tuple[str, ...]
    evidence: tuple[str, ...]  # each action's latest evidence of progress, where there is any


class ReviewText(View):
    id: int
    title: str
    committee: str | None
    rounds: tuple[str, ...]  # labels, oldest first
    open_round: str | None


class PlanText(View):
    reviews: tuple[ReviewText, ...]
    recommendations: tuple[RecommendationText, ...]
    people: tuple[str, ...]  # people, not groups


async def plan_version(session: AsyncSession) -> tuple[object, ...]:
    """Changes whenever anything `plan_text` reads may have: one cheap query a turn."""
    row = (
        await session.execute(
            select(
                select(func.count(Recommendation.id)).scalar_subquery(),
                select(func.max(Recommendation.id)).scalar_subquery(),
                select(func.count(AgreedAction.id)).scalar_subquery(),
                select(func.max(ProgressUpdate.id)).scalar_subquery(),
                select(func.count(Person.id)).scalar_subquery(),
                select(func.max(Person.id)).scalar_subquery(),
                select(func.count(MonitoringRound.id)).scalar_subquery(),
                select(func.max(MonitoringRound.id)).scalar_subquery(),
                select(func.count(MonitoringRound.id)).where(MonitoringRound.is_open).scalar_subquery(),
                select(func.count(Review.id)).scalar_subquery(),
            )
        )
    ).one()
    return tuple(row)


async def plan_text(session: AsyncSession) -> PlanText:
    reviews = (
        await session.scalars(
            select(Review)
            .options(joinedload(Review.committee), selectinload(Review.rounds))
            .order_by(Review.id)
        )
    ).all()
    latest = (
        select(ProgressUpdate.action_id, func.max(ProgressUpdate.id).label("id"))
        .where(ProgressUpdate.evidence != "")
        .group_by(ProgressUpdate.action_id)
        .subquery()
    )
    rows = await session.execute(
        select(latest.c.action_id, ProgressUpdate.evidence).join(
            ProgressUpdate, ProgressUpdate.id == latest.c.id
        )
    )
    evidence: dict[int, str] = {action_id: text for action_id, text in rows}
    actions: dict[int, list[AgreedAction]] = defaultdict(list)
    for action in await session.scalars(select(AgreedAction).order_by(AgreedAction.position)):
        actions[action.recommendation_id].append(action)
    recommendations = await session.scalars(
        select(Recommendation).order_by(Recommendation.review_id, Recommendation.number)
    )
    people = await session.scalars(
        select(Person.name).where(Person.is_group.is_(False)).order_by(Person.name)
    )
    return PlanText(
        reviews=tuple(
            ReviewText(
                id=review.id,
                title=review.title,
                committee=review.committee.name if review.committee else None,
                rounds=tuple(r.label for r in sorted(review.rounds, key=lambda r: r.month)),
                open_round=next((r.label for r in review.rounds if r.is_open), None),
            )
            for review in reviews
        ),
        recommendations=tuple(
            RecommendationText(
                id=rec.id,
                review_id=rec.review_id,
                number=rec.number,
                text=rec.text,
                actions=tuple(" ".join(filter(None, (a.group, a.agreed_action))) for a in actions[rec.id]),
                measures=tuple(a.success_measure for a in actions[rec.id]),
                evidence=tuple(evidence[a.id] for a in actions[rec.id] if evidence.get(a.id)),
            )
            for rec in recommendations
        ),
        people=tuple(people),
    )
