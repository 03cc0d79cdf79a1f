"""The progress update as Word's plain-text export: the seed imports whole, a broken file not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from documents.errors import ImportRefused
from documents.grades import Grade
from documents.plan_format import PlanDocument
from documents.text_export import parse_text_export
from documents.word_reader import read_docx
from store.db import Database
from store.models import AgreedAction, MonitoringRound, ProgressUpdate, Recommendation, Review
from store.plan import import_plan

SEED = "progress-update-march-2020"

# The March 2020 grades per recommendation, as the committee's document gives them.
MARCH_2020 = {
    1: [1, 3, 3],
    2: [2],
    3: [1, 3],
    4: [1],
    5: [2, 2],
    6: [1, 2],
    7: [2, 2, 2, 3],
    8: [1, 2, 2, 2],
    9: [3, 3],
    10: [2, 2],
    11: [2],
    12: [2, 2],
    13: [2],
}


@pytest.fixture
def seed_text(samples: Path) -> str:
    return (samples / f"{SEED}.txt").read_text(encoding="utf-8")


async def import_text(db: Database, text: str) -> None:
    async with db.session() as session:
        await import_plan(session, plan=parse_text_export(text, source="progress.txt"))


async def stored_actions(db: Database) -> dict[int, list[AgreedAction]]:
    async with db.session() as session:
        recommendations = await session.scalars(
            select(Recommendation)
            .order_by(Recommendation.number)
            .options(
                selectinload(Recommendation.actions)
                .selectinload(AgreedAction.updates)
                .selectinload(ProgressUpdate.round)
            )
        )
        return {rec.number: list(rec.actions) for rec in recommendations}


def march_2020(action: AgreedAction) -> ProgressUpdate:
    (update,) = [u for u in action.updates if u.round.label == "March 2020"]
    return update


async def test_seed_imports_every_recommendation_action_and_grade(db: Database, seed_text: str) -> None:
    await import_text(db, seed_text)
    actions = await stored_actions(db)

    assert sorted(actions) == list(range(1, 14))
    assert sum(len(a) for a in actions.values()) == 27
    grades = {number: [march_2020(a).grade for a in acts] for number, acts in actions.items()}
    assert grades == MARCH_2020
    assert Counter(g for row in grades.values() for g in row) == {
        Grade.FULLY_ACHIEVED: 5,
        Grade.ON_TRACK: 16,
        Grade.SLIPPED: 6,
    }
    async with db.session() as session:
        review = await session.scalar(select(Review).options(selectinload(Review.link_officers)))
        rounds = (await session.scalars(select(MonitoringRound.label))).all()
    assert review is not None and review.title == "Digital Optimisation"
    assert [p.name for p in review.link_officers] == ["Lorraine Dixon"]
    assert review.action_plan_agreed == "March 2019"
    assert rounds == ["March 2020"]


async def test_seed_cells_keep_their_text(db: Database, seed_text: str) -> None:
    await import_text(db, seed_text)
    actions = await stored_actions(db)
    async with db.session() as session:
        first = await session.scalar(select(Recommendation.text).where(Recommendation.number == 1))

    assert first == "A review of *My Stockton* with regards content and layout be undertaken."
    assert [a.group for a in actions[7]] == ["For Council Staff"] + ["For Community"] * 3
    assert [a.responsibility for a in actions[7]] == [
        "Lorraine Dixon / Liz Purdy",
        "Craig Taylor",
        "Mark Freeman",
        "Carly Dixon / Andrew Mearns",
    ]
    # "Lorraine Dixon" and "Digital Services Group" are cells merged over two actions each.
    assert [a.responsibility for a in actions[8]] == ["Lorraine Dixon"] * 2 + ["Digital Services Group"] * 2
    # The row that went on over a page break belongs to the second action's success measure.
    assert "short and medium term needs" in actions[8][1].success_measure
    assert "short and medium" not in actions[8][2].success_measure
    evidence = march_2020(actions[2][0]).evidence
    assert "Of the 59 residents" in evidence
    assert "\n- don't have access to the internet\n" in evidence
    assert "The Government Digital Inclusion Strategy" in evidence
    assert "Feedback from the public has been very positive" in evidence
    assert [march_2020(a).explanation for a in actions[1]] == [
        None,
        "The decision to replace the Council website using the GOSS Digital platform was taken to ensure "
        "compliance with required accessibility standards (WCAG 2.1 AA) and to improve the customer "
        "experience. My Stockton replacement is included in this work.",
        "The redesign is included in the replacement of the Council website.",
    ]
    # "Redesign home page…" is merged over both actions, each with its own line under it.
    assert [a.agreed_action for a in actions[3]] == [
        "Redesign home page to include key digital options:-\n"
        "Include in 'Top Tasks' those services that are providing customers with end to end "
        "self-serve options.",
        "Redesign home page to include key digital options:-\n"
        "Include 'Sign up for *My Stockton* ' as an explicit tab (in action 1) once the redesign and "
        "redevelopment is complete.",
    ]
    assert [a.date_text for a in actions[3]] == ["April 2019 / ongoing for changes", "March 2020"]
    assert [a.responsibility for a in actions[6]] == ["Digital Services Group"] * 2
    assert [a.date_text for a in actions[6]] == ["July 2019"] * 2


def test_text_and_word_versions_of_the_seed_agree(samples: Path, seed_text: str) -> None:
    """The same document twice: the export loses some line breaks, never a cell or a grade."""
    text = parse_text_export(seed_text, source="progress.txt")
    word = read_docx((samples / f"{SEED}.docx").read_bytes(), source="progress.docx")

    def one_line(value: str | None) -> str:
        return " ".join((value or "").split())

    def structure(plan: PlanDocument) -> list[tuple[object, ...]]:
        return [
            (
                rec.number,
                action.group,
                one_line(action.responsibility),
                one_line(action.date),
                one_line(action.success_measure),
                {
                    label: (entry.grade, one_line(entry.explanation))
                    for label, entry in action.progress.items()
                },
            )
            for rec in plan.recommendations
            for action in rec.actions
        ]

    assert structure(text) == structure(word)
    assert (text.review, text.link_officers, text.action_plan_agreed) == (
        word.review,
        word.link_officers,
        word.action_plan_agreed,
    )


LATER_ROUND = """\
Review:\tDigital Optimisation
Link Officer/s:\tLorraine Dixon / Liz Purdy
Action Plan Agreed:\tMarch 2019

Recommendation 1:\tA review of <i>My Stockton</i> be undertaken.\t\t
Responsibility:\tLorraine Dixon\t\t
Date:\tApril 2019\tSeptember 2019\tSeptember 2019
Agreed Action:\tReview the survey.\tDefine content.\tDefine design.
Agreed Success Measure:\tViews are understood.\tContent is defined.\tDesign is complete.
Evidence of Progress (March 2020):\tSummarised.\tPlatform bought.\tWaiting.
Assessment of Progress (March 2020):\t1\tOn-Track\t3 Waiting for the platform.
Evidence of Progress (Sept 2020):\tN/A (Fully Achieved)\tContent agreed at DSG.\t
Assessment of Progress (Sept 2020): (include explanation if required)\tN/A (Fully Achieved)\t2\t
Evidence of Impact (September 2020):\t\tMore residents sign up.\t
"""


async def test_later_round_carries_fully_achieved_and_leaves_blank_grades_unassessed(db: Database) -> None:
    await import_text(db, LATER_ROUND)
    actions = (await stored_actions(db))[1]
    september = [{u.round.label: u for u in a.updates}.get("September 2020") for a in actions]

    assert [march_2020(a).grade for a in actions] == [Grade.FULLY_ACHIEVED, Grade.ON_TRACK, Grade.SLIPPED]
    assert march_2020(actions[2]).explanation == "Waiting for the platform."
    assert september[0] is not None and september[0].fully_achieved_carried and september[0].evidence == ""
    assert september[1] is not None and september[1].grade == Grade.ON_TRACK
    assert september[1].impact == "More residents sign up."
    assert september[2] is None  # nothing given for it yet
    async with db.session() as session:
        review = await session.scalar(select(Review).options(selectinload(Review.link_officers)))
    assert review is not None and [p.name for p in review.link_officers] == ["Liz Purdy", "Lorraine Dixon"]


async def test_plan_cut_off_before_its_progress_rows_imports(db: Database, seed_text: str) -> None:
    plan_only = "\n".join(seed_text.splitlines()[:12])  # up to Recommendation 1's success measure
    await import_text(db, plan_only)
    actions = await stored_actions(db)
    assert [len(a) for a in actions.values()] == [3]
    assert all(not action.updates for action in actions[1])


def replace_line(text: str, number: int, line: str | None) -> str:
    lines = text.splitlines()
    assert lines[number - 1].split("\t")[0]  # the test edits the row it means to
    lines[number - 1 : number] = [line] if line is not None else []
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (
            lambda t: replace_line(t, 15, "Assessment of Progress (March 2020):\t1\t7\t3"),
            "progress.txt: line 15: “7” is not a grade (1 Fully Achieved, 2 On-Track, 3 Slipped, "
            "4 Not Achieved)",
        ),
        (
            lambda t: t.replace("Agreed Action:\tPublish a list", "Action to take:\tPublish a list"),
            "progress.txt: line 91: “Action to take:” is not a row of a progress update",
        ),
        (
            lambda t: replace_line(t, 91, None),
            "progress.txt: Recommendation 4 (line 88): no “Agreed Action” row",
        ),
        (
            lambda t: t.replace(
                "Evidence of Progress (March 2020):\tComplete\tLinked",
                "Evidence of Progress (Spring 2020):\tComplete\tLinked",
            ),
            "progress.txt: line 82: “Spring 2020” is not a month and year",
        ),
        (
            lambda t: replace_line(t, 85, "(Spring 2020):\t\t"),
            "progress.txt: line 85: “Spring 2020” is not a month and year",
        ),
        (
            lambda t: replace_line(t, 84, "Assessment of Progress\t1\t3\t2"),
            "progress.txt: line 84: “Assessment of Progress” has 3 cells "
            "but Recommendation 3 has 2 agreed actions",
        ),
        (
            lambda t: "\n".join(t.splitlines()[:97]),  # cut off inside Recommendation 5, before its actions
            "progress.txt: Recommendation 5 (line 96): no “Agreed Action” row",
        ),
        (lambda t: "\n".join(t.splitlines()[:7]), "progress.txt: no recommendations found"),
        (lambda t: "  \n\n", "progress.txt: the file is empty"),
        (lambda t: t.replace("Review:\tDigital Optimisation\n", ""), "progress.txt: no “Review:” row"),
    ],
    ids=[
        "grade-7",
        "unknown-row",
        "no-agreed-action",
        "round-not-a-month",
        "split-round-not-a-month",
        "more-grades-than-actions",
        "truncated",
        "no-recommendations",
        "empty",
        "no-review",
    ],
)
async def test_broken_export_is_refused_and_nothing_written(
    db: Database, seed_text: str, edit: Callable[[str], str], reason: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        await import_text(db, edit(seed_text))
    assert str(refused.value).startswith(reason)
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Recommendation)) == 0
        assert await session.scalar(select(func.count()).select_from(Review)) == 0
