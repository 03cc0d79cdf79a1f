"""A review's life in Teams (admins): "plan agreed 12 March 2019" freezes the plan and schedules its
rounds, which then open by themselves (bot/lifecycle.py); "review signed off" completes the review.
The command line does the same with `scrutiny-bot review agree / sign-off` (bot/cli/reviews.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from botbuilder.dialogs import DialogContext
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cards import life_messages
from cards.life import agreed_reply, outcome_line
from dialogs.context import Caller
from documents.dates import find_day
from documents.errors import UserFacingError
from store.db import Database
from store.lifecycle import agree_plan, signed_off
from store.models import Review
from store.plan import require_review
from store.views import RoundPlan

_FILLER = ("for ", "of ", "on ", "the ")


def review_words(text: str) -> str:
    """A review's title as typed after a command: "for “Digital Optimisation”" -> Digital Optimisation."""
    words = text.strip().strip("“”\"'").strip()
    while words.lower().startswith(_FILLER):
        words = words.split(maxsplit=1)[1] if " " in words else ""
    return words.strip().strip("“”\"'.").strip()


async def named_or_only(session: AsyncSession, title: str, *, example: str) -> Review:
    """The review named, or the only one there is; else a refusal naming them."""
    if title:
        return await require_review(session, title)
    titles = (await session.scalars(select(Review.title).order_by(Review.title))).all()
    if not titles:
        raise UserFacingError("There are no reviews yet. Import a plan first.")
    if len(titles) > 1:
        raise UserFacingError(
            life_messages.WHICH_REVIEW.format(
                count=len(titles), example=f"{example} {titles[0]}", titles="; ".join(titles)
            )
        )
    return await require_review(session, titles[0])


class LifecycleHandlers:
    def __init__(
        self, db: Database, *, plan: RoundPlan, time_zone: str, clock: Callable[[], datetime]
    ) -> None:
        self._db = db
        self._plan = plan
        self._zone = ZoneInfo(time_zone)
        self._clock = clock

    def _today(self) -> date:
        return self._clock().astimezone(self._zone).date()

    async def agree(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "plan agreed 12 March 2019 [review]"."""
        if not caller.is_admin:
            await dc.context.send_activity(life_messages.PLAN_AGREED_ADMINS_ONLY)
            return
        found = find_day(str(args or ""))
        if found is None:
            await dc.context.send_activity(life_messages.PLAN_AGREED_NO_DATE)
            return
        agreed_on, rest = found
        try:
            async with self._db.session() as session:
                review = await named_or_only(session, review_words(rest), example="plan agreed 12 March 2019")
                agreement = await agree_plan(
                    session,
                    review_id=review.id,
                    agreed_on=agreed_on,
                    today=self._today(),
                    plan=self._plan,
                    by_person_id=caller.person_id,
                )
            reply = agreed_reply(agreement, self._plan)
        except UserFacingError as refusal:
            reply = str(refusal)
        await dc.context.send_activity(reply)

    async def sign_off(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "review signed off [review]"."""
        if not caller.is_admin:
            await dc.context.send_activity(life_messages.SIGNED_OFF_ADMINS_ONLY)
            return
        try:
            async with self._db.session() as session:
                review = await named_or_only(
                    session, review_words(str(args or "")), example="review signed off"
                )
                title, life = await signed_off(
                    session, review_id=review.id, today=self._today(), by_person_id=caller.person_id
                )
            reply = life_messages.SIGNED_OFF_DONE.format(review=title, outcome=outcome_line(life))
        except UserFacingError as refusal:
            reply = str(refusal)
        await dc.context.send_activity(reply)
