"""Universal Actions: buttons as Action.Execute, a card's `refresh`, and the words shown on a card
that replaced the one pressed.

An Action.Execute comes back to the bot as an `adaptiveCard/action` invoke, and the card the bot
answers with takes the pressed card's place for the person who pressed it (bot/execute.py). Each
button keeps its verb in its data as well, so a host that sends it as a submit instead is understood
the same way.

Teams' phone apps do not run Action.Execute from a bot's card (MicrosoftDocs/msteams-docs#13924,
microsoft/AdaptiveCards#9315), so a card on its way out is given the buttons its readers can press
(`for_clients`): Action.Submit with the same data for a phone, a Submit fallback on each Execute where
a group reads it. The submit arrives as a message whose value is that data, and the same verb runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from microsoft_teams.cards import ActionStyle, ExecuteAction

from cards import messages

# Teams refreshes a card by itself for at most this many people in a group; others see it as sent.
REFRESH_VIEWERS = 60

# How a card's buttons leave the bot: as built (Action.Execute), all Action.Submit, or Execute with a
# Submit fallback each.
Buttons = Literal["execute", "submit", "fallback"]
# clientInfo platforms (lower case) of Teams' phone apps, which do not run Action.Execute.
PHONES = frozenset({"android", "ios"})


def execute(title: str, data: dict[str, Any], *, style: ActionStyle | None = None) -> ExecuteAction:
    """A button whose data names its verb (registered in bot/features.py)."""
    return ExecuteAction(title=title, verb=str(data["verb"]), data=data, style=style)


def tracker_button(url: str | None) -> list[dict[str, Any]]:
    """An "Open the tracker" button to the review's page, or nothing without an address. An
    Action.OpenUrl: Teams' phone apps open it too, and for_clients leaves it as it is."""
    if not url:
        return []
    action = {"type": "Action.OpenUrl", "title": messages.OPEN_THE_TRACKER, "url": url}
    return [{"type": "ActionSet", "spacing": "Medium", "actions": [action]}]


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


def buttons_for(*, setting: str, conversation_type: str | None, platform: str | None) -> Buttons:
    """The buttons a card needs here: Submit everywhere when the council says so (`setting`
    "submit"); a Submit fallback on each Execute in a channel or group chat, where some readers may be
    on phones; Submit in a 1:1 chat with someone on a phone (`platform`, from Teams' clientInfo)."""
    if setting == "submit":
        return "submit"
    if conversation_type in ("channel", "groupChat"):
        return "fallback"
    if (platform or "").lower() in PHONES:
        return "submit"
    return "execute"


def for_clients(card: dict[str, Any], buttons: Buttons) -> dict[str, Any]:
    """The card with `buttons`; a new card (cards are shared, never changed once built). Submit-only
    cards lose their refresh, an Execute that only Teams' desktop and web clients run."""
    if buttons == "execute":
        return card
    converted: dict[str, Any] = {
        key: _buttons(value, buttons) for key, value in card.items() if key != "refresh"
    }
    if buttons == "fallback" and "refresh" in card:
        converted["refresh"] = card["refresh"]
    return converted


def _buttons(node: Any, buttons: Buttons) -> Any:
    if isinstance(node, list):
        return [_buttons(item, buttons) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _buttons(value, buttons) for key, value in node.items()}
    if converted.get("type") != "Action.Execute":
        return converted
    submit = _as_submit(converted)
    return submit if buttons == "submit" else {**converted, "fallback": submit}


def _as_submit(action: dict[str, Any]) -> dict[str, Any]:
    """The Execute as an Action.Submit: its title, style and inputs, and its data with its verb, which
    a submit has nowhere else to carry."""
    data = action.get("data")
    data = {**(data if isinstance(data, dict) else {}), "verb": action.get("verb")}
    kept = {key: value for key, value in action.items() if key not in ("type", "verb", "fallback", "data")}
    return {"type": "Action.Submit", **kept, "data": data}
