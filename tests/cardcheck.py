"""The one way tests check a card: the Adaptive Card 1.5 schema, the Teams size limit, and Microsoft's
own renderer (tools/card-renderer) reading it without a complaint."""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft6Validator, ValidationError
from jsonschema.exceptions import best_match

from bot.preview import RENDERER, render
from cards.size import CARD_BYTE_LIMIT, card_bytes

SCHEMA = json.loads((resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text())
VALIDATOR = Draft6Validator(SCHEMA)
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def _explained(error: ValidationError) -> str:
    """The innermost reason: "not valid under any of the given schemas" alone says nothing."""
    deepest = best_match([error, *error.context]) if error.context else error
    return f"{'/'.join(map(str, deepest.absolute_path))}: {deepest.message[:300]}"


def assert_valid_card(card: dict[str, Any], name: str = "card") -> None:
    """Valid against the Adaptive Card 1.5 schema, version at most 1.5, and small enough for Teams."""
    # "msteams" (full width, @mention entities) is Teams' documented extension of the card, which
    # the Adaptive Card schema does not list; everything else must be plain Adaptive Card 1.5.
    core = {key: value for key, value in card.items() if key != "msteams"}
    errors = [_explained(error) for error in VALIDATOR.iter_errors(core)]
    assert not errors, f"{name}: {errors[:3]}"
    assert card.get("type") == "AdaptiveCard", name
    assert _version(card.get("version", "1.0")) <= (1, 5), f"{name} is version {card.get('version')}"
    assert card_bytes(card) < CARD_BYTE_LIMIT, f"{name} is {card_bytes(card)} bytes"


def renderer_installed() -> bool:
    return bool(
        shutil.which("node")
        and (RENDERER / "node_modules" / "adaptivecards").is_dir()
        and (RENDERER / "node_modules" / "playwright-core").is_dir()
        and CHROMIUM.exists()
    )


# scripts/test.sh installs the renderer, so there these tests always run.
requires_renderer = pytest.mark.skipif(
    not renderer_installed(), reason="the card renderer is not installed (tools/card-renderer/install.sh)"
)


def render_cards(cards: dict[str, dict[str, Any]], out_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """Render each card to OUT_DIR/NAME.png with the Teams host config; the renderer's parse and
    validation events per card name (an empty list: the card is clean)."""
    return render(cards, out_dir)


def strings(node: Any) -> list[str]:
    """Every string in a card (or any JSON), in order: what a reader would see, for `in` checks."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in strings(value)]
    return []


# What Teams draws of a card: its words, its buttons' titles, its facts and inputs' labels.
SHOWN_KEYS = frozenset({"text", "title", "value", "label", "placeholder"})
# What it never draws: a button's data (where the question asked comes back to the bot), a tappable
# line's action, the refresh a card asks for, @mention entities (their words are in a TextBlock too).
UNSHOWN_PARTS = frozenset({"data", "selectAction", "refresh", "msteams", "fallback"})


def shown(node: Any) -> list[str]:
    """The strings of a card a reader sees, in reading order (body, then buttons): unlike `strings`,
    not the ids, verbs and data Teams sends back when a button is pressed. A drop-down shows its
    choices' titles, not their values (ids), nor the chosen one's value."""
    if isinstance(node, list):
        return [s for value in node for s in shown(value)]
    if not isinstance(node, dict):
        return []
    found = []
    for key, value in node.items():
        if key in UNSHOWN_PARTS:
            continue
        if key == "choices" and isinstance(value, list):
            found += [choice["title"] for choice in value if isinstance(choice.get("title"), str)]
        elif isinstance(value, str):
            if key in SHOWN_KEYS and not (key == "value" and node.get("type") == "Input.ChoiceSet"):
                found.append(value)
        else:
            found += shown(value)
    return found
