"""Read models: what cards, dialogs and the CLI draw. Plain data, no database, no behaviour beyond labels.

They are built by store/queries.py in a handful of queries per request, however large the council.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from documents.grades import Grade, grade_text
from documents.responses import ExecutiveResponse


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class ReturnState(enum.StrEnum):
    """Where an action's return for a round stands with the scrutiny officer."""

    WAITING = "waiting"  # submitted (or resubmitted after being returned), not read yet
    RETURNED = "returned"  # sent back with a reason: the officer is to answer it again
    ACCEPTED = "accepted"  # the committee reads it (imported and carried ones always count)


class DraftState(enum.StrEnum):
    """Where a recommendation's draft actions stand with the scrutiny officer (store/drafts.py)."""

    DRAFTING = "drafting"  # being written; not sent
    WAITING = "waiting"  # sent for review, not decided yet
    RETURNED = "returned"  # sent back with a reason: the drafter changes it and sends it again
    ACCEPTED = "accepted"  # ready for the committee to agree


class EvidenceLink(View):
    """A file or Teams message kept as evidence, as cards and documents link to it."""

    kind: str  # "file" or "message"
    name: str
    url: str
    author: str | None = None


class RoundView(View):
    id: int
    label: str  # "September 2020"
    month: date
    deadline: date | None
    is_open: bool


class RoundGrade(View):
    """One action's grade in one round, as the trend shows it."""

    round_id: int
    round_label: str
    grade: Grade | None  # None: not assessed, or carried
    # Fully Achieved in an earlier round: nothing is asked, whether or not a row says so.
    fully_achieved_carried: bool
    has_update: bool
    review: ReturnState | None = None  # None: nothing recorded for the round

    @property
    def text(self) -> str:
        return grade_text(self.grade, carried=self.fully_achieved_carried)


class ActionView(View):
    id: int
    review_id: int
    review_title: str
    recommendation_id: int
    recommendation_number: int
    recommendation_text: str
    position: int  # 1, 2, ... within the recommendation, across sub-headings
    group: str | None  # sub-heading, e.g. "For Council Staff"
    responsibility: str  # as written: "Lorraine Dixon / Liz Purdy"
    owners: list[str]  # the names in `responsibility`, in its order (groups included)
    owner_ids: list[int]  # Person ids of `owners`, same order
    date_text: str
    due_by: date | None
    ongoing: bool
    agreed_action: str
    success_measure: str
    trend: list[RoundGrade]  # one per round of the review, oldest first
    # The latest assessment: a later update left ungraded does not hide that an action slipped.
    latest_grade: Grade | None
    done: bool  # graded Fully Achieved in some round: it stays done
    # Its review has an open round and it was not done before that round: an answer is asked for.
    asked_now: bool
    latest_evidence: str | None  # these four from the latest update, whatever its grade
    latest_explanation: str | None
    latest_impact: str | None
    latest_round_label: str | None
    last_recorded_at: datetime | None
    last_recorded_by: str | None  # None for imported updates
    # Its return for the open round with the scrutiny officer; None: nothing recorded, or no round open.
    review_state: ReturnState | None = None
    deputy_ids: list[int] = []  # named to record for it in the open round (store/deputies.py)
    # Files and messages from Teams for its open round (else its latest round with an update).
    evidence_links: list[EvidenceLink] = []

    @property
    def ref(self) -> str:
        """ "7.2": Recommendation 7, its second action."""
        return f"{self.recommendation_number}.{self.position}"

    def in_round(self, round_id: int) -> RoundGrade | None:
        return next((g for g in self.trend if g.round_id == round_id), None)


class ActionVersion(View):
    """One version of an action's return for a round, as its history lists it (the newest last)."""

    round_label: str
    grade: Grade | None
    fully_achieved_carried: bool
    evidence: str
    explanation: str | None
    impact: str | None
    recorded_at: datetime
    recorded_by: str | None  # None for imported returns
    state: ReturnState
    reason: str | None  # why the scrutiny officer returned it
    internal: bool = False  # its evidence stays off the public tracker

    @property
    def text(self) -> str:
        return grade_text(self.grade, carried=self.fully_achieved_carried)


class ResponseView(View):
    """The executive's response to a recommendation (store/responses.py)."""

    response: ExecutiveResponse
    reason: str | None
    date: date | None

    @property
    def monitored(self) -> bool:
        return self.response is not ExecutiveResponse.NOT_ACCEPTED


class RecommendationResponse(View):
    """A recommendation as the executive answers it: its words and its response so far."""

    number: int
    text: str
    response: ResponseView | None


class AwaitingResponses(View):
    """A review whose report's recommendations are not all answered by the executive yet."""

    review_id: int
    review_title: str
    report_date: date
    waiting: list[RecommendationResponse]


class RecommendationView(View):
    id: int
    review_id: int
    review_title: str
    number: int
    text: str
    actions: list[ActionView]  # none for a recommendation not accepted: it is not monitored
    link_officer_ids: list[int]  # Person ids of the review's link officers: they may update any action
    response: ResponseView | None = None  # the executive's, once recorded

    @property
    def worst_open_grade(self) -> Grade | None:
        """The worst latest grade among actions not yet done (4 Not Achieved is worst)."""
        grades = [a.latest_grade for a in self.actions if not a.done and a.latest_grade is not None]
        return max(grades, default=None)

    @property
    def done(self) -> bool:
        """Every action Fully Achieved; one without actions (not accepted, or none agreed yet) is not."""
        return bool(self.actions) and all(a.done for a in self.actions)


class RecommendationMatch(View):
    """A recommendation found by number or words, without its actions."""

    id: int
    review_id: int
    review_title: str
    number: int
    text: str


class GradeCounts(View):
    round_id: int
    round_label: str
    counts: dict[Grade, int]  # every grade present, zero if none
    not_assessed: int  # no update yet, or an update without a grade
    carried: int  # "N/A (Fully Achieved)": done in an earlier round
    total: int  # actions counted

    @property
    def achieved_to_date(self) -> int:
        return self.counts[Grade.FULLY_ACHIEVED] + self.carried


class ChangeView(View):
    """An action's return for a round, recorded since a given time (the newest one if edited twice)."""

    action: ActionView
    round_id: int
    round_label: str
    previous_grade: Grade | None  # the action's latest grade before the change, any round
    previous_round_label: str | None  # the round that grade was given in; None if first return
    new_grade: Grade | None
    fully_achieved_carried: bool
    evidence: str
    recorded_at: datetime
    recorded_by: str | None


class ImportedRound(View):
    """A round's returns brought in from a document since a given time: one line of news, not each."""

    round_label: str
    actions: int


class RecommendationSummary(View):
    id: int
    number: int
    text: str
    worst_open_grade: Grade | None
    done: bool
    actions: int  # agreed actions; none yet when the review was imported from its report
    response: ResponseView | None = None


class ReviewSummary(View):
    id: int
    title: str
    committee: str | None
    rounds: list[RoundView]  # oldest first
    open_round: RoundView | None
    next_round_on: date | None = None  # the day the next round opens by itself, if scheduled
    completed_on: date | None = None


@dataclass(frozen=True)
class RoundPlan:
    """How a review's rounds are spaced, and how long officers have to answer each."""

    first_after_months: int = 12
    every_months: int = 6
    deadline_days: int = 28


@dataclass(frozen=True)
class Agreement:
    title: str
    agreed_on: date
    first_round_on: date  # the first round's day in the plan's own terms
    next_round_on: date  # the day the next round opens: later than the first when that has passed
    every_months: int


class ReviewLife(View):
    """A review's agreement, its next round and its completion, with its outcome so far."""

    agreed_on: date | None
    next_round_on: date | None
    completed_on: date | None
    completed_how: str | None  # store.models.Completion's value
    accepted: int  # recommendations the executive accepted (store/outcome.py)
    achieved: int  # accepted ones with every action Fully Achieved
    not_achieved: int  # the other accepted ones


class ReviewOverview(View):
    id: int
    title: str
    committee: str | None
    rounds: list[RoundView]  # oldest first
    open_round: RoundView | None
    counts: GradeCounts | None  # for the open round, else the latest; None before any round
    recommendations: list[RecommendationSummary]
    life: ReviewLife | None = None
    published: bool = False  # its public tracker is on the web (`scrutiny-bot review publish`)


# --- What an officer answering for an action sees (the update dialog and form) ---


class RoundAnswer(BaseModel):
    """One round's current answer for an action."""

    round_label: str
    evidence: str
    grade: Grade | None
    explanation: str | None
    impact: str | None
    fully_achieved_carried: bool = False
    recorded_at: datetime
    recorded_by: str | None


class ActionInReview(BaseModel):
    """An agreed action, named as the committee names it, with where it sits."""

    action_id: int
    review_id: int
    review_title: str
    recommendation_number: int
    recommendation_text: str
    position: int
    group: str | None
    agreed_action: str
    responsibility: str

    @property
    def name(self) -> str:
        return action_name(self.recommendation_number, self.position)


class ActionForUpdate(ActionInReview):
    """Everything an officer sees before answering for one action in the open round."""

    success_measure: str
    date_text: str
    round_id: int
    round_label: str
    deadline: date | None
    last_round: RoundAnswer | None  # the latest earlier round that has an answer
    current: RoundAnswer | None  # already saved for the open round
    returned_reason: str | None = None  # `current` came back from the scrutiny officer, for this reason
    # `current` answers a return (the version before it came back for this reason): it waits again.
    answers_return: str | None = None


class RecordableAction(ActionInReview):
    """An action the caller may answer for in its review's open round."""

    round_label: str
    answered: bool  # an answer is already saved for the open round


class ReturnForReview(ActionInReview):
    """One version of an action's return, as the scrutiny officer reads it before the committee does."""

    update_id: int
    success_measure: str
    round_id: int
    round_label: str
    answer: RoundAnswer  # what the officer wrote, who and when
    last_round: RoundAnswer | None  # the latest earlier round's, for comparison
    state: ReturnState
    reason: str | None  # why it was returned, if it was
    returned_before: str | None  # resubmitted: why the version before it was returned
    current: bool  # still the latest version for the round (else the officer has changed it since)
    evidence_links: list[EvidenceLink] = []  # files and messages from Teams for the round
    internal: bool = False  # its evidence stays off the public tracker


class ExtensionView(BaseModel):
    """An officer's request for a later date, and what the scrutiny officer decided."""

    request_id: int
    action_id: int
    review_id: int
    review_title: str
    recommendation_number: int
    position: int
    agreed_action: str
    current_date: str  # the action's date when asked ("September 2019")
    asked_date: str  # "March 2021"
    reason: str
    asked_by: str | None
    asked_by_id: int | None
    asked_at: datetime
    approved: bool | None  # None: waiting
    decision_reason: str | None
    decided_by: str | None

    @property
    def name(self) -> str:
        return action_name(self.recommendation_number, self.position)


class DraftAnswer(BaseModel):
    """An answer being given, not saved yet."""

    evidence: str
    grade: Grade | None
    explanation: str | None = None
    impact: str | None = None


class DraftAction(View):
    """One action of a recommendation's draft, as its drafter wrote it."""

    id: int
    position: int
    group: str | None
    responsibility: str
    date_text: str
    agreed_action: str
    success_measure: str


class DraftView(View):
    """A recommendation's draft actions and where they stand (store/drafts.py)."""

    review_id: int
    review_title: str
    recommendation_id: int
    number: int
    text: str
    response: ResponseView | None
    state: DraftState | None
    reason: str | None  # why the scrutiny officer returned it
    sent_by: str | None
    sent_at: datetime | None
    agreed_on: date | None  # the plan's agreement: from then on the draft is frozen
    actions: list[DraftAction]


def action_name(recommendation_number: int, position: int) -> str:
    return f"Recommendation {recommendation_number}, action {position}"
