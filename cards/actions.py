"""Universal Actions: buttons as Action.Execute, a card's `refresh`, and the words shown on a card
that replaced the one pressed.

An Action.Execute comes back to the bot as an `adaptiveCard/action` invoke, and the card the bot
answers with takes the pressed card's place for the person who pressed it (bot/execute.py). Each
button keeps its verb in its data as well, so a host that sends it as a submit instead is understood
the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import ActionStyle, ExecuteAction

# Teams refreshes a card by itself for at most this many people in a group; others see it as sent.
REFRESH_VIEWERS = 60


def execute(title: str, data: dict[str, Any], *, style: ActionStyle | None = None) -> ExecuteAction:
    """A button whose data names its verb (registered in bot/features.py)."""
    return ExecuteAction(title=title, verb=str(data["verb"]), data=data, style=style)


def with_refresh(card: dict[str, Any], data: dict[str, Any], viewers: Sequence[str]) -> dict[str, Any]:
    """The card, asking Teams to fetch it afresh (with `data`, a verb's payload) whenever one of
    `viewers` (Teams user ids) looks at it. Without viewers it is sent as it is."""
    shown_to = list(dict.fromkeys(v for v in viewers if v))[:REFRESH_VIEWERS]
    if not shown_to:
        return card
    action = execute("Refresh", data).model_dump(mode="json", by_alias=True, exclude_none=True)
    return {**card, "refresh": {"action": action, "userIds": shown_to}}


def with_notice(card: dict[str, Any], notes: Sequence[str]) -> dict[str, Any]:
    """The card with what the bot said about the press (saved, refused, already done) at its top."""
    if not notes:
        return card
    notice = {
        "type": "Container",
        "style": "emphasis",
        "items": [{"type": "TextBlock", "text": note, "wrap": True} for note in notes],
    }
    return {**card, "body": [notice, *card.get("body", [])]}


def notice_card(notes: Sequence[str]) -> dict[str, Any]:
    """A card that only says something: what a refreshed or unfurled card becomes when what it showed
    is gone."""
    return with_notice({"type": "AdaptiveCard", "version": "1.5", "body": []}, notes)
