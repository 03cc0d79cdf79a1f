"""Cards for drafting the action plan: a recommendation's draft actions, each with Edit… and Remove,
and a form to add one; the choice of recommendation; the scrutiny officer's card to accept or return
a draft; and what the drafter and the scrutiny officer are told.

The forms' inputs are named by the action they edit ("responsibility_12") or "_new" for the one to
add, so what comes back says which action it is for, and a stale card's inputs are never taken for
another action's. dialogs/drafts.py reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    CardElement,
    Container,
    TextBlock,
    TextInput,
)

from cards import life_messages as words
from cards import messages
from cards.actions import execute
from cards.review import REVIEW_QUEUE_VERB, review_card, with_reason
from cards.status import day_of, plan_text, response_line
from cards.update import heading, labelled, verbatim
from documents.responses import ExecutiveResponse
from store.views import DraftAction, DraftState, DraftView

SHOW_DRAFT_VERB = "show_draft"  # {"recommendation_id"}
ADD_DRAFT_ACTION_VERB = "add_draft_action"  # {"recommendation_id", "<field>_new"...}
EDIT_DRAFT_ACTION_VERB = "edit_draft_action"  # {"action_id"}: its form in the draft's place
SAVE_DRAFT_ACTION_VERB = "save_draft_action"  # {"action_id", "<field>_<action id>"...}
REMOVE_DRAFT_ACTION_VERB = "remove_draft_action"  # {"action_id"}
SEND_DRAFT_VERB = "send_draft"  # {"recommendation_id"}
ACCEPT_DRAFT_VERB = "accept_draft"  # {"recommendation_id", "sent_at"}
RETURN_DRAFT_VERB = "return_draft"  # {"recommendation_id", "sent_at", "reason"}

FIELDS = ("agreed_action", "responsibility", "date", "success_measure")
NEW = "new"
TEXT = 600  # characters of a recommendation's words shown
ACTION_LIMIT = 4_000  # as store/drafts.py takes them


def input_id(field: str, action_id: int | str) -> str:
    return f"{field}_{action_id}"


def state_words(state: DraftState | None) -> str:
    return words.DRAFT_STATES[state.value if state else None]


def _inputs(key: int | str, action: DraftAction | None = None) -> list[CardElement]:
    values = (
        {
            "agreed_action": action.agreed_action,
            "responsibility": action.responsibility,
            "date": action.date_text,
            "success_measure": action.success_measure,
        }
        if action
        else {}
    )
    return [
        TextInput(
            id=input_id(field, key),
            label=words.DRAFT_LABELS[field],
            placeholder=words.DRAFT_PLACEHOLDERS[field],
            is_multiline=field in ("agreed_action", "success_measure"),
            max_length=ACTION_LIMIT if field in ("agreed_action", "success_measure") else 500,
            value=values.get(field) or None,
        )
        for field in FIELDS
    ]


def _action_block(action: DraftAction, *, editable: bool) -> Container:
    items: list[CardElement] = [
        TextBlock(
            text=words.DRAFT_ACTION_HEADING.format(position=action.position), weight="Bolder", wrap=True
        ),
    ]
    if action.group:
        items.append(verbatim(action.group, 200, subtle=True))
    items += [
        *labelled(words.DRAFT_LABELS["agreed_action"], action.agreed_action, 1_000),
        *labelled(words.DRAFT_LABELS["responsibility"], action.responsibility, 300),
        *labelled(words.DRAFT_LABELS["date"], action.date_text, 200),
        *labelled(words.DRAFT_LABELS["success_measure"], action.success_measure, 1_000),
    ]
    if editable:
        # The form comes in the draft's place when asked for: a form per action inside the draft
        # would carry every action's words twice, past Teams' limit for a long recommendation.
        edit = execute(
            title=words.DRAFT_EDIT_BUTTON, data={"verb": EDIT_DRAFT_ACTION_VERB, "action_id": action.id}
        )
        remove = execute(
            title=words.DRAFT_REMOVE_BUTTON,
            style="destructive",
            data={"verb": REMOVE_DRAFT_ACTION_VERB, "action_id": action.id},
        )
        items.append(ActionSet(actions=[edit, remove]))
    return Container(separator=True, spacing="Medium", items=items)


def _about(view: DraftView) -> list[CardElement]:
    body: list[CardElement] = [
        TextBlock(text=view.review_title, is_subtle=True, wrap=True),
        plan_text(view.text, TEXT),
    ]
    if view.response is not None:
        body.append(TextBlock(text=response_line(view.response), is_subtle=True, wrap=True))
    return body


def editable(view: DraftView) -> bool:
    monitored = view.response is None or view.response.response is not ExecutiveResponse.NOT_ACCEPTED
    return view.agreed_on is None and monitored


def draft_card(view: DraftView) -> dict[str, Any]:
    """The recommendation's draft: its actions, each with Edit… and Remove, the form to add one, and
    Send for review; once the plan is agreed (or for a recommendation not accepted), only what it holds."""
    body: list[CardElement] = [heading(words.DRAFT_TITLE.format(number=view.number)), *_about(view)]
    can_edit = editable(view)
    if view.agreed_on is not None:
        body.append(TextBlock(text=words.DRAFT_FROZEN.format(day=day_of(view.agreed_on)), wrap=True))
    elif not can_edit:
        body.append(TextBlock(text=words.DRAFT_NOT_ACCEPTED, wrap=True))
    else:
        body.append(
            TextBlock(
                text=words.DRAFT_STATE_LINE.format(state=state_words(view.state)), weight="Bolder", wrap=True
            )
        )
        if view.state is DraftState.RETURNED and view.reason:
            body.append(verbatim(words.DRAFT_RETURNED_BECAUSE.format(reason=view.reason), 2_000))
    body += [_action_block(action, editable=can_edit) for action in view.actions]
    if not view.actions and can_edit:
        body.append(TextBlock(text=words.DRAFT_NO_ACTIONS, is_subtle=True, wrap=True))
    if not can_edit:
        return review_card(body)
    body.append(
        Container(
            separator=True,
            spacing="Large",
            items=[TextBlock(text=words.DRAFT_ADD_HEADING, weight="Bolder", wrap=True), *_inputs(NEW)],
        )
    )
    add = execute(
        title=words.DRAFT_ADD_BUTTON,
        style="positive",
        data={"verb": ADD_DRAFT_ACTION_VERB, "recommendation_id": view.recommendation_id},
    )
    send = execute(
        title=words.DRAFT_SEND_BUTTON,
        data={"verb": SEND_DRAFT_VERB, "recommendation_id": view.recommendation_id},
    )
    return review_card(body, [add, send])


def draft_edit_card(view: DraftView, action_id: int) -> dict[str, Any]:
    """One action of the draft as a form, filled with its words: Save changes, or back to the draft."""
    action = next(a for a in view.actions if a.id == action_id)
    body: list[CardElement] = [
        heading(words.DRAFT_EDIT_TITLE.format(position=action.position, number=view.number)),
        *_about(view),
        *_inputs(action.id, action),
    ]
    save = execute(
        title=words.DRAFT_SAVE_BUTTON,
        style="positive",
        data={"verb": SAVE_DRAFT_ACTION_VERB, "action_id": action.id},
    )
    back = execute(
        title=words.DRAFT_BACK_BUTTON,
        data={"verb": SHOW_DRAFT_VERB, "recommendation_id": view.recommendation_id},
    )
    return review_card(body, [save, back])


def draft_choice_card(views: Sequence[DraftView]) -> dict[str, Any]:
    """ "draft" alone: the review's accepted recommendations, each with its draft's state and a button."""
    title = views[0].review_title if views else ""
    body: list[CardElement] = [
        heading(words.DRAFT_CHOICE_TITLE.format(review=title)),
        TextBlock(text=words.DRAFT_CHOICE_INTRO, wrap=True),
    ]
    for view in views[:20]:
        line = words.DRAFT_CHOICE_LINE.format(count=len(view.actions), state=state_words(view.state))
        button = execute(
            title=words.DRAFT_CHOICE_BUTTON.format(number=view.number),
            data={"verb": SHOW_DRAFT_VERB, "recommendation_id": view.recommendation_id},
        )
        body.append(
            Container(
                separator=True,
                items=[
                    plan_text(f"{view.number}. {view.text}", 200),
                    TextBlock(text=line, is_subtle=True, wrap=True),
                    ActionSet(actions=[button]),
                ],
            )
        )
    return review_card(body)


def _for_review(view: DraftView) -> list[CardElement]:
    body: list[CardElement] = [*_about(view)]
    body += [_action_block(action, editable=False) for action in view.actions]
    if view.reason:
        body.append(verbatim(words.DRAFT_RESENT.format(reason=view.reason), 600, subtle=True))
    return body


def draft_review_card(view: DraftView) -> dict[str, Any]:
    """To the scrutiny officer: a recommendation's draft actions, Accept, or Return… with the reason."""
    sent = {
        "recommendation_id": view.recommendation_id,
        "sent_at": view.sent_at.isoformat() if view.sent_at else "",
    }
    accept = execute(
        title=messages.REVIEW_ACCEPT_BUTTON, style="positive", data={"verb": ACCEPT_DRAFT_VERB, **sent}
    )
    give_reason = with_reason(
        messages.REVIEW_RETURN_BUTTON,
        label=messages.REVIEW_REASON_LABEL,
        button=messages.REVIEW_SEND_BACK_BUTTON,
        data={"verb": RETURN_DRAFT_VERB, **sent},
    )
    title = words.DRAFT_REVIEW_TITLE.format(number=view.number, who=view.sent_by or "an officer")
    return review_card([heading(title), *_for_review(view)], [accept, give_reason])


def draft_decided_card(view: DraftView) -> dict[str, Any]:
    """The scrutiny officer's card once decided: the same content, nothing left to press."""
    verdict = "Accepted" if view.state is DraftState.ACCEPTED else "Returned"
    body = [
        heading(words.DRAFT_DECIDED_TITLE.format(verdict=verdict, number=view.number)),
        *_for_review(view),
    ]
    if view.state is DraftState.RETURNED and view.reason:
        body = [*body[:-1], *labelled("Returned because", view.reason, 600)]
    return review_card(body)


def draft_returned_card(view: DraftView, *, reviewer: str) -> dict[str, Any]:
    """To the drafter: their draft came back, why, and a button to it."""
    body: list[CardElement] = [
        heading(words.DRAFT_TOLD_RETURNED_TITLE.format(number=view.number, review=view.review_title)),
        verbatim(words.DRAFT_TOLD_RETURNED_REASON.format(who=reviewer, reason=view.reason or ""), 2_000),
    ]
    change = execute(
        title=words.DRAFT_TOLD_BUTTON,
        style="positive",
        data={"verb": SHOW_DRAFT_VERB, "recommendation_id": view.recommendation_id},
    )
    return review_card(body, [change])


def draft_waits_card(view: DraftView) -> dict[str, Any]:
    """To the scrutiny officers: a draft was sent; the button shows what waits."""
    body: list[CardElement] = [
        heading(words.DRAFT_WAITS_TITLE.format(number=view.number, review=view.review_title)),
        plan_text(view.text, 200, subtle=True),
    ]
    button = execute(title=words.DRAFT_WAITS_BUTTON, data={"verb": REVIEW_QUEUE_VERB})
    return review_card(body, [button])
