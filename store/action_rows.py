"""An action as checking who may record, recording and showing need it: plain rows, read once a unit
of work (store/updates.py records; store/returns.py reviews)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.errors import UserFacingError
from documents.grades import Grade
from documents.responses import ExecutiveResponse
from store.deputies import deputies_for
from store.models import (
    AgreedAction,
    MonitoringRound,
    Person,
    ProgressUpdate,
    UpdateSource,
    Verdict,
    action_responsible_people,
    review_link_officers,
)
from store.queries import ACTION_ROW, ANSWER_ROW, recorded_by
from store.views import RoundAnswer


class PersonRow(NamedTuple):
    id: int
    name: str
    is_group: bool


class RoundRow(NamedTuple):
    id: int
    label: str
    month: date
    deadline: date | None
    is_open: bool


class Version(NamedTuple):
    """One version of the action's answer for a round (a row of ANSWER_ROW)."""

    id: int
    action_id: int
    round_id: int
    grade: Grade | None
    fully_achieved_carried: bool
    evidence: str
    explanation: str | None
    impact: str | None
    recorded_at: datetime
    recorded_by: str | None  # the name
    source: UpdateSource
    verdict: Verdict | None  # the scrutiny officer's, if decided
    reason: str | None  # why it was returned
    on_behalf_of: str | None  # recorded by a deputy for this officer
    internal: bool = False  # its evidence stays off the public tracker


@dataclass
class ActionRows:
    """What checking who may record, recording and showing an action need of it, as plain rows."""

    # A row of ACTION_ROW:
    id: int
    position: int
    group: str | None
    responsibility: str
    date_text: str
    due_by: date | None
    ongoing: bool
    agreed_action: str
    success_measure: str
    recommendation_id: int
    recommendation_number: int
    recommendation_text: str
    recommendation_response: ExecutiveResponse | None  # not accepted: never monitored
    review_id: int
    review_title: str
    owners: list[PersonRow]  # the people named as responsible, by name
    link_officers: list[PersonRow]  # the review's, by name
    rounds: list[RoundRow]  # the review's, oldest first
    # Oldest first: each round's current answer and the version it replaced, and any version asked
    # for with the one before it. Not the whole history: an officer may save an answer many times.
    versions: list[Version]
    deputies: dict[int, tuple[int, int]]  # round id -> (deputy id, on whose behalf), named and not taken back
    asked_for: int | None  # the version read with the one before it, besides each round's newest two

    def has_with_the_one_before(self, version: int) -> bool:
        """Whether `version` and the version it replaced are both here: a card shows the two."""
        return version == self.asked_for or any(v.id == version for v in current_by_round(self).values())


def answer_of(version: Version, round_: RoundRow) -> RoundAnswer:
    return RoundAnswer(
        round_label=round_.label,
        evidence=version.evidence,
        grade=version.grade,
        explanation=version.explanation,
        impact=version.impact,
        fully_achieved_carried=version.fully_achieved_carried,
        recorded_at=version.recorded_at,
        recorded_by=recorded_by(version.recorded_by, version.on_behalf_of),
    )


# Where a unit of work keeps the actions it has read: checking who may record, recording and showing
# the result each need the action with its people, rounds and history, and reading it is five queries.
# Plain columns, not objects the session tracks: several times cheaper, and every update turn reads one.
_LOADED_ACTIONS = "store.action_rows.loaded_actions"


def _versions_kept(action_id: int, asked_for: int | None) -> Select:
    """Ids of the versions ActionRows keeps (see there), told apart in each round by a window."""
    round_, newest_first = ProgressUpdate.round_id, ProgressUpdate.id.desc()
    ranked = (
        select(
            ProgressUpdate.id,
            func.row_number().over(partition_by=round_, order_by=newest_first).label("newness"),
            func.lag(ProgressUpdate.id).over(partition_by=round_, order_by=newest_first).label("replaced_by"),
        )
        .where(ProgressUpdate.action_id == action_id)
        .subquery()
    )
    kept = ranked.c.newness <= 2
    if asked_for is not None:
        kept = or_(kept, ranked.c.id == asked_for, ranked.c.replaced_by == asked_for)
    return select(ranked.c.id).where(kept)


async def _read_action(session: AsyncSession, action_id: int, asked_for: int | None) -> ActionRows | None:
    action = (await session.execute(ACTION_ROW.where(AgreedAction.id == action_id))).one_or_none()
    if action is None:
        return None
    people = select(Person.id, Person.name, Person.is_group).order_by(Person.name)
    owners = await session.execute(
        people.join(action_responsible_people, action_responsible_people.c.person_id == Person.id).where(
            action_responsible_people.c.action_id == action_id
        )
    )
    link_officers = await session.execute(
        people.join(review_link_officers, review_link_officers.c.person_id == Person.id).where(
            review_link_officers.c.review_id == action.review_id
        )
    )
    rounds = await session.execute(
        select(
            MonitoringRound.id,
            MonitoringRound.label,
            MonitoringRound.month,
            MonitoringRound.deadline,
            MonitoringRound.is_open,
        )
        .where(MonitoringRound.review_id == action.review_id)
        .order_by(MonitoringRound.month)
    )
    versions = await session.execute(
        ANSWER_ROW.where(ProgressUpdate.id.in_(_versions_kept(action_id, asked_for))).order_by(
            ProgressUpdate.id
        )
    )
    return ActionRows(
        **action._asdict(),
        owners=[PersonRow._make(row) for row in owners],
        link_officers=[PersonRow._make(row) for row in link_officers],
        rounds=[RoundRow._make(row) for row in rounds],
        versions=[Version._make(row) for row in versions],
        deputies={
            round_id: named
            for (_, round_id), named in (await deputies_for(session, action_ids={action_id})).items()
        },
        asked_for=asked_for,
    )


async def load_action(
    session: AsyncSession, action_id: int, *, version: int | None = None
) -> ActionRows | None:
    """The action, read once a unit of work; read again if it lacks the `version` asked for or the
    version that one replaced."""
    loaded: dict[int, ActionRows | None] = session.info.setdefault(_LOADED_ACTIONS, {})
    action = loaded.get(action_id)
    if action_id not in loaded or (
        action is not None and version is not None and not action.has_with_the_one_before(version)
    ):
        loaded[action_id] = await _read_action(session, action_id, version)
    return loaded[action_id]


def in_review(action: ActionRows) -> dict[str, Any]:
    """The action's ActionInReview fields, for the read models built on it."""
    return {
        "action_id": action.id,
        "review_id": action.review_id,
        "review_title": action.review_title,
        "recommendation_number": action.recommendation_number,
        "recommendation_text": action.recommendation_text,
        "position": action.position,
        "group": action.group,
        "agreed_action": action.agreed_action,
        "responsibility": action.responsibility,
    }


def last_round_answer(action: ActionRows, round_: RoundRow) -> RoundAnswer | None:
    """The latest answer before `round_`, shown beside the new one for comparison."""
    latest = current_by_round(action)
    earlier = [r for r in action.rounds if r.month < round_.month and r.id in latest]
    return answer_of(latest[earlier[-1].id], earlier[-1]) if earlier else None


def forget_action(session: AsyncSession, action_id: int) -> None:
    """The action is read again next time it is needed in this unit of work (something changed)."""
    session.info.get(_LOADED_ACTIONS, {}).pop(action_id, None)


async def require_action(session: AsyncSession, action_id: int, *, version: int | None = None) -> ActionRows:
    """The action, with `version` of its answers and the one before it among its versions if given."""
    action = await load_action(session, action_id, version=version)
    if action is None:
        raise UserFacingError("That action is not in any plan (it may have been removed).")
    return action


def open_round(action: ActionRows) -> RoundRow | None:
    open_rounds = [r for r in action.rounds if r.is_open]
    return max(open_rounds, key=lambda r: r.month) if open_rounds else None


def current_by_round(action: ActionRows) -> dict[int, Version]:
    latest: dict[int, Version] = {}
    for version in action.versions:  # oldest first: the last one per round wins
        latest[version.round_id] = version
    return latest
