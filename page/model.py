"""The committee's page of a review, from the store's read models: each action's grade in every round
in the committee's words and colours, what changed since the last round, which actions a filter keeps.

The same page is the committee's (everything) and the public tracker's (`public`): there only the
returns the scrutiny officer has accepted are shown, without the words of those marked internal, and
officers' names only if the council allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from cards.grades import GradeLook, look
from documents.grades import FULLY_ACHIEVED_CARRIED, Grade
from documents.plan_format import is_group_name
from store import queries
from store.extensions import revised_from
from store.tracker import action_histories
from store.views import (
    ActionVersion,
    ActionView,
    EvidenceLink,
    RecommendationView,
    ResponseView,
    ReturnState,
    ReviewSummary,
    RoundView,
)

# The filters, as query parameters (?show=slipped) and as the page names them.
FILTERS = {
    "slipped": "Slipped",
    "not-achieved": "Not achieved",
    "overdue": "Overdue",
    "waiting": "Waiting for review",
}
# The public tracker shows only accepted returns: nothing there waits for the scrutiny officer.
PUBLIC_FILTERS = ("slipped", "not-achieved", "overdue")
NAMES_WITHHELD = "named officers"


@dataclass(frozen=True)
class Badge:
    """A grade as the page shows it: the words always, the colour beside them, never alone."""

    words: str
    hex: str
    ink: str  # the text's colour on `hex`, whichever of black and white reads better

    @classmethod
    def of(cls, grade: Grade | None, *, carried: bool = False, words: str | None = None) -> Badge:
        return _badge(grade, carried, words)


@cache  # a handful of badges, asked for thousands of times on a council's index
def _badge(grade: Grade | None, carried: bool, words: str | None) -> Badge:
    shown: GradeLook = look(Grade.FULLY_ACHIEVED if carried else grade)
    said = words or (FULLY_ACHIEVED_CARRIED if carried else shown.numbered)
    return Badge(words=said, hex=shown.hex, ink=_ink(shown.hex))


def _luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink(hex_colour: str) -> str:
    light = _luminance(hex_colour)
    on_white, on_black = 1.05 / (light + 0.05), (light + 0.05) / 0.05
    return "#FFFFFF" if on_white >= on_black else "#000000"


@dataclass(frozen=True)
class InRound:
    round_label: str
    badge: Badge
    shown: ActionVersion | None  # the version the round shows; None: nothing shown for it


@dataclass(frozen=True)
class ActionRow:
    action: ActionView
    responsibility: str  # as written, or without officers' names
    revised_from: str | None  # the date an approved extension replaced
    trend: list[InRound]  # one per round, oldest first
    latest_grade: Grade | None
    done: bool
    overdue: bool
    latest: ActionVersion | None  # the latest return with evidence (not a carried one)
    change: str | None  # "On-Track in March 2020, now Slipped in September 2020"
    history: list[ActionVersion]  # every version shown, oldest first
    files: list[EvidenceLink] = field(default_factory=list)

    def keeps(self, show: str | None) -> bool:
        if show == "slipped":
            return not self.done and self.latest_grade is Grade.SLIPPED
        if show == "not-achieved":
            return not self.done and self.latest_grade is Grade.NOT_ACHIEVED
        if show == "overdue":
            return self.overdue
        if show == "waiting":
            return self.action.review_state is ReturnState.WAITING
        return True


@dataclass(frozen=True)
class RecommendationRow:
    number: int
    text: str
    response: ResponseView | None
    actions: list[ActionRow]
    agreed: int  # its actions in all, whatever the filter keeps


@dataclass(frozen=True)
class RoundCount:
    round_label: str
    badges: list[tuple[Badge, int]]  # each grade with how many actions have it in the round
    total: int

    def share(self, count: int) -> float:
        """A grade's part of the round's bar, in per cent."""
        return round(100 * count / self.total, 2) if self.total else 0.0


@dataclass(frozen=True)
class ReviewPage:
    review: ReviewSummary
    public: bool
    names: bool
    show: str | None  # the filter in use
    filters: list[tuple[str, str, int]]  # key, words, how many actions it keeps
    recommendations: list[RecommendationRow]  # those with an action the filter keeps (all without one)
    counts: list[RoundCount]
    latest_round: str | None
    previous_round: str | None
    changed: list[ActionRow]
    today: date


def _responsibility(action: ActionView, *, names: bool) -> str:
    if names:
        return action.responsibility
    groups = [owner for owner in action.owners if is_group_name(owner)]
    people = len(action.owners) - len(groups)
    if not action.owners:  # nobody on the roster: the words as written are all there is
        return action.responsibility if is_group_name(action.responsibility) else NAMES_WITHHELD.capitalize()
    said = ", ".join(groups)
    if people:
        said = f"{said} and {NAMES_WITHHELD}" if said else NAMES_WITHHELD.capitalize()
    return said


class Graded(Protocol):
    """What a round's badge is read from: an action's version of its return (ActionVersion), or the
    index's leaner row of one (store.tracker.GradeRow)."""

    @property
    def grade(self) -> Grade | None: ...

    @property
    def fully_achieved_carried(self) -> bool: ...


def round_badge(shown: Graded | None, *, achieved: bool) -> tuple[Badge, bool]:
    """The badge of a round whose newest version shown is `shown`, and whether the action is Fully
    Achieved from then on; `achieved`: it was before. Once Fully Achieved, the rounds after say
    "N/A (Fully Achieved)", as the store's trend does."""
    if shown is None:
        return (Badge.of(None, carried=True) if achieved else Badge.of(None, words="No return")), achieved
    carried = shown.fully_achieved_carried or (achieved and shown.grade is None)
    badge = Badge.of(shown.grade, carried=carried, words=None if carried or shown.grade else "Not assessed")
    return badge, achieved or shown.grade is Grade.FULLY_ACHIEVED or shown.fully_achieved_carried


def grade_trend(
    rounds: Sequence[RoundView], history: Sequence[ActionVersion], *, public: bool
) -> tuple[list[InRound], Grade | None, bool]:
    """Each round's grade from the versions shown (the newest in each round)."""
    trend: list[InRound] = []
    achieved, latest = False, None
    for round_ in rounds:
        versions = [
            v
            for v in history
            if v.round_label == round_.label and (not public or v.state is ReturnState.ACCEPTED)
        ]
        shown = versions[-1] if versions else None
        badge, now_achieved = round_badge(shown, achieved=achieved)
        if shown is not None and shown.grade is not None and not shown.fully_achieved_carried:
            latest = shown.grade
        achieved = now_achieved
        trend.append(InRound(round_label=round_.label, badge=badge, shown=shown))
    return trend, (Grade.FULLY_ACHIEVED if achieved else latest), achieved


def _change(trend: list[InRound]) -> str | None:
    """How the grade moved between the last two rounds, if it did."""
    if len(trend) < 2:
        return None
    was, now = trend[-2], trend[-1]
    if was.shown is None or now.shown is None or was.badge.words == now.badge.words:
        return None
    return f"{was.badge.words} in {was.round_label}, now {now.badge.words} in {now.round_label}"


def _published(version: ActionVersion) -> ActionVersion:
    """A version as the public tracker has it: an internal one keeps its grade and dates, and none of
    its words reach the page."""
    if not version.internal:
        return version
    return version.model_copy(update={"evidence": "", "explanation": None, "impact": None, "reason": None})


def action_row(
    action: ActionView,
    *,
    rounds: Sequence[RoundView],
    history: Sequence[ActionVersion],
    revised: str | None,
    files: list[EvidenceLink],
    public: bool,
    names: bool,
    today: date,
) -> ActionRow:
    shown = [_published(v) for v in history if v.state is ReturnState.ACCEPTED] if public else list(history)
    trend, latest_grade, done = grade_trend(rounds, shown, public=public)
    return ActionRow(
        action=action,
        responsibility=_responsibility(action, names=names),
        revised_from=revised,
        trend=trend,
        latest_grade=latest_grade,
        done=done,
        overdue=action.due_by is not None and action.due_by < today and not done,
        latest=next((v for v in reversed(shown) if not v.fully_achieved_carried), None),
        change=_change(trend),
        history=shown,
        files=[] if public else files,
    )


def tally(badges: Iterable[Badge]) -> list[tuple[Badge, int]]:
    """Each grade with how many of `badges` have it, in the committee's order."""
    counted: dict[str, tuple[Badge, int]] = {}
    for badge in badges:
        counted[badge.words] = (badge, counted.get(badge.words, (badge, 0))[1] + 1)
    order = [Badge.of(g).words for g in Grade] + [FULLY_ACHIEVED_CARRIED, "Not assessed", "No return"]
    return sorted(counted.values(), key=lambda pair: order.index(pair[0].words))


def _counts(rows: Sequence[ActionRow], rounds: Sequence[RoundView]) -> list[RoundCount]:
    return [
        RoundCount(
            round_label=round_.label,
            badges=tally(row.trend[index].badge for row in rows),
            total=len(rows),
        )
        for index, round_ in enumerate(rounds)
    ]


def build(
    review: ReviewSummary,
    recommendations: Sequence[RecommendationView],
    *,
    histories: dict[int, list[ActionVersion]],
    revised: dict[int, str],
    files: dict[tuple[int, int], list[EvidenceLink]],
    public: bool,
    names: bool,
    show: str | None,
    today: date,
) -> ReviewPage:
    """The page, from a review's status and its actions' histories; `show` a key of FILTERS or None."""
    rounds = review.rounds
    every: list[tuple[RecommendationView, list[ActionRow]]] = []
    for rec in recommendations:
        rows = [
            action_row(
                action,
                rounds=rounds,
                history=histories.get(action.id, []),
                revised=revised.get(action.id),
                files=[link for r in rounds for link in files.get((action.id, r.id), [])],
                public=public,
                names=names,
                today=today,
            )
            for action in rec.actions
        ]
        every.append((rec, rows))
    all_rows = [row for _, rows in every for row in rows]
    offered = PUBLIC_FILTERS if public else tuple(FILTERS)
    show = show if show in offered else None
    kept = [
        RecommendationRow(
            number=rec.number,
            text=rec.text,
            response=rec.response,
            actions=[row for row in rows if row.keeps(show)],
            agreed=len(rows),
        )
        for rec, rows in every
        if show is None or any(row.keeps(show) for row in rows)
    ]
    latest = review.open_round or (rounds[-1] if rounds else None)
    previous = [r for r in rounds if latest and r.month < latest.month]
    return ReviewPage(
        review=review,
        public=public,
        names=names,
        show=show,
        filters=[(key, FILTERS[key], sum(row.keeps(key) for row in all_rows)) for key in offered],
        recommendations=kept,
        counts=_counts(all_rows, rounds),
        latest_round=latest.label if latest else None,
        previous_round=previous[-1].label if previous else None,
        changed=[row for row in all_rows if row.change],
        today=today,
    )


async def load(
    session: AsyncSession, *, review_id: int, public: bool, names: bool, show: str | None, today: date
) -> ReviewPage | None:
    """The review's page, read in a handful of queries; None if there is no such review."""
    found = await queries.reviews(session, review_id=review_id)
    if not found:
        return None
    return build(
        found[0],
        await queries.review_status(session, review_id=review_id),
        histories=await action_histories(session, review_id=review_id),
        revised=await revised_from(session, review_id=review_id),
        files={} if public else await queries.evidence_links(session, review_id=review_id),
        public=public,
        names=names,
        show=show,
        today=today,
    )
