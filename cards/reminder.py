"""Reminder cards: an officer's 1:1 nudge before a round's deadline, and the link officer's list after it.

Each action in a reminder has its own button, whose data (cards/update.py's open_update_data, guided)
starts the step-by-step update for exactly that action. Long lists are cut so the card stays under
Teams' 28 KB; the rest is one "update" away.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import ActionSet, Container, TextBlock

from cards import messages
from cards.actions import execute
from cards.size import CARD_BYTE_LIMIT, card_bytes
from cards.summary import day, plain
from cards.text import one_line
from cards.update import open_update_data
from store.views import ActionView

ACTION_TEXT = 160
MOST_ACTIONS = 20  # buttons in one reminder; an officer with more is told to say "update"


def _dump(element: Any) -> dict[str, Any]:
    return element.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[no-any-return]


def _card(body: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "AdaptiveCard", "version": "1.5", "body": body}


def _title(text: str) -> dict[str, Any]:
    return _dump(TextBlock(text=text, weight="Bolder", size="Medium", wrap=True))


def _more(shown: int, total: int, say: str) -> list[dict[str, Any]]:
    if total <= shown:
        return []
    text = messages.SUMMARY_MORE.format(count=total - shown, say=say)
    return [_dump(TextBlock(text=text, wrap=True, is_subtle=True))]


def reminder_card(
    *,
    review_title: str,
    round_label: str,
    deadline: date,
    actions: Sequence[ActionView],
    unreachable: Sequence[tuple[str, list[str]]] = (),
) -> dict[str, Any]:
    """One officer's actions lacking an update, each with a button that starts the update for it.
    `unreachable` (name, action refs) goes to the link officer: people the bot could not message."""
    limit = MOST_ACTIONS
    while True:
        body = [_title(messages.REMINDER_TITLE.format(round=round_label, deadline=day(deadline)))]
        if actions:
            body.append(_dump(TextBlock(text=messages.REMINDER_INTRO.format(review=review_title), wrap=True)))
        for action in actions[:limit]:
            # It starts the guided dialog below, and the reminder stays with its other buttons.
            button = execute(
                title=messages.REMINDER_BUTTON.format(ref=action.ref),
                data=open_update_data(action.id, guided=True),
            )
            line = plain((action.ref, True), (" " + one_line(action.agreed_action, ACTION_TEXT), False))
            buttons = _dump(ActionSet(actions=[button]))
            body.append({**_dump(Container(separator=True, items=[])), "items": [line, buttons]})
        body += _more(limit, len(actions), "update")
        if unreachable:
            body.append(_dump(TextBlock(text=messages.REMINDER_UNREACHABLE, wrap=True, separator=True)))
            for name, refs in unreachable[:limit]:
                body.append(
                    plain((messages.REMINDER_UNREACHABLE_LINE.format(name=name, refs=", ".join(refs)), False))
                )
            body += _more(limit, len(unreachable), messages.SUMMARY_SAY_MISSING)
        card = _card(body)
        if card_bytes(card) < CARD_BYTE_LIMIT or limit <= 1:
            return card
        limit //= 2


def after_deadline_card(
    *, review_title: str, round_label: str, deadline: date, actions: Sequence[ActionView]
) -> dict[str, Any]:
    """For the link officer once the deadline has passed: what is still missing, and whose it is."""
    limit = 40
    while True:
        body = [
            _title(messages.AFTER_DEADLINE_TITLE.format(round=round_label, deadline=day(deadline))),
            _dump(
                TextBlock(
                    text=messages.AFTER_DEADLINE_INTRO.format(review=review_title, count=len(actions)),
                    wrap=True,
                )
            ),
        ]
        for action in actions[:limit]:
            line = messages.AFTER_DEADLINE_LINE.format(
                owners=action.responsibility, action=one_line(action.agreed_action, 90)
            )
            body.append(plain((action.ref, True), (" " + line, False)))
        body += _more(limit, len(actions), messages.SUMMARY_SAY_MISSING)
        card = _card(body)
        if card_bytes(card) < CARD_BYTE_LIMIT or limit <= 1:
            return card
        limit //= 2
