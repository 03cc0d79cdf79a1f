"""The one-card update form: sent for one action, submitted with the verb "save_update".

The submit is parsed with `UpdateSubmit` and checked again on the server: who may record, the round
still open, the grade real, the text within limits. Anything wrong is refused in plain words and
nothing is saved. Once saved, the form is replaced by a read-only card; each form carries a form_id,
the intent it saves (dialogs/saving.py), so a second submit of the same form saves nothing more.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from botbuilder.core import TurnContext
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from cards import messages
from cards.update import saved_card, update_form_card
from dialogs.context import card_message, replace_card
from dialogs.saving import UpdateSaver, form_intent
from documents.errors import UserFacingError
from documents.grades import Grade
from store.db import Database
from store.updates import action_for_update, require_may_record
from store.views import DraftAnswer


def _grade(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return Grade.parse(value)  # ValueError for "5": refused


def _text(value: Any) -> Any:
    return "" if value is None else value


Text = Annotated[str, BeforeValidator(_text)]


class UpdateSubmit(BaseModel):
    """What the form's Save sends: its data plus the inputs' values (Teams adds "msteams")."""

    model_config = ConfigDict(extra="ignore")

    verb: Literal["save_update"]
    action_id: int
    round_id: int
    form_id: str = Field(min_length=8, max_length=64, pattern=r"^[\w-]+$")
    evidence: Text = ""
    grade: Annotated[Grade | None, BeforeValidator(_grade)] = None
    explanation: Text = ""
    impact: Text = ""


class OpenUpdate(BaseModel):
    """A button that opens the update for one action: the form, or the guided dialog."""

    model_config = ConfigDict(extra="ignore")

    verb: Literal["open_update"]
    action_id: int
    guided: bool = False


def _problem(error: ValidationError) -> str:
    for problem in error.errors():
        if problem["loc"] and problem["loc"][0] == "grade":
            return messages.NOT_A_GRADE
    return messages.FORM_NOT_UNDERSTOOD


class UpdateForm:
    def __init__(self, db: Database, *, max_text_length: int, time_zone: str = "Europe/London") -> None:
        self._db = db
        self._max_text_length = max_text_length
        self.saver = UpdateSaver(db, max_text_length=max_text_length, time_zone=time_zone)

    async def send_form(
        self, turn_context: TurnContext, *, person_id: int | None, is_admin: bool, action_id: int
    ) -> None:
        """Send the form for one action; a plain refusal if the caller may not, or nothing is open."""
        try:
            async with self._db.session() as session:
                await require_may_record(session, person_id=person_id, is_admin=is_admin, action_id=action_id)
                view = await action_for_update(session, action_id=action_id)
        except UserFacingError as refusal:
            await turn_context.send_activity(str(refusal))
            return
        card = update_form_card(view, form_id=uuid.uuid4().hex, max_text_length=self._max_text_length)
        await turn_context.send_activity(card_message(card))

    async def save(
        self, turn_context: TurnContext, *, person_id: int | None, is_admin: bool, value: dict[str, Any]
    ) -> None:
        """Save a submitted form, then replace the form with a read-only card."""
        try:
            submit = UpdateSubmit.model_validate(value)
        except ValidationError as error:
            await turn_context.send_activity(messages.FORM_NOT_SAVED.format(problem=_problem(error)))
            return
        if submit.grade is None:
            await turn_context.send_activity(messages.FORM_NOT_SAVED.format(problem=messages.GRADE_NEEDED))
            return
        try:
            saved = await self.saver.save(
                intent=form_intent(submit.form_id),
                action_id=submit.action_id,
                round_id=submit.round_id,
                answer=DraftAnswer(
                    evidence=submit.evidence,
                    grade=submit.grade,
                    explanation=submit.explanation,
                    impact=submit.impact,
                ),
                person_id=person_id,
                is_admin=is_admin,
            )
        except UserFacingError as refusal:
            await turn_context.send_activity(messages.FORM_NOT_SAVED.format(problem=str(refusal)))
            return
        await turn_context.send_activity(saved.words)
        # Saved all the same if it cannot be replaced: a second submit of the old form saves nothing more.
        await replace_card(turn_context, saved_card(saved.view, saved.answer))
