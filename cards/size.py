"""Keeping a card inside a Teams message: its size on the wire, and trimming shown text to fit."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

CARD_BYTE_LIMIT = 28_000  # Teams' strictest message limit (Workflows/webhook posts) is about 28 KB


def card_bytes(card: dict[str, Any]) -> int:
    """Size on the wire: the connector's JSON escapes non-ASCII, the worst case."""
    return len(json.dumps(card).encode())


def trimmed(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _text_runs(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [run for item in node for run in _text_runs(item)]
    if not isinstance(node, dict):
        return []
    runs = [node] if node.get("type") == "TextRun" else []
    return runs + [run for value in node.values() for run in _text_runs(value)]


def fitted(card: dict[str, Any], *, limits: Sequence[int] = (600, 200, 80, 40)) -> dict[str, Any]:
    """The last resort, for text far from English (six bytes a character on the wire): shorten every
    shown text run to each limit in turn until the card fits. Inputs are never touched, so a form
    never sends back less than was typed."""
    for limit in limits:
        if card_bytes(card) <= CARD_BYTE_LIMIT:
            break
        for run in _text_runs(card):
            if len(run["text"]) > limit:
                run["text"] = trimmed(run["text"], limit)
    return card
