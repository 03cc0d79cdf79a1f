"""The committee's grading key: Assessment of Progress, 1 Fully Achieved to 4 Not Achieved."""

from __future__ import annotations

import enum


class Grade(enum.IntEnum):
    """Assessment of Progress, numbered and named as the committee's grading key has it."""

    FULLY_ACHIEVED = 1
    ON_TRACK = 2
    SLIPPED = 3
    NOT_ACHIEVED = 4

    @property
    def label(self) -> str:
        return GRADE_LABELS[self]

    @property
    def needs_explanation(self) -> bool:
        return self in (Grade.SLIPPED, Grade.NOT_ACHIEVED)

    @classmethod
    def parse(cls, text: str | int) -> Grade:
        """'2', 2, 'On-Track', 'on track' -> Grade.ON_TRACK; ValueError otherwise."""
        key = str(text).strip().lower().replace("-", " ").replace("_", " ")
        for grade in cls:
            if key in (str(grade.value), grade.label.lower().replace("-", " ")):
                return grade
        raise ValueError(f"“{text}” is not a grade (1 Fully Achieved, 2 On-Track, 3 Slipped, 4 Not Achieved)")


GRADE_LABELS = {
    Grade.FULLY_ACHIEVED: "Fully Achieved",
    Grade.ON_TRACK: "On-Track",
    Grade.SLIPPED: "Slipped",
    Grade.NOT_ACHIEVED: "Not Achieved",
}

FULLY_ACHIEVED_CARRIED = "N/A (Fully Achieved)"


def grade_text(grade: Grade | None, *, carried: bool = False) -> str:
    """How the committee's document writes a grade: "2 On-Track", "N/A (Fully Achieved)", "" if blank."""
    if carried:
        return FULLY_ACHIEVED_CARRIED
    return f"{grade.value} {grade.label}" if grade is not None else ""
