"""Each grade in the committee's words, with the one colour every card uses for it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from documents.grades import Grade

TextColor = Literal["Default", "Dark", "Light", "Accent", "Good", "Warning", "Attention"]
ContainerStyle = Literal["default", "emphasis", "accent", "good", "attention", "warning"]


@dataclass(frozen=True)
class GradeLook:
    words: str  # "On-Track", as the grading key writes it
    numbered: str  # "2 On-Track", as the Word table's key lists it
    meaning: str  # a line of help for someone choosing
    color: TextColor  # Adaptive Card TextBlock colour
    style: ContainerStyle  # Adaptive Card container style
    hex: str  # for charts, where a host colour name is not available


GRADES: dict[Grade, GradeLook] = {
    Grade.FULLY_ACHIEVED: GradeLook(
        "Fully Achieved",
        "1 Fully Achieved",
        "done: nothing more will be asked of it",
        "Good",
        "good",
        "#237B4B",
    ),
    Grade.ON_TRACK: GradeLook(
        "On-Track", "2 On-Track", "going to plan, not finished yet", "Accent", "accent", "#0F6CBD"
    ),
    Grade.SLIPPED: GradeLook("Slipped", "3 Slipped", "behind plan: say why", "Warning", "warning", "#C19C00"),
    Grade.NOT_ACHIEVED: GradeLook(
        "Not Achieved",
        "4 Not Achieved",
        "will not be done as agreed: say why",
        "Attention",
        "attention",
        "#C50F1F",
    ),
}

NOT_ASSESSED = GradeLook(
    "Not assessed", "Not assessed", "no grade given yet", "Default", "default", "#8A8886"
)


def look(grade: Grade | None) -> GradeLook:
    return GRADES[grade] if grade is not None else NOT_ASSESSED


def grade_words(grade: Grade | None) -> str:
    return look(grade).words
