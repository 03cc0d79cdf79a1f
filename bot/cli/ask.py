"""`ask`: a question in plain words, answered as the bot answers it in Teams, to try without Teams.

The same understanding (understanding/, through dialogs/asking.py) and the same sentences; cards
become lines of text. `--explain` shows what the question was taken to mean, and why.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import ReviewOption, find_review, load_settings, run
from cards import messages
from dialogs.asking import (
    QUESTION_LIMIT,
    Understanding,
    about,
    about_review,
    found,
    listed_for,
    not_understood,
    said_of,
    which_one,
)
from store import queries
from store.models import Review
from store.people import person_named
from store.views import ActionView, RecommendationView
from understanding.understand import Ask, Understood

_MARKDOWN = re.compile(r"\*\*(.+?)\*\*")


def ask(
    question: Annotated[str, typer.Argument(help="The question, as a chair would type it in Teams.")],
    explain: Annotated[
        bool, typer.Option("--explain", help="Also show what it was taken to mean: kind, candidates, scores.")
    ] = False,
    review: ReviewOption = None,
) -> None:
    """Ask what a chair would ask in Teams: “how's the wifi one going?”, “what has slipped?”."""
    settings = load_settings()
    understanding = Understanding(synonyms=settings.synonyms)
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.time_zone)).date()

    async def work(session: AsyncSession) -> list[str]:
        if len(question) > QUESTION_LIMIT:
            return [messages.ASK_TOO_LONG_CLI.format(limit=QUESTION_LIMIT)]
        chosen = await find_review(session, review) if review else None
        understood = await understanding.understand(
            session, question, review_id=chosen.id if chosen else None
        )
        lines = _explained(understood) if explain else []
        if understood.ask is None:
            return [*lines, not_understood(await understanding.index(session))]
        return [*lines, *await _answer(session, understood, understanding, chosen, today)]

    for line in run(work, settings=settings):
        typer.echo(_MARKDOWN.sub(r"\1", line))


async def _answer(
    session: AsyncSession,
    question: Understood,
    understanding: Understanding,
    chosen: Review | None,
    today: date,
) -> list[str]:
    ask = question.ask
    if ask is Ask.PERSON:
        return await _person(session, question)
    if ask in (Ask.RECOMMENDATION, Ask.WHO) or (ask is Ask.WHEN and (question.numbers or question.matches)):
        matches = found(question, await understanding.index(session), limit=3)
        if chosen is not None:
            matches = [m for m in matches if m.review_id == chosen.id] or matches
        candidates = question.candidates() if not question.numbers else []
        if len(candidates) > 1:
            return [which_one(matches)]
        if not matches:
            return [messages.STATUS_NOTHING_MATCHES]
        shown = await queries.recommendation_status(
            session, review_id=matches[0].review_id, number=matches[0].number
        )
        if shown is None:
            return [messages.STATUS_NOTHING_MATCHES]
        return [said_of(question, shown)] if ask is not Ask.RECOMMENDATION else _recommendation(shown)
    if ask is Ask.WHO:
        return [messages.ASK_WHICH_RECOMMENDATION]
    # The review given, or named in the question ("the waste review"), or the only one.
    review_id = chosen.id if chosen else question.review_id or (await find_review(session, None)).id
    (review,) = await queries.reviews(session, review_id=review_id)
    said = await about_review(session, question, review, today=today)
    if ask in (Ask.WHEN, Ask.CHANGES, Ask.OVERVIEW) or ask is None:
        return [said]
    return [said, *map(_action_line, await listed_for(session, ask, review_id=review.id, today=today))]


async def _person(session: AsyncSession, question: Understood) -> list[str]:
    if question.person is None:
        name = question.unknown_person
        return [messages.ASK_UNKNOWN_PERSON.format(name=name, people="") if name else messages.ASK_WHOSE_CLI]
    person = await person_named(session, name=question.person, create=False)
    actions = await queries.actions_owned_by(session, person_id=person.id) if person else []
    if not actions:
        return [messages.ASK_PERSON_NONE.format(name=question.person)]
    return [messages.ASK_PERSON_TITLE.format(name=question.person) + ":", *map(_action_line, actions)]


def _recommendation(rec: RecommendationView) -> list[str]:
    lines = [f"Recommendation {rec.number} ({rec.review_title}): {rec.text}"]
    return lines + [_action_line(action) for action in rec.actions]


def _action_line(action: ActionView) -> str:
    grade = action.latest_grade.label if action.latest_grade else messages.ASK_NO_GRADE
    what = about(action.agreed_action, 10)
    return f"  {action.ref}  {grade} · {action.responsibility} · {action.date_text} · {what}"


def _explained(question: Understood) -> list[str]:
    kind = question.ask.value if question.ask else "not a question I know"
    lines = [f"Taken as: {kind}" + (" (a count)" if question.count else "")]
    if question.numbers:
        ref = f"{question.numbers[0]}.{question.action}" if question.action else str(question.numbers[0])
        lines.append(f"Recommendation by number: {ref}")
    for match in question.matches[:5]:
        rec = match.recommendation
        held = f"{match.coverage:.0%}"
        lines.append(f"Candidate: Recommendation {rec.number} — score {match.score:.2f}, words held {held}")
    for name, value in (
        ("Topic words", question.topic),
        ("Person", question.person),
        ("Round", question.round_label),
    ):
        if value:
            lines.append(f"{name}: {value}")
    if question.since:
        lines.append(f"Since: {question.since:%d %B %Y}")
    lines.extend(f"Why: {note}" for note in question.notes)
    return [*lines, ""]
