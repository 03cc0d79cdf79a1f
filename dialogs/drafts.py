"""Drafting the action plan in Teams: "draft 3" shows Recommendation 3's draft actions with Edit… and
Remove and a form to add one; Send for review puts it in the scrutiny officer's "review" queue, where
Accept, or Return… with a reason, decides it. The drafter hears of a returned draft, and the scrutiny
officers of a draft sent, as kept notices (store/notices.py): the next tick, or their next turn, tells
them once.

Who may draft: the review's link officers and admins; who decides: its scrutiny officers and admins
(store/drafts.py). After "plan agreed" every change is refused, saying how a change is made then.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from botbuilder.dialogs import DialogContext
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from cards import life_messages as words
from cards import messages
from cards.drafts import (
    FIELDS,
    NEW,
    draft_card,
    draft_choice_card,
    draft_decided_card,
    draft_edit_card,
    draft_returned_card,
    draft_review_card,
    draft_waits_card,
    input_id,
)
from dialogs.context import Caller, card_message, replace_card, submitted
from dialogs.lifecycle import review_words
from store.db import Database
from store.drafts import (
    DraftWords,
    add_action,
    change_action,
    decide_draft,
    draft_of_action,
    drafter_of,
    drafts_waiting,
    find_drafts,
    open_draft,
    remove_action,
    send_draft,
)
from store.models import DeliveryKind, Person
from store.notices import keep_notice
from store.returns import reviewers_of
from store.views import DraftState, DraftView

# "draft 3", "draft recommendation 3 Digital Optimisation", "draft Digital Optimisation", "draft".
_ASKED = re.compile(
    r"^(?:(?:rec(?:ommendation)?\.?\s*)?(?P<number>\d{1,6})(?!\d))?\s*(?P<rest>.*)$", re.I | re.S
)


class ShowDraft(BaseModel):
    recommendation_id: int


class SendDraft(BaseModel):
    recommendation_id: int


class OneAction(BaseModel):
    action_id: int


class _Form(BaseModel):
    """A form's inputs come as "<field>_<key>"; anything else on the card is not this form's."""

    model_config = ConfigDict(extra="allow")

    def words(self, key: int | str) -> DraftWords | None:
        """The action's words from the inputs for `key`; None if nothing was typed; ValueError if an
        input is not text (a tampered card)."""
        extra = self.model_extra or {}
        given = [extra.get(input_id(field, key), "") for field in FIELDS]
        if not all(isinstance(value, str) for value in given):
            raise ValueError(key)
        return DraftWords(*given) if any(value.strip() for value in given) else None


class AddDraftAction(_Form):
    recommendation_id: int


class SaveDraftAction(_Form):
    action_id: int


class DraftDecision(BaseModel):
    recommendation_id: int
    sent_at: datetime
    reason: str = ""


def _after_edit(before: DraftState | None) -> str:
    if before is DraftState.WAITING:
        return words.DRAFT_TAKEN_BACK
    if before is DraftState.ACCEPTED:
        return words.DRAFT_NEEDS_ACCEPTING_AGAIN
    if before is DraftState.RETURNED:
        return words.DRAFT_STILL_RETURNED
    return ""


class DraftHandlers:
    """The drafting's commands and card presses. What the store refuses (UserFacingError) is the reply,
    said by the bot's turn (bot/handler.py) with nothing saved."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def draft(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "draft 3 [review]": that recommendation's draft; "draft [review]": the choice of them."""
        match = _ASKED.match(" ".join(str(args or "").split()))
        assert match is not None  # everything matches: a number is optional
        number = int(match["number"]) if match["number"] else None
        async with self._db.session() as session:
            views = await find_drafts(
                session,
                number=number,
                title=review_words(match["rest"]),
                person_id=caller.person_id,
                is_admin=caller.is_admin,
            )
        if number is None and len(views) != 1:
            await dc.context.send_activity(card_message(draft_choice_card(views)))
            return
        await dc.context.send_activity(card_message(draft_card(views[0])))

    async def show(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        asked = await submitted(dc.context, ShowDraft, value, refusal=messages.CARD_OUT_OF_DATE)
        if asked is None:
            return
        async with self._db.session() as session:
            view = await open_draft(
                session,
                recommendation_id=asked.recommendation_id,
                person_id=caller.person_id,
                is_admin=caller.is_admin,
            )
        await dc.context.send_activity(card_message(draft_card(view)))

    async def edit(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        """Edit…: the action's form in the draft's place."""
        asked = await submitted(dc.context, OneAction, value, refusal=messages.CARD_OUT_OF_DATE)
        if asked is None:
            return
        async with self._db.session() as session:
            view = await draft_of_action(
                session, action_id=asked.action_id, person_id=caller.person_id, is_admin=caller.is_admin
            )
        await replace_card(dc.context, draft_edit_card(view, asked.action_id))

    async def add(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        form = await submitted(dc.context, AddDraftAction, value, refusal=messages.CARD_OUT_OF_DATE)
        if form is None:
            return
        try:
            given = form.words(NEW)
        except ValueError:
            await dc.context.send_activity(messages.CARD_OUT_OF_DATE)
            return
        if given is None:
            await dc.context.send_activity(words.DRAFT_NOTHING_TYPED)
            return
        async with self._db.session() as session:
            view, before = await add_action(
                session,
                recommendation_id=form.recommendation_id,
                words=given,
                person_id=caller.person_id,
                is_admin=caller.is_admin,
            )
        said = words.DRAFT_ADDED.format(position=view.actions[-1].position, number=view.number)
        await self._changed(dc, view, said + _after_edit(before))

    async def save(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        form = await submitted(dc.context, SaveDraftAction, value, refusal=messages.CARD_OUT_OF_DATE)
        if form is None:
            return
        try:
            given = form.words(form.action_id)
        except ValueError:
            await dc.context.send_activity(messages.CARD_OUT_OF_DATE)
            return
        async with self._db.session() as session:
            view, before = await change_action(
                session,
                action_id=form.action_id,
                # Every field emptied is refused as an action with no words, not taken as "no change".
                words=given or DraftWords("", "", "", ""),
                person_id=caller.person_id,
                is_admin=caller.is_admin,
            )
        position = next(a.position for a in view.actions if a.id == form.action_id)
        said = words.DRAFT_CHANGED.format(position=position, number=view.number)
        await self._changed(dc, view, said + _after_edit(before))

    async def remove(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        asked = await submitted(dc.context, OneAction, value, refusal=messages.CARD_OUT_OF_DATE)
        if asked is None:
            return
        async with self._db.session() as session:
            view, before, position = await remove_action(
                session, action_id=asked.action_id, person_id=caller.person_id, is_admin=caller.is_admin
            )
        said = words.DRAFT_REMOVED.format(position=position, number=view.number)
        await self._changed(dc, view, said + _after_edit(before))

    async def send(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        asked = await submitted(dc.context, SendDraft, value, refusal=messages.CARD_OUT_OF_DATE)
        if asked is None:
            return
        now = self._clock()
        async with self._db.session() as session:
            view = await send_draft(
                session,
                recommendation_id=asked.recommendation_id,
                person_id=caller.person_id,
                is_admin=caller.is_admin,
                now=now,
            )
            # The scrutiny officers hear of it once, at the next tick or their next turn.
            for reviewer in await reviewers_of(session, review_id=view.review_id):
                if reviewer.id != caller.person_id:
                    await _keep(session, reviewer, DeliveryKind.TO_REVIEW, view, draft_waits_card(view), now)
        said = words.DRAFT_SENT.format(number=view.number, count=len(view.actions))
        await self._changed(dc, view, said)

    async def _changed(self, dc: DialogContext, view: DraftView, said: str) -> None:
        await dc.context.send_activity(said)
        await replace_card(dc.context, draft_card(view))

    # --- the scrutiny officer ---

    async def queue(self, dc: DialogContext, caller: Caller) -> list[dict[str, Any]]:
        """The cards of the drafts waiting for this reviewer, for the "review" queue (dialogs/review.py)."""
        async with self._db.session() as session:
            waiting = await drafts_waiting(session, person_id=caller.person_id, is_admin=caller.is_admin)
        return [draft_review_card(view) for view in waiting]

    async def accept(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self._decide(dc, caller, value, accept=True)

    async def send_back(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self._decide(dc, caller, value, accept=False)

    async def _decide(self, dc: DialogContext, caller: Caller, value: Any, *, accept: bool) -> None:
        decision = await submitted(dc.context, DraftDecision, value, refusal=messages.CARD_OUT_OF_DATE)
        if decision is None:
            return
        async with self._db.session() as session:
            view = await decide_draft(
                session,
                recommendation_id=decision.recommendation_id,
                sent_at=decision.sent_at,
                accept=accept,
                reason=decision.reason,
                person_id=caller.person_id,
                is_admin=caller.is_admin,
            )
            drafter = await drafter_of(session, recommendation_id=decision.recommendation_id)
            if not accept and drafter is not None and drafter.id != caller.person_id:
                told = draft_returned_card(view, reviewer=caller.name)
                await _keep(session, drafter, DeliveryKind.RETURNED, view, told, self._clock())
        if accept:
            reply = words.DRAFT_ACCEPTED_REPLY.format(number=view.number, review=view.review_title)
        else:
            who = view.sent_by or "the officer"
            reply = words.DRAFT_RETURNED_REPLY.format(number=view.number, who=who)
        await dc.context.send_activity(reply)
        await replace_card(dc.context, draft_decided_card(view))


async def _keep(
    session: AsyncSession,
    person: Person,
    kind: DeliveryKind,
    view: DraftView,
    card: dict[str, Any],
    now: datetime,
) -> None:
    """A notice for `person`, sent once: at the next tick if the bot can reach them, else when next seen."""
    summary = (
        words.DRAFT_TOLD_SUMMARY.format(number=view.number)
        if kind is DeliveryKind.RETURNED
        else words.DRAFT_WAITS_SUMMARY
    )
    sent = view.sent_at.isoformat() if view.sent_at else ""
    slot = f"draft of recommendation {view.recommendation_id} sent {sent}"
    await keep_notice(
        session,
        person_id=person.id,
        kind=kind,
        slot=slot,
        review_id=view.review_id,
        card=card,
        summary=summary,
        now=now,
    )
