"""The "update" command and the update card verbs, as handlers the bot's registry can take.

registry.command("update", handlers.start, help=messages.UPDATE_COMMAND_HELP,
                 usage=messages.UPDATE_USAGE, records=True)
registry.verb("open_update", handlers.open_update, records=True)
registry.verb("save_update", handlers.save_update, records=True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botbuilder.core import StatePropertyAccessor
from botbuilder.dialogs import DialogContext

from cards import messages
from cards.update import OPEN_UPDATE_VERB, SAVE_UPDATE_VERB, saved_card
from dialogs.context import Caller, Handler, card_message, post_below, submitted
from dialogs.saving import draft_intent
from dialogs.update_dialog import UPDATE_TARGET, UpdateDialog
from dialogs.update_form import OpenUpdate, UpdateForm
from store.db import Database


def dialog_options(dc: DialogContext, caller: Caller, **more: Any) -> dict[str, Any]:
    sender = dc.context.activity.from_property
    return {
        "person_id": caller.person_id,
        "is_admin": caller.is_admin,
        "user_id": sender.id if sender is not None else None,
        **more,
    }


class UpdateHandlers:
    def __init__(
        self,
        db: Database,
        *,
        max_text_length: int,
        time_zone: str = "Europe/London",
        kept_words: StatePropertyAccessor | None = None,
    ) -> None:
        self.form = UpdateForm(db, max_text_length=max_text_length, time_zone=time_zone)
        self._max_text_length = max_text_length
        # Progress sent outside an update, kept in the conversation until the next "update" offers it.
        self._kept_words = kept_words

    async def keep_words(self, dc: DialogContext, text: str) -> bool:
        """Keep what looks like evidence, typed outside an update; False if it cannot be kept."""
        if self._kept_words is None or len(text) > self._max_text_length:
            return False
        await self._kept_words.set(dc.context, text)
        return True

    async def start(self, dc: DialogContext, caller: Caller, args: Any) -> None:
        """ "update", "update 7", "update 7.2": the guided dialog."""
        text = str(args or "").strip().strip(".?!")
        target: dict[str, Any] = {}
        if text:
            match = UPDATE_TARGET.match(text)
            if match is None:
                await dc.context.send_activity(messages.UPDATE_ARGUMENT_NOT_UNDERSTOOD)
                return
            target["recommendation"] = int(match.group(1))
            if match.group(2):
                target["position"] = int(match.group(2))
        if kept := await self._take_kept_words(dc):
            # Offered at the evidence question, as an answer taken back is ("same" keeps it).
            target["resume"] = {"previous": {"evidence": kept}}
        await dc.begin_dialog(UpdateDialog.__name__, dialog_options(dc, caller, **target))

    async def _take_kept_words(self, dc: DialogContext) -> str | None:
        if self._kept_words is None:
            return None
        kept = await self._kept_words.get(dc.context)
        if not isinstance(kept, str) or not kept:
            return None
        await self._kept_words.delete(dc.context)  # offered once
        return kept

    async def open_update(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        """A button for one action: the form, or with "guided" the step-by-step dialog."""
        request = await submitted(dc.context, OpenUpdate, value, refusal=messages.FORM_NOT_UNDERSTOOD)
        if request is None:
            return
        if request.guided:
            post_below(dc.context)  # a conversation, under the reminder that offered it
            await dc.begin_dialog(
                UpdateDialog.__name__, dialog_options(dc, caller, action_id=request.action_id)
            )
            return
        await self.form.send_form(
            dc.context, person_id=caller.person_id, is_admin=caller.is_admin, action_id=request.action_id
        )

    async def late_answer(self, dc: DialogContext, value: Mapping[str, Any]) -> bool:
        """The guided update's Save pressed after its dialog ended (a second press, another client,
        another worker's turn first): what that draft saved, and nothing saved again."""
        draft = value.get("draft")
        if value.get("answer") != "save" or not isinstance(draft, str) or not 8 <= len(draft) <= 64:
            return False
        saved = await self.form.saver.saved_for(draft_intent(draft))
        if saved is None:
            return False
        await dc.context.send_activity(saved.words)
        await dc.context.send_activity(card_message(saved_card(saved.view, saved.answer)))
        return True

    async def save_update(self, dc: DialogContext, caller: Caller, value: Any) -> None:
        await self.form.save(
            dc.context,
            person_id=caller.person_id,
            is_admin=caller.is_admin,
            value=value if isinstance(value, dict) else {},
        )

    def commands(self) -> dict[str, Handler]:
        return {"update": self.start}

    def verbs(self) -> dict[str, Handler]:
        return {OPEN_UPDATE_VERB: self.open_update, SAVE_UPDATE_VERB: self.save_update}

    @staticmethod
    def help() -> dict[str, tuple[str, str]]:
        """Command -> (usage, help text)."""
        return {"update": (messages.UPDATE_USAGE, messages.UPDATE_COMMAND_HELP)}


def update_handlers(
    db: Database,
    *,
    max_text_length: int,
    time_zone: str = "Europe/London",
    kept_words: StatePropertyAccessor | None = None,
) -> UpdateHandlers:
    return UpdateHandlers(db, max_text_length=max_text_length, time_zone=time_zone, kept_words=kept_words)
