"""Cards for the executive's response: the form listing a review's recommendations, each with a
choice of the three responses and a reason; the same once saved; the link officers' reminder.

The form's inputs are named by recommendation number ("response_3", "reason_3"), so what comes back
says which recommendation each answer is for; dialogs/responses.py reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    Container,
    DateInput,
    ExecuteAction,
    TextBlock,
    TextInput,
)

from cards import life_messages
from cards.actions import execute
from cards.size import fitted
from cards.status import day_of, plan_text, response_line
from cards.update import heading, verbatim
from documents.responses import REASON_LIMIT, ExecutiveResponse
from store.views import RecommendationResponse

SHOW_RESPONSES_VERB = "show_responses"  # {"review_id"}: the form
SAVE_RESPONSES_VERB = "save_responses"  # {"review_id", "date", "response_N", "reason_N"...}
RESPONSES_PER_CARD = 12  # recommendations in one form: those still without a response first
TEXT = 400  # characters of a recommendation's words shown


def response_input_id(number: int) -> str:
    return f"response_{number}"


def reason_input_id(number: int) -> str:
    return f"reason_{number}"


def _card(body: Sequence[CardElement], actions: Sequence[ExecuteAction] = ()) -> dict[str, Any]:
    card = AdaptiveCard(version="1.5", body=list(body), actions=list(actions) or None)
    dumped: dict[str, Any] = card.model_dump(mode="json", by_alias=True, exclude_none=True)
    return fitted(dumped, limits=(TEXT, 200, 80))


def _recommendation(rec: RecommendationResponse) -> list[CardElement]:
    return [
        TextBlock(text=f"Recommendation {rec.number}", weight="Bolder", wrap=True),
        plan_text(rec.text, TEXT),
    ]


def responses_card(
    *,
    review_id: int,
    review_title: str,
    recommendations: Sequence[RecommendationResponse],
    today: date,
    due: date | None = None,
    report_date: date | None = None,
) -> dict[str, Any]:
    """The form: each recommendation with the three responses to choose from and a reason; one date
    for them all (today unless changed); Save. Those still without a response come first."""
    ordered = sorted(recommendations, key=lambda r: (r.response is not None, r.number))
    shown = ordered[:RESPONSES_PER_CARD]
    body: list[CardElement] = [
        heading(life_messages.RESPONSES_TITLE.format(review=review_title)),
        TextBlock(text=life_messages.RESPONSES_INTRO, wrap=True),
    ]
    if due is not None and report_date is not None:
        due_line = life_messages.RESPONSES_DUE.format(due=day_of(due), report=day_of(report_date))
        body.append(TextBlock(text=due_line, is_subtle=True, wrap=True))
    body.append(DateInput(id="date", label=life_messages.RESPONSES_DATE_LABEL, value=today.isoformat()))
    for rec in shown:
        current = rec.response
        choices = [
            Choice(title=life_messages.RESPONSE_CHOICES[r.value], value=r.value) for r in ExecutiveResponse
        ]
        inputs: list[CardElement] = [
            ChoiceSetInput(
                id=response_input_id(rec.number),
                label=life_messages.RESPONSES_CHOICE_LABEL,
                style="compact",
                placeholder=life_messages.RESPONSES_NOT_GIVEN,
                value=current.response.value if current else None,
                choices=choices,
            ),
            TextInput(
                id=reason_input_id(rec.number),
                label=life_messages.RESPONSES_REASON_LABEL,
                is_multiline=True,
                max_length=REASON_LIMIT,
                value=current.reason if current and current.reason else None,
            ),
        ]
        body.append(Container(separator=True, spacing="Medium", items=[*_recommendation(rec), *inputs]))
    if len(ordered) > len(shown):
        more = life_messages.RESPONSES_MORE.format(count=len(ordered) - len(shown))
        body.append(TextBlock(text=more, is_subtle=True, wrap=True))
    save = execute(
        title=life_messages.RESPONSES_SAVE_BUTTON,
        style="positive",
        data={"verb": SAVE_RESPONSES_VERB, "review_id": review_id},
    )
    return _card(body, [save])


def responses_saved_card(
    *, review_title: str, recommendations: Sequence[RecommendationResponse]
) -> dict[str, Any]:
    """The form once saved: each recommendation's response as status shows it, nothing to press."""
    body: list[CardElement] = [heading(life_messages.RESPONSES_TITLE.format(review=review_title))]
    for rec in recommendations:
        said = response_line(rec.response) if rec.response else life_messages.RESPONSES_NOT_GIVEN
        body.append(Container(separator=True, items=[*_recommendation(rec), verbatim(said, 1_000)]))
    return _card(body)


def response_due_card(
    *, review_id: int, review_title: str, due: date, waiting: Sequence[RecommendationResponse]
) -> dict[str, Any]:
    """To the review's link officers before the response is due: what has none yet, and the form."""
    body: list[CardElement] = [
        heading(life_messages.RESPONSE_DUE_TITLE.format(review=review_title, due=f"{due:%A} {day_of(due)}")),
        TextBlock(text=life_messages.RESPONSE_DUE_INTRO, wrap=True),
    ]
    body += [plan_text(f"{rec.number}. {rec.text}", 160) for rec in waiting[:20]]
    if len(waiting) > 20:
        more = life_messages.RESPONSE_DUE_MORE.format(count=len(waiting) - 20)
        body.append(TextBlock(text=more, is_subtle=True, wrap=True))
    button = execute(
        title=life_messages.RESPONSE_DUE_BUTTON,
        style="positive",
        data={"verb": SHOW_RESPONSES_VERB, "review_id": review_id},
    )
    return _card([*body, ActionSet(actions=[button])])  # type: ignore[list-item]
