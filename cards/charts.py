"""Pictures of grades built from plain card layout, so they render on every Teams client.

Chart.* elements are not drawn by Teams mobile or older desktop clients, and images would need a
server to host them: a stacked bar of coloured columns reads the same everywhere.
"""

from __future__ import annotations

import math
from typing import Any

from microsoft_teams.cards import Column, ColumnSet, TextBlock

from cards import messages
from cards.grades import GRADES, ContainerStyle, GradeLook, look
from documents.grades import Grade
from store.views import GradeCounts

# On a white card, the "default" style of an action nobody has assessed would be invisible: every
# picture of grades (this bar, status cards' trend cells and badges) draws it in this one instead.
NOT_ASSESSED_STYLE: ContainerStyle = "emphasis"
# Every part of the bar carries its number: one smaller than this share of the bar is drawn this wide,
# a little more than its share, so that its number is not cut off on a phone.
_NUMBER_SHARE = 0.08


def _segment(count: int, total: int, shown: GradeLook, style: ContainerStyle | None = None) -> Column:
    return Column(
        width=float(max(count, math.ceil(total * _NUMBER_SHARE))),
        style=style or shown.style,
        spacing="None",
        min_height="28px",
        vertical_content_alignment="Center",
        items=[
            TextBlock(
                text=str(count), weight="Bolder", horizontal_alignment="Center", wrap=False, spacing="None"
            )
        ],
    )


def legend(counts: GradeCounts) -> str:
    """ "5 Fully Achieved · 16 On-Track · 6 Slipped · 0 Not Achieved", then any done earlier or unassessed."""
    parts = [f"{counts.counts.get(grade, 0)} {shown.words}" for grade, shown in GRADES.items()]
    if counts.carried:
        parts.append(messages.CHART_CARRIED.format(count=counts.carried))
    if counts.not_assessed:
        parts.append(messages.CHART_NOT_ASSESSED.format(count=counts.not_assessed))
    return " · ".join(parts)


def grade_distribution(counts: GradeCounts) -> list[dict[str, Any]]:
    """Card elements: a stacked horizontal bar (one coloured column per grade, widths proportional to
    the counts) and a legend line with every count in words."""
    shares = [
        # Done in an earlier round counts as achieved: one green segment, as the committee reads it.
        (counts.achieved_to_date if grade is Grade.FULLY_ACHIEVED else counts.counts.get(grade, 0), shown)
        for grade, shown in GRADES.items()
    ]
    total = sum(count for count, _ in shares) + counts.not_assessed
    segments = [_segment(count, total, shown) for count, shown in shares if count]
    if counts.not_assessed:
        segments.append(_segment(counts.not_assessed, total, look(None), NOT_ASSESSED_STYLE))
    elements: list[dict[str, Any]] = []
    if segments:
        bar = ColumnSet(columns=segments, spacing="Small")
        elements.append(bar.model_dump(mode="json", by_alias=True, exclude_none=True))
    line = TextBlock(text=legend(counts), wrap=True, size="Small", spacing="Small", is_subtle=True)
    elements.append(line.model_dump(mode="json", by_alias=True, exclude_none=True))
    return elements
