"""The card a person sees when they install the app for themselves: what it does and what to say."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import AdaptiveCard, Fact, FactSet, TextBlock
from pydantic import BaseModel

from cards import messages


class HelpEntry(BaseModel):
    """One command as the user types it, and what it does (from the bot's command registry)."""

    usage: str
    help: str


def welcome_card(*, commands: Sequence[HelpEntry]) -> dict[str, Any]:
    card = AdaptiveCard(
        body=[
            TextBlock(text=messages.WELCOME_TITLE, size="Large", weight="Bolder", wrap=True),
            TextBlock(text=messages.WELCOME_INTRO, wrap=True),
            TextBlock(text=messages.WELCOME_COMMANDS_HEADING, weight="Bolder", wrap=True, spacing="Medium"),
            FactSet(facts=[Fact(title=entry.usage, value=entry.help) for entry in commands]),
        ],
    )
    card_json: dict[str, Any] = card.model_dump(by_alias=True, exclude_none=True)
    card_json["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return card_json
