"""Questions asked of a review: its status, counts, changes, gaps. Answers are read models (store/views.py).

Every answer about actions goes through `_action_views`, which loads any number of actions, their
owners, their review's rounds and their current updates in five queries, never one per action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, joinedload, selectinload

from documents.grades import Grade
from documents.plan_format import names_in_responsibility
from store.models import (
    AgreedAction,
    Delegation,
    EvidenceItem,
    MonitoringRound,
    Person,
    ProgressUpdate,
    Recommendation,
    ReturnDecision,
    Review,
    UpdateSource,
    Verdict,
    action_responsible_people,
)
from store.outcome import life_of
from store.responses import MONITORED, response_view
from store.views import (
    ActionView,
    ChangeView,
    EvidenceLink,
    GradeCounts,
    ImportedRound,
    RecommendationSummary,
    RecommendationView,
    ReturnState,
    ReviewOverview,
    ReviewSummary,
    RoundGrade,
    RoundView,
)


def round_view(round_: MonitoringRound) -> RoundView:
    return RoundView(
        id=round_.id, label=round_.label, month=round_.month, deadline=round_.deadline, is_open=round_.is_open
    )


# What a view shows of an action with its recommendation and review, of its owners and of the rounds,
# as plain columns: a row is several times cheaper to load than an object the session tracks, and every
# status card and summary reads them. (store/updates reads an action by ACTION_ROW and ANSWER_ROW too.)
ACTION_ROW = (
    select(
        AgreedAction.id,
        AgreedAction.position,
        AgreedAction.group,
        AgreedAction.responsibility,
        AgreedAction.date_text,
        AgreedAction.due_by,
        AgreedAction.ongoing,
        AgreedAction.agreed_action,
        AgreedAction.success_measure,
        Recommendation.id.label("recommendation_id"),
        Recommendation.number.label("recommendation_number"),
        Recommendation.text.label("recommendation_text"),
        Recommendation.response.label("recommendation_response"),
        Review.id.label("review_id"),
        Review.title.label("review_title"),
    )
    .join(AgreedAction.recommendation)
    .join(Recommendation.review)
)
_OWNER = (
    select(action_responsible_people.c.action_id, Person.id, Person.name)
    .join(Person, action_responsible_people.c.person_id == Person.id)
    .order_by(Person.name)
)
_ROUND = select(MonitoringRound.id, MonitoringRound.review_id, MonitoringRound.label, MonitoringRound.is_open)
# And of an answer (a council's summary reads some thousands of them).
_ON_BEHALF_OF = aliased(Person)
ANSWER_ROW = (
    select(
        ProgressUpdate.id,
        ProgressUpdate.action_id,
        ProgressUpdate.round_id,
        ProgressUpdate.grade,
        ProgressUpdate.fully_achieved_carried,
        ProgressUpdate.evidence,
        ProgressUpdate.explanation,
        ProgressUpdate.impact,
        ProgressUpdate.recorded_at,
        Person.name.label("recorded_by"),
        ProgressUpdate.source,
        ReturnDecision.verdict,
        ReturnDecision.reason,
        _ON_BEHALF_OF.name.label("on_behalf_of"),
        ProgressUpdate.internal,
    )
    .outerjoin(Person, ProgressUpdate.recorded_by_id == Person.id)
    .outerjoin(ReturnDecision, ReturnDecision.update_id == ProgressUpdate.id)
    .outerjoin(_ON_BEHALF_OF, ProgressUpdate.on_behalf_of_id == _ON_BEHALF_OF.id)
)
_Row = Row[*tuple[Any, ...]]  # one row of the selects above


def return_state(*, verdict: Verdict | None, source: UpdateSource, carried: bool) -> ReturnState:
    """Where a version of a return stands. Imported ones are the committee's own document, and one
    carried as "N/A (Fully Achieved)" asks nothing: both count as accepted."""
    if verdict is Verdict.ACCEPTED or source is UpdateSource.IMPORT or carried:
        return ReturnState.ACCEPTED
    return ReturnState.RETURNED if verdict is Verdict.RETURNED else ReturnState.WAITING


# return_state's ACCEPTED as a query's condition (ReturnDecision outer-joined), for reading many rows.
ACCEPTED_IN_QUERY = (
    (ReturnDecision.verdict == Verdict.ACCEPTED)
    | (ProgressUpdate.source == UpdateSource.IMPORT)
    | ProgressUpdate.fully_achieved_carried
)


def recorded_by(name: str | None, on_behalf_of: str | None) -> str | None:
    """ "Liz Purdy on behalf of Lorraine Dixon" when a deputy recorded it, else who recorded it."""
    return f"{name} on behalf of {on_behalf_of}" if name and on_behalf_of else name


def _state(answer: _Row) -> ReturnState:
    return return_state(verdict=answer.verdict, source=answer.source, carried=answer.fully_achieved_carried)


def _owners(action: _Row, people: Sequence[_Row]) -> list[_Row]:
    """Responsible people in the order the plan names them, not alphabetically."""
    order = {name.lower(): i for i, name in enumerate(names_in_responsibility(action.responsibility))}
    return sorted(people, key=lambda p: order.get(p.name.lower(), len(order)))


def _action_view(
    action: _Row,
    people: Sequence[_Row],
    rounds: Sequence[_Row],
    current: dict[tuple[int, int], _Row],
    deputy_ids: list[int],
    evidence: dict[tuple[int, int], list[EvidenceLink]],
) -> ActionView:
    trend: list[RoundGrade] = []
    achieved = False
    open_round = next((r for r in reversed(rounds) if r.is_open), None)  # the latest, as updates pick it
    asked_now = False
    last: _Row | None = None
    last_round: _Row | None = None
    last_grade: Grade | None = None
    for round_ in rounds:
        if round_ is open_round:
            asked_now = not achieved  # nothing is asked of an action done in an earlier round
        update = current.get((action.id, round_.id))
        trend.append(
            RoundGrade(
                round_id=round_.id,
                round_label=round_.label,
                grade=update.grade if update else None,
                fully_achieved_carried=update.fully_achieved_carried if update else achieved,
                has_update=update is not None,
                review=_state(update) if update else None,
            )
        )
        if update is None:
            continue
        if not update.fully_achieved_carried:
            last, last_round = update, round_
            last_grade = update.grade if update.grade is not None else last_grade
        achieved = achieved or update.grade is Grade.FULLY_ACHIEVED or update.fully_achieved_carried
    owners = _owners(action, people)
    shown = open_round or last_round or (rounds[-1] if rounds else None)  # whose evidence the card shows
    return ActionView(
        id=action.id,
        review_id=action.review_id,
        review_title=action.review_title,
        recommendation_id=action.recommendation_id,
        recommendation_number=action.recommendation_number,
        recommendation_text=action.recommendation_text,
        position=action.position,
        group=action.group,
        responsibility=action.responsibility,
        owners=[p.name for p in owners],
        owner_ids=[p.id for p in owners],
        date_text=action.date_text,
        due_by=action.due_by,
        ongoing=action.ongoing,
        agreed_action=action.agreed_action,
        success_measure=action.success_measure,
        trend=trend,
        latest_grade=Grade.FULLY_ACHIEVED if achieved else last_grade,
        done=achieved,
        asked_now=asked_now,
        review_state=next((g.review for g in trend if open_round and g.round_id == open_round.id), None),
        deputy_ids=deputy_ids,
        evidence_links=evidence.get((action.id, shown.id), []) if shown else [],
        latest_evidence=last.evidence if last else None,
        latest_explanation=last.explanation if last else None,
        latest_impact=last.impact if last else None,
        latest_round_label=last_round.label if last_round else None,
        last_recorded_at=last.recorded_at if last else None,
        last_recorded_by=recorded_by(last.recorded_by, last.on_behalf_of) if last else None,
    )


async def _action_views(
    session: AsyncSession, *, where: ColumnElement[bool], detail: bool = False
) -> list[ActionView]:
    """The actions matching `where` (over AgreedAction, Recommendation, Review), in plan order; with
    `detail`, also their deputies and evidence from Teams (a recommendation's card shows them; a
    council's lists and summaries, which read thousands of actions, do not need the two queries).
    Never a not-accepted recommendation's: they are not monitored, so no count or list holds them."""
    where = where & MONITORED
    actions = (
        await session.execute(
            ACTION_ROW.where(where).order_by(Review.title, Recommendation.number, AgreedAction.position)
        )
    ).all()
    if not actions:
        return []
    # A subquery, not a list of ids: a council-wide question may cover thousands of actions.
    action_ids = (
        select(AgreedAction.id).join(AgreedAction.recommendation).join(Recommendation.review).where(where)
    )
    people: dict[int, list[_Row]] = defaultdict(list)
    for person in await session.execute(_OWNER.where(action_responsible_people.c.action_id.in_(action_ids))):
        people[person.action_id].append(person)
    rounds: dict[int, list[_Row]] = defaultdict(list)
    for round_ in await session.execute(
        _ROUND.where(MonitoringRound.review_id.in_({a.review_id for a in actions})).order_by(
            MonitoringRound.month
        )
    ):
        rounds[round_.review_id].append(round_)
    newest = (
        select(func.max(ProgressUpdate.id))
        .where(ProgressUpdate.action_id.in_(action_ids))
        .group_by(ProgressUpdate.action_id, ProgressUpdate.round_id)
    )
    current = {
        (u.action_id, u.round_id): u
        for u in await session.execute(ANSWER_ROW.where(ProgressUpdate.id.in_(newest)))
    }
    deputies: dict[int, list[int]] = defaultdict(list)
    evidence: dict[tuple[int, int], list[EvidenceLink]] = {}
    if detail:
        for action_id, deputy_id in await session.execute(
            select(Delegation.action_id, Delegation.deputy_id)
            .join(MonitoringRound, MonitoringRound.id == Delegation.round_id)
            .where(
                Delegation.action_id.in_(action_ids),
                Delegation.ended_at.is_(None),
                MonitoringRound.is_open.is_(True),
            )
        ):
            deputies[action_id].append(deputy_id)
        evidence = await evidence_links(session, action_ids=action_ids)
    return [
        _action_view(a, people[a.id], rounds[a.review_id], current, deputies[a.id], evidence) for a in actions
    ]


async def evidence_links(
    session: AsyncSession, *, action_ids: Any = None, review_id: int | None = None
) -> dict[tuple[int, int], list[EvidenceLink]]:
    """(action id, round id) -> its evidence from Teams, oldest first."""
    query = (
        select(
            EvidenceItem.action_id,
            EvidenceItem.round_id,
            EvidenceItem.kind,
            EvidenceItem.name,
            EvidenceItem.url,
            EvidenceItem.author,
        )
        .join(MonitoringRound, MonitoringRound.id == EvidenceItem.round_id)
        .order_by(EvidenceItem.id)
    )
    if action_ids is not None:
        query = query.where(EvidenceItem.action_id.in_(action_ids))
    if review_id is not None:
        query = query.where(MonitoringRound.review_id == review_id)
    found: dict[tuple[int, int], list[EvidenceLink]] = defaultdict(list)
    for action_id, round_id, kind, name, url, author in (await session.execute(query)).all():
        found[(action_id, round_id)].append(EvidenceLink(kind=kind.value, name=name, url=url, author=author))
    return found


# In the recommendations' own statement: who, besides the owners, may update their actions.
_REVIEW_AND_LINK_OFFICERS = joinedload(Recommendation.review).joinedload(Review.link_officers)


def _group(recommendations: Sequence[Recommendation], actions: list[ActionView]) -> list[RecommendationView]:
    """The actions under their recommendations; each recommendation's review has its link officers loaded."""
    by_recommendation: dict[int, list[ActionView]] = defaultdict(list)
    for action in actions:
        by_recommendation[action.recommendation_id].append(action)
    return [
        RecommendationView(
            id=rec.id,
            review_id=rec.review_id,
            review_title=rec.review.title,
            number=rec.number,
            text=rec.text,
            actions=by_recommendation[rec.id],
            link_officer_ids=[p.id for p in rec.review.link_officers],
            response=response_view(rec),
        )
        for rec in recommendations
    ]


async def recommendation_status(
    session: AsyncSession, *, review_id: int, number: int
) -> RecommendationView | None:
    rec = (
        (
            await session.scalars(
                select(Recommendation)
                .where(Recommendation.review_id == review_id, Recommendation.number == number)
                .options(_REVIEW_AND_LINK_OFFICERS)
            )
        )
        .unique()
        .one_or_none()
    )
    if rec is None:
        return None
    return _group([rec], await _action_views(session, where=Recommendation.id == rec.id, detail=True))[0]


async def has_recommendation(session: AsyncSession, *, review_id: int, number: int) -> bool:
    found = await session.scalar(
        select(Recommendation.id).where(
            Recommendation.review_id == review_id, Recommendation.number == number
        )
    )
    return found is not None


async def review_status(session: AsyncSession, *, review_id: int) -> list[RecommendationView]:
    recommendations = (
        (
            await session.scalars(
                select(Recommendation)
                .where(Recommendation.review_id == review_id)
                .options(_REVIEW_AND_LINK_OFFICERS)
                .order_by(Recommendation.number)
            )
        )
        .unique()
        .all()
    )
    return _group(recommendations, await _action_views(session, where=Recommendation.review_id == review_id))


def counts_in_round(actions: Sequence[ActionView], *, round_id: int, round_label: str) -> GradeCounts:
    counts = dict.fromkeys(Grade, 0)
    not_assessed = carried = 0
    for action in actions:
        grade = action.in_round(round_id)
        if grade is not None and grade.fully_achieved_carried:
            carried += 1
        elif grade is not None and grade.grade is not None:
            counts[grade.grade] += 1
        else:
            not_assessed += 1
    return GradeCounts(
        round_id=round_id,
        round_label=round_label,
        counts=counts,
        not_assessed=not_assessed,
        carried=carried,
        total=len(actions),
    )


async def _round(session: AsyncSession, *, review_id: int, round_id: int | None) -> MonitoringRound | None:
    """The given round of the review, or its open round when round_id is None."""
    query = select(MonitoringRound).where(MonitoringRound.review_id == review_id)
    if round_id is None:
        query = query.where(MonitoringRound.is_open).order_by(MonitoringRound.month.desc()).limit(1)
    else:
        query = query.where(MonitoringRound.id == round_id)
    return await session.scalar(query)


async def grade_counts(
    session: AsyncSession, *, review_id: int, round_id: int, recommendation_id: int | None = None
) -> GradeCounts:
    round_ = await _round(session, review_id=review_id, round_id=round_id)
    if round_ is None:
        raise ValueError(f"round {round_id} is not a round of review {review_id}")
    where = Recommendation.review_id == review_id
    if recommendation_id is not None:
        where = where & (Recommendation.id == recommendation_id)
    actions = await _action_views(session, where=where)
    return counts_in_round(actions, round_id=round_.id, round_label=round_.label)


async def changes_since(session: AsyncSession, *, review_id: int, since: datetime) -> list[ChangeView]:
    """Returns recorded after `since`, oldest first, one per action and round (an edit replaces).

    An imported document is not what people did this week: its rows are history here (the grades
    the changes moved from) and news only as one line each round (imported_since)."""
    updates = (
        await session.scalars(
            select(ProgressUpdate)
            .join(ProgressUpdate.action)
            .join(AgreedAction.recommendation)
            .where(Recommendation.review_id == review_id)
            .options(joinedload(ProgressUpdate.recorded_by), joinedload(ProgressUpdate.round))
            .order_by(ProgressUpdate.id)
        )
    ).all()
    before: dict[int, dict[int, ProgressUpdate]] = defaultdict(dict)  # action -> round -> newest
    after: dict[tuple[int, int], ProgressUpdate] = {}
    for update in updates:
        if update.recorded_at > since and update.source is not UpdateSource.IMPORT:
            after[(update.action_id, update.round_id)] = update
        else:
            before[update.action_id][update.round_id] = update
    if not after:
        return []
    views = {v.id: v for v in await _action_views(session, where=AgreedAction.id.in_({a for a, _ in after}))}
    changes = []
    for (action_id, _), update in sorted(after.items(), key=lambda item: item[1].id):
        if action_id not in views:  # its recommendation was not accepted: not monitored
            continue
        graded = [u for u in before[action_id].values() if u.grade is not None]
        previous = max(graded, key=lambda u: u.round.month, default=None)
        changes.append(
            ChangeView(
                action=views[action_id],
                round_id=update.round_id,
                round_label=update.round.label,
                previous_grade=previous.grade if previous else None,
                previous_round_label=previous.round.label if previous else None,
                new_grade=update.grade,
                fully_achieved_carried=update.fully_achieved_carried,
                evidence=update.evidence,
                recorded_at=update.recorded_at,
                recorded_by=update.recorded_by.name if update.recorded_by else None,
            )
        )
    return changes


async def imported_since(session: AsyncSession, *, review_id: int, since: datetime) -> list[ImportedRound]:
    """Each round whose returns were imported after `since`, with how many actions they answered."""
    rows = await session.execute(
        select(MonitoringRound.label, func.count(ProgressUpdate.action_id.distinct()))
        .join(ProgressUpdate.round)
        .where(
            MonitoringRound.review_id == review_id,
            ProgressUpdate.source == UpdateSource.IMPORT,
            ProgressUpdate.recorded_at > since,
        )
        .group_by(MonitoringRound.id, MonitoringRound.label, MonitoringRound.month)
        .order_by(MonitoringRound.month)
    )
    return [ImportedRound(round_label=label, actions=count) for label, count in rows]


async def missing_updates(
    session: AsyncSession, *, review_id: int, round_id: int | None = None
) -> list[ActionView]:
    """Actions with nothing recorded for the round (default: the open one), except those already done.

    No round given and none open: nothing is being asked for, so nothing is missing.
    """
    round_ = await _round(session, review_id=review_id, round_id=round_id)
    if round_ is None:
        return []
    actions = await _action_views(session, where=Recommendation.review_id == review_id)
    missing = []
    for action in actions:
        grade = action.in_round(round_.id)
        if grade is not None and not grade.has_update and not grade.fully_achieved_carried:
            missing.append(action)
    return missing


async def overdue_actions(session: AsyncSession, *, review_id: int, today: date) -> list[ActionView]:
    """Past their due date and never graded Fully Achieved. "Ongoing" actions have no due date."""
    actions = await _action_views(
        session, where=(Recommendation.review_id == review_id) & (AgreedAction.due_by < today)
    )
    return [a for a in actions if not a.done]


async def actions_by_latest_grade(session: AsyncSession, *, review_id: int, grade: Grade) -> list[ActionView]:
    actions = await _action_views(session, where=Recommendation.review_id == review_id)
    return [a for a in actions if a.latest_grade is grade]


async def actions_by_return_state(
    session: AsyncSession, *, review_id: int, state: ReturnState
) -> list[ActionView]:
    """Actions whose return for the open round stands so with the scrutiny officer."""
    actions = await _action_views(session, where=Recommendation.review_id == review_id)
    return [a for a in actions if a.review_state is state]


async def actions_owned_by(session: AsyncSession, *, person_id: int) -> list[ActionView]:
    """Every action, in any review, that names the person as responsible."""
    return await _action_views(session, where=AgreedAction.responsible_people.any(Person.id == person_id))


async def actions_for(session: AsyncSession, *, person_id: int) -> list[ActionView]:
    """The person's actions: those that name them as responsible, and those they record this round as
    another officer's deputy (its deputy_ids say which), with their deputies and evidence."""
    delegated = (
        select(Delegation.action_id)
        .join(MonitoringRound, MonitoringRound.id == Delegation.round_id)
        .where(
            Delegation.deputy_id == person_id,
            Delegation.ended_at.is_(None),
            MonitoringRound.is_open.is_(True),
        )
    )
    owned = AgreedAction.responsible_people.any(Person.id == person_id)
    return await _action_views(session, where=owned | AgreedAction.id.in_(delegated), detail=True)


async def reviews(session: AsyncSession, *, review_id: int | None = None) -> list[ReviewSummary]:
    """Every review, by title; or just the one with `review_id` (none if it is gone)."""
    query = select(Review).options(joinedload(Review.committee), selectinload(Review.rounds))
    if review_id is not None:
        query = query.where(Review.id == review_id)
    summaries = []
    for review in await session.scalars(query.order_by(Review.title)):
        rounds = [round_view(r) for r in review.rounds]
        summaries.append(
            ReviewSummary(
                id=review.id,
                title=review.title,
                committee=review.committee.name if review.committee else None,
                rounds=rounds,
                open_round=next((r for r in reversed(rounds) if r.is_open), None),
                next_round_on=review.next_round_on,
                completed_on=review.completed_on,
            )
        )
    return summaries


async def review_overview(session: AsyncSession, *, review_id: int) -> ReviewOverview:
    review = await session.scalar(
        select(Review)
        .where(Review.id == review_id)
        .options(joinedload(Review.committee), selectinload(Review.rounds))
    )
    if review is None:
        raise ValueError(f"no review {review_id}")
    rounds = [round_view(r) for r in review.rounds]
    open_round = next((r for r in reversed(rounds) if r.is_open), None)
    shown = open_round or (rounds[-1] if rounds else None)
    recommendations = await review_status(session, review_id=review_id)
    actions = [a for rec in recommendations for a in rec.actions]
    return ReviewOverview(
        id=review.id,
        title=review.title,
        committee=review.committee.name if review.committee else None,
        rounds=rounds,
        open_round=open_round,
        counts=counts_in_round(actions, round_id=shown.id, round_label=shown.label) if shown else None,
        recommendations=[
            RecommendationSummary(
                id=rec.id,
                number=rec.number,
                text=rec.text,
                worst_open_grade=rec.worst_open_grade,
                done=rec.done,
                actions=len(rec.actions),
                response=rec.response,
            )
            for rec in recommendations
        ],
        life=life_of(review, recommendations),
        published=review.public,
    )
