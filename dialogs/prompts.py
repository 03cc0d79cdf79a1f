"""A prompt that takes typed text or a card's submitted answer, and the cancel/back/help base dialog.

In-dialog cards answer with Action.Submit data {"answer": "..."} and no "verb" (or an Input named
"answer"): the activity arrives with text=None and that value, which a TextPrompt would re-ask on.
Card submits that carry a "verb" belong to the command registry; the dialog hands those to
`on_card_submit` instead of reading them as an answer.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    DialogContext,
    DialogTurnResult,
    DialogTurnStatus,
)
from botbuilder.dialogs.prompts import Prompt, PromptOptions, PromptRecognizerResult, PromptValidatorContext
from botbuilder.schema import Activity, ActivityTypes

from dialogs import wire
from dialogs.context import card_message

_TAG = re.compile(r"<[^>]*>")
CANCEL_WORDS = {"cancel", "stop", "quit", "exit"}
BACK_WORDS = {"back", "go back", "previous"}
HELP_WORDS = {"help", "?"}


def submitted(activity: Activity) -> dict[str, Any] | None:
    return activity.value if isinstance(activity.value, dict) else None


def answer_of(activity: Activity) -> str | None:
    """What the person answered: a card's "answer", else the text as typed; None if nothing."""
    if activity.type != ActivityTypes.message:
        return None
    value = submitted(activity)
    if value is not None and "verb" not in value:
        answer = value.get("answer")
        return str(answer) if isinstance(answer, str | int) and str(answer).strip() else None
    text = activity.text
    return text if text is not None and text.strip() else None


def command_word(activity: Activity) -> str:
    """The answer folded for matching keywords ("Cancel.", "<p>cancel</p>" -> "cancel"); "" if none."""
    answer = answer_of(activity)
    if not answer:
        return ""
    return " ".join(html.unescape(_TAG.sub(" ", answer)).lower().strip(" .!").split())


class AnswerPrompt(Prompt):
    """Like TextPrompt, but a card button or input named "answer" is an answer too."""

    async def begin_dialog(self, dialog_context: DialogContext, options: object = None) -> DialogTurnResult:
        result = await super().begin_dialog(dialog_context, options)
        # The options wait in the dialog state until answered, and the state is flattened with
        # jsonpickle every turn, node by node: an Activity object is some fifty attributes and enum
        # reductions, and its card hundreds of nodes more. Its wire form as one JSON string is a single
        # node. It is read back only to ask again.
        kept: PromptOptions = dialog_context.active_dialog.state[self.persisted_options]
        for name in ("prompt", "retry_prompt"):
            activity = getattr(kept, name)
            if isinstance(activity, Activity):
                setattr(kept, name, json.dumps(wire.SCHEMA.wire_form(activity)))
        return result

    async def on_prompt(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions, is_retry: bool
    ) -> None:
        activity = question_of(options, retry=is_retry)
        if activity is not None:
            await turn_context.send_activity(activity)

    async def on_recognize(
        self, turn_context: TurnContext, state: dict[str, object], options: PromptOptions
    ) -> PromptRecognizerResult:
        result = PromptRecognizerResult()
        answer = answer_of(turn_context.activity)
        if answer is not None:
            result.succeeded = True
            result.value = answer
        return result


def question_of(options: PromptOptions, *, retry: bool = False) -> Activity | None:
    """The prompt's question (or its retry question) as an Activity, however the options keep it (a
    dict: as a dialog begun before this version kept it)."""
    kept: Activity | str | dict[str, Any] | None = (
        options.retry_prompt if retry and options.retry_prompt is not None else options.prompt
    )
    if isinstance(kept, str):
        kept = json.loads(kept)
    return Activity.deserialize(kept) if isinstance(kept, dict) else kept


# A button's data key: the command to run instead of answering ("update 13").
START_AGAIN = "start_again"


def _takes_any_words(inner_dc: DialogContext) -> bool:
    """Whether the question being asked takes free text (its validations say "any_words")."""
    active = inner_dc.active_dialog
    options = active.state.get(Prompt.persisted_options) if active is not None else None
    validations = getattr(options, "validations", None)
    return isinstance(validations, dict) and bool(validations.get("any_words"))


def current_question(inner_dc: DialogContext) -> str | None:
    """The name of the question being asked: the active prompt's validations["field"]."""
    active = inner_dc.active_dialog
    options = active.state.get(Prompt.persisted_options) if active is not None else None
    validations = getattr(options, "validations", None)
    return validations.get("field") if isinstance(validations, dict) else None


# Where the bot finds a command to run once a dialog has ended for it: turn_state[RUN_NEXT_KEY].
RUN_NEXT_KEY = "RunNext"


class GuidedDialog(ComponentDialog):
    """ "cancel", "back" and "help" at every step, as the SDK's CancelAndHelpDialog does it; and a
    command typed where any words are an answer ("update 13" at "Evidence of progress?") is asked
    about, not taken as the answer."""

    # What a typed answer is as a command, if it is exactly one (set by the bot: its registry knows).
    typed_command: Callable[[str], str | None] | None = None

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        result = await self.interrupt(inner_dc)
        if result is not None:
            return result
        return await super().on_continue_dialog(inner_dc)

    async def interrupt(self, inner_dc: DialogContext) -> DialogTurnResult | None:
        activity = inner_dc.context.activity
        if activity.type != ActivityTypes.message:
            return None
        value = submitted(activity)
        if value is not None and "verb" in value:
            return await self.on_card_submit(inner_dc, value)
        if value is not None and isinstance(value.get(START_AGAIN), str):
            await self.on_cancel(inner_dc)
            inner_dc.context.turn_state[RUN_NEXT_KEY] = value[START_AGAIN]
            return await inner_dc.cancel_all_dialogs()
        word = command_word(activity)
        if word in CANCEL_WORDS:
            await self.on_cancel(inner_dc)
            return await inner_dc.cancel_all_dialogs()
        if word in HELP_WORDS:
            await self.on_help(inner_dc, current_question(inner_dc))
            await inner_dc.reprompt_dialog()
            return DialogTurnResult(DialogTurnStatus.Waiting)
        if word in BACK_WORDS:
            return await self.on_back(inner_dc, current_question(inner_dc))
        command = self._typed_command(inner_dc)
        question = current_question(inner_dc)
        if command is not None and question is not None:
            await inner_dc.context.send_activity(card_message(self.command_or_answer(question, command)))
            return DialogTurnResult(DialogTurnStatus.Waiting)
        return None

    def _typed_command(self, inner_dc: DialogContext) -> str | None:
        """The command typed (not pressed) where any words are an answer, if it is exactly one."""
        activity = inner_dc.context.activity
        if self.typed_command is None or submitted(activity) is not None or not _takes_any_words(inner_dc):
            return None
        typed = answer_of(activity)
        return self.typed_command(typed) if typed else None

    async def on_cancel(self, inner_dc: DialogContext) -> None:
        """Say what cancelling means before the dialog ends."""

    def command_or_answer(self, question: str, command: str) -> dict[str, Any]:
        """The card asking whether `command`, typed at `question`, is meant as a command (its button
        sends START_AGAIN) or as the answer (its button sends it as the answer)."""
        raise NotImplementedError

    async def on_help(self, inner_dc: DialogContext, question: str | None) -> None:
        """Explain the current question; the question is asked again after it."""

    async def on_back(self, inner_dc: DialogContext, question: str | None) -> DialogTurnResult:
        await inner_dc.reprompt_dialog()
        return DialogTurnResult(DialogTurnStatus.Waiting)

    async def on_card_submit(self, inner_dc: DialogContext, value: dict[str, Any]) -> DialogTurnResult:
        """A card submit with a verb, from a card outside this dialog, arrived mid-dialog."""
        await inner_dc.reprompt_dialog()
        return DialogTurnResult(DialogTurnStatus.Waiting)


def prompt_of(text: str, card: dict[str, Any] | None = None) -> Activity:
    """A question as a message: the text, or the card that asks it."""
    if card is None:
        return MessageFactory.text(text)
    return card_message(card)


def accept_answer(ctx: PromptValidatorContext, value: Any) -> bool:
    """A validator's yes: the answer, with the question it answers."""
    ctx.recognized.value = {"field": ctx.options.validations["field"], "value": value}
    return True


async def refuse_answer(ctx: PromptValidatorContext, message: str, *, ask_again: bool = False) -> bool:
    """A validator's no, in plain words; the question again if asked for."""
    await ctx.context.send_activity(message)
    question = question_of(ctx.options) if ask_again else None
    if question is not None:
        await ctx.context.send_activity(question)
    return False
