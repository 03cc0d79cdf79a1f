"""The chair's questions, answered: one recommendation, the review, lists, people, dates, changes.

What it answers is declared in QUESTIONS below, each kind with its command, help and examples;
bot/features.py registers them. Any wording ("how's the wifi one going?", "R7", "anything past its
date?") reaches `ask`, which the understanding (understanding/) reads. Card buttons come back as the
verbs in cards/status.py.

With several reviews, the one chosen in a conversation is remembered in its ConversationState, so
"status 7" afterwards refers to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from botbuilder.core import StatePropertyAccessor, TurnContext
from botbuilder.dialogs import DialogContext
from botbuilder.schema import Activity
from pydantic import BaseModel, Field, ValidationError
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
from dialogs.asking import (
    GRADE_OF,
    QUESTION_LIMIT,
    Understanding,
    about_review,
    day,
    found,
    listed_for,
    named_after,
    not_understood,
    overall_answer,
    review_actions,
    said_of,
    which_one,
)
from dialogs.context import Caller, Handler, card_message, seen_by_one, submitted, viewer_id
from dialogs.questions import Answers
from dialogs.roster import not_on_roster, or_list
from documents.grades import Grade
from documents.links import NO_TRACKER, TrackerLinks, recommendation_url
from store import queries
from store.db import Database
from store.people import person_named, teams_user_ids
from store.updates import updatable
from store.views import RecommendationView, ReturnState, ReviewSummary
from understanding.understand import LISTS, Ask, Understood
from understanding.words import normalise

# A message that is only a number ("2", "#2") is taken as a recommendation's.
_BARE_NUMBER = re.compile(r"#?\d{1,3}")
_GRADE_LIST = {
    Grade.SLIPPED: (messages.STATUS_SLIPPED_TITLE, messages.STATUS_SLIPPED_NONE),
    Grade.NOT_ACHIEVED: (messages.STATUS_NOT_ACHIEVED_TITLE, messages.STATUS_NOT_ACHIEVED_NONE),
    Grade.ON_TRACK: (messages.STATUS_ON_TRACK_TITLE, messages.STATUS_ON_TRACK_NONE),
    Grade.FULLY_ACHIEVED: (messages.STATUS_ACHIEVED_TITLE, messages.STATUS_ACHIEVED_NONE),
}

# What these handlers answer. A command is the shortest way to ask; the examples are other ways, and
# a kind without a command (Teams' menu holds ten) is only ever asked in words.
QUESTIONS = (
    Answers(
        Ask.RECOMMENDATION,
        "status",
        messages.STATUS_COMMAND_HELP,
        ("how's the wifi one going?", "R7", "is rec 3 finished?"),
        usage=messages.STATUS_USAGE,
    ),
    Answers(
        Ask.RECOMMENDATION,
        "recommendation",
        messages.RECOMMENDATION_COMMAND_HELP,
        ("recommendation five", "7.2"),
        usage=messages.RECOMMENDATION_USAGE,
        aliases=("rec",),
    ),
    Answers(
        Ask.OVERVIEW,
        None,
        messages.OVERALL_COMMAND_HELP,
        ("how are we doing overall?", "where do we stand?"),
    ),
    Answers(
        Ask.PERSON,
        "my actions",
        messages.MY_ACTIONS_COMMAND_HELP,
        ("what is Craig Taylor doing?",),
    ),
    Answers(
        Ask.SLIPPED,
        "slipped",
        messages.SLIPPED_COMMAND_HELP,
        ("anything slipped?", "what's behind schedule?"),
    ),
    Answers(Ask.NOT_ACHIEVED, "not achieved", messages.NOT_ACHIEVED_COMMAND_HELP, ("has anything failed?",)),
    Answers(Ask.FULLY_ACHIEVED, None, messages.ACHIEVED_COMMAND_HELP, ("what has been completed?",)),
    Answers(
        Ask.MISSING,
        "missing",
        messages.MISSING_COMMAND_HELP,
        ("whose updates are we still waiting for?",),
        aliases=("outstanding",),
    ),
    Answers(
        Ask.OVERDUE, "overdue", messages.OVERDUE_COMMAND_HELP, ("anything past its date?", "what's late?")
    ),
    Answers(Ask.WAITING, "waiting", messages.WAITING_COMMAND_HELP, ("what's still to be reviewed?",)),
    Answers(Ask.RETURNED, "returned", messages.RETURNED_COMMAND_HELP, ("has anything been sent back?",)),
    Answers(Ask.WHO, None, messages.WHO_COMMAND_HELP, ("who owns recommendation 9?",)),
    Answers(Ask.WHEN, None, messages.WHEN_COMMAND_HELP, ("when was rec 6 due?", "when are updates due?")),
    Answers(Ask.CHANGES, None, messages.CHANGES_COMMAND_HELP, ("what's changed since March?",)),
)


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
        tracker_links: TrackerLinks = NO_TRACKER,
        admin_emails: frozenset[str] = frozenset(),
        understanding: Understanding | None = None,
    ) -> None:
        self._db = db
        self._admin_emails = admin_emails  # named to someone the roster doesn't know
        self._link_base = link_base  # recommendations' links (documents/links.py) start with it
        self._tracker_links = tracker_links  # "Open the tracker", if the bot has a public address
        self._chosen_review = chosen_review
        self._zone = ZoneInfo(time_zone)
        self._clock = clock  # what "overdue" is judged against
        self._understanding = understanding or Understanding()

    # --- commands ---

    def command(self, name: str) -> Handler:
        """A handler for a registered command: its name and the words after it are the question."""

        async def handle(dc: DialogContext, caller: Caller, args: Any) -> None:
            if not await self.ask(dc, caller, f"{name} {args or ''}".strip()):
                await dc.context.send_activity(messages.STATUS_NOTHING_MATCHES)

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
    ) -> bool:
        """Answer `text` if it is a question; False (and nothing sent) if it is not one."""
        if len(text) > QUESTION_LIMIT:
            return False
        chosen = review_id if review_id is not None else await self._remembered(dc.context)
        # The reply is made inside the unit of work and sent after it: a call to Teams can take a
        # while, and on SQLite every other turn of this process waits for the unit of work to end.
        async with self._db.session() as session:
            understood = await self._understanding.understand(session, text, review_id=chosen)
            if understood.ask is None:
                return False
            reply = await self._answer(dc, session, caller, understood, text, page, review_id)
        await dc.context.send_activity(reply)
        return True

    async def not_understood(self) -> str:
        """What can be asked, with examples from this council's plan."""
        async with self._db.session() as session:
            return not_understood(await self._understanding.index(session))

    async def _answer(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        question: Understood,
        text: str,
        page: int,
        review_id: int | None,
    ) -> Reply:
        ask = question.ask
        if ask is Ask.PERSON:
            return await self._person(dc, session, caller, question, Page(question=text, number=page))
        if ask in (Ask.RECOMMENDATION, Ask.WHO) or (
            ask is Ask.WHEN and (question.numbers or question.matches)
        ):
            return await self._about_recommendation(dc, session, caller, question, text, page, review_id)
        if ask is Ask.WHO:
            return messages.ASK_WHICH_RECOMMENDATION
        if question.everywhere and review_id is None and (ask in LISTS or ask is Ask.OVERVIEW):
            return await self._everywhere(dc, session, question, Page(question=text, number=page))
        review = await self._review(
            dc, session, text, review_id if review_id is not None else question.review_id
        )
        if not isinstance(review, ReviewSummary):
            return review
        where = Page(question=text, number=page, review_id=review.id)
        today = self._clock().astimezone(self._zone).date()
        if ask is Ask.OVERVIEW and not question.count:
            overview = await queries.review_overview(session, review_id=review.id)
            tracker = self._tracker_links.url(
                review_id=review.id, title=review.title, published=overview.published
            )
            message = _refreshing(dc, overview_card(overview, page=where, tracker=tracker), where)
            message.text = await about_review(session, question, review, today=today)
            return message
        if ask is Ask.OVERVIEW or ask is Ask.WHEN or ask is Ask.CHANGES:
            return await about_review(session, question, review, today=today)
        assert ask is not None
        reply = await self._list(dc, session, ask, review, where)
        if question.count and isinstance(reply, Activity):
            reply.text = await about_review(session, question, review, today=today)
        return reply

    async def _about_recommendation(
        self,
        dc: DialogContext,
        session: AsyncSession,
        caller: Caller,
        question: Understood,
        text: str,
        page: int,
        review_id: int | None,
    ) -> Reply:
        """One recommendation's card (or who is responsible, or when it is due): by number, or the one
        its words fit; when two or three fit about equally, which one."""
        if question.numbers:
            number = question.numbers[0]
            if question.ask is Ask.RECOMMENDATION and (
                reply := await self._in_known_review(dc, session, caller, number, text, page, review_id)
            ):
                return reply
            review = await self._review(
                dc, session, text, review_id if review_id is not None else question.review_id
            )
            if not isinstance(review, ReviewSummary):
                return review
            where = Page(question=text, number=page, review_id=review.id)
            if question.ask is Ask.RECOMMENDATION:
                return await self._recommendation(dc, session, caller, review.id, number, where)
            shown = await queries.recommendation_status(session, review_id=review.id, number=number)
            if shown is None:
                return await self._recommendation(dc, session, caller, review.id, number, where)
            return said_of(question, shown)
        candidates = question.candidates()
        if len(candidates) > 1:
            index = await self._understanding.index(session)
            matches = found(replace(question, matches=tuple(candidates)), index, limit=len(candidates))
            message = card_message(recommendation_choice_card(matches))
            message.text = which_one(matches)
            return message
        best = candidates[0].recommendation
        await self._remember(dc.context, best.review_id)
        if question.ask is not Ask.RECOMMENDATION:
            shown = await queries.recommendation_status(session, review_id=best.review_id, number=best.number)
            if shown is not None:
                return said_of(question, shown)
        page_of = Page(question=f"status {best.number}", review_id=best.review_id)
        return await self._recommendation(dc, session, caller, best.review_id, best.number, page_of)

    async def _everywhere(
        self, dc: DialogContext, session: AsyncSession, question: Understood, page: Page
    ) -> Reply:
        """A list, a count or where things stand, in every review: "anything slipped across all reviews?"."""
        reviews = await queries.reviews(session)
        if not reviews:
            return messages.STATUS_NO_REVIEWS
        if question.ask is Ask.OVERVIEW:
            lines = [overall_answer(r, await review_actions(session, review_id=r.id)) for r in reviews]
            return "\n\n".join(lines)
        assert question.ask is not None
        today = self._clock().astimezone(self._zone).date()
        listed = [
            a for r in reviews for a in await listed_for(session, question.ask, review_id=r.id, today=today)
        ]
        title = messages.ASK_EVERYWHERE_TITLE.format(kind=question.ask.value.capitalize())
        card = action_list_card(
            title, listed, page=page, subtitle=messages.ASK_EVERY_REVIEW, empty=messages.ASK_NONE_ANYWHERE
        )
        message = _refreshing(dc, card, page)
        if question.count:
            message.text = messages.ASK_COUNT_EVERYWHERE.format(
                count=len(listed), reviews=len(reviews), kind=question.ask.value
            )
        return message

    async def _person(
        self, dc: DialogContext, session: AsyncSession, caller: Caller, question: Understood, page: Page
    ) -> Reply:
        if question.mine or (question.person is None and question.unknown_person is None):
            return await self._my_actions(dc, session, caller, page)
        if question.person is None:
            people = (await self._understanding.index(session)).plan.people
            hint = messages.ASK_PEOPLE_HINT.format(names=or_list(list(people[:3]))) if people else ""
            return messages.ASK_UNKNOWN_PERSON.format(name=question.unknown_person, people=hint)
        person = await person_named(session, name=question.person, create=False)
        actions = await queries.actions_owned_by(session, person_id=person.id) if person else []
        card = action_list_card(
            messages.ASK_PERSON_TITLE.format(name=question.person),
            actions,
            page=page,
            subtitle=question.person,
            empty=messages.ASK_PERSON_NONE.format(name=question.person),
        )
        return _refreshing(dc, card, page)

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

    async def _list(
        self, dc: DialogContext, session: AsyncSession, ask: Ask, review: ReviewSummary, page: Page
    ) -> Reply:
        if ask in GRADE_OF:
            grade = GRADE_OF[ask]
            actions = await queries.actions_by_latest_grade(session, review_id=review.id, grade=grade)
            title, empty = _GRADE_LIST[grade]
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
                subtitle=messages.STATUS_OVERDUE_SUBTITLE.format(review=review.title, today=day(today)),
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
        actions = await queries.actions_for(session, person_id=caller.person_id)
        card = action_list_card(
            messages.STATUS_MY_ACTIONS_TITLE,
            actions,
            page=page,
            subtitle=caller.name,
            empty=messages.STATUS_MY_ACTIONS_NONE,
            deputy=caller.person_id,
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
        if team and (named := named_after(team, known)) is not None:
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
