"""Extension requests: an officer whose action will miss its date asks for a new one, with a reason;
the scrutiny officer approves or refuses it in the same review queue as the returns. Approved, the new
date is the action's date from then on ("overdue" judges by it); the date it replaced is kept on the
request, and the committee's document says "March 2021 (revised from September 2019)".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from documents.dates import parse_due, parse_month, round_label
from documents.errors import UserFacingError
from store.models import AgreedAction, ExtensionRequest, Person, Recommendation, Review, utcnow
from store.returns import may_review, reviewed_by, reviewers_of
from store.updates import may_record, refusal_for
from store.views import ExtensionView, action_name

REASON_LIMIT = 2_000

_ASKED_BY, _DECIDED_BY = aliased(Person), aliased(Person)
_EXTENSION = (
    select(
        ExtensionRequest,
        AgreedAction.date_text,
        AgreedAction.agreed_action,
        AgreedAction.position,
        Recommendation.number,
        Review.id,
        Review.title,
        _ASKED_BY.name,
        _DECIDED_BY.name,
    )
    .join(AgreedAction, AgreedAction.id == ExtensionRequest.action_id)
    .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
    .join(Review, Review.id == Recommendation.review_id)
    .outerjoin(_ASKED_BY, _ASKED_BY.id == ExtensionRequest.requested_by_id)
    .outerjoin(_DECIDED_BY, _DECIDED_BY.id == ExtensionRequest.decided_by_id)
    .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
)


async def _views(session: AsyncSession, query: Select) -> list[ExtensionView]:
    return [
        ExtensionView(
            request_id=request.id,
            action_id=request.action_id,
            review_id=review_id,
            review_title=title,
            recommendation_number=number,
            position=position,
            agreed_action=agreed_action,
            current_date=request.previous_date_text or date_text,
            asked_date=request.date_text,
            reason=request.reason,
            asked_by=asked_by,
            asked_by_id=request.requested_by_id,
            asked_at=request.requested_at,
            approved=request.approved,
            decision_reason=request.decision_reason,
            decided_by=decided_by,
        )
        for request, date_text, agreed_action, position, number, review_id, title, asked_by, decided_by in (
            await session.execute(query)
        ).all()
    ]


async def request_extension(
    session: AsyncSession,
    *,
    number: int,
    position: int | None,
    month: str,
    reason: str,
    person_id: int | None,
    is_admin: bool,
    activity_id: str | None,
) -> ExtensionView:
    """Ask for a later date for Recommendation `number`'s action `position` (or its only action)."""
    if activity_id is not None and (
        done := await _views(session, _EXTENSION.where(ExtensionRequest.activity_id == activity_id))
    ):
        return done[0]
    try:
        asked = round_label(parse_month(month))
    except ValueError:
        raise UserFacingError(f"“{month}” is not a month and year, such as “March 2021”.") from None
    reason = " ".join(reason.split())
    if not reason:
        said = f"{number}.{position}" if position is not None else str(number)  # as the officer named it
        raise UserFacingError(f"Say why it needs more time: extend {said} to {asked} because …")
    if len(reason) > REASON_LIMIT:
        raise UserFacingError(f"The reason is {len(reason):,} characters; keep it under {REASON_LIMIT:,}.")
    query = select(AgreedAction).join(Recommendation).where(Recommendation.number == number)
    if position is not None:
        query = query.where(AgreedAction.position == position)
    actions = list(await session.scalars(query))
    mine = [
        a
        for a in actions
        if await may_record(session, person_id=person_id, is_admin=is_admin, action_id=a.id)
    ]
    if not actions:
        raise UserFacingError(f"There is no {action_name(number, position or 1)} in any plan.")
    if not mine:
        raise UserFacingError(await refusal_for(session, action_id=actions[0].id))
    if len(mine) > 1:
        raise UserFacingError(
            f"Recommendation {number} has {len(mine)} actions: say which, as in "
            f"extend {number}.1 to {asked} because …"
        )
    (action,) = mine
    new_end = parse_due(asked).due_by
    if action.due_by is not None and new_end is not None and new_end <= action.due_by:
        raise UserFacingError(f"{asked} is not later than its date now ({action.date_text}).")
    waiting = await session.scalar(
        select(ExtensionRequest.id).where(
            ExtensionRequest.action_id == action.id, ExtensionRequest.approved.is_(None)
        )
    )
    if waiting is not None:
        raise UserFacingError("A new date for it is already waiting for the scrutiny officer.")
    request = ExtensionRequest(
        action_id=action.id,
        date_text=asked,
        reason=reason,
        requested_by_id=person_id,
        activity_id=activity_id,
    )
    session.add(request)
    await session.flush()
    (view,) = await _views(session, _EXTENSION.where(ExtensionRequest.id == request.id))
    return view


async def pending_extensions(
    session: AsyncSession, *, person_id: int | None, is_admin: bool
) -> list[ExtensionView]:
    """Requests waiting, in the reviews the caller reviews, oldest first."""
    query = _EXTENSION.where(ExtensionRequest.approved.is_(None))
    reviews = await reviewed_by(session, person_id, is_admin)
    return await _views(session, query if reviews is None else query.where(Review.id.in_(reviews)))


async def decide_extension(
    session: AsyncSession,
    *,
    request_id: int,
    approve: bool,
    reason: str | None,
    person_id: int | None,
    is_admin: bool,
) -> ExtensionView:
    """Approve (the action takes the new date) or refuse (with a reason) a request; refused in plain words."""
    found = await _views(session, _EXTENSION.where(ExtensionRequest.id == request_id))
    if not found:
        raise UserFacingError("That request is no longer in the record.")
    (view,) = found
    if not await may_review(session, person_id=person_id, is_admin=is_admin, review_id=view.review_id):
        reviewers = [p.name for p in await reviewers_of(session, review_id=view.review_id)]
        whom = " or ".join(reviewers) if reviewers else "an admin"
        raise UserFacingError(
            f"Only the review's scrutiny officer or an admin can decide new dates: ask {whom}."
        )
    request = await session.get(ExtensionRequest, request_id)
    assert request is not None
    if request.approved is not None:
        verdict = "approved" if request.approved else "refused"
        raise UserFacingError(f"The new date for {view.name} was already {verdict} by {view.decided_by}.")
    reason = " ".join((reason or "").split()) or None
    if not approve and reason is None:
        raise UserFacingError(
            "Say why the new date is refused: the officer reads your reason, and nothing was changed."
        )
    action = await session.get(AgreedAction, request.action_id)
    assert action is not None
    if approve:
        request.previous_date_text = action.date_text
        due = parse_due(request.date_text)
        action.date_text = request.date_text
        action.due_from, action.due_by, action.ongoing = due.due_from, due.due_by, due.ongoing
    request.approved, request.decision_reason = approve, reason
    request.decided_by_id, request.decided_at = person_id, utcnow()
    await session.flush()
    (decided,) = await _views(session, _EXTENSION.where(ExtensionRequest.id == request_id))
    return decided


async def decided_extensions_since(session: AsyncSession, *, since: datetime) -> list[ExtensionView]:
    """Decisions made since `since`, to tell the officers who asked."""
    return await _views(
        session,
        _EXTENSION.where(ExtensionRequest.decided_at >= since, ExtensionRequest.requested_by_id.is_not(None)),
    )


async def revised_from(session: AsyncSession, *, review_id: int) -> dict[int, str]:
    """Action id -> the date it had before its first approved extension, for the committee's document."""
    rows = await session.execute(
        select(ExtensionRequest.action_id, ExtensionRequest.previous_date_text)
        .join(AgreedAction, AgreedAction.id == ExtensionRequest.action_id)
        .join(Recommendation, Recommendation.id == AgreedAction.recommendation_id)
        .where(Recommendation.review_id == review_id, ExtensionRequest.approved.is_(True))
        .order_by(ExtensionRequest.decided_at.desc())
    )
    return {action_id: previous for action_id, previous in rows.all() if previous}
