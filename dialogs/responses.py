"""The executive's response in Teams: "respond" (or the reminder's button) shows a card listing the
review's recommendations, each with a choice of accepted, partially accepted or not accepted and a
reason; Save records every answer given or changed, all or none, and the card shows what was saved.

Who may: the review's link officers, who lead it for the service, and admins (store/responses.py).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from botbuilder.dialogs import DialogContext
from pydantic import BaseModel, ConfigDict

from cards import life_messages, messages
from cards.responses import responses_card, responses_saved_card
from dialogs.context import Caller, card_message, replace_card, submitted
from documents.errors import UserFacingError
from documents.responses import ExecutiveResponse
from store.db import Database
from store.responses import (
    ResponseAnswer,
    record_responses,
    response_due,
    review_responses,
    review_to_respond,
)
from store.views import RecommendationResponse

_INPUT = re.compile(r"^(?P<kind>response|reason)_(?P<number>\d{1,6})$")


class ShowResponses(BaseModel):
    review_id: int


class SaveResponses(BaseModel):
    """The form's Save: the review, the date, and "response_N" / "reason_N" for each recommendation."""

    model_config = ConfigDict(extra="allow")

    review_id: int
    date: str = ""

    def inputs(self) -> dict[int, dict[str, str]]:
        """{number: {"response": ..., "reason": ...}} from the inputs; anything else is not ours."""
        found: dict[int, dict[str, str]] = {}
        for key, value in (self.model_extra or {}).items():
            if (match := _INPUT.match(key)) is None:
                continue
            if not isinstance(value, str):
                raise ValueError(key)
            found.setdefault(int(match["number"]), {})[match["kind"]] = value.strip()
        return found


def _changed(
    given: dict[int, dict[str, str]], current: dict[int, RecommendationResponse]
) -> list[ResponseAnswer]:
    """The answers given that differ from what is recorded: a response saved before keeps its date."""
    answers = []
    for number, values in sorted(given.items()):
        words, reason = values.get("response", ""), values.get("reason", "")
        if not words:
            if reason and (number not in current or current[number].response is None):
                raise UserFacingError(life_messages.RESPONSES_REASON_WITHOUT_RESPONSE.format(number=number))
            continue
        response = ExecutiveResponse.named(words)
        before = current[number].response if number in current else None
        if before is None or (before.response, before.reason or "") != (response, reason):
            answers.append(ResponseAnswer(number=number, response=response, reason=reason or None))
    return answers


class ResponseHandlers:
    def __init__(self, db: Database, *, time_zone: str, due_months: int) -> None:
        self._db = db
        self._zone = ZoneInfo(time_zone)
        self._due_months = due_months

    def _today(self) -> date:
        return datetime.now(self._zone).date()

    async def respond(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "respond" or "respond Digital Optimisation": the form for the review."""
        try:
            async with self._db.session() as session:
                found = await review_to_respond(
                    session,
                    title=str(args or "").strip() or None,
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                )
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        if isinstance(found, list):
            titles = "; ".join(f"“{title}”" for title in found)
            await dc.context.send_activity(
                life_messages.RESPONSES_WHICH_REVIEW.format(titles=titles)
                if found
                else life_messages.RESPONSES_NOT_A_LEAD
            )
            return
        await self._show(dc, caller, found.id)

    async def show(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        """The reminder's button: the form in the reminder's place."""
        asked = await submitted(dc.context, ShowResponses, value, refusal=messages.CARD_OUT_OF_DATE)
        if asked is not None:
            await self._show(dc, caller, asked.review_id)

    async def _show(self, dc: DialogContext, caller: Caller, review_id: int) -> None:
        try:
            async with self._db.session() as session:
                review, recommendations = await review_responses(
                    session, review_id=review_id, person_id=caller.person_id, is_admin=caller.is_admin
                )
                title, reported = review.title, review.report_date
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        card = responses_card(
            review_id=review_id,
            review_title=title,
            recommendations=recommendations,
            today=self._today(),
            due=response_due(reported, months=self._due_months) if reported else None,
            report_date=reported,
        )
        await dc.context.send_activity(card_message(card))

    async def save(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        """Save: every response given or changed on the form, all or none."""
        form = await submitted(dc.context, SaveResponses, value, refusal=messages.CARD_OUT_OF_DATE)
        if form is None:
            return
        try:
            given = form.inputs()
        except ValueError:
            await dc.context.send_activity(messages.CARD_OUT_OF_DATE)
            return
        try:
            on = date.fromisoformat(form.date) if form.date else self._today()
        except ValueError:
            await dc.context.send_activity(life_messages.RESPONSES_BAD_DATE.format(text=form.date[:40]))
            return
        try:
            async with self._db.session() as session:
                review, before = await review_responses(
                    session, review_id=form.review_id, person_id=caller.person_id, is_admin=caller.is_admin
                )
                answers = _changed(given, {r.number: r for r in before})
                if not answers:
                    raise UserFacingError(life_messages.RESPONSES_NOTHING_CHANGED)
                await record_responses(
                    session,
                    review_id=form.review_id,
                    answers=answers,
                    on=on,
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                )
                _, after = await review_responses(
                    session, review_id=form.review_id, person_id=caller.person_id, is_admin=caller.is_admin
                )
                title = review.title
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        counts = Counter(answer.response for answer in answers)
        said = ", ".join(
            f"{counts[r]} {life_messages.RESPONSE_CHOICES[r.value].lower()}"
            for r in ExecutiveResponse
            if counts[r]
        )
        reply = life_messages.RESPONSES_SAVED.format(count=len(answers), review=title, counts=said)
        not_accepted = [str(a.number) for a in answers if a.response is ExecutiveResponse.NOT_ACCEPTED]
        if not_accepted:
            reply += life_messages.RESPONSES_SAVED_NOT_MONITORED.format(numbers=", ".join(not_accepted))
        await dc.context.send_activity(reply)
        await replace_card(dc.context, responses_saved_card(review_title=title, recommendations=after))
