"""Cards for evidence from Teams: which action a message is evidence for (the "Add as evidence"
message action's task module), and the links shown under an update's evidence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    RichTextBlock,
    SubmitAction,
    TextBlock,
)

from cards import messages
from cards.size import trimmed
from cards.text import link_run
from documents.layout import plain_words
from store.views import EvidenceLink

_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "[]()*_`\\<>#~|"})


def markdown_free(text: str) -> str:
    """A name someone chose (a file's, a Teams display name), shown as written where Teams reads
    Markdown: its markup characters escaped."""
    return text.translate(_MARKDOWN)


def choose_action_card(choices: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """The caller's actions in open rounds, to pick the one the message is evidence for."""
    card = AdaptiveCard(
        version="1.5",
        body=[
            ChoiceSetInput(
                id="action_id",
                label=messages.EVIDENCE_CHOOSE_ACTION,
                style="compact",
                is_required=True,
                error_message=messages.EVIDENCE_CHOOSE_ACTION,
                value=str(choices[0][0]),
                choices=[Choice(title=trimmed(plain_words(t), 120), value=str(a)) for a, t in choices],
            ),
        ],
        # A submit: this card is shown in a Teams dialog (a task module), which takes no Action.Execute.
        actions=[SubmitAction(title=messages.EVIDENCE_ADD_BUTTON, style="positive")],
    )
    dumped: dict[str, Any] = card.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def evidence_links_block(links: Sequence[EvidenceLink]) -> list[CardElement]:
    """ "Attached:" and a link a line: each name as written, opening its file or message."""
    if not links:
        return []
    lines: list[CardElement] = []
    for link in links[:10]:
        run: CardElement = link_run(trimmed(link.name, 120), link.url, small=True)
        lines.append(RichTextBlock(inlines=[run], spacing="None"))
    if len(links) > 10:
        more = messages.EVIDENCE_MORE.format(count=len(links) - 10)
        lines.append(TextBlock(text=more, wrap=True, size="Small", spacing="None"))
    return [
        TextBlock(text=messages.EVIDENCE_ATTACHED, weight="Bolder", size="Small", wrap=True, spacing="Small"),
        *lines,
    ]
