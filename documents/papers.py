"""The committee's papers beyond the progress update, as plain data: the covering report for a meeting
and the overview of every review. store/papers.py gathers them from the record;
documents/cover_report.py and documents/overview.py write them.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from documents.grades import Grade
from documents.plan_format import PlanDocument


class Paper(BaseModel):
    model_config = ConfigDict(frozen=True)


class RoundCounts(Paper):
    """How a review's actions (or one recommendation's) stand in one round."""

    round_label: str
    # Every grade present, zero if none. Fully Achieved counts the actions done in an earlier round
    # too (`carried` of them): the committee reads how many are done, not how many finished lately.
    counts: dict[Grade, int]
    carried: int
    not_assessed: int  # no grade given in this round (no return, or one left ungraded)

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.not_assessed


class ActionStanding(Paper):
    """An agreed action, where it stands in the round the paper reports and in the one before."""

    position: int  # within its recommendation, from 1
    agreed_action: str
    responsibility: str
    grade: Grade | None  # in the latest round; Fully Achieved if done earlier; None: not assessed
    achieved_in: str | None  # when done in an earlier round: that round
    previous_grade: Grade | None  # in the previous round (None: not assessed, or no previous round)
    explanation: str | None  # given with the latest round's grade

    @property
    def changed(self) -> bool:
        """Assessed in both rounds, differently: what the committee asks about first."""
        return (
            self.achieved_in is None
            and None not in (self.grade, self.previous_grade)
            and self.grade != self.previous_grade
        )


class RecommendationStanding(Paper):
    number: int
    text: str
    counts: RoundCounts  # its actions in the latest round
    actions: list[ActionStanding]


class CoverReport(Paper):
    """The covering report for the committee's meeting, with the progress update it introduces."""

    review: str
    committee: str | None
    link_officers: list[str]
    action_plan_agreed: str | None
    rounds: list[str]  # every round with a return the committee reads, oldest first
    latest: RoundCounts  # the round the paper reports: the last of `rounds`
    previous: RoundCounts | None  # the round before it, if any: the change is measured from it
    recommendations: list[RecommendationStanding]
    progress_update: PlanDocument  # appended, as `export` writes it alone


class ReviewOutcome(Paper):
    """What became of one review's recommendations, by number. Achieved, slipped and outstanding
    divide the accepted ones between them; a recommendation not accepted is not monitored."""

    review: str
    committee: str | None
    latest_round: str | None  # the last round with a return the committee reads
    recommendations: int
    accepted: list[int]
    achieved: list[int]  # every action's latest grade Fully Achieved
    slipped: list[int]  # not achieved, and an action's latest grade Slipped or Not Achieved
    outstanding: list[int]  # the rest: on track, not assessed yet, or no actions yet


class ScrutinyOverview(Paper):
    """The impact of scrutiny: every review's outcome, by title."""

    reviews: list[ReviewOutcome]
