"""Drafting the action plan in Teams, before the committee agrees it.

The lead officers of a review (its link officers; the plan names no other lead officer, as with the
executive's response) and admins propose each accepted recommendation's actions: the action, who is
responsible, the date and the success measure. They add, change and remove them while the plan is a
draft, then send the recommendation's draft to the scrutiny officer, who accepts it or returns it with
a reason, as with an update's return. The drafted actions are the plan's agreed actions from the start,
so status, the exports and "plan agreed" read them as they read an imported plan.

Once the plan is agreed it is frozen, and every change here is refused, saying so: a later change is a
revision the committee sees (store/revisions.py: importing the revised plan, or an approved extension),
not an edit of the draft. Each write takes the review's row lock first, as agreeing the plan does, so
an edit and the agreement cannot cross.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from documents.dates import parse_due
from documents.errors import UserFacingError
from documents.plan_format import PlannedAction, names_in_responsibility
from documents.responses import ExecutiveResponse
from store.models import AgreedAction, Person, Recommendation, Review
from store.plan import people_named, require_review, set_action
from store.responses import may_respond, response_view
from store.returns import may_review, reviewed_by
from store.rounds import locked_review
from store.views import DraftAction, DraftState, DraftView

ACTION_LIMIT = 4_000  # characters of an action or a success measure: a paragraph, not a report
NAMES_LIMIT = 500  # characters of a responsibility
DATE_LIMIT = 200  # the column's width


class DraftWords(NamedTuple):
    """An action as its drafter gives it."""

    agreed_action: str
    responsibility: str
    date: str
    success_measure: str


def day(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"


def checked(words: DraftWords) -> DraftWords:
    """The words, trimmed, or a refusal saying what is missing or cannot be read."""
    words = DraftWords(
        agreed_action=words.agreed_action.strip(),
        responsibility=words.responsibility.strip(),
        date=" ".join(words.date.split()),  # one line, as the plan's dates are written
        success_measure=words.success_measure.strip(),
    )
    if not words.agreed_action:
        raise UserFacingError("Say what the action is: the agreed action is empty.")
    if not words.responsibility:
        raise UserFacingError(
            "Say who is responsible for the action: a named officer, several joined by “/”, or a group "
            "such as “Digital Services Group”."
        )
    due = parse_due(words.date)
    if len(words.date) > DATE_LIMIT or (due.due_from is None and not due.ongoing):
        shown = words.date[:60] or "(nothing)"
        raise UserFacingError(
            f"I can't read “{shown}” as the action's date: write a month and year (“April 2019”), "
            "“Ongoing”, or both (“April 2019 – ongoing”)."
        )
    for label, text, limit in (
        ("action", words.agreed_action, ACTION_LIMIT),
        ("success measure", words.success_measure, ACTION_LIMIT),
        ("responsibility", words.responsibility, NAMES_LIMIT),
    ):
        if len(text) > limit:
            raise UserFacingError(
                f"The {label} is {len(text):,} characters long; the limit is {limit:,}. Please shorten it."
            )
    return words


def _names(people: list[Person]) -> str:
    named = [p.name for p in people if not p.is_group]
    return f"its link officers ({', '.join(named)})" if named else "its link officers"


async def _loaded(session: AsyncSession, recommendation_id: int) -> Recommendation:
    recommendation = await session.scalar(
        select(Recommendation)
        .where(Recommendation.id == recommendation_id)
        .options(
            selectinload(Recommendation.review).selectinload(Review.link_officers),
            selectinload(Recommendation.actions),
        )
        .execution_options(populate_existing=True)
    )
    if recommendation is None:
        raise UserFacingError("That recommendation is no longer in the plans, so its draft cannot be shown.")
    return recommendation


def _require_drafter(recommendation: Recommendation, *, person_id: int | None, is_admin: bool) -> None:
    review = recommendation.review
    if not may_respond(review, person_id=person_id, is_admin=is_admin):
        raise UserFacingError(
            f"Only {_names(review.link_officers)} or an admin may draft the actions of “{review.title}”."
        )


def _require_open(recommendation: Recommendation) -> None:
    """Refused, saying why, once the plan is agreed (frozen) or for a recommendation not accepted."""
    review = recommendation.review
    if review.agreed_on is not None:
        raise UserFacingError(
            f"The plan for “{review.title}” was agreed on {day(review.agreed_on)}, so its actions are fixed "
            "and nothing was changed. A change now is a revision the committee sees: import the revised "
            "plan (its earlier words are kept), or ask for a later date with "
            "“extend 3.1 to March 2021 because …”."
        )
    if review.completed_on is not None:
        raise UserFacingError(f"“{review.title}” is complete, since {day(review.completed_on)}.")
    if recommendation.response is ExecutiveResponse.NOT_ACCEPTED:
        raise UserFacingError(
            f"Recommendation {recommendation.number} was not accepted, so it needs no actions."
        )


def view_of(recommendation: Recommendation, sent_by: str | None = None) -> DraftView:
    review = recommendation.review
    return DraftView(
        review_id=review.id,
        review_title=review.title,
        recommendation_id=recommendation.id,
        number=recommendation.number,
        text=recommendation.text,
        response=response_view(recommendation),
        state=recommendation.draft_state,
        reason=recommendation.draft_reason,
        sent_by=sent_by,
        sent_at=recommendation.draft_sent_at,
        agreed_on=review.agreed_on,
        actions=[DraftAction.model_validate(a, from_attributes=True) for a in recommendation.actions],
    )


async def draft_view(session: AsyncSession, *, recommendation_id: int) -> DraftView:
    recommendation = await _loaded(session, recommendation_id)
    sender = (
        await session.get(Person, recommendation.draft_sent_by_id)
        if recommendation.draft_sent_by_id
        else None
    )
    return view_of(recommendation, sender.name if sender else None)


async def open_draft(
    session: AsyncSession, *, recommendation_id: int, person_id: int | None, is_admin: bool
) -> DraftView:
    """A recommendation's draft, for someone who may draft it."""
    _require_drafter(await _loaded(session, recommendation_id), person_id=person_id, is_admin=is_admin)
    return await draft_view(session, recommendation_id=recommendation_id)


async def draft_of_action(
    session: AsyncSession, *, action_id: int, person_id: int | None, is_admin: bool
) -> DraftView:
    """The draft an action is in, to change it: refused for someone who may not, or once agreed."""
    action = await _action(session, action_id)
    recommendation = await _loaded(session, action.recommendation_id)
    _require_drafter(recommendation, person_id=person_id, is_admin=is_admin)
    _require_open(recommendation)
    return await draft_view(session, recommendation_id=recommendation.id)


async def find_drafts(
    session: AsyncSession, *, number: int | None, title: str, person_id: int | None, is_admin: bool
) -> list[DraftView]:
    """ "draft 3 [review]": that recommendation's draft; "draft": every accepted recommendation's of
    the review (the one named, or else the one the caller leads whose plan is not agreed yet)."""
    if title:
        review = await require_review(session, title)
    else:
        every = list(
            await session.scalars(
                select(Review)
                .where(Review.completed_on.is_(None))
                .options(selectinload(Review.link_officers))
                .order_by(Review.title)
            )
        )
        # Plans still drafted first; once all are agreed, their frozen drafts can still be read.
        pool = [r for r in every if r.agreed_on is None] or every
        led = [r for r in pool if is_admin or person_id in {p.id for p in r.link_officers}]
        # Someone who leads none of them hears who does, when there is only one to ask about.
        reviews = led or (pool if len(pool) == 1 else [])
        if not reviews:
            raise UserFacingError(
                "There is no plan being drafted that you lead: the review's link officers and admins "
                "draft its actions, before the committee agrees the plan."
                if not is_admin
                else "There is no review to draft yet: import the committee's report first."
            )
        if len(reviews) > 1:
            titles = "; ".join(f"“{r.title}”" for r in reviews)
            raise UserFacingError(f"Which review? Say **draft 3 Digital Optimisation**, one of: {titles}.")
        review = reviews[0]
    found = list(
        await session.scalars(
            select(Recommendation)
            .where(Recommendation.review_id == review.id)
            .options(
                selectinload(Recommendation.review).selectinload(Review.link_officers),
                selectinload(Recommendation.actions),
            )
            .order_by(Recommendation.number)
        )
    )
    if found:
        _require_drafter(found[0], person_id=person_id, is_admin=is_admin)
    if number is not None:
        chosen = [r for r in found if r.number == number]
        if not chosen:
            numbers = ", ".join(str(r.number) for r in found) or "none yet"
            raise UserFacingError(
                f"“{review.title}” has no recommendation {number} (its recommendations: {numbers})."
            )
        return [await draft_view(session, recommendation_id=chosen[0].id)]
    monitored = [view_of(r) for r in found if r.response is not ExecutiveResponse.NOT_ACCEPTED]
    if not monitored:
        raise UserFacingError(
            f"“{review.title}” has no accepted recommendation, so there is nothing to draft."
        )
    return monitored


async def _writable(
    session: AsyncSession, *, recommendation_id: int, person_id: int | None, is_admin: bool
) -> Recommendation:
    """The recommendation, its review's row locked, if the caller may change its draft now."""
    review_id = await session.scalar(
        select(Recommendation.review_id).where(Recommendation.id == recommendation_id)
    )
    if review_id is None:
        raise UserFacingError("That recommendation is no longer in the plans, so its draft cannot change.")
    await locked_review(session, review_id=review_id)
    recommendation = await _loaded(session, recommendation_id)
    _require_drafter(recommendation, person_id=person_id, is_admin=is_admin)
    _require_open(recommendation)
    return recommendation


async def _action(session: AsyncSession, action_id: int) -> AgreedAction:
    action = await session.get(AgreedAction, action_id)
    if action is None:
        raise UserFacingError(
            "That action is no longer in the draft: it was removed. Say **draft** to see it now."
        )
    return action


def _edited(recommendation: Recommendation) -> DraftState | None:
    """A change takes a waiting draft back from the scrutiny officer, and an accepted one needs
    accepting again; a returned one keeps its reason in sight until it is sent again. What it was."""
    before = recommendation.draft_state
    if before is not DraftState.RETURNED:
        recommendation.draft_state = DraftState.DRAFTING
    return before


async def _set(session: AsyncSession, action: AgreedAction, words: DraftWords) -> None:
    names = names_in_responsibility(words.responsibility)
    people = await people_named(session, names=names, merged={})
    planned = PlannedAction(
        group=action.group,
        responsibility=words.responsibility,
        date=words.date,
        agreed_action=words.agreed_action,
        success_measure=words.success_measure,
    )
    set_action(action, planned, [people[" ".join(n.split()).lower()] for n in names])


async def add_action(
    session: AsyncSession,
    *,
    recommendation_id: int,
    words: DraftWords,
    person_id: int | None,
    is_admin: bool,
) -> tuple[DraftView, DraftState | None]:
    """A new action at the end of the recommendation's draft; the draft, and its state before."""
    words = checked(words)
    recommendation = await _writable(
        session, recommendation_id=recommendation_id, person_id=person_id, is_admin=is_admin
    )
    position = max((a.position for a in recommendation.actions), default=0) + 1
    action = AgreedAction(recommendation_id=recommendation.id, position=position)
    await _set(session, action, words)
    session.add(action)
    before = _edited(recommendation)
    await session.flush()
    return await draft_view(session, recommendation_id=recommendation.id), before


async def change_action(
    session: AsyncSession, *, action_id: int, words: DraftWords, person_id: int | None, is_admin: bool
) -> tuple[DraftView, DraftState | None]:
    words = checked(words)
    action = await _action(session, action_id)
    recommendation = await _writable(
        session, recommendation_id=action.recommendation_id, person_id=person_id, is_admin=is_admin
    )
    await session.refresh(action, ["responsible_people"])
    await _set(session, action, words)
    before = _edited(recommendation)
    await session.flush()
    return await draft_view(session, recommendation_id=recommendation.id), before


async def remove_action(
    session: AsyncSession, *, action_id: int, person_id: int | None, is_admin: bool
) -> tuple[DraftView, DraftState | None, int]:
    """The action gone from the draft, and those after it moved up one, so positions stay 1, 2, 3;
    the draft, its state before, and the removed action's position."""
    action = await _action(session, action_id)
    recommendation = await _writable(
        session, recommendation_id=action.recommendation_id, person_id=person_id, is_admin=is_admin
    )
    later = [(a.id, a.position) for a in recommendation.actions if a.position > action.position]
    await session.delete(action)
    await session.flush()
    # One at a time, lowest first: each moves into the place just freed (positions are unique).
    for later_id, position in sorted(later, key=lambda pair: pair[1]):
        await session.execute(
            update(AgreedAction).where(AgreedAction.id == later_id).values(position=position - 1)
        )
    before = _edited(recommendation)
    await session.flush()
    return await draft_view(session, recommendation_id=recommendation.id), before, action.position


async def send_draft(
    session: AsyncSession, *, recommendation_id: int, person_id: int | None, is_admin: bool, now: datetime
) -> DraftView:
    """The recommendation's draft sent to the scrutiny officer."""
    recommendation = await _writable(
        session, recommendation_id=recommendation_id, person_id=person_id, is_admin=is_admin
    )
    if not recommendation.actions:
        raise UserFacingError(
            f"Recommendation {recommendation.number} has no actions yet: add at least one, then send it."
        )
    if recommendation.draft_state is DraftState.WAITING:
        raise UserFacingError(
            f"Recommendation {recommendation.number}'s draft already waits for the scrutiny officer."
        )
    if recommendation.draft_state is DraftState.ACCEPTED:
        raise UserFacingError(
            f"Recommendation {recommendation.number}'s draft is already accepted, and has not changed since."
        )
    recommendation.draft_state = DraftState.WAITING
    recommendation.draft_sent_by_id = person_id
    recommendation.draft_sent_at = now
    await session.flush()
    return await draft_view(session, recommendation_id=recommendation.id)


async def drafts_waiting(session: AsyncSession, *, person_id: int | None, is_admin: bool) -> list[DraftView]:
    """The drafts waiting for this scrutiny officer (or admin), oldest first. One still waiting when its
    plan was agreed is frozen with the plan, and waits no more."""
    query = (
        select(Recommendation.id)
        .join(Review, Review.id == Recommendation.review_id)
        .where(Recommendation.draft_state == DraftState.WAITING, Review.agreed_on.is_(None))
        .order_by(Recommendation.draft_sent_at, Recommendation.id)
    )
    reviews = await reviewed_by(session, person_id, is_admin)
    if reviews is not None:
        query = query.where(Recommendation.review_id.in_(reviews))
    return [await draft_view(session, recommendation_id=rec_id) for rec_id in await session.scalars(query)]


async def drafter_of(session: AsyncSession, *, recommendation_id: int) -> Person | None:
    """Who sent the recommendation's draft for review (None: an admin unknown to the roster)."""
    sent_by = await session.scalar(
        select(Recommendation.draft_sent_by_id).where(Recommendation.id == recommendation_id)
    )
    return await session.get(Person, sent_by) if sent_by is not None else None


async def decide_draft(
    session: AsyncSession,
    *,
    recommendation_id: int,
    sent_at: datetime,
    accept: bool,
    reason: str,
    person_id: int | None,
    is_admin: bool,
) -> DraftView:
    """Accept the draft as it was sent, or return it with the reason; refused if it has changed since
    (taken back, sent again) or was decided already."""
    review_id = await session.scalar(
        select(Recommendation.review_id).where(Recommendation.id == recommendation_id)
    )
    if review_id is None:
        raise UserFacingError("That recommendation is no longer in the plans: nothing was decided.")
    if not await may_review(session, person_id=person_id, is_admin=is_admin, review_id=review_id):
        raise UserFacingError("Only the review's scrutiny officer or an admin may accept or return a draft.")
    await locked_review(session, review_id=review_id)
    recommendation = await _loaded(session, recommendation_id)
    _require_open(recommendation)
    number = recommendation.number
    if recommendation.draft_state is not DraftState.WAITING or recommendation.draft_sent_at != sent_at:
        state = recommendation.draft_state.value if recommendation.draft_state else "not sent"
        raise UserFacingError(
            f"Recommendation {number}'s draft has changed since this card was sent (it is {state} now), "
            "so nothing was decided. Say **review** for what waits now."
        )
    reason = reason.strip()
    if not accept and not reason:
        raise UserFacingError("Say why the draft goes back: the officer reads it.")
    if len(reason) > ACTION_LIMIT:
        raise UserFacingError(
            f"The reason is {len(reason):,} characters long; the limit is {ACTION_LIMIT:,}."
        )
    recommendation.draft_state = DraftState.ACCEPTED if accept else DraftState.RETURNED
    recommendation.draft_reason = None if accept else reason
    await session.flush()
    return await draft_view(session, recommendation_id=recommendation_id)
