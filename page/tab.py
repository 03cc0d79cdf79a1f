"""What the Teams tabs show, from the store's read models: the personal tab's "My actions" and "My
reviews", the configurable tab's list of reviews, and a meeting's side panel and shared stage, which
draw one recommendation of the committee's page (page/model.py) at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from documents.grades import Grade
from page.model import Badge, RecommendationRow, ReviewPage, load
from store import queries
from store.my_reviews import review_ids_of
from store.views import ActionView, ReturnState, ReviewSummary

# An action's return for the open round, in the words the personal tab uses.
RETURN_WORDS = {
    ReturnState.WAITING: "Waiting for the scrutiny officer",
    ReturnState.RETURNED: "Returned to you: answer it again",
    ReturnState.ACCEPTED: "Accepted",
}


@dataclass(frozen=True)
class MyAction:
    action: ActionView
    badge: Badge  # its latest grade
    this_round: str | None  # its return for the open round, in words; None: nothing is asked now
    missing: bool  # asked for this round and nothing returned yet
    address: str  # the action on the committee's page


@dataclass(frozen=True)
class MyTab:
    actions: list[MyAction]
    reviews: list[ReviewSummary]
    every_review: bool  # "My reviews" lists them all: the person follows every review


def _my_action(action: ActionView, open_round: str | None) -> MyAction:
    if action.done:
        badge = Badge.of(Grade.FULLY_ACHIEVED)
    else:
        badge = Badge.of(action.latest_grade, words=None if action.latest_grade else "Not assessed")
    missing = action.asked_now and action.review_state is None
    if action.review_state is not None:
        this_round: str | None = RETURN_WORDS[action.review_state]
    elif missing:
        this_round = f"Missing: nothing returned yet for {open_round}"
    else:
        this_round = None
    return MyAction(
        action=action,
        badge=badge,
        this_round=this_round,
        missing=missing,
        address=f"/reviews/{action.review_id}#action-{action.ref}",
    )


async def load_my_tab(session: AsyncSession, *, person_id: int) -> MyTab:
    """The person's actions (those naming them responsible, and those they record as a deputy), the
    missing returns first, and the reviews they work in."""
    reviews = await queries.reviews(session)
    open_rounds = {r.id: r.open_round.label if r.open_round else None for r in reviews}
    actions = [
        _my_action(a, open_rounds.get(a.review_id))
        for a in await queries.actions_for(session, person_id=person_id)
    ]
    actions.sort(
        key=lambda m: (
            not m.missing,
            m.action.review_title,
            m.action.recommendation_number,
            m.action.position,
        )
    )
    ids = await review_ids_of(session, person_id=person_id)
    if ids is not None:  # a deputy's actions make their reviews theirs too
        ids |= {m.action.review_id for m in actions}
    return MyTab(
        actions=actions,
        reviews=[r for r in reviews if ids is None or r.id in ids],
        every_review=ids is None,
    )


async def every_review(session: AsyncSession) -> list[ReviewSummary]:
    """The reviews a configurable tab may show, by title."""
    return await queries.reviews(session)


@dataclass(frozen=True)
class OneRecommendation:
    """A review's page narrowed to one recommendation, for the side panel and the stage."""

    page: ReviewPage
    chosen: RecommendationRow


def needs_discussing(page: ReviewPage) -> RecommendationRow | None:
    """The recommendation the side panel opens on: the first with an action that slipped or was not
    achieved, since those are what a committee asks about; else the first recommendation."""
    for rec in page.recommendations:
        if any(
            not row.done and row.latest_grade in (Grade.SLIPPED, Grade.NOT_ACHIEVED) for row in rec.actions
        ):
            return rec
    return page.recommendations[0] if page.recommendations else None


async def load_review(
    session: AsyncSession, *, review_id: int, today: date, show: str | None = None
) -> ReviewPage | None:
    """The committee's page of the review, names and waiting returns included; `show` a filter."""
    return await load(session, review_id=review_id, public=False, names=True, show=show, today=today)


def one_recommendation(page: ReviewPage, number: int | None) -> OneRecommendation | None:
    """Recommendation `number` of the page (None: the one needing discussion); None if it has none such."""
    chosen = (
        needs_discussing(page)
        if number is None
        else next((rec for rec in page.recommendations if rec.number == number), None)
    )
    return OneRecommendation(page=page, chosen=chosen) if chosen is not None else None
