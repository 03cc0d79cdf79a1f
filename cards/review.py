"""Cards for the scrutiny officer's review: a return to accept or send back, what became of it, and
what the officer hears when it comes back to them.

Text people typed is shown in TextRuns (never read as Markdown), as on the update cards. Return…
opens the reason in the same card (Action.ShowCard), so the reviewer never leaves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    CardElement,
    Container,
    ExecuteAction,
    ShowCardAction,
    TextBlock,
    TextInput,
    ToggleInput,
)

from cards import messages
from cards.actions import execute
from cards.evidence import evidence_links_block
from cards.size import fitted
from cards.update import (
    LONG_TEXT,
    answer_block,
    day,
    heading,
    label_block,
    labelled,
    open_update_data,
    plan_context,
    verbatim,
)
from store.views import ExtensionView, ReturnForReview, ReturnState

ACCEPT_RETURN_VERB = "accept_return"  # {"update_id", "internal": "true" | "false"}
APPROVE_EXTENSION_VERB = "approve_extension"  # {"request_id"}
REFUSE_EXTENSION_VERB = "refuse_extension"  # {"request_id", "reason"}
RETURN_RETURN_VERB = "return_return"  # {"update_id", "reason"}
REVIEW_QUEUE_VERB = "review_queue"  # the queue again, from a card's button


def counted(count: int, words: tuple[str, str]) -> str:
    """ "1 update" or "3 updates": (one, many) from messages."""
    return (words[0] if count == 1 else words[1]).format(count=count)


def waiting_words(*, updates: int, dates: int = 0) -> str:
    """ "3 updates and 1 new date wait", "1 update waits": what waits for the reviewer, each kind
    counted on its own."""
    kinds = [counted(updates, messages.REVIEW_QUEUE_UPDATES)] if updates else []
    kinds += [counted(dates, messages.REVIEW_QUEUE_DATES)] if dates else []
    what = messages.REVIEW_QUEUE_AND.format(first=kinds[0], second=kinds[1]) if len(kinds) > 1 else kinds[0]
    wait = messages.REVIEW_QUEUE_WAIT[0] if updates + dates == 1 else messages.REVIEW_QUEUE_WAIT[1]
    return f"{what} {wait}"


def review_card(
    body: Sequence[CardElement], actions: Sequence[ExecuteAction | ShowCardAction] = ()
) -> dict[str, Any]:
    """A card of the review loop (returns, new dates, drafts), fitted within Teams' size."""
    card = AdaptiveCard(version="1.5", body=list(body), actions=list(actions) or None)
    dumped: dict[str, Any] = card.model_dump(mode="json", by_alias=True, exclude_none=True)
    return fitted(dumped, limits=(LONG_TEXT, 600, 200, 80))


def _context(item: ReturnForReview) -> list[CardElement]:
    body = plan_context(item)
    if item.last_round is not None:
        body.append(
            Container(
                separator=True,
                items=[
                    label_block(f"Last round ({item.last_round.round_label})"),
                    *answer_block(item.last_round),
                ],
            )
        )
    who = item.answer.recorded_by or "an officer"
    body.append(
        Container(
            separator=True,
            items=[
                label_block(f"{item.round_label} (new)"),
                TextBlock(
                    text=messages.REVIEW_RECORDED.format(who=who, when=day(item.answer.recorded_at)),
                    is_subtle=True,
                    size="Small",
                    wrap=True,
                ),
                *answer_block(item.answer),
            ],
        )
    )
    body += evidence_links_block(item.evidence_links)
    if item.returned_before:
        body.append(
            verbatim(messages.REVIEW_RESUBMITTED.format(reason=item.returned_before), 600, subtle=True)
        )
    return body


def with_reason(title: str, *, label: str, button: str, data: dict[str, Any]) -> ShowCardAction:
    """A button that opens, inside the card, a box for the reason and the button that sends it."""
    reason = TextInput(
        id="reason",
        label=label,
        is_multiline=True,
        is_required=True,
        max_length=2_000,
        error_message=messages.REVIEW_REASON_NEEDED,
    )
    send = execute(title=button, style="destructive", data=data)
    return ShowCardAction(title=title, card=AdaptiveCard(version="1.5", body=[reason], actions=[send]))


def return_card(item: ReturnForReview) -> dict[str, Any]:
    """One return to read: the action and its success measure, last round's, the new one; Accept, or
    Return… with the reason asked for in the card itself. Above them, whether its evidence, once
    accepted, stays off the public tracker: the toggle's value goes with Accept (and with Return…,
    which ignores it)."""
    accept = execute(
        title=messages.REVIEW_ACCEPT_BUTTON,
        style="positive",
        data={"verb": ACCEPT_RETURN_VERB, "update_id": item.update_id},
    )
    give_reason = with_reason(
        messages.REVIEW_RETURN_BUTTON,
        label=messages.REVIEW_REASON_LABEL,
        button=messages.REVIEW_SEND_BACK_BUTTON,
        data={"verb": RETURN_RETURN_VERB, "update_id": item.update_id},
    )
    internal = ToggleInput(
        id="internal",
        title=messages.REVIEW_INTERNAL_TOGGLE,
        value="true" if item.internal else "false",  # an admin may have marked it already
        value_on="true",
        value_off="false",
        separator=True,
    )
    title = messages.REVIEW_CARD_TITLE.format(name=item.name, round=item.round_label)
    return review_card([heading(title), *_context(item), internal], [accept, give_reason])


def decided_card(item: ReturnForReview) -> dict[str, Any]:
    """The return card once decided: the same content, nothing left to press."""
    verdict = (
        messages.REVIEW_STATE_ACCEPTED
        if item.state is ReturnState.ACCEPTED
        else messages.REVIEW_STATE_RETURNED
    )
    title = messages.REVIEW_DECIDED_TITLE.format(
        verdict=verdict.capitalize(), name=item.name, round=item.round_label
    )
    body = [heading(title), *_context(item)]
    if item.reason:
        body += labelled("Returned because", item.reason, 600)
    if item.internal and item.state is ReturnState.ACCEPTED:
        body.append(TextBlock(text=messages.REVIEW_INTERNAL_MARK, weight="Bolder", wrap=True))
    return review_card(body)


def returned_card(item: ReturnForReview, *, reviewer: str, deputy: str | None = None) -> dict[str, Any]:
    """To the officer: their update came back, why, and a button to the form filled with what they
    wrote; to the officer a `deputy` recorded it for, the same, told as the deputy's."""
    if deputy is None:
        title = messages.RETURNED_TITLE.format(round=item.round_label, name=item.name)
    else:
        title = messages.RETURNED_TITLE_DEPUTY.format(deputy=deputy, round=item.round_label, name=item.name)
    body: list[CardElement] = [
        heading(title),
        verbatim(messages.RETURNED_REASON.format(who=reviewer, reason=item.reason or ""), 2_000),
        *labelled("Agreed action", item.agreed_action, 600),
        *labelled("What they wrote" if deputy else "What you wrote", item.answer.evidence, 600),
    ]
    change = execute(title=messages.RETURNED_BUTTON, style="positive", data=open_update_data(item.action_id))
    return review_card(body, [change])


def accepted_card(items: Sequence[tuple[ReturnForReview, str | None]]) -> dict[str, Any]:
    """The day's one line to an officer: which of their updates the scrutiny officer accepted, each
    with the deputy who recorded it for them, if one did."""
    names = "; ".join(
        messages.ACCEPTED_ITEM_DEPUTY.format(name=item.name, round=item.round_label, deputy=deputy)
        if deputy
        else f"{item.name} ({item.round_label})"
        for item, deputy in items
    )
    return review_card([TextBlock(text=messages.ACCEPTED_LINE.format(names=names), wrap=True)])


def to_review_card(*, round_label: str, items: Sequence[ReturnForReview]) -> dict[str, Any]:
    """To the scrutiny officer once a round's deadline has passed: what still waits for them."""
    title = messages.TO_REVIEW_TITLE.format(round=round_label, updates=waiting_words(updates=len(items)))
    body: list[CardElement] = [heading(title)]
    for item in items[:40]:
        who = item.answer.recorded_by or item.responsibility
        body.append(
            verbatim(f"{item.recommendation_number}.{item.position} — {who}: {item.agreed_action}", 200)
        )
    if len(items) > 40:
        body.append(TextBlock(text=messages.REVIEW_QUEUE_MORE.format(count=len(items) - 40), wrap=True))
    # The queue is several cards, posted below this one (dialogs/review.py posts them there).
    button = execute(title=messages.TO_REVIEW_BUTTON, data={"verb": REVIEW_QUEUE_VERB})
    return review_card([*body, ActionSet(actions=[button])])  # type: ignore[list-item]


def unreachable_card(*, name: str, about: str) -> dict[str, Any]:
    """To a review's link officer: someone the bot has never seen in Teams could not be told this."""
    body: list[CardElement] = [
        heading(messages.UNREACHABLE_TITLE.format(name=name)),
        verbatim(about, 2_000),
        TextBlock(text=messages.UNREACHABLE_LATER, wrap=True),
    ]
    return review_card(body)


def _extension_body(view: ExtensionView) -> list[CardElement]:
    return [
        verbatim(f"{view.review_title} — {view.agreed_action}", 600, subtle=True),
        TextBlock(
            text=messages.EXTENSION_DATES.format(current=view.current_date, asked=view.asked_date),
            weight="Bolder",
            wrap=True,
        ),
        *labelled("Why", view.reason, 2_000),
        TextBlock(
            text=messages.EXTENSION_ASKED_BY.format(
                who=view.asked_by or "an officer", when=day(view.asked_at)
            ),
            is_subtle=True,
            size="Small",
            wrap=True,
        ),
    ]


def extension_card(view: ExtensionView) -> dict[str, Any]:
    """A new date asked for: Approve, or Refuse… with the reason asked for in the card."""
    approve = execute(
        title=messages.EXTENSION_APPROVE_BUTTON,
        style="positive",
        data={"verb": APPROVE_EXTENSION_VERB, "request_id": view.request_id},
    )
    give_reason = with_reason(
        messages.EXTENSION_REFUSE_BUTTON,
        label=messages.EXTENSION_REFUSE_LABEL,
        button=messages.EXTENSION_SEND_REFUSAL_BUTTON,
        data={"verb": REFUSE_EXTENSION_VERB, "request_id": view.request_id},
    )
    title = messages.EXTENSION_TITLE.format(name=view.name)
    return review_card([heading(title), *_extension_body(view)], [approve, give_reason])


def extension_decided_card(view: ExtensionView) -> dict[str, Any]:
    verdict = "Approved" if view.approved else "Refused"
    body = [
        heading(messages.EXTENSION_DECIDED_TITLE.format(verdict=verdict, name=view.name)),
        *_extension_body(view),
    ]
    if view.decision_reason:
        body += labelled("Refused because", view.decision_reason, 600)
    return review_card(body)


def extension_told_card(view: ExtensionView) -> dict[str, Any]:
    """To the officer who asked: what was decided."""
    if view.approved:
        text = messages.EXTENSION_TOLD_APPROVED.format(name=view.name, date=view.asked_date)
    else:
        text = messages.EXTENSION_TOLD_REFUSED.format(name=view.name, reason=view.decision_reason or "")
    return review_card([verbatim(text, 2_000)])
