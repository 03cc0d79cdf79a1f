"""The scrutiny officer's review in Teams: "review" shows the returns waiting, a card each; Accept,
or Return… with a reason, decides one and replaces its card; "close round" (admins) ends a round.

The officer hears of a returned update, and once a day of accepted ones, from the scheduler
(bot/scheduler.py), so each message goes out exactly once whatever restarts or replicas happen.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from botbuilder.dialogs import DialogContext
from pydantic import BaseModel

from cards import messages
from cards.life_messages import DRAFTS_QUEUE
from cards.review import (
    counted,
    decided_card,
    extension_card,
    extension_decided_card,
    return_card,
    waiting_words,
)
from dialogs.context import Caller, card_message, local_time, post_below, replace_card, submitted
from documents.errors import UserFacingError
from store.db import Database
from store.extensions import decide_extension, pending_extensions, request_extension
from store.models import Verdict
from store.returns import (
    AlreadyDecided,
    StaleReturn,
    decide,
    is_reviewer,
    return_for_review,
    returns_to_review,
)
from store.rounds import close_round, review_with_open_round
from store.views import ReturnForReview

# Cards in one answer to "review": enough for a sitting, few enough to read.
QUEUE_CARDS = 10


class Decision(BaseModel):
    update_id: int
    reason: str = ""
    # The card's toggle ("true"/"false"): its evidence kept off the public tracker. None: a card
    # without one, which leaves it as it is.
    internal: bool | None = None


class ExtensionDecision(BaseModel):
    request_id: int
    reason: str = ""


# "7.2 to March 2021 because the supplier withdrew" (the "because" is optional; "rec" may lead).
_EXTEND = re.compile(
    r"^(?:rec(?:ommendation)?\s*)?(?P<number>\d+)(?:\s*[./]\s*(?P<position>\d+))?\s+(?:to|until|till)\s+"
    r"(?P<month>[a-z]+\.?,?\s+\d{4})\s*(?:because|as|since|:|-|—)?\s*(?P<reason>.*)$",
    re.I,
)


# The cards of the drafts of action plans waiting for the caller (dialogs/drafts.py).
DraftQueue = Callable[[DialogContext, Caller], Awaitable[list[dict[str, Any]]]]


class ReviewHandlers:
    def __init__(
        self, db: Database, *, time_zone: str = "Europe/London", drafts: DraftQueue | None = None
    ) -> None:
        self._db = db
        self._zone = ZoneInfo(time_zone)
        self._drafts = drafts

    async def queue(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """The returns and new dates waiting for this reviewer, oldest first, a card each."""
        post_below(dc.context)  # a card each, under the notice whose button asked for them
        person_id, is_admin = caller.person_id, caller.is_admin
        async with self._db.session() as session:
            if not await is_reviewer(session, person_id=person_id, is_admin=is_admin):
                await dc.context.send_activity(messages.REVIEW_NOT_A_REVIEWER)
                return
            returns, waiting = await returns_to_review(
                session, person_id=person_id, is_admin=is_admin, limit=QUEUE_CARDS
            )
            extensions = await pending_extensions(session, person_id=person_id, is_admin=is_admin)
        drafts = await self._drafts(dc, caller) if self._drafts else []
        cards = [return_card(item) for item in returns] + [extension_card(view) for view in extensions]
        total = waiting + len(extensions)
        if not total and not drafts:
            await dc.context.send_activity(messages.REVIEW_NOTHING_WAITING)
            return
        # A plan's drafts come first: the committee cannot agree it until they are read.
        if drafts:
            wait = messages.REVIEW_QUEUE_WAIT[0] if len(drafts) == 1 else messages.REVIEW_QUEUE_WAIT[1]
            said = f"{counted(len(drafts), DRAFTS_QUEUE)} {wait}"
            await dc.context.send_activity(messages.REVIEW_QUEUE_INTRO.format(waiting=said))
            for card in drafts[:QUEUE_CARDS]:
                await dc.context.send_activity(card_message(card))
        if not total:
            return
        said = waiting_words(updates=waiting, dates=len(extensions))
        await dc.context.send_activity(messages.REVIEW_QUEUE_INTRO.format(waiting=said))
        for card in cards[:QUEUE_CARDS]:
            await dc.context.send_activity(card_message(card))
        if total > QUEUE_CARDS:
            await dc.context.send_activity(messages.REVIEW_QUEUE_MORE.format(count=total - QUEUE_CARDS))

    async def accept(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self._decide(dc, caller, value, Verdict.ACCEPTED)

    async def send_back(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self._decide(dc, caller, value, Verdict.RETURNED)

    async def _decide(self, dc: DialogContext, caller: Caller, value: Any, verdict: Verdict) -> None:
        decision = await submitted(dc.context, Decision, value, refusal=messages.CARD_OUT_OF_DATE)
        if decision is None:
            return
        newer: ReturnForReview | None = None
        try:
            async with self._db.session() as session:
                decided = await decide(
                    session,
                    update_id=decision.update_id,
                    verdict=verdict,
                    reason=decision.reason,
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                    activity_id=dc.context.activity.id,
                    internal=decision.internal,
                )
        except AlreadyDecided as done:
            # Said in the council's time, on the card as it was decided.
            await dc.context.send_activity(
                messages.REVIEW_ALREADY_DECIDED.format(
                    name=done.decided.name,
                    round=done.decided.round_label,
                    verdict=done.verdict.value,
                    who=f" by {done.who}" if done.who else "",
                    time=local_time(done.at, self._zone),
                )
            )
            await replace_card(dc.context, decided_card(done.decided))
            return
        except StaleReturn as stale:
            async with self._db.session() as session:
                newer = await return_for_review(session, update_id=stale.current_id)
            await dc.context.send_activity(str(stale))
            if newer is not None:
                await dc.context.send_activity(card_message(return_card(newer)))
            return
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        if verdict is Verdict.ACCEPTED:
            reply = messages.REVIEW_ACCEPTED.format(name=decided.name, round=decided.round_label)
            reply += f" {messages.REVIEW_ACCEPTED_INTERNAL}" if decided.internal else ""
        else:
            who = decided.answer.recorded_by or decided.responsibility
            reply = messages.REVIEW_RETURNED.format(who=who, name=decided.name, round=decided.round_label)
        await dc.context.send_activity(reply)
        await replace_card(dc.context, decided_card(decided))

    # --- extension requests ---

    async def extend(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "extend 7.2 to March 2021 because …": a later date asked for, for the scrutiny officer."""
        match = _EXTEND.match(" ".join(str(args or "").split()))
        if match is None:
            await dc.context.send_activity(messages.EXTEND_HOW)
            return
        try:
            async with self._db.session() as session:
                asked = await request_extension(
                    session,
                    number=int(match.group("number")),
                    position=int(match.group("position")) if match.group("position") else None,
                    month=match.group("month"),
                    reason=match.group("reason"),
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                    activity_id=dc.context.activity.id,
                )
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        await dc.context.send_activity(
            messages.EXTEND_ASKED.format(name=asked.name, date=asked.asked_date, current=asked.current_date)
        )

    async def approve_extension(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self._decide_extension(dc, caller, value, approve=True)

    async def refuse_extension(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self._decide_extension(dc, caller, value, approve=False)

    async def _decide_extension(
        self, dc: DialogContext, caller: Caller, value: Any, *, approve: bool
    ) -> None:
        decision = await submitted(dc.context, ExtensionDecision, value, refusal=messages.CARD_OUT_OF_DATE)
        if decision is None:
            return
        try:
            async with self._db.session() as session:
                decided = await decide_extension(
                    session,
                    request_id=decision.request_id,
                    approve=approve,
                    reason=decision.reason,
                    person_id=caller.person_id,
                    is_admin=caller.is_admin,
                )
        except UserFacingError as refusal:
            await dc.context.send_activity(str(refusal))
            return
        if approve:
            reply = messages.EXTENSION_APPROVED.format(
                name=decided.name, date=decided.asked_date, current=decided.current_date
            )
        else:
            reply = messages.EXTENSION_REFUSED.format(
                name=decided.name, current=decided.current_date, who=decided.asked_by or "The officer"
            )
        await dc.context.send_activity(reply)
        await replace_card(dc.context, extension_decided_card(decided))

    async def close(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "close round" for the only review with an open round, or "close round anyway"."""
        if not caller.is_admin:
            await dc.context.send_activity(messages.CLOSE_ROUND_ADMINS_ONLY)
            return
        words = str(args or "").lower().split()
        anyway = "anyway" in words
        title = " ".join(w for w in str(args or "").split() if w.lower() != "anyway") or None
        try:
            async with self._db.session() as session:
                review = await review_with_open_round(session, title=title)
                closed = await close_round(
                    session, review_id=review.id, by_person_id=caller.person_id, anyway=anyway
                )
                reply = messages.CLOSE_ROUND_DONE.format(round=closed.label, review=review.title)
        except UserFacingError as refusal:
            reply = str(refusal)
        await dc.context.send_activity(reply)
