"""The guided progress update: pick the action, see it in context, answer, confirm, saved.

State is plain JSON in the waterfall's values, so a dialog survives a restart or another replica:
    answers   {"review": id, "recommendation": number, "action": id, "round": id, "evidence": str,
               "grade": 1-4, "explanation": str, "impact": str ("" when skipped), "confirm": "save"|"change"}
    asked     questions answered through a prompt, so "back" knows where it came from
    previous  answers taken back by "back" or "Change", offered again ("same" keeps one)
Each step asks its question only while its answer is missing. "back" and "Change" remove answers and
run the steps again from the top: answered steps pass straight through to the first gap.

Buttons on the dialog's cards send {"answer": ...} without a verb (see dialogs/prompts.py). Options:
{"person_id", "is_admin", "user_id", and optionally "action_id", "recommendation", "position"}.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from botbuilder.dialogs import (
    DialogContext,
    DialogTurnResult,
    DialogTurnStatus,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions

from cards import messages
from cards.grades import grade_words
from cards.size import trimmed
from cards.update import (
    OPEN_UPDATE_VERB,
    SAVE_UPDATE_VERB,
    action_card,
    choice_card,
    command_or_answer_card,
    grade_card,
    question_card,
    saved_card,
    summary_card,
)
from dialogs.context import card_message, submitted
from dialogs.evidence import AttachesEvidence, EvidenceHandlers
from dialogs.prompts import AnswerPrompt, GuidedDialog, prompt_of
from dialogs.roster import not_on_roster
from dialogs.saving import draft_intent
from dialogs.update_answers import choice_is_known, grade_is_known, save_or_change, text_is_usable
from dialogs.update_form import OpenUpdate, UpdateForm
from documents.errors import UserFacingError
from documents.grades import Grade
from documents.layout import plain_words
from store.db import Database
from store.updates import (
    action_for_update,
    holds_any_action,
    open_actions_numbered,
    recordable_actions,
    refusal_for,
    require_may_record,
)
from store.views import DraftAnswer, RecordableAction

# The questions in the order they are asked.
QUESTIONS = ["review", "recommendation", "action", "evidence", "grade", "explanation", "impact", "confirm"]
CHOICES = {"review", "recommendation", "action"}
# "7", "recommendation 7", "7.2", "7 2", "7/2": a recommendation, perhaps one of its actions.
UPDATE_TARGET = re.compile(r"^(?:rec(?:ommendation)?\s*)?(\d+)(?:\s*(?:[./,]|\s|action)\s*(\d+))?$", re.I)


class UpdateDialog(AttachesEvidence, GuidedDialog):
    def __init__(
        self,
        db: Database,
        *,
        max_text_length: int,
        form: UpdateForm | None = None,
        evidence: EvidenceHandlers | None = None,
        admin_emails: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(UpdateDialog.__name__)
        self.evidence = evidence
        self._admin_emails = admin_emails
        self._db = db
        self._max_text_length = max_text_length
        self._form = form
        self._saver = (form or UpdateForm(db, max_text_length=max_text_length)).saver
        self.steps_id = f"{UpdateDialog.__name__}.steps"
        self.add_dialog(
            WaterfallDialog(
                self.steps_id,
                [
                    self.review_step,
                    self.recommendation_step,
                    self.action_step,
                    self.context_step,
                    self.evidence_step,
                    self.grade_step,
                    self.explanation_step,
                    self.impact_step,
                    self.confirm_step,
                    self.save_step,
                    self.change_step,
                ],
            )
        )
        self.add_dialog(AnswerPrompt(self.choice_prompt, choice_is_known))
        self.add_dialog(AnswerPrompt(self.text_prompt, text_is_usable))
        self.add_dialog(AnswerPrompt(self.grade_prompt, grade_is_known))
        self.add_dialog(AnswerPrompt(self.confirm_prompt, save_or_change))
        self.initial_dialog_id = self.steps_id

    choice_prompt = f"{AnswerPrompt.__name__}.choice"
    text_prompt = f"{AnswerPrompt.__name__}.text"
    grade_prompt = f"{AnswerPrompt.__name__}.grade"
    confirm_prompt = f"{AnswerPrompt.__name__}.confirm"

    # --- steps ---

    async def review_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._start(step)
        options = step.options
        if "action" not in answers and options.get("action_id") is not None:
            return await self._start_with_action(step, int(options["action_id"]))
        if "review" in answers or "action" in answers:
            return await step.next(None)
        candidates = await self._candidates(step)
        if not candidates:
            await step.context.send_activity(await self._nothing_to_update(options))
            return await step.end_dialog()
        reviews = dict.fromkeys((c.review_id, c.review_title) for c in candidates)
        if len(reviews) == 1:
            answers["review"] = candidates[0].review_id
            return await step.next(None)
        choices = [
            {"answer": str(i), "title": title, "key": review_id}
            for i, (review_id, title) in enumerate(reviews, start=1)
        ]
        return await self._choose(step, "review", messages.ASK_REVIEW, choices)

    async def recommendation_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        if "recommendation" in answers or "action" in answers:
            return await step.next(None)
        candidates = [c for c in await self._candidates(step) if c.review_id == answers["review"]]
        numbers = dict.fromkeys(c.recommendation_number for c in candidates)
        if not numbers:  # the plan or the rounds changed since the question was asked
            await step.context.send_activity(messages.UPDATE_NOTHING_TO_DO)
            return await step.end_dialog()
        if len(numbers) == 1:
            answers["recommendation"] = candidates[0].recommendation_number
            return await step.next(None)
        texts = {c.recommendation_number: c.recommendation_text for c in candidates}
        # In number order, always: a list that puts some first reads as out of order.
        choices = [
            {"answer": str(n), "title": f"Recommendation {n}: {trimmed(plain_words(texts[n]), 90)}", "key": n}
            for n in sorted(numbers)
        ]
        return await self._choose(step, "recommendation", messages.ASK_RECOMMENDATION, choices)

    async def action_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        if "action" in answers:
            return await step.next(None)
        candidates = [
            c
            for c in await self._candidates(step)
            if c.review_id == answers["review"] and c.recommendation_number == answers["recommendation"]
        ]
        if not candidates:
            await step.context.send_activity(messages.UPDATE_NOTHING_TO_DO)
            return await step.end_dialog()
        if len(candidates) == 1:
            answers["action"] = candidates[0].action_id
            return await step.next(None)
        choices = [
            {
                "answer": str(c.position),
                "title": f"Action {c.position}: {trimmed(plain_words(c.agreed_action), 90)}"
                + (" (answered)" if c.answered else ""),
                "key": c.action_id,
            }
            for c in sorted(candidates, key=lambda c: c.position)
        ]
        return await self._choose(step, "action", messages.ASK_ACTION, choices)

    async def context_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        """Show the action, last round's answer and any saved answer, once."""
        answers = self._remember(step)
        if answers.get("round") is not None:
            return await step.next(None)
        try:
            async with self._db.session() as session:
                await self._require_may_record(step, session, answers["action"])
                view = await action_for_update(session, action_id=answers["action"])
        except UserFacingError as refusal:
            await step.context.send_activity(str(refusal))
            return await step.end_dialog()
        answers.update(round=view.round_id, round_label=view.round_label, name=view.name)
        if view.current is not None:
            # Changing a saved answer: each question offers what was saved ("same" keeps it).
            saved = {
                "evidence": view.current.evidence,
                "grade": view.current.grade.value if view.current.grade else None,
                "explanation": view.current.explanation,
                "impact": view.current.impact,
            }
            for key, value in saved.items():  # words kept from before "update" come first
                if value:
                    step.values["previous"].setdefault(key, value)
        await step.context.send_activity(card_message(action_card(view)))
        return await step.next(None)

    async def evidence_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        if "evidence" in answers:
            return await step.next(None)
        return await self._ask_text(
            step, "evidence", messages.ASK_EVIDENCE.format(round_label=answers["round_label"])
        )

    async def grade_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        if "grade" in answers:
            return await step.next(None)
        question = messages.ASK_GRADE.format(round_label=answers["round_label"])
        previous = step.values["previous"].get("grade")
        if previous:
            question += " " + messages.PREVIOUS_CHOICE.format(answer=grade_words(Grade(previous)))
        card = grade_card(question)
        return await step.prompt(
            self.grade_prompt,
            PromptOptions(
                prompt=prompt_of(question, card), validations={"field": "grade", "previous": previous}
            ),
        )

    async def explanation_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        grade = Grade(answers["grade"])
        if not grade.needs_explanation:
            answers.pop("explanation", None)
            return await step.next(None)
        if "explanation" in answers:
            return await step.next(None)
        return await self._ask_text(step, "explanation", messages.ASK_EXPLANATION.format(grade=grade.label))

    async def impact_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        if "impact" in answers:
            return await step.next(None)
        return await self._ask_text(step, "impact", messages.ASK_IMPACT, skippable=True)

    async def confirm_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        try:
            async with self._db.session() as session:
                view = await action_for_update(session, action_id=answers["action"])
        except UserFacingError as refusal:
            await step.context.send_activity(str(refusal))
            return await step.end_dialog()
        card = summary_card(view, self._draft(answers), draft_id=step.values["draft"])
        return await step.prompt(
            self.confirm_prompt,
            PromptOptions(prompt=prompt_of(messages.ASK_CONFIRM, card), validations={"field": "confirm"}),
        )

    async def save_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        answers = self._remember(step)
        if answers.get("confirm") == "change":
            fields = ["evidence", "grade"]
            if Grade(answers["grade"]).needs_explanation:
                fields.append("explanation")
            fields.append("impact")
            titles = {
                "evidence": "Evidence of progress",
                "grade": "Assessment of progress (the grade)",
                "explanation": "Explanation",
                "impact": "Evidence of impact",
            }
            choices = [
                {"answer": str(i), "title": titles[f], "key": f} for i, f in enumerate(fields, start=1)
            ]
            return await self._choose(step, "change", messages.ASK_CHANGE, choices)
        options = step.options
        try:
            saved = await self._saver.save(
                intent=draft_intent(step.values["draft"]),
                action_id=answers["action"],
                round_id=answers["round"],
                answer=self._draft(answers),
                person_id=options.get("person_id"),
                is_admin=bool(options.get("is_admin")),
            )
        except UserFacingError as refusal:
            await step.context.send_activity(str(refusal))
            return await step.end_dialog()
        await step.context.send_activity(saved.words)
        if not saved.first:  # another press saved it: what was saved
            await step.context.send_activity(card_message(saved_card(saved.view, saved.answer)))
        return await step.end_dialog({"action_id": answers["action"]})

    async def change_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        self._remember(step)
        values = copy.deepcopy(step.values)
        _take_back(values, values["answers"].pop("change"))
        return await step.replace_dialog(self.steps_id, {**step.options, "resume": values})

    # --- cancel, back, help, and other cards' buttons ---

    async def on_continue_dialog(self, inner_dc: DialogContext) -> DialogTurnResult:
        starter = _steps_state(inner_dc)["options"].get("user_id")
        sender = inner_dc.context.activity.from_property
        if starter and sender is not None and sender.id != starter:
            # Conversation state is shared in a channel: one person's update is not another's to answer.
            await inner_dc.context.send_activity(messages.UPDATE_SOMEONE_ELSE)
            return DialogTurnResult(DialogTurnStatus.Waiting)
        return await super().on_continue_dialog(inner_dc)

    async def on_cancel(self, inner_dc: DialogContext) -> None:
        await inner_dc.context.send_activity(messages.CANCELLED)

    def command_or_answer(self, question: str, command: str) -> dict[str, Any]:
        target = (
            UPDATE_TARGET.match(command.partition(" ")[2]) if command.lower().startswith("update ") else None
        )
        if target is not None:
            number, position = target.group(1), target.group(2)
            start = messages.START_AGAIN_WITH.format(
                what=f"Recommendation {number}" + (f", action {position}" if position else "")
            )
        else:
            start = messages.STOP_AND_RUN.format(command=command)
        answer = messages.ANSWER_NAMES.get(question, "answer")
        return command_or_answer_card(
            messages.COMMAND_OR_ANSWER.format(start=start, command=command, answer=answer),
            command=command,
            start=start,
            keep=messages.KEEP_AS_ANSWER.format(answer=answer),
        )

    async def on_help(self, inner_dc: DialogContext, question: str | None) -> None:
        specific = messages.HELP_FOR_QUESTION.get(question or "", "")
        await inner_dc.context.send_activity(" ".join(filter(None, [specific, messages.HELP_DURING_UPDATE])))

    async def on_back(self, inner_dc: DialogContext, question: str | None) -> DialogTurnResult:
        state = _steps_state(inner_dc)
        values = copy.deepcopy(state["values"])
        current = question if question in QUESTIONS else "confirm"
        earlier = [q for q in values["asked"] if QUESTIONS.index(q) < QUESTIONS.index(current)]
        if question == "change":
            earlier = ["confirm"]
        if not earlier:
            await inner_dc.context.send_activity(messages.BACK_AT_START)
            await inner_dc.reprompt_dialog()
            return DialogTurnResult(DialogTurnStatus.Waiting)
        target = max(earlier, key=QUESTIONS.index)
        _take_back(values, target)
        await inner_dc.cancel_all_dialogs()
        return await inner_dc.begin_dialog(self.steps_id, {**state["options"], "resume": values})

    async def on_card_submit(self, inner_dc: DialogContext, value: dict[str, Any]) -> DialogTurnResult:
        """The form's Save is saved as usual; a button opening another update leaves this one."""
        options = _steps_state(inner_dc)["options"]
        caller = {"person_id": options.get("person_id"), "is_admin": bool(options.get("is_admin"))}
        verb = value.get("verb")
        if self._form is not None and verb == SAVE_UPDATE_VERB:
            await self._form.save(inner_dc.context, value=value, **caller)
        elif self._form is not None and verb == OPEN_UPDATE_VERB:
            request = await submitted(
                inner_dc.context, OpenUpdate, value, refusal=messages.FORM_NOT_UNDERSTOOD
            )
            if request is None:
                return DialogTurnResult(DialogTurnStatus.Waiting)
            name = _steps_state(inner_dc)["values"].get("answers", {}).get("name")
            if name:
                await inner_dc.context.send_activity(messages.UPDATE_LEFT.format(action=name))
            if request.guided:
                restart = {
                    **options,
                    "action_id": request.action_id,
                    "recommendation": None,
                    "position": None,
                }
                restart.pop("resume", None)
                return await inner_dc.parent.replace_dialog(self.id, restart)
            await self._form.send_form(inner_dc.context, action_id=request.action_id, **caller)
            return await inner_dc.cancel_all_dialogs()
        else:
            await inner_dc.context.send_activity(messages.UPDATE_FINISH_FIRST)
        await inner_dc.reprompt_dialog()
        return DialogTurnResult(DialogTurnStatus.Waiting)

    # --- helpers ---

    def _start(self, step: WaterfallStepContext) -> dict[str, Any]:
        if not step.values:
            resume = step.options.get("resume") or {}
            step.values.update(
                answers=dict(resume.get("answers", {})),
                asked=list(resume.get("asked", [])),
                previous=dict(resume.get("previous", {})),
                # The intent its Save carries: pressed twice, or on two clients, it saves once.
                draft=resume.get("draft") or uuid.uuid4().hex,
            )
        answers: dict[str, Any] = step.values["answers"]
        return answers

    def _remember(self, step: WaterfallStepContext) -> dict[str, Any]:
        answers: dict[str, Any] = step.values["answers"]
        result = step.result
        if isinstance(result, dict) and "field" in result:
            field = result["field"]
            answers[field] = result["value"]
            if field not in step.values["asked"]:
                step.values["asked"].append(field)
            step.values["previous"].pop(field, None)
        return answers

    async def _start_with_action(self, step: WaterfallStepContext, action_id: int) -> DialogTurnResult:
        try:
            async with self._db.session() as session:
                await self._require_may_record(step, session, action_id)
                view = await action_for_update(session, action_id=action_id)
        except UserFacingError as refusal:
            await step.context.send_activity(str(refusal))
            return await step.end_dialog()
        step.values["answers"].update(
            review=view.review_id, recommendation=view.recommendation_number, action=action_id
        )
        return await step.next(None)

    async def _require_may_record(self, step: WaterfallStepContext, session: Any, action_id: int) -> None:
        await require_may_record(
            session,
            person_id=step.options.get("person_id"),
            is_admin=bool(step.options.get("is_admin")),
            action_id=action_id,
        )

    async def _candidates(self, step: WaterfallStepContext) -> list[RecordableAction]:
        options = step.options
        # Asked again by each step a turn passes through: the answer cannot change within the turn.
        key = (f"{UpdateDialog.__name__}.candidates", options.get("person_id"), bool(options.get("is_admin")))
        found: list[RecordableAction] | None = step.context.turn_state.get(key)
        if found is None:
            async with self._db.session() as session:
                found = await recordable_actions(
                    session, person_id=options.get("person_id"), is_admin=bool(options.get("is_admin"))
                )
            step.context.turn_state[key] = found
        if options.get("recommendation") is not None:
            found = [c for c in found if c.recommendation_number == options["recommendation"]]
        if options.get("position") is not None:
            found = [c for c in found if c.position == options["position"]]
        return found

    async def _nothing_to_update(self, options: dict[str, Any]) -> str:
        number, position = options.get("recommendation"), options.get("position")
        async with self._db.session() as session:
            if options.get("person_id") is None and not options.get("is_admin"):
                consequence = messages.NOT_ON_ROSTER_RECORD
                return await not_on_roster(session, admin_emails=self._admin_emails, consequence=consequence)
            if number is None:
                person_id = options.get("person_id")
                admin = bool(options.get("is_admin"))  # may update any action: none is "theirs"
                if (
                    person_id is not None
                    and not admin
                    and not await holds_any_action(session, person_id=person_id)
                ):
                    return messages.UPDATE_NO_ACTIONS  # a chair, say: what she can ask instead
                return messages.UPDATE_NOTHING_TO_DO
            others = await open_actions_numbered(session, recommendation_number=number, position=position)
            if others:
                # Someone else's: say whose, so the officer knows whom to ask.
                return await refusal_for(session, action_id=others[0])
        if position is not None:
            return messages.UPDATE_NO_ACTION.format(number=number, position=position)
        return messages.UPDATE_NO_RECOMMENDATION.format(number=number)

    async def _choose(
        self, step: WaterfallStepContext, field: str, question: str, choices: list[dict[str, Any]]
    ) -> DialogTurnResult:
        card = choice_card(question, [(c["answer"], c["title"]) for c in choices])
        return await step.prompt(
            self.choice_prompt,
            PromptOptions(prompt=prompt_of(question, card), validations={"field": field, "choices": choices}),
        )

    async def _ask_text(
        self, step: WaterfallStepContext, field: str, question: str, *, skippable: bool = False
    ) -> DialogTurnResult:
        previous = step.values["previous"].get(field)
        buttons = [(messages.SKIP_BUTTON, "skip")] if skippable else []
        card = None
        if previous:
            buttons.insert(0, (messages.KEEP_PREVIOUS_BUTTON, "same"))
            card = question_card(
                question, buttons, quote=previous, quote_label=messages.PREVIOUS_ANSWER_LABEL
            )
        elif buttons:
            card = question_card(question, buttons)
        rules = {
            "field": field,
            "max_length": self._max_text_length,
            "previous": previous,
            "skippable": skippable,
            "any_words": True,
        }
        return await step.prompt(
            self.text_prompt, PromptOptions(prompt=prompt_of(question, card), validations=rules)
        )

    @staticmethod
    def _draft(answers: dict[str, Any]) -> DraftAnswer:
        grade = Grade(answers["grade"])
        return DraftAnswer(
            evidence=answers["evidence"],
            grade=grade,
            explanation=answers.get("explanation") if grade.needs_explanation else None,
            impact=answers.get("impact") or None,
        )


def _steps_state(inner_dc: DialogContext) -> dict[str, Any]:
    """The waterfall's state: it is always at the bottom of this dialog's own stack."""
    state: dict[str, Any] = inner_dc.stack[-1].state
    return state


def _take_back(values: dict[str, Any], question: str) -> None:
    """Remove an answer so its question is asked again, offering the old answer."""
    answers, asked = values["answers"], values["asked"]
    for transient in ("confirm", "change"):
        answers.pop(transient, None)
        if transient in asked:
            asked.remove(transient)
    if question in answers and question not in CHOICES and answers[question] not in (None, ""):
        values["previous"][question] = answers[question]
    answers.pop(question, None)
    if question in asked:
        asked.remove(question)
    if question in CHOICES:
        # A different review, recommendation or action: what followed belonged to the old one.
        later = QUESTIONS[QUESTIONS.index(question) + 1 :]
        for key in [*later, "round", "round_label", "name"]:
            answers.pop(key, None)
        values["asked"] = [q for q in asked if q not in later]
        values["previous"] = {}
