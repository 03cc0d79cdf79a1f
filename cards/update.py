"""Cards for giving a progress update: the action in context, questions, the summary, the form.

Text that people typed (evidence, explanations) and text from the plan is shown in TextRuns, which
Adaptive Cards never read as Markdown, so "<b>" appears exactly as written; the plan's own markup
(italics, bold, lists, links) is drawn (cards/text.py). Read-only cards
trim long text with "…" to stay under the message size limit; the form never trims what it sends
back, and leaves a field empty rather than send a card too big for Teams.

Buttons answer the guided dialog with {"answer": ...} and no verb: the dialog, when active, takes the
turn first. The form's Save names the verb "save_update".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    ExecuteAction,
    RichTextBlock,
    SubmitAction,
    TextBlock,
    TextInput,
    TextRun,
)

from cards import messages
from cards.actions import execute
from cards.grades import GRADES, look
from cards.size import CARD_BYTE_LIMIT, card_bytes, fitted
from cards.text import marked
from documents.grades import Grade
from documents.layout import plain_words
from store.views import ActionForUpdate, DraftAnswer, ReturnForReview, RoundAnswer

LONG_TEXT = 1_500  # characters of a long text shown in a read-only card
SUMMARY_TEXT = 4_000  # the summary to confirm shows more: it is what will be saved

SAVE_UPDATE_VERB = "save_update"
OPEN_UPDATE_VERB = "open_update"


def open_update_data(action_id: int, *, guided: bool = False) -> dict[str, Any]:
    """Action.Submit data for a button that opens the update for one action (reminders, status cards):
    the form, or with `guided` the step-by-step dialog."""
    return {"verb": OPEN_UPDATE_VERB, "action_id": action_id, "guided": guided}


def _card(body: list[CardElement], actions: Sequence[SubmitAction | ExecuteAction] = ()) -> dict[str, Any]:
    card = AdaptiveCard(version="1.5", body=body, actions=list(actions) or None)
    dumped: dict[str, Any] = card.model_dump(mode="json", exclude_none=True)
    return fitted(dumped, limits=(LONG_TEXT, 600, 200, 80))


def heading(text: str) -> TextBlock:
    return TextBlock(text=text, weight="Bolder", size="Medium", wrap=True)


def label_block(text: str) -> TextBlock:
    return TextBlock(text=text, weight="Bolder", wrap=True, spacing="Medium")


def verbatim(text: str, limit: int = LONG_TEXT, *, subtle: bool = False) -> RichTextBlock:
    """Text from the plan or from people as written, its markup drawn (cards/text.py)."""
    return marked(text, limit, subtle=subtle)


def labelled(label: str, text: str | None, limit: int = LONG_TEXT) -> list[CardElement]:
    return [label_block(label), verbatim(text or "—", limit)]


def _grade(grade: Grade | None) -> TextBlock:
    shown = look(grade)
    return TextBlock(text=shown.words, color=shown.color, weight="Bolder", wrap=True)


# The guided dialog's steps stay Action.Submit: each answer is the officer's message in the chat, which
# the dialog's prompts read, and the step above it stays as the record of what was asked.
def _answer_button(
    title: str, answer: str, *, positive: bool = False, draft_id: str | None = None
) -> SubmitAction:
    data = {"answer": answer} | ({"draft": draft_id} if draft_id else {})
    return SubmitAction(title=title, data=data, style="positive" if positive else None)


def day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def answer_block(answer: RoundAnswer, limit: int = LONG_TEXT, *, labels: bool = False) -> list[CardElement]:
    """A round's answer: its grade, then its evidence; `labels` heads each with the form's words."""
    items: list[CardElement] = [label_block(messages.ASSESSMENT_LABEL)] if labels else []
    items.append(_grade(answer.grade))
    if labels:
        items += labelled(messages.EVIDENCE_LABEL, answer.evidence, limit)
    else:
        items.append(verbatim(answer.evidence, limit))
    if answer.explanation:
        items += labelled("Explanation", answer.explanation, limit)
    if answer.impact:
        items += labelled("Evidence of impact", answer.impact, limit)
    return items


def plan_context(
    action: ActionForUpdate | ReturnForReview, *, date_text: str | None = None
) -> list[CardElement]:
    """Where the action sits and what was agreed, as the committee's plan says it."""
    where = f"{action.review_title} — Recommendation {action.recommendation_number}"
    body: list[CardElement] = [verbatim(f"{where}: {action.recommendation_text}", 600, subtle=True)]
    if action.group:
        body.append(verbatim(action.group, 200, subtle=True))
    body += labelled("Agreed action", action.agreed_action)
    if action.success_measure:
        body += labelled("Success measure", action.success_measure)
    if date_text is not None:
        body += labelled("Date", date_text, 200)
    body += labelled("Responsibility", action.responsibility, 300)
    return body


def _action_context(view: ActionForUpdate) -> list[CardElement]:
    return [
        heading(f"{view.name} · {view.round_label} update"),
        *plan_context(view, date_text=view.date_text),
    ]


def action_card(view: ActionForUpdate) -> dict[str, Any]:
    """The action as the officer answers it: what was agreed, last round's answer, any saved answer."""
    body = _action_context(view)
    if view.last_round is not None:
        body.append(
            Container(
                separator=True,
                spacing="Medium",
                items=[
                    label_block(f"Last round ({view.last_round.round_label})"),
                    *answer_block(view.last_round),
                ],
            )
        )
    if view.current is not None:
        body.append(
            Container(
                style="emphasis",
                spacing="Medium",
                items=[
                    label_block(changing_saved_answer(view.current)),
                    *answer_block(view.current),
                ],
            )
        )
    body.append(TextBlock(text=messages.UPDATE_HINT, wrap=True, is_subtle=True, spacing="Medium"))
    return _card(body)


def changing_saved_answer(current: RoundAnswer) -> str:
    return messages.CHANGING_SAVED_ANSWER.format(
        when=day(current.recorded_at), who=current.recorded_by or "an import"
    )


def question_card(
    question: str,
    buttons: Sequence[tuple[str, str]] = (),
    *,
    quote: str | None = None,
    quote_label: str = "",
) -> dict[str, Any]:
    """A question with reply buttons, each (title, answer), and perhaps an earlier answer quoted."""
    body: list[CardElement] = [TextBlock(text=question, wrap=True)]
    if quote:
        body += [
            TextBlock(text=quote_label, wrap=True, is_subtle=True),
            verbatim(quote, LONG_TEXT, subtle=True),
        ]
    return _card(body, [_answer_button(t, a) for t, a in buttons])


def command_or_answer_card(question: str, *, command: str, start: str, keep: str) -> dict[str, Any]:
    """A command typed where an answer was asked for: run it (the answer's dialog ends), or keep
    the words as the answer. (dialogs/prompts.py reads "start_again".)"""
    return _card(
        [TextBlock(text=question, wrap=True)],
        [
            SubmitAction(title=start, data={"answer": command, "start_again": command}),
            SubmitAction(title=keep, data={"answer": command}),
        ],
    )


def choice_card(question: str, choices: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Pick one of (answer, title); radio buttons for a few, a drop-down for many. Typing works too."""
    choice_set = ChoiceSetInput(
        id="answer",
        label=question,
        style="expanded" if len(choices) <= 8 else "compact",
        wrap=True,
        is_required=True,
        error_message=messages.NOT_A_CHOICE,
        # A choice's title draws no text styles: the plan's "*My Stockton*" reads "My Stockton".
        choices=[Choice(title=plain_words(title), value=answer) for answer, title in choices],
    )
    return _card([choice_set], [SubmitAction(title=messages.NEXT_BUTTON)])


def grade_card(question: str) -> dict[str, Any]:
    body: list[CardElement] = [TextBlock(text=question, wrap=True)]
    for shown in GRADES.values():
        runs: list[CardElement] = [
            TextRun(text=shown.numbered, color=shown.color, weight="Bolder"),
            TextRun(text=f": {shown.meaning}"),
        ]
        body.append(RichTextBlock(inlines=runs, spacing="None"))
    return _card(body, [_answer_button(shown.numbered, str(grade.value)) for grade, shown in GRADES.items()])


def summary_card(view: ActionForUpdate, draft: DraftAnswer, *, draft_id: str | None = None) -> dict[str, Any]:
    """What will be saved, to confirm: Save / Change / Cancel. Save carries the draft's id, so a
    press that arrives after the dialog has ended is told what that draft saved."""
    body: list[CardElement] = [
        heading(f"{view.name} · {view.round_label} update"),
        TextBlock(text=messages.ASK_CONFIRM, wrap=True),
        *labelled("Evidence of progress", draft.evidence, SUMMARY_TEXT),
        label_block("Assessment of progress"),
        _grade(draft.grade),
    ]
    if draft.explanation:
        body += labelled("Explanation", draft.explanation, SUMMARY_TEXT)
    body += labelled("Evidence of impact", draft.impact, SUMMARY_TEXT)
    return _card(
        body,
        [
            _answer_button(messages.SAVE_BUTTON, "save", positive=True, draft_id=draft_id),
            _answer_button(messages.CHANGE_BUTTON, "change"),
            _answer_button(messages.CANCEL_BUTTON, "cancel"),
        ],
    )


def saved_card(view: ActionForUpdate, saved: RoundAnswer) -> dict[str, Any]:
    """Read-only: replaces the form once saved, so it cannot be submitted again."""
    body: list[CardElement] = [
        heading(f"Saved: {view.name} · {saved.round_label} update"),
        TextBlock(
            text=f"Saved on {day(saved.recorded_at)} by {saved.recorded_by or 'an admin'}.",
            wrap=True,
            is_subtle=True,
        ),
    ]
    if view.answers_return is not None:  # its answer to a return: the scrutiny officer reads it again
        body.append(verbatim(messages.SAVED_CARD_RESUBMITTED.format(reason=view.answers_return), 2_000))
    body += [*_verbatim_context(view), *answer_block(saved, labels=True)]
    return _card(body)


def _verbatim_context(view: ActionForUpdate) -> list[CardElement]:
    return labelled("Agreed action", view.agreed_action, 600)


def _form_body(
    view: ActionForUpdate, *, max_text_length: int, prefill: RoundAnswer | None, problem: str | None
) -> list[CardElement]:
    body = _action_context(view)
    if view.last_round is not None:
        body.append(
            Container(
                separator=True,
                items=[
                    label_block(f"Last round ({view.last_round.round_label})"),
                    *answer_block(view.last_round),
                ],
            )
        )
    if view.current is not None:
        body.append(TextBlock(text=changing_saved_answer(view.current), wrap=True, color="Accent"))
    if view.returned_reason:
        body.append(verbatim(messages.FORM_RETURNED_BECAUSE.format(reason=view.returned_reason), 2_000))
    if problem:
        body.append(TextBlock(text=problem, wrap=True, color="Attention"))

    def text_input(id_: str, label: str, value: str | None, *, required: bool = False) -> TextInput:
        return TextInput(
            id=id_,
            label=label,
            is_multiline=True,
            max_length=max_text_length,
            value=value or None,
            is_required=required or None,
            error_message=messages.FORM_EVIDENCE_NEEDED if required else None,
        )

    evidence = text_input(
        "evidence",
        f"Evidence of progress for {view.round_label}",
        prefill.evidence if prefill else None,
        required=True,
    )
    evidence.separator, evidence.spacing = True, "Large"
    body += [
        evidence,
        ChoiceSetInput(
            id="grade",
            label="Assessment of progress",
            style="expanded",
            is_required=True,
            error_message=messages.GRADE_NEEDED,
            value=str(prefill.grade.value) if prefill and prefill.grade else None,
            choices=[Choice(title=shown.numbered, value=str(g.value)) for g, shown in GRADES.items()],
        ),
        text_input(
            "explanation",
            "Explanation (needed for Slipped or Not Achieved)",
            prefill.explanation if prefill else None,
        ),
        text_input("impact", "Evidence of impact (optional)", prefill.impact if prefill else None),
    ]
    return body


def update_form_card(
    view: ActionForUpdate, *, form_id: str, max_text_length: int, problem: str | None = None
) -> dict[str, Any]:
    """One card to answer for the action: evidence, grade, explanation, impact, and Save.

    The saved answer is filled in to edit, unless that would make the card too big for Teams: then
    the fields start empty and the card says so, rather than trim what the officer wrote.
    """
    save = execute(
        title=messages.SAVE_BUTTON,
        style="positive",
        data={
            "verb": SAVE_UPDATE_VERB,
            "action_id": view.action_id,
            "round_id": view.round_id,
            "form_id": form_id,
        },
    )
    card = _card(
        _form_body(view, max_text_length=max_text_length, prefill=view.current, problem=problem), [save]
    )
    if card_bytes(card) <= CARD_BYTE_LIMIT or view.current is None:
        return card
    note = messages.FORM_EVIDENCE_TOO_LONG_TO_SHOW.format(length=len(view.current.evidence))
    return _card(
        _form_body(
            view,
            max_text_length=max_text_length,
            prefill=None,
            problem=" ".join(filter(None, [problem, note])),
        ),
        [save],
    )
