"""Progress updates from officers: who may record one, what they are asked about, and saving it.

An update is appended as a new version, never written over: the newest per action and round is the
current answer, the rest is history. What the update cards draw is in
store/views.py.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Row, Select, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from documents.errors import UserFacingError
from documents.grades import Grade
from documents.responses import ExecutiveResponse
from store.action_rows import (
    ActionRows,
    PersonRow,
    RoundRow,
    Version,
    answer_of,
    current_by_round,
    in_review,
    last_round_answer,
    load_action,
    open_round,
    require_action,
)
from store.models import (
    AgreedAction,
    Delegation,
    MonitoringRound,
    ProgressUpdate,
    Recommendation,
    Review,
    UpdateSource,
    Verdict,
    action_responsible_people,
    review_link_officers,
)
from store.responses import MONITORED
from store.views import (
    ActionForUpdate,
    RecommendationView,
    RecordableAction,
    action_name,
)


def _refuse_if_not_monitored(action: ActionRows) -> None:
    if action.recommendation_response is ExecutiveResponse.NOT_ACCEPTED:
        raise UserFacingError(
            f"Recommendation {action.recommendation_number} was not accepted by the executive: "
            "no progress is asked of its actions."
        )


def _refuse_if_fully_achieved(action: ActionRows, round_: RoundRow) -> None:
    """Once Fully Achieved, an action is done: later rounds ask nothing more of it."""
    latest = current_by_round(action)
    for earlier in action.rounds:  # oldest first
        version = latest.get(earlier.id)
        done = version is not None and (
            version.grade == Grade.FULLY_ACHIEVED or version.fully_achieved_carried
        )
        if earlier.month < round_.month and done:
            name = action_name(action.recommendation_number, action.position)
            raise UserFacingError(
                f"{name} was already Fully Achieved in {earlier.label}: nothing more is asked of it."
            )


def _allowed(
    *,
    person_id: int | None,
    is_admin: bool,
    owner_ids: Collection[int],
    link_officer_ids: Collection[int],
    deputy_ids: Collection[int] = (),
) -> bool:
    """Who may record for an action: an admin, its named owners, its review's link officers, and a
    deputy named for its open round. (`_recordable` says the same in SQL, for an officer's actions.)"""
    return is_admin or (
        person_id is not None
        and (person_id in owner_ids or person_id in link_officer_ids or person_id in deputy_ids)
    )


def _open_deputy(action: ActionRows) -> tuple[int, int] | None:
    """(deputy id, on whose behalf) for the action's open round, if a deputy is named for it."""
    round_ = open_round(action)
    return action.deputies.get(round_.id) if round_ is not None else None


def _may_record(action: ActionRows, *, person_id: int | None, is_admin: bool) -> bool:
    deputy = _open_deputy(action)
    return _allowed(
        person_id=person_id,
        is_admin=is_admin,
        owner_ids={p.id for p in action.owners},
        link_officer_ids={p.id for p in action.link_officers},
        deputy_ids={deputy[0]} if deputy else set(),
    )


def _names(people: list[PersonRow]) -> str:
    names = [p.name for p in people]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _refusal(action: ActionRows) -> str:
    name = action_name(action.recommendation_number, action.position)
    people = [p for p in action.owners if not p.is_group]
    officers = [p for p in action.link_officers if p not in people]
    ask = (["them"] if people else []) + ([f"the link officer ({_names(officers)})"] if officers else [])
    whom = f"{', '.join(ask)} or an admin" if ask else "an admin"
    if people:
        owners = " or ".join(f"{p.name}’s" for p in people)
        return f"{name} is {owners} to update: ask {whom}."
    return f"{name} is for {action.responsibility} to update: ask {whom}."


async def may_record(session: AsyncSession, *, person_id: int | None, is_admin: bool, action_id: int) -> bool:
    """Named responsible officers, the review's link officers and admins may record for an action."""
    action = await load_action(session, action_id)
    return action is not None and _may_record(action, person_id=person_id, is_admin=is_admin)


def updatable(recommendation: RecommendationView, *, person_id: int | None, is_admin: bool) -> set[int]:
    """Of the recommendation's actions, those the caller may record an update for now (as
    `recordable_actions` would list them), so a status card offers "Update" on exactly those. From
    the loaded view: no query."""
    return {
        action.id
        for action in recommendation.actions
        if action.asked_now
        and _allowed(
            person_id=person_id,
            is_admin=is_admin,
            owner_ids=action.owner_ids,
            link_officer_ids=recommendation.link_officer_ids,
            deputy_ids=action.deputy_ids,
        )
    }


async def require_may_record(
    session: AsyncSession, *, person_id: int | None, is_admin: bool, action_id: int
) -> None:
    """Raise a plain refusal naming whom to ask, unless the caller may record for the action."""
    action = await require_action(session, action_id)
    if not _may_record(action, person_id=person_id, is_admin=is_admin):
        raise UserFacingError(_refusal(action))


async def refusal_for(session: AsyncSession, *, action_id: int) -> str:
    return _refusal(await require_action(session, action_id))


async def action_for_update(session: AsyncSession, *, action_id: int) -> ActionForUpdate:
    """The action as the officer answers it in its review's open round; refused in plain words."""
    action = await require_action(session, action_id)
    round_ = open_round(action)
    if round_ is None:
        raise UserFacingError(
            f"“{action.review_title}” has no open round: no updates are being asked for just now."
        )
    _refuse_if_not_monitored(action)
    _refuse_if_fully_achieved(action, round_)
    current = current_by_round(action).get(round_.id)
    before = [v for v in action.versions if current and v.round_id == round_.id and v.id < current.id]
    answered = before[-1] if before and before[-1].verdict is Verdict.RETURNED else None
    return ActionForUpdate(
        **in_review(action),
        success_measure=action.success_measure,
        date_text=action.date_text,
        round_id=round_.id,
        round_label=round_.label,
        deadline=round_.deadline,
        last_round=last_round_answer(action, round_),
        current=answer_of(current, round_) if current else None,
        returned_reason=current.reason if current and current.verdict is Verdict.RETURNED else None,
        answers_return=answered.reason if answered and current and current.verdict is None else None,
    )


def _recordable(person_id: int | None, is_admin: bool) -> Select:
    """Rows of the actions in reviews with an open round that the caller may record for, in plan
    order: their own, or their reviews' as link officer; every one for an admin. Plain columns, not
    loaded objects: an officer's "update" reads their few actions and nothing of the rest."""
    open_reviews = select(MonitoringRound.review_id).where(MonitoringRound.is_open.is_(True))
    query = (
        select(
            AgreedAction.id.label("action_id"),
            Review.id.label("review_id"),
            Review.title.label("review_title"),
            Recommendation.number.label("recommendation_number"),
            Recommendation.text.label("recommendation_text"),
            AgreedAction.position,
            AgreedAction.group,
            AgreedAction.agreed_action,
            AgreedAction.responsibility,
        )
        .join(AgreedAction.recommendation)
        .join(Recommendation.review)
        .where(Recommendation.review_id.in_(open_reviews), MONITORED)
        .order_by(Review.title, Recommendation.number, AgreedAction.position)
    )
    if is_admin:
        return query
    # Lists to look in, not a test per action: the database goes from the person to their actions.
    own = select(action_responsible_people.c.action_id).where(
        action_responsible_people.c.person_id == person_id
    )
    linked = select(review_link_officers.c.review_id).where(review_link_officers.c.person_id == person_id)
    deputy_for = (
        select(Delegation.action_id)
        .join(MonitoringRound, MonitoringRound.id == Delegation.round_id)
        .where(
            Delegation.deputy_id == person_id,
            Delegation.ended_at.is_(None),
            MonitoringRound.is_open.is_(True),
        )
    )
    return query.where(
        or_(AgreedAction.id.in_(own), Recommendation.review_id.in_(linked), AgreedAction.id.in_(deputy_for))
    )


class _RoundRow(NamedTuple):
    id: int
    review_id: int
    label: str
    month: date
    is_open: bool


async def _still_asked(
    session: AsyncSession, rows: Sequence[Row[Any]]
) -> list[tuple[Row[Any], _RoundRow, set[int]]]:
    """Of the action rows, those not Fully Achieved before their review's open round, each with that
    round and the rounds it has an answer in (as `_refuse_if_fully_achieved` and `current_by_round` tell
    it, from plain columns: two queries whatever the number of actions)."""
    if not rows:
        return []
    rounds = [
        _RoundRow(*r)
        for r in await session.execute(
            select(
                MonitoringRound.id,
                MonitoringRound.review_id,
                MonitoringRound.label,
                MonitoringRound.month,
                MonitoringRound.is_open,
            ).where(MonitoringRound.review_id.in_({row.review_id for row in rows}))
        )
    ]
    by_id = {r.id: r for r in rounds}
    open_round: dict[int, _RoundRow] = {}
    for r in sorted(rounds, key=lambda r: r.month):
        if r.is_open:
            open_round[r.review_id] = r  # the latest open round, as open_round picks
    # Each round's current answer is the newest version: later rows overwrite earlier ones.
    latest: dict[int, dict[int, tuple[Grade | None, bool]]] = defaultdict(dict)
    for action_id, round_id, grade, carried in await session.execute(
        select(
            ProgressUpdate.action_id,
            ProgressUpdate.round_id,
            ProgressUpdate.grade,
            ProgressUpdate.fully_achieved_carried,
        )
        .where(ProgressUpdate.action_id.in_({row.action_id for row in rows}))
        .order_by(ProgressUpdate.id)
    ):
        latest[action_id][round_id] = (grade, carried)
    found = []
    for row in rows:
        round_ = open_round[row.review_id]
        answers = latest[row.action_id]
        done = any(
            by_id[round_id].month < round_.month and (grade == Grade.FULLY_ACHIEVED or carried)
            for round_id, (grade, carried) in answers.items()
        )
        if not done:
            found.append((row, round_, set(answers)))
    return found


async def recordable_actions(
    session: AsyncSession, *, person_id: int | None, is_admin: bool
) -> list[RecordableAction]:
    """Actions the caller may answer for now: their review has an open round and they are not done.

    In plan order (review title, recommendation number, position): pickers show them so.
    """
    if person_id is None and not is_admin:
        return []
    rows = (await session.execute(_recordable(person_id, is_admin))).all()
    asked = await _still_asked(session, rows)
    return [
        RecordableAction(**row._asdict(), round_label=round_.label, answered=round_.id in answered)
        for row, round_, answered in asked
    ]


async def update_saved_by_activity(session: AsyncSession, *, activity_id: str) -> ProgressUpdate | None:
    return await session.scalar(select(ProgressUpdate).where(ProgressUpdate.activity_id == activity_id))


def _checked_text(label: str, text: str | None, *, max_text_length: int) -> str | None:
    text = (text or "").strip()
    if len(text) > max_text_length:
        raise UserFacingError(
            f"The {label} is {len(text):,} characters long; the limit is {max_text_length:,}. "
            "Please shorten it."
        )
    return text or None


def _on_behalf_of(action: ActionRows, *, round_id: int, person_id: int | None) -> int | None:
    """Whom the recorder stands in for: the officer who named them deputy for this round, unless
    they are responsible for the action themselves."""
    deputy = action.deputies.get(round_id)
    if deputy is None or person_id != deputy[0] or person_id in {p.id for p in action.owners}:
        return None
    return deputy[1]


async def record_update(session: AsyncSession, **update: Any) -> ProgressUpdate:
    """Append a new version of the action's answer for the round (see `record_update_once`)."""
    return (await record_update_once(session, **update))[0]


async def record_update_once(
    session: AsyncSession,
    *,
    action_id: int,
    round_id: int,
    evidence: str,
    grade: Grade | None,
    explanation: str | None,
    impact: str | None,
    by_person_id: int | None,
    source: UpdateSource,
    activity_id: str | None = None,
    max_text_length: int,
) -> tuple[ProgressUpdate, bool]:
    """Append a new version of the action's answer for the round; refused in plain words. With it,
    whether this call saved it.

    `activity_id` is the intent: the same one twice (Teams delivering a message again, a form or a
    dialog's Save pressed twice, even on two workers at once) returns the update already saved, with
    False, and adds nothing.
    """
    if activity_id is not None:
        saved = await update_saved_by_activity(session, activity_id=activity_id)
        if saved is not None:
            return saved, False
    action = await require_action(session, action_id)
    round_ = next((r for r in action.rounds if r.id == round_id), None)
    if round_ is None:
        raise UserFacingError(f"That monitoring round is not part of “{action.review_title}”.")
    if not round_.is_open:
        raise UserFacingError(
            f"The {round_.label} round of “{action.review_title}” is closed: it takes no more updates."
        )
    _refuse_if_not_monitored(action)
    _refuse_if_fully_achieved(action, round_)
    checked_evidence = _checked_text("evidence of progress", evidence, max_text_length=max_text_length)
    if checked_evidence is None:
        raise UserFacingError("Evidence of progress is needed: say what has been done so far.")
    checked_explanation = _checked_text("explanation", explanation, max_text_length=max_text_length)
    if grade is not None and grade.needs_explanation and checked_explanation is None:
        raise UserFacingError(f"{grade.label} needs an explanation: say what has held it up.")
    update = ProgressUpdate(
        action_id=action.id,
        round_id=round_.id,
        evidence=checked_evidence,
        grade=grade,
        explanation=checked_explanation,
        impact=_checked_text("evidence of impact", impact, max_text_length=max_text_length),
        recorded_by_id=by_person_id,
        on_behalf_of_id=_on_behalf_of(action, round_id=round_.id, person_id=by_person_id),
        source=source,
        activity_id=activity_id,
    )
    try:
        # A savepoint, so a duplicate delivered to another replica at the same moment loses cleanly.
        async with session.begin_nested():
            session.add(update)
    except IntegrityError:
        if activity_id is None:
            raise
        saved = await update_saved_by_activity(session, activity_id=activity_id)
        if saved is None:
            raise
        return saved, False
    await session.refresh(update, ["recorded_by", "on_behalf_of"])
    # The loaded action's history gains the new version as if read so, for whatever this unit of work
    # shows next (the saved card), without a reload.
    action.versions.append(
        Version(
            id=update.id,
            action_id=update.action_id,
            round_id=update.round_id,
            evidence=update.evidence,
            grade=update.grade,
            explanation=update.explanation,
            impact=update.impact,
            fully_achieved_carried=update.fully_achieved_carried,
            recorded_at=update.recorded_at,
            recorded_by=update.recorded_by.name if update.recorded_by else None,
            source=update.source,
            verdict=None,
            reason=None,
            on_behalf_of=update.on_behalf_of.name if update.on_behalf_of else None,
        )
    )
    return update, True


async def holds_any_action(session: AsyncSession, *, person_id: int) -> bool:
    """Whether any action is the person's to answer for, in any round: named responsible, link officer
    of its review, or a deputy for it."""
    named = select(action_responsible_people.c.action_id).where(
        action_responsible_people.c.person_id == person_id
    )
    linked = select(review_link_officers.c.review_id).where(review_link_officers.c.person_id == person_id)
    deputy = select(Delegation.id).where(Delegation.deputy_id == person_id)
    found = await session.scalar(select(exists(named) | exists(linked) | exists(deputy)))
    return bool(found)


async def open_actions_numbered(
    session: AsyncSession, *, recommendation_number: int, position: int | None = None
) -> list[int]:
    """Ids of the actions so numbered in reviews with an open round, whoever may update them."""
    query = (
        select(AgreedAction.id)
        .join(Recommendation)
        .join(MonitoringRound, MonitoringRound.review_id == Recommendation.review_id)
        .where(Recommendation.number == recommendation_number, MonitoringRound.is_open.is_(True), MONITORED)
        .order_by(AgreedAction.id)
        .distinct()
    )
    if position is not None:
        query = query.where(AgreedAction.position == position)
    return list((await session.scalars(query)).all())
