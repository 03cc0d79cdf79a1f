"""The chair's status questions, answered with cards: one recommendation, the review, and lists.

Registered in bot/app.py: the commands "status", "recommendation", "slipped", "not achieved",
"missing", "overdue", "my actions"; free sentences ("what's the status of rec 7?", "how is the iDEA
one going") reach `ask` through parse_question. Card buttons come back as the verbs in cards/status.py.

With several reviews, the one chosen in a conversation is remembered in its ConversationState, so
"status 7" afterwards refers to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from botbuilder.core import StatePropertyAccessor, TurnContext
from botbuilder.dialogs import DialogContext
from botbuilder.schema import Activity
from pydantic import BaseModel, Field, ValidationError
from rapidfuzz import fuzz
from sqlalchemy.ext.asyncio import AsyncSession

from cards import messages
from cards.status import (
    Page,
    action_list_card,
    asked_again,
    overview_card,
    recommendation_card,
    recommendation_choice_card,
    review_choice_card,
)
from dialogs.context import Caller, Handler, card_message, seen_by_one, submitted, viewer_id
from dialogs.questions import Ask, Question, normalise, parse_question
from dialogs.roster import not_on_roster
from documents.grades import Grade
from documents.links import recommendation_url
from store import queries
from store.db import Database
from store.people import teams_user_ids
from store.updates import updatable
from store.views import RecommendationMatch, RecommendationView, ReturnState, ReviewSummary

# A message that is only a number ("2", "#2") is taken as a recommendation's.
_BARE_NUMBER = re.compile(r"#?\d{1,3}")
# A best match this much ahead of the next is the answer; closer than that, the reader picks.
CLEAR_LEAD = 10.0
# A team named much like a review (or its committee) is that review's team.
TEAM_MATCH = 85.0


class PageRequest(BaseModel):
    question: str = Field("status", max_length=1_000)
    page: int = Field(1, ge=1, le=10_000)
    review_id: int | None = None


class ReviewChoice(BaseModel):
    review_id: int
    question: str = Field("status", max_length=1_000)


class RecommendationChoice(BaseModel):
    review_id: int
    number: int


class ChosenReview(BaseModel):
    """What this conversation's state keeps: the review its questions are about."""

    review_id: int | None = None


# What a question gets back: a card, or a sentence.
Reply: TypeAlias = Activity | str


def _team_name(turn_context: TurnContext) -> str | None:
    data = turn_context.activity.channel_data
    team = data.get("team") if isinstance(data, dict) else None
    return team.get("name") if isinstance(team, dict) else None


class StatusHandlers:
    def __init__(
        self,
        db: Database,
        *,
        chosen_review: StatePropertyAccessor,
        time_zone: str,
        clock: Callable[[], datetime],
        link_base: str = "",
        admin_emails: frozenset[str] = frozenset(),
    ) -> None:
        self._db = db
        self._admin_emails = admin_emails  # named to someone the roster doesn't know
        self._link_base = link_base  # recommendations' links (documents/links.py) start with it
        self._chosen_review = chosen_review
        self._zone = ZoneInfo(time_zone)
        self._clock = clock  # what "overdue" is judged against

    # --- commands ---

    def command(self, name: str) -> Handler:
        """A handler for a registered command: its name and the words after it are the question."""

        async def handle(dc: DialogContext, caller: Caller, args: Any) -> None:
            text = f"{name} {args or ''}".strip()
            listed = parse_question(name)
            if parse_question(text) is None and listed is not None and listed.ask is not Ask.OVERVIEW:
                text = name  # "slipped in my area": the list is what was asked for
            await self.ask(dc, caller, text)

        return handle

    # --- card buttons ---

    async def page(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        """A question asked again at another page ("Next 20"), or first asked in plain words."""
        request = await submitted(dc.context, PageRequest, value, refusal=messages.CARD_OUT_OF_DATE)
        if request is None:
            return
        await self.ask(dc, caller, request.question, page=request.page, review_id=request.review_id)

    async def choose_review(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        choice = await submitted(dc.context, ReviewChoice, value, refusal=messages.CARD_OUT_OF_DATE)
        if choice is None:
            return
        await self.ask(dc, caller, choice.question, review_id=choice.review_id)

    async def choose_recommendation(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        choice = await submitted(dc.context, RecommendationChoice, value, refusal=messages.CARD_OUT_OF_DATE)
        if choice is None:
            return
        await self._remember(dc.context, choice.review_id)
        async with self._db.session() as session:
            reply = await self._recommendation(
                dc,
                session,
                caller,
                choice.review_id,
                choice.number,
                Page(question=f"status {choice.number}", review_id=choice.review_id),
            )
        await dc.context.send_activity(reply)

    # --- answering ---

    async def ask(
        self, dc: DialogContext, caller: Caller, text: str, *, page: int = 1, review_id: int | None = None
    ) -> None:
        question = parse_question(text) or _as_words(text)
        if question.ask is Ask.SEARCH and review_id is None:
            review_id = await self._remembered(dc.context)
        # The reply is made inside the unit of work and sent after it: a call to Teams can take a
        # while, and on SQLite every other turn of this process waits for the unit of work to end.
        async with self._db.session() as session:
            reply = await self._answer(dc, session, caller, question, text, page, review_id)
        await dc.context.send_activity(reply)

    async def _answer(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        question: Question,
        text: str,
        page: int,
        review_id: int | None,
    ) -> Reply:
        if question.ask is Ask.MY_ACTIONS:
            return await self._my_actions(dc, session, caller, Page(question=text, number=page))
        if question.ask is Ask.SEARCH and review_id is None:
            # Words can find a recommendation in any review: no need to ask which first.
            return await self._search(dc, session, caller, question.words, review_id=None)
        if question.ask is Ask.RECOMMENDATION and (
            reply := await self._in_known_review(dc, session, caller, question.number, text, page, review_id)
        ):
            return reply
        review = await self._review(dc, session, text, review_id)
        if not isinstance(review, ReviewSummary):
            return review
        where = Page(question=text, number=page, review_id=review.id)
        if question.ask is Ask.OVERVIEW:
            overview = await queries.review_overview(session, review_id=review.id)
            return _refreshing(dc, overview_card(overview, page=where), where)
        if question.ask is Ask.RECOMMENDATION:
            assert question.number is not None
            return await self._recommendation(dc, session, caller, review.id, question.number, where)
        if question.ask is Ask.SEARCH:
            return await self._search(dc, session, caller, question.words, review_id=review.id)
        return await self._list(dc, session, question.ask, review, where)

    async def _in_known_review(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        number: int | None,
        text: str,
        page: int,
        review_id: int | None,
    ) -> Reply | None:
        """ "status 7" in the review given or chosen here before, when it has a recommendation 7: the
        commonest question, answered without reading the review first (finding the recommendation
        shows the review is still there). None sends the question the long way round."""
        known = review_id if review_id is not None else await self._remembered(dc.context)
        if known is None or number is None:
            return None
        recommendation = await queries.recommendation_status(session, review_id=known, number=number)
        if recommendation is None:
            return None
        if review_id is not None:
            await self._remember(dc.context, review_id)
        return await self._recommendation_card(
            dc, session, caller, recommendation, Page(question=text, number=page, review_id=known)
        )

    async def _recommendation_card(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        recommendation: RecommendationView,
        page: Page,
    ) -> Reply:
        may_update: set[int] = set()
        if seen_by_one(dc.context):
            may_update = updatable(recommendation, person_id=caller.person_id, is_admin=caller.is_admin)
        card = await refreshing_recommendation(
            session,
            recommendation,
            page,
            may_update=may_update,
            asker=viewer_id(dc.context),
            link_base=self._link_base,
        )
        message = card_message(card)
        activity = dc.context.activity
        if activity.value is None and page.number == 1 and _BARE_NUMBER.fullmatch(normalise(page.question)):
            # Typed as "2": say how it was taken, and the way to ask that is never taken for another.
            message.text = messages.STATUS_FROM_A_NUMBER.format(number=recommendation.number)
        return message

    async def _recommendation(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        review_id: int,
        number: int,
        page: Page,
    ) -> Reply:
        recommendation = await queries.recommendation_status(session, review_id=review_id, number=number)
        if recommendation is None:
            try:
                overview = await queries.review_overview(session, review_id=review_id)
            except ValueError:  # a button naming a review since removed
                return messages.CARD_OUT_OF_DATE
            numbers = [r.number for r in overview.recommendations]
            return messages.STATUS_NO_SUCH_RECOMMENDATION.format(
                review=overview.title,
                number=number,
                first=min(numbers, default=0),
                last=max(numbers, default=0),
            )
        return await self._recommendation_card(dc, session, caller, recommendation, page)

    async def _search(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        words: str,
        *,
        review_id: int | None,
    ) -> Reply:
        found = await queries.find_recommendations(session, query=words, review_id=review_id)
        if not found and review_id is not None:
            # Not in the review chosen here: the words may well be about another.
            found = await queries.find_recommendations(session, query=words)
        if not found:
            return messages.STATUS_NOTHING_MATCHES
        best, score = found[0]
        if len(found) == 1 or score - found[1][1] >= CLEAR_LEAD:
            await self._remember(dc.context, best.review_id)
            page = Page(question=f"status {best.number}", review_id=best.review_id)
            return await self._recommendation(dc, session, caller, best.review_id, best.number, page)
        matches: list[RecommendationMatch] = [match for match, _ in found]
        return card_message(recommendation_choice_card(matches))

    async def _list(
        self, dc: DialogContext, session: AsyncSession, ask: Ask, review: ReviewSummary, page: Page
    ) -> Reply:
        if ask is Ask.SLIPPED or ask is Ask.NOT_ACHIEVED:
            grade = Grade.SLIPPED if ask is Ask.SLIPPED else Grade.NOT_ACHIEVED
            actions = await queries.actions_by_latest_grade(session, review_id=review.id, grade=grade)
            title, empty = (
                (messages.STATUS_SLIPPED_TITLE, messages.STATUS_SLIPPED_NONE)
                if grade is Grade.SLIPPED
                else (messages.STATUS_NOT_ACHIEVED_TITLE, messages.STATUS_NOT_ACHIEVED_NONE)
            )
            card = action_list_card(title, actions, page=page, subtitle=review.title, empty=empty)
        elif ask is Ask.MISSING:
            if review.open_round is None:
                return messages.STATUS_MISSING_NO_ROUND.format(review=review.title)
            actions = await queries.missing_updates(session, review_id=review.id)
            round_label = review.open_round.label
            card = action_list_card(
                messages.STATUS_MISSING_TITLE.format(round=round_label),
                actions,
                page=page,
                subtitle=review.title,
                empty=messages.STATUS_MISSING_NONE.format(round=round_label),
            )
        elif ask is Ask.WAITING or ask is Ask.RETURNED:
            state = ReturnState.WAITING if ask is Ask.WAITING else ReturnState.RETURNED
            actions = await queries.actions_by_return_state(session, review_id=review.id, state=state)
            title, empty = (
                (messages.STATUS_WAITING_TITLE, messages.STATUS_WAITING_NONE)
                if ask is Ask.WAITING
                else (messages.STATUS_RETURNED_TITLE, messages.STATUS_RETURNED_NONE)
            )
            card = action_list_card(title, actions, page=page, subtitle=review.title, empty=empty)
        else:
            today = self._clock().astimezone(self._zone).date()
            actions = await queries.overdue_actions(session, review_id=review.id, today=today)
            card = action_list_card(
                messages.STATUS_OVERDUE_TITLE,
                actions,
                page=page,
                subtitle=messages.STATUS_OVERDUE_SUBTITLE.format(review=review.title, today=_day(today)),
                empty=messages.STATUS_OVERDUE_NONE,
            )
        return _refreshing(dc, card, page)

    async def _my_actions(
        self, dc: DialogContext, session: AsyncSession, caller: Caller, page: Page
    ) -> Reply:
        if caller.person_id is None:
            return await not_on_roster(
                session, admin_emails=self._admin_emails, consequence=messages.NOT_ON_ROSTER_YOURS
            )
        actions = await queries.actions_owned_by(session, person_id=caller.person_id)
        card = action_list_card(
            messages.STATUS_MY_ACTIONS_TITLE,
            actions,
            page=page,
            subtitle=caller.name,
            empty=messages.STATUS_MY_ACTIONS_NONE,
        )
        return _refreshing(dc, card, page)

    # --- which review ---

    async def _review(
        self, dc: DialogContext, session: AsyncSession, question: str, review_id: int | None
    ) -> ReviewSummary | Reply:
        """The review the question is about: the one given, the only one, the one chosen here before,
        the one this team is named after; else the reply asking which."""
        # Most questions name or follow a known review: that one is read, not the whole council's.
        if review_id is not None and (given := await queries.reviews(session, review_id=review_id)):
            await self._remember(dc.context, review_id)
            return given[0]
        remembered = await self._remembered(dc.context)
        if remembered is not None and (chosen := await queries.reviews(session, review_id=remembered)):
            return chosen[0]
        known = await queries.reviews(session)
        if not known:
            return messages.STATUS_NO_REVIEWS
        if len(known) == 1:
            return known[0]
        team = _team_name(dc.context)
        if team and (named := _named_after(team, known)) is not None:
            return named
        return card_message(review_choice_card(known, question=question))

    async def _remembered(self, turn_context: TurnContext) -> int | None:
        stored = await self._chosen_review.get(turn_context, dict)
        try:
            return ChosenReview.model_validate(stored).review_id
        except ValidationError:
            return None

    async def _remember(self, turn_context: TurnContext, review_id: int) -> None:
        await self._chosen_review.set(turn_context, ChosenReview(review_id=review_id).model_dump())


async def refreshing_recommendation(
    session: AsyncSession,
    recommendation: RecommendationView,
    page: Page,
    *,
    may_update: set[int] | frozenset[int],
    asker: str | None,
    link_base: str,
) -> dict[str, Any]:
    """A recommendation's card, refreshed by Teams for whoever asked and for each action's officers,
    so each sees their own Update; with its link when there is somewhere for the link to lead."""
    link = None
    if link_base:
        link = recommendation_url(link_base, review_id=recommendation.review_id, number=recommendation.number)
    card = recommendation_card(recommendation, updatable=may_update, page=page, link=link)
    officers = {p for action in recommendation.actions for p in (*action.owner_ids, *action.deputy_ids)}
    viewers = await teams_user_ids(session, person_ids=officers)
    return asked_again(card, page, [asker or "", *viewers])


def _refreshing(dc: DialogContext, card: dict[str, Any], page: Page) -> Activity:
    """A card for whoever asked, refreshed for them."""
    return card_message(asked_again(card, page, [viewer_id(dc.context) or ""]))


def _as_words(text: str) -> Question:
    """Not a form parse_question knows ("recommendation wifi"): the words after the command."""
    words = normalise(text).split()
    if words and words[0] in ("status", "recommendation", "rec"):
        words = words[1:]
    return Question(Ask.SEARCH, words=" ".join(words)) if words else Question(Ask.OVERVIEW)


def _named_after(team: str, reviews: list[ReviewSummary]) -> ReviewSummary | None:
    scored = [
        (max(fuzz.token_set_ratio(team, r.title), fuzz.token_set_ratio(team, r.committee or "")), r)
        for r in reviews
    ]
    close = [r for score, r in scored if score >= TEAM_MATCH]
    return close[0] if len(close) == 1 else None


def _day(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"
