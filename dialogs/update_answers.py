"""How the guided update reads each answer: a choice, free text, a grade, Save or Change. Each is a
prompt validator: it accepts the answer (with the question it answers) or says, in plain words, why
not, and the question waits."""

from __future__ import annotations

from botbuilder.dialogs.prompts import PromptValidatorContext

from cards import messages
from dialogs.prompts import accept_answer, refuse_answer
from documents.grades import Grade

KEEP_WORDS = {"keep"}
SAME_WORDS = {"same", "keep it", "no change"}
SKIP_WORDS = {"skip", "none", "n/a", "no", "not yet"}
SAVE_WORDS = {"save", "yes", "y", "ok", "save it", "confirm"}
CHANGE_WORDS = {"change", "edit", "no", "change something"}


def _folded(text: str) -> str:
    return " ".join(text.lower().strip(" .!").split())


async def choice_is_known(ctx: PromptValidatorContext) -> bool:
    typed = _folded(ctx.recognized.value or "")
    choices = ctx.options.validations["choices"]
    exact = [c for c in choices if typed in (_folded(c["answer"]), _folded(c["title"]))]
    partial = [c for c in choices if typed and typed in _folded(c["title"])]
    found = exact or (partial if len(partial) == 1 else [])
    if not found:
        return await refuse_answer(ctx, messages.NOT_A_CHOICE)
    return accept_answer(ctx, found[0]["key"])


async def text_is_usable(ctx: PromptValidatorContext) -> bool:
    """Non-blank and within the limit; "same" keeps the previous answer, "keep" trims an over-long one."""
    rules = ctx.options.validations
    text = (ctx.recognized.value or "").strip()
    word = _folded(text)
    limit = rules["max_length"]
    too_long = ctx.state.get("too_long")
    if too_long and word in KEEP_WORDS:
        return accept_answer(ctx, too_long[:limit].rstrip())
    if rules.get("previous") and word in SAME_WORDS:
        return accept_answer(ctx, rules["previous"])
    if rules.get("skippable") and word in SKIP_WORDS:
        return accept_answer(ctx, "")
    if not text:
        return await refuse_answer(ctx, messages.ANSWER_NEEDED)
    if len(text) > limit:
        # Kept in the prompt's state (saved with the dialog) so "keep" can still use it.
        ctx.state["too_long"] = text
        ending = text[:limit].rstrip()[-40:]
        return await refuse_answer(
            ctx, messages.TEXT_TOO_LONG.format(length=len(text), limit=limit, ending=ending)
        )
    return accept_answer(ctx, text)


async def grade_is_known(ctx: PromptValidatorContext) -> bool:
    typed = (ctx.recognized.value or "").strip()
    previous = ctx.options.validations.get("previous")
    if previous and _folded(typed) in SAME_WORDS:
        return accept_answer(ctx, previous)
    # "2", "on track", "On-Track" and a button's own words, "2 On-Track", all name a grade.
    for candidate in (typed, typed.split(" ", 1)[0], typed.split(" ", 1)[-1]):
        try:
            return accept_answer(ctx, Grade.parse(candidate).value)
        except ValueError:
            continue
    return await refuse_answer(ctx, messages.NOT_A_GRADE, ask_again=True)


async def save_or_change(ctx: PromptValidatorContext) -> bool:
    word = _folded(ctx.recognized.value or "")
    if word in SAVE_WORDS:
        return accept_answer(ctx, "save")
    if word in CHANGE_WORDS:
        return accept_answer(ctx, "change")
    return await refuse_answer(ctx, messages.NOT_SAVE_OR_CHANGE)
