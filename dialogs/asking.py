"""Questions in plain words, read against the plan: the understanding's index kept while the plan
stays the same, and the answers that are sentences rather than cards (who, when, how many, what
changed). dialogs/status.py answers with cards; every way in (chat, search, the CLI) reads here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from rapidfuzz import fuzz
from sqlalchemy.ext.asyncio import AsyncSession

from cards import life_messages, messages
from documents.grades import Grade, grade_text
from store import queries
from store.plan_words import PlanText, plan_text, plan_version
from store.views import ActionView, RecommendationMatch, RecommendationView, ReturnState, ReviewSummary
from understanding.plan import PlanIndex, PlanWords, RecommendationWords, ReviewWords
from understanding.understand import Ask, Understood, understand
from understanding.words import STOPWORDS, normalise, stem, tokens

log = logging.getLogger(__name__)

# A team named much like a review (or its committee) is that review's team.
TEAM_MATCH = 85.0
# A question is a sentence or two: longer text is no question (and may be evidence).
QUESTION_LIMIT = 500
# The lists by grade: each action's latest.
GRADE_OF = {
    Ask.SLIPPED: Grade.SLIPPED,
    Ask.NOT_ACHIEVED: Grade.NOT_ACHIEVED,
    Ask.ON_TRACK: Grade.ON_TRACK,
    Ask.FULLY_ACHIEVED: Grade.FULLY_ACHIEVED,
}


def plan_words(text: PlanText, synonyms: Mapping[str, str]) -> PlanWords:
    return PlanWords(
        reviews=tuple(ReviewWords(**review.model_dump()) for review in text.reviews),
        recommendations=tuple(RecommendationWords(**rec.model_dump()) for rec in text.recommendations),
        people=text.people,
        synonyms=synonyms,
    )


class Understanding:
    """The plan's index for this process, built again only when the plan has changed."""

    def __init__(self, *, synonyms: Mapping[str, str] | None = None) -> None:
        self._synonyms = dict(synonyms or {})
        self._version: tuple[object, ...] | None = None
        self._index: PlanIndex | None = None

    async def index(self, session: AsyncSession) -> PlanIndex:
        version = await plan_version(session)
        if self._index is None or version != self._version:
            self._index = PlanIndex(plan_words(await plan_text(session), self._synonyms))
            self._version = version
        return self._index

    async def understand(
        self, session: AsyncSession, text: str, *, review_id: int | None = None
    ) -> Understood:
        understood = understand(text, await self.index(session), review_id=review_id)
        if understood.ask is not None:
            log.debug(
                "Question %r taken as %s; %s",
                understood.text,
                understood.ask.value,
                "; ".join(understood.notes),
            )
        else:  # perhaps progress typed outside an update: its words are not logged
            log.debug("A message of %d words was not taken for a question", len(understood.text.split()))
        return understood


def found(understood: Understood, index: PlanIndex, *, limit: int) -> list[RecommendationMatch]:
    """The recommendations a question names by number (in every review), else those its words fit."""
    titles = {review.id: review.title for review in index.plan.reviews}
    if understood.numbers:
        recs = [r for r in index.recommendations if r.number == understood.numbers[0]]
    else:
        recs = [m.recommendation for m in understood.matches]
    return [
        RecommendationMatch(
            id=r.id,
            review_id=r.review_id,
            review_title=titles.get(r.review_id, ""),
            number=r.number,
            text=r.text,
        )
        for r in recs[:limit]
    ]


def examples(index: PlanIndex, *, limit: int = 3) -> list[str]:
    """Questions worth trying, made from this council's plan and checked to be understood: one
    recommendation by a word only its text uses, one by number, and a list."""
    chosen: list[str] = []
    counts = Counter(s for r in index.recommendations for s in {stem(w) for w in tokens(normalise(r.text))})
    for rec in index.recommendations:
        words = [w for w in tokens(normalise(rec.text)) if w.isalpha() and len(w) > 3 and w not in STOPWORDS]
        # A word its agreed actions use too names what the recommendation is about, not how it is put.
        acted = {stem(w) for action in rec.actions for w in tokens(normalise(action))}
        for word in sorted((w for w in words if counts[stem(w)] == 1), key=lambda w: stem(w) not in acted):
            example = messages.ASK_EXAMPLE_TOPIC.format(topic=word)
            if [m.recommendation for m in understand(example, index).candidates()] == [rec]:
                chosen.append(example)
                break
        if chosen:
            break
    if index.recommendations:
        chosen.append(messages.ASK_EXAMPLE_WHO.format(number=index.recommendations[-1].number))
    chosen.append(messages.ASK_EXAMPLE_LIST)
    return chosen[:limit]


def which_one(matches: Sequence[RecommendationMatch]) -> str:
    """ "Which one do you mean: Recommendation 12 (…) or Recommendation 6 (…)?" """
    choices = [messages.ASK_CHOICE.format(number=m.number, text=about(m.text, 6)) for m in matches]
    listed = (
        messages.OR_LIST.format(some=", ".join(choices[:-1]), last=choices[-1])
        if len(choices) > 1
        else "".join(choices)
    )
    return messages.ASK_WHICH_ONE.format(choices=listed)


def not_understood(index: PlanIndex) -> str:
    lines = [messages.ASK_EXAMPLE.format(example=e) for e in examples(index)]
    return "\n".join([messages.ASK_NOT_UNDERSTOOD, *lines])


def _grade(action: ActionView) -> str:
    return grade_text(action.latest_grade, carried=False) if action.latest_grade else messages.ASK_NO_GRADE


def about(text: str, length: int = 8) -> str:
    """A recommendation's first few words, to tell it apart."""
    words = text.split()
    return " ".join(words[:length]) + ("…" if len(words) > length else "")


def _actions(recommendation: RecommendationView, action: int | None) -> list[ActionView]:
    chosen = [a for a in recommendation.actions if action is None or a.position == action]
    return chosen or recommendation.actions


def said_of(question: Understood, recommendation: RecommendationView) -> str:
    """Who is responsible for the recommendation (or the action asked about), or when it is due."""
    if question.ask is Ask.WHO:
        return who_answer(recommendation, action=question.action)
    return when_answer(recommendation, action=question.action)


async def review_actions(session: AsyncSession, *, review_id: int) -> list[ActionView]:
    """Every action of the review, with its grades: what counts and sentences are made from."""
    return [
        action for rec in await queries.review_status(session, review_id=review_id) for action in rec.actions
    ]


async def about_review(
    session: AsyncSession, question: Understood, review: ReviewSummary, *, today: date
) -> str:
    """The sentence answering a question about the review as a whole: when its updates are due,
    what changed, where it stands, or how many a list holds. The chat and `ask` both say it."""
    ask = question.ask
    actions = await review_actions(session, review_id=review.id)
    if ask is Ask.WHEN:
        return round_due_answer(review, actions, round_label=question.round_label)
    if ask is Ask.CHANGES:
        return changes_answer(review, actions, since=question.since, round_label=question.round_label)
    if ask is Ask.OVERVIEW or ask is None:
        return overall_answer(review, actions)
    listed = await listed_for(session, ask, review_id=review.id, today=today)
    return count_answer(review, ask, listed, len(actions))


async def listed_for(session: AsyncSession, ask: Ask, *, review_id: int, today: date) -> list[ActionView]:
    """The actions a list question names, for its count."""
    if ask in GRADE_OF:
        return await queries.actions_by_latest_grade(session, review_id=review_id, grade=GRADE_OF[ask])
    if ask is Ask.MISSING:
        return await queries.missing_updates(session, review_id=review_id)
    if ask is Ask.WAITING or ask is Ask.RETURNED:
        state = ReturnState.WAITING if ask is Ask.WAITING else ReturnState.RETURNED
        return await queries.actions_by_return_state(session, review_id=review_id, state=state)
    return await queries.overdue_actions(session, review_id=review_id, today=today)


def who_answer(recommendation: RecommendationView, *, action: int | None) -> str:
    lines = [
        messages.ASK_WHO_LINE.format(ref=a.ref, responsibility=a.responsibility)
        for a in _actions(recommendation, action)
    ]
    intro = messages.ASK_WHO_INTRO.format(number=recommendation.number, text=about(recommendation.text))
    return "\n".join([intro, *lines])


def when_answer(recommendation: RecommendationView, *, action: int | None) -> str:
    lines = [
        messages.ASK_WHEN_LINE.format(ref=a.ref, date=a.date_text or messages.ASK_NO_DATE, grade=_grade(a))
        for a in _actions(recommendation, action)
    ]
    intro = messages.ASK_WHEN_INTRO.format(number=recommendation.number, text=about(recommendation.text))
    return "\n".join([intro, *lines])


def round_due_answer(review: ReviewSummary, actions: Sequence[ActionView], *, round_label: str | None) -> str:
    """When the open round's updates are due (or that the round asked about is closed), and when the
    next round opens by itself, if one is scheduled."""
    open_round = review.open_round
    scheduled = review.next_round_on
    if review.completed_on is not None and open_round is None:
        return life_messages.ASK_REVIEW_COMPLETE.format(review=review.title, day=day(review.completed_on))
    if open_round is None or (round_label and round_label != open_round.label):
        if scheduled and (not round_label or round_label == f"{scheduled:%B %Y}"):
            return life_messages.ASK_NEXT_ROUND.format(review=review.title, day=day(scheduled))
        if round_label:
            return messages.ASK_ROUND_CLOSED.format(review=review.title, round=round_label)
        return messages.ASK_ROUND_NONE_OPEN.format(review=review.title)
    following = " " + life_messages.NEXT_ROUND_LINE.format(day=day(scheduled)) if scheduled else ""
    asked = [a for a in actions if a.asked_now]
    missing = [a for a in asked if (g := a.in_round(open_round.id)) is not None and not g.has_update]
    line = messages.ASK_ROUND_MISSING.format(count=len(missing), asked=len(asked))
    if open_round.deadline is None:
        return messages.ASK_ROUND_NO_DEADLINE.format(
            review=review.title, round=open_round.label, missing=line + following
        )
    return messages.ASK_ROUND_DUE.format(
        review=review.title,
        round=open_round.label,
        deadline=day(open_round.deadline),
        missing=line + following,
    )


def overall_answer(review: ReviewSummary, actions: Sequence[ActionView]) -> str:
    """Where the review stands by each action's latest grade, and how the open round is going."""
    if not actions:  # imported from the committee's report: the plan is not agreed yet
        return messages.ASK_OVERALL_NO_ACTIONS.format(review=review.title)
    latest = Counter(a.latest_grade for a in actions if a.latest_grade is not None)
    counts = ", ".join(messages.ASK_OVERALL_COUNT.format(count=latest[g], grade=g.label) for g in Grade)
    round_line = ""
    if (open_round := review.open_round) is not None:
        asked = [a for a in actions if a.asked_now]
        updated = [a for a in asked if (g := a.in_round(open_round.id)) is not None and g.has_update]
        deadline = (
            messages.ASK_OVERALL_DEADLINE.format(deadline=day(open_round.deadline))
            if open_round.deadline
            else ""
        )
        round_line = messages.ASK_OVERALL_ROUND.format(
            round=open_round.label, updated=len(updated), asked=len(asked), deadline=deadline
        )
    return messages.ASK_OVERALL.format(review=review.title, counts=counts, round=round_line).strip()


def count_answer(review: ReviewSummary, ask: Ask, listed: Sequence[ActionView], total: int) -> str:
    refs = ": " + ", ".join(a.ref for a in listed[:30]) if listed else ""
    if ask in GRADE_OF:
        state = GRADE_OF[ask].label
        return messages.ASK_COUNT_LINE.format(
            review=review.title, count=len(listed), total=total, state=state, refs=refs
        )
    return messages.ASK_COUNT_STATE_LINE.format(
        review=review.title, count=len(listed), total=total, state=STATE_WORDS.get(ask, ask.value), refs=refs
    )


STATE_WORDS = {
    Ask.OVERDUE: "are past their date and not Fully Achieved",
    Ask.MISSING: "have no update yet in the open round",
    Ask.WAITING: "wait for the scrutiny officer's review",
    Ask.RETURNED: "were returned to their officers",
}


def changes_answer(
    review: ReviewSummary, actions: Sequence[ActionView], *, since: date | None, round_label: str | None
) -> str:
    """Returns in rounds after `since` (a round's month, or a date), against each action's grade before."""
    rounds = sorted(review.rounds, key=lambda r: r.month)
    if since is None:
        # "What has changed?": since the round before the latest with any return.
        answered = [r for r in rounds if any((g := a.in_round(r.id)) and g.has_update for a in actions)]
        since = answered[-2].month if len(answered) > 1 else (rounds[0].month if rounds else date.min)
        round_label = answered[-2].label if len(answered) > 1 else None
    later = [r for r in rounds if r.month > since]
    label = round_label or day(since)
    lines = []
    for action in actions:
        before = [g for g in action.trend if _month(rounds, g.round_id) <= since and g.grade is not None]
        after = [
            g
            for g in action.trend
            if g.round_id in {r.id for r in later} and g.has_update and not g.fully_achieved_carried
        ]
        if after:
            was = before[-1].text if before else messages.ASK_NO_GRADE
            lines.append(
                messages.ASK_CHANGES_LINE.format(
                    ref=action.ref, before=was, after=after[-1].text, round=after[-1].round_label
                )
            )
    if not lines:
        waiting = ""
        if review.open_round is not None:
            missing = [
                a
                for a in actions
                if a.asked_now and (g := a.in_round(review.open_round.id)) and not g.has_update
            ]
            waiting = messages.ASK_CHANGES_WAITING.format(round=review.open_round.label, count=len(missing))
        return messages.ASK_CHANGES_NONE.format(review=review.title, since=label, waiting=waiting)
    intro = messages.ASK_CHANGES_INTRO.format(review=review.title, count=len(lines), since=label)
    return "\n".join([intro, *lines[:40]])


def _month(rounds: Sequence[object], round_id: int) -> date:
    return next((r.month for r in rounds if r.id == round_id), date.max)  # type: ignore[attr-defined]


def named_after(team: str, reviews: list[ReviewSummary]) -> ReviewSummary | None:
    """The review a team is named after (or after its committee): asked in that team, it is the one meant."""
    scored = [
        (max(fuzz.token_set_ratio(team, r.title), fuzz.token_set_ratio(team, r.committee or "")), r)
        for r in reviews
    ]
    close = [r for score, r in scored if score >= TEAM_MATCH]
    return close[0] if len(close) == 1 else None


def day(moment: date) -> str:
    return f"{moment.day} {moment:%B %Y}"
