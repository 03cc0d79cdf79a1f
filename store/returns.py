"""A return's life with the scrutiny officer: each version of an action's update for a round waits
(submitted, or resubmitted after being returned), then is accepted, or returned with the reviewer's
reason and answered with a new version. Decisions are rows (ReturnDecision), never changed; the
committee's document carries accepted returns only.

Who reviews: a scrutiny officer, for every review (the roster's `scrutiny` role) or for one; and
admins, who may act as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from documents.errors import UserFacingError
from store.action_rows import (
    ActionRows,
    Version,
    answer_of,
    current_by_round,
    forget_action,
    in_review,
    last_round_answer,
    require_action,
)
from store.models import (
    AgreedAction,
    Person,
    ProgressUpdate,
    Recommendation,
    ReturnDecision,
    UpdateSource,
    Verdict,
    review_scrutiny_officers,
)
from store.queries import evidence_links, return_state
from store.views import EvidenceLink, ReturnForReview, ReturnState, action_name

# The longest a reason may be: a sentence or two, read on a phone.
REASON_LIMIT = 2_000


class StaleReturn(UserFacingError):
    """The card named a version that is no longer the current one: the officer has changed it since."""

    def __init__(self, message: str, *, current_id: int) -> None:
        super().__init__(message)
        self.current_id = current_id


class AlreadyDecided(UserFacingError):
    """The update was accepted or returned already (another copy of the card, pressed again): the
    message says so in UTC; the fields let a caller say it in the council's time."""

    def __init__(
        self, message: str, *, decided: ReturnForReview, verdict: Verdict, who: str | None, at: datetime
    ) -> None:
        super().__init__(message)
        self.decided = decided
        self.verdict = verdict
        self.who = who
        self.at = at


async def reviewed_by(session: AsyncSession, person_id: int | None, is_admin: bool) -> Select | None:
    """The ids of the reviews the caller reads, as a subquery; None: every review."""
    if is_admin:
        return None
    person = await session.get(Person, person_id) if person_id is not None else None
    if person is not None and person.is_scrutiny_officer:
        return None
    return select(review_scrutiny_officers.c.review_id).where(
        review_scrutiny_officers.c.person_id == person_id
    )


async def may_review(session: AsyncSession, *, person_id: int | None, is_admin: bool, review_id: int) -> bool:
    """A scrutiny officer of this review (or of every review), or an admin."""
    reviews = await reviewed_by(session, person_id, is_admin)
    if reviews is None:
        return True
    mine = reviews.where(review_scrutiny_officers.c.review_id == review_id).limit(1)
    return await session.scalar(mine) is not None


async def is_reviewer(session: AsyncSession, *, person_id: int | None, is_admin: bool) -> bool:
    """A scrutiny officer of any review, or an admin."""
    reviews = await reviewed_by(session, person_id, is_admin)
    return reviews is None or await session.scalar(reviews.limit(1)) is not None


async def reviewers_of(session: AsyncSession, *, review_id: int) -> list[Person]:
    """Whoever reads this review's returns: its own scrutiny officers and the council-wide ones."""
    own = select(review_scrutiny_officers.c.person_id).where(
        review_scrutiny_officers.c.review_id == review_id
    )
    people = await session.scalars(
        select(Person)
        .where(or_(Person.is_scrutiny_officer.is_(True), Person.id.in_(own)), Person.is_group.is_(False))
        .order_by(Person.name)
    )
    return list(people)


def _waiting(reviews: Select | None) -> Select:
    """Current versions nobody has decided on, oldest first: what a reviewer's queue holds."""
    newest = select(func.max(ProgressUpdate.id)).group_by(ProgressUpdate.action_id, ProgressUpdate.round_id)
    query = (
        select(ProgressUpdate.id, ProgressUpdate.action_id)
        .join(AgreedAction, AgreedAction.id == ProgressUpdate.action_id)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .outerjoin(ReturnDecision, ReturnDecision.update_id == ProgressUpdate.id)
        .where(
            ProgressUpdate.id.in_(newest),
            ReturnDecision.id.is_(None),
            ProgressUpdate.source != UpdateSource.IMPORT,
            ProgressUpdate.fully_achieved_carried.is_(false()),
        )
        .order_by(ProgressUpdate.recorded_at, ProgressUpdate.id)
    )
    return query if reviews is None else query.where(Recommendation.review_id.in_(reviews))


async def count_waiting(session: AsyncSession, *, round_id: int) -> int:
    """How many of the round's returns the scrutiny officer has still to read."""
    waiting = _waiting(None).where(ProgressUpdate.round_id == round_id).order_by(None).subquery()
    return await session.scalar(select(func.count()).select_from(waiting)) or 0


async def returns_to_review(
    session: AsyncSession,
    *,
    person_id: int | None,
    is_admin: bool,
    review_id: int | None = None,
    limit: int | None = None,
) -> tuple[list[ReturnForReview], int]:
    """The returns waiting for this reviewer (all the reviews they read, or one), oldest first: the
    first `limit` of them read whole (each is an action's history), and how many wait in all."""
    query = _waiting(await reviewed_by(session, person_id, is_admin))
    if review_id is not None:
        query = query.where(Recommendation.review_id == review_id)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    query = query.limit(limit) if limit is not None else query
    waiting = []
    for update_id, action_id in (await session.execute(query)).all():
        action = await require_action(session, action_id, version=update_id)
        evidence = await evidence_links(session, action_ids={action_id})
        waiting.append(_for_review(action, next(v for v in action.versions if v.id == update_id), evidence))
    return waiting, total


async def return_for_review(session: AsyncSession, *, update_id: int) -> ReturnForReview | None:
    action_id = await session.scalar(select(ProgressUpdate.action_id).where(ProgressUpdate.id == update_id))
    if action_id is None:
        return None
    action = await require_action(session, action_id, version=update_id)
    evidence = await evidence_links(session, action_ids={action_id})
    return _for_review(action, next(v for v in action.versions if v.id == update_id), evidence)


def _for_review(
    action: ActionRows, version: Version, evidence: dict[tuple[int, int], list[EvidenceLink]]
) -> ReturnForReview:
    round_ = next(r for r in action.rounds if r.id == version.round_id)
    before = [v for v in action.versions if v.round_id == version.round_id and v.id < version.id]
    returned_before = before[-1] if before and before[-1].verdict is Verdict.RETURNED else None
    return ReturnForReview(
        **in_review(action),
        update_id=version.id,
        success_measure=action.success_measure,
        round_id=round_.id,
        round_label=round_.label,
        answer=answer_of(version, round_),
        last_round=last_round_answer(action, round_),
        state=return_state(
            verdict=version.verdict, source=version.source, carried=version.fully_achieved_carried
        ),
        reason=version.reason,
        returned_before=returned_before.reason if returned_before else None,
        current=current_by_round(action)[round_.id].id == version.id,
        evidence_links=evidence.get((action.id, round_.id), []),
        internal=version.internal,
    )


@dataclass(frozen=True)
class Decided:
    """A decision to tell an officer about: theirs, by a reviewer (not one made by the migration).
    A deputy's update is told to the deputy and to the officer it was recorded for (`deputy` set)."""

    decision_id: int
    update_id: int
    officer_id: int
    reviewer: str | None
    decided_at: datetime
    deputy: str | None = None  # who recorded it for `officer_id`, when a deputy did

    @property
    def slot(self) -> str:
        """Its delivery's slot: one notice to each of the two."""
        return f"decision {self.decision_id}" + (" for the officer" if self.deputy else "")


async def decided_since(session: AsyncSession, *, verdict: Verdict, since: datetime) -> list[Decided]:
    """Decisions of this kind made since `since`, oldest first, with whom to tell: who recorded it,
    and the officer a deputy recorded it for."""
    recorder = aliased(Person)
    rows = await session.execute(
        select(
            ReturnDecision.id,
            ReturnDecision.update_id,
            ReturnDecision.decided_at,
            ProgressUpdate.recorded_by_id,
            Person.name,
            ProgressUpdate.on_behalf_of_id,
            recorder.name,
        )
        .join(ProgressUpdate, ProgressUpdate.id == ReturnDecision.update_id)
        .join(Person, Person.id == ReturnDecision.decided_by_id)
        .join(recorder, recorder.id == ProgressUpdate.recorded_by_id)
        .where(
            ReturnDecision.verdict == verdict,
            ReturnDecision.decided_at >= since,
            ProgressUpdate.recorded_by_id.is_not(None),
        )
        .order_by(ReturnDecision.id)
    )
    told = []
    for decision_id, update_id, decided_at, officer_id, reviewer, for_id, deputy in rows.all():
        if officer_id is None:
            continue
        told.append(Decided(decision_id, update_id, officer_id, reviewer, decided_at))
        if for_id is not None and for_id != officer_id:
            told.append(Decided(decision_id, update_id, for_id, reviewer, decided_at, deputy=deputy))
    return told


async def _refuse_if_decided(session: AsyncSession, found: ReturnForReview) -> None:
    earlier = (
        await session.execute(
            select(ReturnDecision.verdict, ReturnDecision.decided_at, Person.name)
            .outerjoin(Person, Person.id == ReturnDecision.decided_by_id)
            .where(ReturnDecision.update_id == found.update_id)
        )
    ).one_or_none()
    if earlier is not None:
        name = action_name(found.recommendation_number, found.position)
        who = f" by {earlier.name}" if earlier.name else ""
        raise AlreadyDecided(
            f"{name}'s {found.round_label} update was already {earlier.verdict.value}{who} "
            f"at {earlier.decided_at:%H:%M on %-d %B} UTC: nothing was changed.",
            decided=found,
            verdict=earlier.verdict,
            who=earlier.name,
            at=earlier.decided_at,
        )


async def decide(
    session: AsyncSession,
    *,
    update_id: int,
    verdict: Verdict,
    reason: str | None,
    person_id: int | None,
    is_admin: bool,
    activity_id: str | None,
    internal: bool | None = None,
) -> ReturnForReview:
    """Accept a return, or return it with a reason; refused in plain words. The same activity twice
    (Teams delivering an Accept again) decides once and answers as the first time did. Accepted,
    `internal` says whether its evidence stays off the public tracker (None: as it is); a returned
    one is on no tracker, so it changes nothing there."""
    if activity_id is not None:
        done = await session.scalar(
            select(ReturnDecision.update_id).where(ReturnDecision.activity_id == activity_id)
        )
        if done is not None:
            decided = await return_for_review(session, update_id=done)
            assert decided is not None
            return decided
    found = await return_for_review(session, update_id=update_id)
    if found is None:
        raise UserFacingError("That update is no longer in the record (its plan may have been removed).")
    if not await may_review(session, person_id=person_id, is_admin=is_admin, review_id=found.review_id):
        reviewers = [p.name for p in await reviewers_of(session, review_id=found.review_id)]
        whom = " or ".join(reviewers) if reviewers else "an admin"
        raise UserFacingError(
            f"Only the review's scrutiny officer or an admin can accept or return updates: ask {whom}."
        )
    await _refuse_if_decided(session, found)
    name = action_name(found.recommendation_number, found.position)
    if not found.current:
        action = await require_action(session, found.action_id)
        raise StaleReturn(
            f"{name}'s {found.round_label} update has changed since that card was sent: here is the new one.",
            current_id=current_by_round(action)[found.round_id].id,
        )
    if found.state is not ReturnState.WAITING:
        raise UserFacingError(f"{name}'s {found.round_label} update needs no review.")
    reason = " ".join((reason or "").split()) or None
    if verdict is Verdict.RETURNED and reason is None:
        raise UserFacingError("Say why it goes back: the officer reads your reason, and nothing was changed.")
    if reason is not None and len(reason) > REASON_LIMIT:
        raise UserFacingError(f"The reason is {len(reason):,} characters; keep it under {REASON_LIMIT:,}.")
    try:
        # A savepoint: the same update decided at this moment by another worker (two presses of
        # Accept reaching two replicas) loses cleanly, and is told who decided it.
        async with session.begin_nested():
            session.add(
                ReturnDecision(
                    update_id=update_id,
                    verdict=verdict,
                    reason=reason if verdict is Verdict.RETURNED else None,
                    decided_by_id=person_id,
                    activity_id=activity_id,
                )
            )
            if verdict is Verdict.ACCEPTED and internal is not None:
                await session.execute(
                    update(ProgressUpdate).where(ProgressUpdate.id == update_id).values(internal=internal)
                )
    except IntegrityError:
        await _refuse_if_decided(session, found)
        raise
    forget_action(session, found.action_id)  # read again: the decision is part of what it shows now
    decided = await return_for_review(session, update_id=update_id)
    assert decided is not None
    return decided
