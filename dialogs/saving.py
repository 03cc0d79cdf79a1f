"""Saving an officer's answer for an action's round: one way, whether from the guided dialog or the
one-card form.

Each save carries its intent: the form's id, or the guided dialog's draft id. However often and
however nearly at once it is pressed (a double tap, two Teams clients, two workers), one version is
saved and every other press is told "That was saved already", with what was saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from cards import messages
from cards.grades import grade_words
from dialogs.context import local_time
from store.db import Database
from store.models import Person, ProgressUpdate, UpdateSource
from store.updates import action_for_update, record_update_once, require_may_record, update_saved_by_activity
from store.views import ActionForUpdate, DraftAnswer, RoundAnswer


def form_intent(form_id: str) -> str:
    return f"form:{form_id}"


def draft_intent(draft_id: str) -> str:
    return f"draft:{draft_id}"


@dataclass(frozen=True)
class Saved:
    """What was saved for an intent, and the words for whoever pressed Save."""

    view: ActionForUpdate
    first: bool  # this press saved it; otherwise another had
    words: str

    @property
    def answer(self) -> RoundAnswer:
        assert self.view.current is not None
        return self.view.current


class UpdateSaver:
    def __init__(self, db: Database, *, max_text_length: int, time_zone: str) -> None:
        self._db = db
        self._max_text_length = max_text_length
        self._zone = ZoneInfo(time_zone)

    async def save(
        self,
        *,
        intent: str,
        action_id: int,
        round_id: int,
        answer: DraftAnswer,
        person_id: int | None,
        is_admin: bool,
    ) -> Saved:
        """Check who may record, then save once for the intent; a UserFacingError says why not."""
        async with self._db.session() as session:
            await require_may_record(session, person_id=person_id, is_admin=is_admin, action_id=action_id)
            already = await update_saved_by_activity(session, activity_id=intent)
            if already is None:
                already, first = await record_update_once(
                    session,
                    action_id=action_id,
                    round_id=round_id,
                    evidence=answer.evidence,
                    grade=answer.grade,
                    explanation=answer.explanation,
                    impact=answer.impact,
                    by_person_id=person_id,
                    source=UpdateSource.TEAMS,
                    activity_id=intent,
                    max_text_length=self._max_text_length,
                )
            else:
                first = False
            view = await action_for_update(session, action_id=already.action_id)
            # An answer to a return goes back to the scrutiny officer: the officer is told so.
            said = messages.SAVED if view.answers_return is None else messages.SAVED_RESUBMITTED
            words = (
                said.format(action=view.name, grade=grade_words(already.grade), round_label=view.round_label)
                if first
                else await self._saved_already(session, already, view)
            )
        return Saved(view=view, first=first, words=words)

    async def saved_for(self, intent: str) -> Saved | None:
        """What an intent saved, if anything: a Save pressed after its dialog had ended."""
        async with self._db.session() as session:
            saved = await update_saved_by_activity(session, activity_id=intent)
            if saved is None:
                return None
            view = await action_for_update(session, action_id=saved.action_id)
            return Saved(view=view, first=False, words=await self._saved_already(session, saved, view))

    async def _saved_already(
        self, session: AsyncSession, saved: ProgressUpdate, view: ActionForUpdate
    ) -> str:
        saver = await session.get(Person, saved.recorded_by_id) if saved.recorded_by_id else None
        return messages.SAVED_ALREADY.format(
            action=view.name,
            round_label=view.round_label,
            who=saver.name if saver else messages.SOMEONE,
            time=local_time(saved.recorded_at, self._zone),
        )
