"""The one way a plan gets into the database, and out again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from store.dates import parse_due, parse_month, round_label
from store.errors import UserFacingError
from store.models import (
    AgreedAction,
    Committee,
    MonitoringRound,
    ProgressUpdate,
    Recommendation,
    Review,
    UpdateSource,
)
from store.people import names_in_responsibility, person_named
from store.plan_format import (
    PlanDocument,
    PlannedAction,
    PlannedRecommendation,
    PlannedRound,
    ProgressEntry,
)


@dataclass
class ImportResult:
    review: str
    created: bool = False
    recommendations: int = 0
    actions: int = 0
    rounds_added: list[str] = field(default_factory=list)
    updates_added: int = 0

    def describe(self) -> str:
        verb = "Imported" if self.created else "Updated"
        rounds = f"; new rounds: {', '.join(self.rounds_added)}" if self.rounds_added else ""
        return (
            f"{verb} “{self.review}”: {self.recommendations} recommendations, {self.actions} agreed actions, "
            f"{self.updates_added} progress updates added{rounds}."
        )


async def review_titled(session: AsyncSession, title: str) -> Review | None:
    return await session.scalar(select(Review).where(func.lower(Review.title) == title.strip().lower()))


async def require_review(session: AsyncSession, title: str) -> Review:
    review = await review_titled(session, title)
    if review is None:
        titles = (await session.scalars(select(Review.title).order_by(Review.title))).all()
        known = "; ".join(titles) if titles else "none yet: import a plan first"
        raise UserFacingError(f"There is no review called “{title}”. Reviews: {known}.")
    return review


async def round_for(
    session: AsyncSession, *, review: Review, label: str, create: bool = True
) -> MonitoringRound:
    month = parse_month(label)
    found = await session.scalar(
        select(MonitoringRound).where(MonitoringRound.review_id == review.id, MonitoringRound.month == month)
    )
    if found is None:
        if not create:
            raise UserFacingError(f"“{review.title}” has no {round_label(month)} round.")
        found = MonitoringRound(review=review, label=round_label(month), month=month)
        session.add(found)
        await session.flush()
    return found


def entry_of(update: ProgressUpdate) -> ProgressEntry:
    return ProgressEntry(
        evidence=update.evidence,
        grade=update.grade,
        explanation=update.explanation,
        impact=update.impact,
        fully_achieved_carried=update.fully_achieved_carried,
    )


async def current_update(session: AsyncSession, *, action_id: int, round_id: int) -> ProgressUpdate | None:
    return await session.scalar(
        select(ProgressUpdate)
        .where(ProgressUpdate.action_id == action_id, ProgressUpdate.round_id == round_id)
        .order_by(ProgressUpdate.id.desc())
        .limit(1)
    )


async def import_plan(session: AsyncSession, *, plan: PlanDocument) -> ImportResult:
    """Create or bring up to date one review from a plan. Re-importing the same plan changes nothing.

    Recommendations are matched by number and actions by their order within the recommendation, so
    a later version of the same document adds its new round to the actions already here.
    """
    review = await review_titled(session, plan.review)
    result = ImportResult(review=plan.review, created=review is None)
    if review is None:
        review = Review(title=plan.review)
        session.add(review)
    if plan.committee:
        committee = await session.scalar(select(Committee).where(Committee.name == plan.committee))
        review.committee = committee or Committee(name=plan.committee)
    if plan.action_plan_agreed:
        review.action_plan_agreed = plan.action_plan_agreed
    await session.flush()
    await session.refresh(review, ["link_officers", "recommendations", "rounds"])
    for name in plan.link_officers:
        officer = await person_named(session, name=name)
        if officer is not None and officer not in review.link_officers:
            review.link_officers.append(officer)

    existing_months = {r.month for r in review.rounds}
    for planned_round in plan.rounds:
        round_ = await round_for(session, review=review, label=planned_round.label)
        round_.deadline = date.fromisoformat(planned_round.deadline) if planned_round.deadline else None
        round_.is_open = planned_round.open
    rounds = {label: await round_for(session, review=review, label=label) for label in plan.round_labels()}
    result.rounds_added = [r.label for r in rounds.values() if r.month not in existing_months]

    by_number = {rec.number: rec for rec in review.recommendations}
    for planned in plan.recommendations:
        recommendation = by_number.get(planned.number)
        if recommendation is None:
            recommendation = Recommendation(review=review, number=planned.number, text=planned.text)
            session.add(recommendation)
            await session.flush()
        recommendation.text = planned.text
        await session.refresh(recommendation, ["actions"])
        by_position = {action.position: action for action in recommendation.actions}
        for position, planned_action in enumerate(planned.actions, start=1):
            action = by_position.get(position)
            if action is None:
                action = AgreedAction(recommendation=recommendation, position=position)
                session.add(action)
            await _set_action(session, action, planned_action)
            await session.flush()
            for label, entry in planned_action.progress.items():
                current = await current_update(session, action_id=action.id, round_id=rounds[label].id)
                if current is not None and entry_of(current).same_content(entry):
                    continue
                session.add(
                    ProgressUpdate(
                        action=action, round=rounds[label], source=UpdateSource.IMPORT, **entry.model_dump()
                    )
                )
                result.updates_added += 1
        result.recommendations += 1
        result.actions += len(planned.actions)
    await session.flush()
    return result


async def _set_action(session: AsyncSession, action: AgreedAction, planned: PlannedAction) -> None:
    due = parse_due(planned.date)
    action.group = planned.group
    action.responsibility = planned.responsibility
    action.date_text = planned.date
    action.due_from, action.due_by, action.ongoing = due.due_from, due.due_by, due.ongoing
    action.agreed_action = planned.agreed_action
    action.success_measure = planned.success_measure
    people = [
        await person_named(session, name=name) for name in names_in_responsibility(planned.responsibility)
    ]
    if action.id is not None:
        await session.refresh(action, ["responsible_people"])
    action.responsible_people = [p for p in dict.fromkeys(people) if p is not None]


async def export_plan(session: AsyncSession, *, title: str, up_to: str | None = None) -> PlanDocument:
    """The review as a plan, with each action's current update for every round up to `up_to`."""
    found = await require_review(session, title)
    review = await session.scalar(
        select(Review)
        .where(Review.id == found.id)
        .options(
            selectinload(Review.committee),
            selectinload(Review.link_officers),
            selectinload(Review.rounds),
            selectinload(Review.recommendations)
            .selectinload(Recommendation.actions)
            .selectinload(AgreedAction.updates),
        )
        .execution_options(populate_existing=True)
    )
    assert review is not None
    last = parse_month(up_to) if up_to else None
    if last is not None and last not in {r.month for r in review.rounds}:
        raise UserFacingError(
            f"“{review.title}” has no {round_label(last)} round. Rounds: "
            + (", ".join(r.label for r in review.rounds) or "none")
            + "."
        )
    rounds = [r for r in review.rounds if last is None or r.month <= last]
    recommendations = []
    for rec in review.recommendations:
        actions = []
        for action in rec.actions:
            latest: dict[int, ProgressUpdate] = {}
            for update in action.updates:  # ordered by id: the last one per round wins
                latest[update.round_id] = update
            progress = {r.label: entry_of(latest[r.id]) for r in rounds if r.id in latest}
            actions.append(
                PlannedAction(
                    group=action.group,
                    responsibility=action.responsibility,
                    date=action.date_text,
                    agreed_action=action.agreed_action,
                    success_measure=action.success_measure,
                    progress=progress,
                )
            )
        recommendations.append(PlannedRecommendation(number=rec.number, text=rec.text, actions=actions))
    return PlanDocument(
        review=review.title,
        committee=review.committee.name if review.committee else None,
        link_officers=[p.name for p in review.link_officers],
        action_plan_agreed=review.action_plan_agreed,
        rounds=[
            PlannedRound(
                label=r.label, deadline=r.deadline.isoformat() if r.deadline else None, open=r.is_open
            )
            for r in rounds
        ],
        recommendations=recommendations,
    )
