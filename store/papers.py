"""The committee's papers, gathered from the record: the covering report for a meeting and the overview
of every review (documents/papers.py has their shape). Both count what the committee's progress update
shows (store/plan.export_plan: the returns the scrutiny officer accepted), so a paper's numbers are the
ones its appendix bears out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.errors import UserFacingError
from documents.grades import Grade
from documents.papers import (
    ActionStanding,
    CoverReport,
    RecommendationStanding,
    ReviewOutcome,
    RoundCounts,
    ScrutinyOverview,
)
from documents.plan_format import PlanDocument, PlannedAction, PlannedRecommendation
from store.models import Review
from store.plan import export_plan

# A latest grade that keeps a recommendation from being on course.
_SLIPPING = (Grade.SLIPPED, Grade.NOT_ACHIEVED)


def is_accepted(recommendation: PlannedRecommendation) -> bool:
    """Whether the executive accepted the recommendation, so that it is monitored and counted in the
    papers: the one place that decides. Until the executive's response is part of the record, every
    recommendation counts as accepted. (A partially accepted one should count: its part is monitored.)"""
    return True


@dataclass(frozen=True)
class _Standing:
    grade: Grade | None  # Fully Achieved when done in this round or an earlier one
    achieved_in: str | None  # done in an earlier round: that round
    explanation: str | None


def _standings(action: PlannedAction, labels: list[str]) -> dict[str, _Standing]:
    """The action in each round, oldest first. Once Fully Achieved it stays so, whether or not a
    later round says "N/A (Fully Achieved)"."""
    out: dict[str, _Standing] = {}
    achieved_in: str | None = None
    for label in labels:
        entry = action.progress.get(label)
        if achieved_in is not None or (entry is not None and entry.fully_achieved_carried):
            out[label] = _Standing(Grade.FULLY_ACHIEVED, achieved_in or label, None)
            achieved_in = achieved_in or label
            continue
        grade = entry.grade if entry is not None else None
        out[label] = _Standing(grade, None, entry.explanation if entry is not None else None)
        if grade is Grade.FULLY_ACHIEVED:
            achieved_in = label
    return out


def _counts(standings: list[_Standing], label: str) -> RoundCounts:
    counts = dict.fromkeys(Grade, 0)
    for standing in standings:
        if standing.grade is not None:
            counts[standing.grade] += 1
    return RoundCounts(
        round_label=label,
        counts=counts,
        carried=sum(1 for s in standings if s.achieved_in not in (None, label)),
        not_assessed=sum(1 for s in standings if s.grade is None),
    )


def _reported_rounds(plan: PlanDocument) -> list[str]:
    """The plan's rounds that have a return for some action, oldest first."""
    actions = [action for rec in plan.recommendations for action in rec.actions]
    return [label for label in plan.round_labels() if any(label in a.progress for a in actions)]


async def cover_report(
    session: AsyncSession,
    *,
    title: str,
    up_to: str | None = None,
    include_unreviewed: bool = False,
    link_base: str | None = None,
) -> CoverReport:
    """The covering report on the review's latest round with returns (up to `up_to`), compared with the
    round before it, and the progress update (export_plan's, with the same arguments) to append."""
    plan = await export_plan(
        session, title=title, up_to=up_to, include_unreviewed=include_unreviewed, link_base=link_base
    )
    rounds = _reported_rounds(plan)
    if not rounds:
        raise UserFacingError(await _nothing_to_report(session, plan, include_unreviewed=include_unreviewed))
    latest = rounds[-1]
    previous = rounds[-2] if len(rounds) > 1 else None
    recommendations: list[RecommendationStanding] = []
    every: dict[str, list[_Standing]] = {label: [] for label in rounds}
    for rec in plan.recommendations:
        if not is_accepted(rec):
            continue
        standings = [_standings(action, rounds) for action in rec.actions]
        for by_round in standings:
            for label, standing in by_round.items():
                every[label].append(standing)
        recommendations.append(
            RecommendationStanding(
                number=rec.number,
                text=rec.text,
                counts=_counts([s[latest] for s in standings], latest),
                actions=[
                    ActionStanding(
                        position=position,
                        agreed_action=action.agreed_action,
                        responsibility=action.responsibility,
                        grade=by_round[latest].grade,
                        achieved_in=by_round[latest].achieved_in
                        if by_round[latest].achieved_in != latest
                        else None,
                        previous_grade=by_round[previous].grade if previous else None,
                        explanation=by_round[latest].explanation,
                    )
                    for position, (action, by_round) in enumerate(
                        zip(rec.actions, standings, strict=True), start=1
                    )
                ],
            )
        )
    return CoverReport(
        review=plan.review,
        committee=plan.committee,
        link_officers=plan.link_officers,
        action_plan_agreed=plan.action_plan_agreed,
        rounds=rounds,
        latest=_counts(every[latest], latest),
        previous=_counts(every[previous], previous) if previous else None,
        recommendations=recommendations,
        progress_update=plan,
    )


async def _nothing_to_report(session: AsyncSession, plan: PlanDocument, *, include_unreviewed: bool) -> str:
    if not plan.rounds:
        return (
            f"“{plan.review}” has no monitoring rounds yet, so there is no progress to report. "
            "Open one first: scrutiny-bot round open “MONTH YEAR”."
        )
    rounds = ", ".join(r.label for r in plan.rounds)
    if not include_unreviewed:
        everything = await export_plan(
            session, title=plan.review, up_to=plan.rounds[-1].label, include_unreviewed=True
        )
        if _reported_rounds(everything):
            return (
                f"“{plan.review}” has no progress updates the scrutiny officer has accepted yet "
                f"(rounds: {rounds}). Accept them first, or add --include-unreviewed."
            )
    return f"“{plan.review}” has no progress updates yet (rounds: {rounds}), so there is nothing to report."


def review_outcome(plan: PlanDocument) -> ReviewOutcome:
    """Each accepted recommendation achieved, slipped or outstanding, by its actions' latest grades
    (a later round left ungraded does not hide an earlier grade)."""
    rounds = _reported_rounds(plan)
    accepted, achieved, slipped, outstanding = [], [], [], []
    for rec in plan.recommendations:
        if not is_accepted(rec):
            continue
        accepted.append(rec.number)
        latest = [
            next((s.grade for s in reversed(_standings(a, rounds).values()) if s.grade), None)
            for a in rec.actions
        ]
        if latest and all(grade is Grade.FULLY_ACHIEVED for grade in latest):
            achieved.append(rec.number)
        elif any(grade in _SLIPPING for grade in latest):
            slipped.append(rec.number)
        else:
            outstanding.append(rec.number)
    return ReviewOutcome(
        review=plan.review,
        committee=plan.committee,
        latest_round=rounds[-1] if rounds else None,
        recommendations=len(plan.recommendations),
        accepted=accepted,
        achieved=achieved,
        slipped=slipped,
        outstanding=outstanding,
    )


async def scrutiny_overview(session: AsyncSession) -> ScrutinyOverview:
    """Every review's outcome, from what the committee's progress updates show."""
    titles = (await session.scalars(select(Review.title).order_by(Review.title))).all()
    if not titles:
        raise UserFacingError("There are no reviews yet. Import a plan first: scrutiny-bot import FILE")
    return ScrutinyOverview(
        reviews=[review_outcome(await export_plan(session, title=title)) for title in titles]
    )
