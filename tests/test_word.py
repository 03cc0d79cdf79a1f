"""The council's Word progress update: the seed imports as the committee reads it, a written
document reads back to the same plan, and a damaged one is refused with where and why."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from records import import_document
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from test_text_export import MARCH_2020 as MARCH_GRADES  # the seed's grades, written down once

from documents.errors import ImportRefused
from documents.grades import Grade
from documents.plan_format import PlanDocument, PlannedAction, PlannedRecommendation, ProgressEntry
from documents.word_reader import read_docx
from documents.word_writer import write_docx
from store.db import Database
from store.models import AgreedAction, MonitoringRound, ProgressUpdate, Recommendation
from store.plan import export_plan

SEED = "progress-update-march-2020.docx"


async def grades_by_recommendation(session: AsyncSession, label: str) -> dict[int, list[int | None]]:
    rows = await session.execute(
        select(Recommendation.number, AgreedAction.position, ProgressUpdate.grade)
        .join(AgreedAction, AgreedAction.recommendation_id == Recommendation.id)
        .join(ProgressUpdate, ProgressUpdate.action_id == AgreedAction.id)
        .join(MonitoringRound, MonitoringRound.id == ProgressUpdate.round_id)
        .where(MonitoringRound.label == label)
        .order_by(Recommendation.number, AgreedAction.position, ProgressUpdate.id)
    )
    latest: dict[tuple[int, int], int | None] = {}
    for number, position, recorded in rows:
        latest[(number, position)] = int(recorded) if recorded is not None else None
    grades: dict[int, list[int | None]] = {}
    for (number, _), grade in latest.items():
        grades.setdefault(number, []).append(grade)
    return grades


async def row_counts(db: Database) -> tuple[int, int]:
    async with db.session() as session:
        recommendations = await session.scalar(select(func.count()).select_from(Recommendation))
        updates = await session.scalar(select(func.count()).select_from(ProgressUpdate))
    return recommendations or 0, updates or 0


async def action(session: AsyncSession, number: int, position: int) -> AgreedAction:
    found = await session.scalar(
        select(AgreedAction)
        .join(Recommendation)
        .where(Recommendation.number == number, AgreedAction.position == position)
    )
    assert found is not None
    return found


async def test_the_seed_imports_as_the_committee_reads_it(db: Database, samples: Path) -> None:
    async with db.session() as session:
        result = await import_document(session, path=samples / SEED)
    assert (result.created, result.recommendations, result.actions, result.updates_added) == (
        True,
        13,
        27,
        27,
    )
    assert result.rounds_added == ["March 2020"]
    async with db.session() as session:
        grades = await grades_by_recommendation(session, "March 2020")
        assert grades == MARCH_GRADES
        all_grades = [g for per_rec in grades.values() for g in per_rec]
        assert [all_grades.count(g) for g in (1, 2, 3, 4)] == [5, 16, 6, 0]

        rec7 = [await action(session, 7, p) for p in (1, 2, 3, 4)]
        assert [a.group for a in rec7] == [
            "For Council Staff",
            "For Community",
            "For Community",
            "For Community",
        ]
        rec8 = [await action(session, 8, p) for p in (1, 2, 3, 4)]
        assert [a.responsibility for a in rec8] == [
            "Lorraine Dixon",
            "Lorraine Dixon",
            "Digital Services Group",
            "Digital Services Group",
        ]
        rec3 = [await action(session, 3, p) for p in (1, 2)]
        assert rec3[0].agreed_action.startswith("Redesign home page to include key digital options:-\n")
        assert rec3[0].agreed_action.endswith("end to end self-serve options.")
        assert rec3[1].agreed_action.startswith(
            "Redesign home page to include key digital options:-\nInclude"
        )
        explanation = await session.scalar(
            select(ProgressUpdate.explanation).where(
                ProgressUpdate.action_id == (await action(session, 1, 2)).id
            )
        )
        assert explanation is not None
        assert explanation.startswith("The decision to replace the Council website")


def test_cell_text_follows_the_shared_convention(samples: Path) -> None:
    plan = read_docx((samples / SEED).read_bytes(), source=SEED)
    by_number = {rec.number: rec for rec in plan.recommendations}
    assert by_number[1].text == "A review of *My Stockton* with regards content and layout be undertaken."
    assert by_number[8].actions[1].date == "March 2019\nApril 2019 – April 2021"
    evidence = by_number[2].actions[0].progress["March 2020"].evidence
    assert (
        "were:\n- Tried but too difficult\n- Were unable to find what they were looking for.\n(Graph B)\n"
        in evidence
    )
    assert (
        "\n\n[Ward Profile 2019](https://www.stockton.gov.uk/strong-communities/ward-profiles-2019/)\n\n"
        in evidence
    )
    assert (
        "\n- https://digital.nhs.uk/about-nhs-digital/our-work/digital-inclusion/what-digital-inclusion-is\n"
        in evidence
    )
    assert "\n**Digital Support to Customers**\n" in evidence
    assert "\n\n\n" not in evidence and evidence == evidence.strip()
    assert by_number[4].actions[0].progress["March 2020"].evidence == (
        "Complete\nhttps://www.stockton.gov.uk/stockton-council/most-popular-and-do-it-online/"
    )
    sustainability = by_number[11].actions[0].agreed_action
    assert sustainability.startswith("Ensure the ongoing sustainability of:-\n- Digital Services Group as")
    assert (plan.review, plan.link_officers, plan.action_plan_agreed) == (
        "Digital Optimisation",
        ["Lorraine Dixon"],
        "March 2019",
    )


# A plan touching every corner of the layout: sub-headings, shared and stacked cells, formatting,
# a round with impact, carried entries, and an explanation without a grade.
AWKWARD = PlanDocument(
    review="Digital Optimisation",
    committee="People Select Committee",
    link_officers=["Lorraine Dixon", "Liz Purdy"],
    action_plan_agreed="March 2019",
    recommendations=[
        PlannedRecommendation(
            number=3,
            text="Make *My Stockton* **visible**.",
            actions=[
                PlannedAction(
                    responsibility="Andrew Mearns",
                    date="April 2019 / ongoing",
                    agreed_action="Redesign home page:-\nInclude 'Top Tasks'.",
                    success_measure="Visible.",
                    progress={
                        "March 2020": ProgressEntry(evidence="Complete", grade=Grade.FULLY_ACHIEVED),
                        "September 2020": ProgressEntry(fully_achieved_carried=True),
                    },
                ),
                PlannedAction(
                    responsibility="Andrew Mearns",
                    date="March 2020",
                    agreed_action="Redesign home page:-\nInclude 'Sign up'.\n- one\n- two",
                    success_measure="Visible.",
                    progress={
                        "March 2020": ProgressEntry(
                            evidence="See [the plan](https://example.org/plan?a=1) and https://example.org/x.",
                            grade=Grade.SLIPPED,
                            explanation="Linked to the website.\n\nSecond paragraph.",
                        ),
                        "September 2020": ProgressEntry(
                            evidence="Done, ***really***.",
                            grade=Grade.FULLY_ACHIEVED,
                            impact="Customers sign up *themselves*.",
                        ),
                    },
                ),
            ],
        ),
        PlannedRecommendation(
            number=7,
            text="SBC embraces iDEA.",
            actions=[
                PlannedAction(
                    group="For Council Staff",
                    responsibility="Lorraine Dixon / Liz Purdy",
                    date="September 2019",
                    agreed_action="Incorporate in the plan.",
                    progress={"March 2020": ProgressEntry(evidence="Signed up.", grade=Grade.ON_TRACK)},
                ),
                *[
                    PlannedAction(
                        group="For Community",
                        responsibility=who,
                        date="October 2019",
                        agreed_action=f"Promote {n}.",
                        success_measure="Aware.",
                        progress={
                            "September 2020": ProgressEntry(explanation="Awaiting the new website."),
                        }
                        if n == 3
                        else {},
                    )
                    for n, who in enumerate(["Craig Taylor", "Craig Taylor", "Mark Freeman"], start=1)
                ],
                PlannedAction(
                    group="For Community",
                    responsibility="Carly Dixon",
                    date="",
                    agreed_action="Promote 4.",
                    progress={"March 2020": ProgressEntry(evidence="", grade=Grade.NOT_ACHIEVED)},
                ),
            ],
        ),
    ],
)


def test_a_written_document_reads_back_to_the_same_plan() -> None:
    again = read_docx(write_docx(AWKWARD), source="written.docx")
    assert again.model_dump(exclude={"rounds"}) == AWKWARD.model_dump(exclude={"rounds"})


def test_written_document_has_the_seed_layout() -> None:
    document = docx.Document(io.BytesIO(write_docx(AWKWARD)))
    header, rec3, rec7, key = document.tables
    assert [c.text for c in header.rows[1].cells] == ["Review:", "Digital Optimisation"]
    assert [c.text for c in header.rows[3].cells] == ["Link Officer/s:", "Lorraine Dixon / Liz Purdy"]
    labels = [row.cells[0].text for row in rec3.rows]
    assert labels[:6] == [
        "Recommendation 3:",
        "Responsibility:",
        "Date:",
        "Agreed Action:",
        "Agreed Action:",  # merged down over the shared "Redesign home page:-" and each action's own
        "Agreed Success Measure:",
    ]
    assert "Evidence of Impact (September 2020):" in labels
    assert "Evidence of Impact (March 2020):" not in labels
    # Shared responsibility is one merged cell; the carried action says so in the committee's words.
    responsibility = rec3.rows[1]._tr.tc_lst
    assert len(responsibility) == 2 and responsibility[1].grid_span == 2
    september = labels.index("Evidence of Progress (September 2020):")
    assert rec3.rows[september].cells[1].text == "N/A (Fully Achieved)"
    assert rec3.rows[september + 1].cells[1].text == "N/A (Fully Achieved)"
    sub_headings = [row.cells[1].text for row in rec7.rows if row.cells[0].text == ""]
    assert sub_headings == ["For Council Staff", "For Community"]
    assert [c.text for c in key.rows[0].cells] == ["Assessment of Progress Gradings:", "1", "2", "3", "4"]
    assert [c.text for c in key.rows[1].cells[1:]] == [
        "Fully Achieved",
        "On-Track",
        "Slipped",
        "Not Achieved",
    ]


async def test_reimporting_the_seed_adds_nothing(db: Database, samples: Path) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / SEED)
    async with db.session() as session:
        again = await import_document(session, path=samples / SEED)
    assert (again.created, again.updates_added, again.rounds_added) == (False, 0, [])
    assert await row_counts(db) == (13, 27)


async def test_a_later_version_adds_its_round_to_the_same_actions(
    db: Database, samples: Path, tmp_path: Path
) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / SEED)
        plan = await export_plan(session, title="Digital Optimisation")
    for rec in plan.recommendations:
        for planned in rec.actions:
            march = planned.progress["March 2020"]
            if march.grade == Grade.FULLY_ACHIEVED:
                planned.progress["September 2020"] = ProgressEntry(fully_achieved_carried=True)
            else:
                planned.progress["September 2020"] = ProgressEntry(
                    evidence=f"Recommendation {rec.number} moved on.",
                    grade=Grade.FULLY_ACHIEVED if march.grade == Grade.SLIPPED else Grade.ON_TRACK,
                    impact="Residents use the new site.",
                )
    later = tmp_path / "progress-update-september-2020.docx"
    later.write_bytes(write_docx(plan))

    async with db.session() as session:
        result = await import_document(session, path=later)
    assert (result.created, result.updates_added, result.rounds_added) == (False, 27, ["September 2020"])
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(AgreedAction)) == 27
        assert await grades_by_recommendation(session, "March 2020") == MARCH_GRADES
        september = await grades_by_recommendation(session, "September 2020")
        carried = (
            await session.scalars(
                select(ProgressUpdate.fully_achieved_carried)
                .join(MonitoringRound)
                .where(MonitoringRound.label == "September 2020")
            )
        ).all()
    assert september[1] == [None, 1, 1] and september[8] == [None, 2, 2, 2]
    assert carried.count(True) == 5
    assert await row_counts(db) == (13, 54)


async def test_docx_to_database_and_back_is_lossless(db: Database, samples: Path, tmp_path: Path) -> None:
    async with db.session() as session:
        await import_document(session, path=samples / SEED)
        first = await export_plan(session, title="Digital Optimisation")
    written = tmp_path / "exported.docx"
    written.write_bytes(write_docx(first))
    async with db.session() as session:
        result = await import_document(session, path=written)
        second = await export_plan(session, title="Digital Optimisation")
    assert result.updates_added == 0
    assert second.model_dump(exclude={"rounds"}) == first.model_dump(exclude={"rounds"})
    assert first.model_dump(exclude={"rounds"}) == read_docx(
        (samples / SEED).read_bytes(), source=SEED
    ).model_dump(exclude={"rounds"})


def test_a_row_without_a_label_carries_on_the_row_above(samples: Path) -> None:
    document = docx.Document(str(samples / SEED))
    rec4 = document.tables[4]
    extra = rec4.add_row()
    extra.cells[1].text = "Also listed in *the* libraries."
    evidence = rec4.rows[5]
    assert evidence.cells[0].text == "Evidence of Progress (March 2020):"
    evidence._tr.addnext(extra._tr)
    out = io.BytesIO()
    document.save(out)
    plan = read_docx(out.getvalue(), source="split.docx")
    assert plan.recommendations[3].actions[0].progress["March 2020"].evidence == (
        "Complete\nhttps://www.stockton.gov.uk/stockton-council/most-popular-and-do-it-online/\n"
        "Also listed in *the* libraries."
    )


def seed_document(samples: Path) -> docx.document.Document:
    return docx.Document(str(samples / SEED))


def saved(document: docx.document.Document, path: Path) -> Path:
    document.save(str(path))
    return path


def grade_seven(samples: Path, path: Path) -> Path:
    document = seed_document(samples)
    rec3 = document.tables[3]
    assert rec3.rows[7].cells[0].text.startswith("Assessment of Progress (March 2020)")
    rec3.rows[7].cells[2].paragraphs[0].runs[0].text = "7"
    return saved(document, path)


def without_agreed_action(samples: Path, path: Path) -> Path:
    document = seed_document(samples)
    rec2 = document.tables[2]
    row = rec2.rows[3]
    assert row.cells[0].text == "Agreed Action:"
    row._tr.getparent().remove(row._tr)
    return saved(document, path)


def spring_round(samples: Path, path: Path) -> Path:
    document = seed_document(samples)
    label = document.tables[1].rows[5].cells[0].paragraphs[0].runs[0]
    assert label.text == "Evidence of Progress (March 2020):"
    label.text = "Evidence of Progress (Spring 2020):"
    return saved(document, path)


def truncated(samples: Path, path: Path) -> Path:
    data = (samples / SEED).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty(samples: Path, path: Path) -> Path:
    path.write_bytes(b"")
    return path


def renamed_text(samples: Path, path: Path) -> Path:
    path.write_bytes((samples / "progress-update-march-2020.txt").read_bytes())
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            grade_seven,
            "progress.docx: Recommendation 3, row “Assessment of Progress (March 2020)”, action 2: "
            "“7” is not a grade (1 Fully Achieved, 2 On-Track, 3 Slipped, 4 Not Achieved)",
        ),
        (without_agreed_action, "progress.docx: Recommendation 2: the “Agreed Action:” row is missing"),
        (
            spring_round,
            "progress.docx: Recommendation 1, row “Evidence of Progress (Spring 2020)”: "
            "“Spring 2020” is not a month and year, such as “March 2020”",
        ),
        (
            truncated,
            "progress.docx: the Word document is damaged or incomplete (was it cut short while copying?)",
        ),
        (empty, "progress.docx: the file is empty."),
        (renamed_text, "progress.docx is not a Word document (is it a text file renamed .docx?)"),
    ],
)
async def test_a_bad_document_is_refused_and_nothing_is_written(
    db: Database, samples: Path, tmp_path: Path, make: object, message: str
) -> None:
    path = make(samples, tmp_path / "progress.docx")  # type: ignore[operator]
    with pytest.raises(ImportRefused) as refused:
        async with db.session() as session:
            await import_document(session, path=path)
    assert str(refused.value) == message
    assert await row_counts(db) == (0, 0)


async def test_a_refusal_rolls_back_the_whole_import(db: Database, samples: Path, tmp_path: Path) -> None:
    """Everything imported in the same transaction before the refusal is undone with it."""
    bad = grade_seven(samples, tmp_path / "progress.docx")
    with pytest.raises(ImportRefused):
        async with db.session() as session:
            await import_document(session, path=samples / SEED)
            assert await session.scalar(select(func.count()).select_from(ProgressUpdate)) == 27
            await import_document(session, path=bad)
    assert await row_counts(db) == (0, 0)


def test_actions_under_no_heading_after_a_headed_group_read_back() -> None:
    def action(text: str, group: str | None) -> PlannedAction:
        return PlannedAction(
            group=group,
            responsibility="Liz Purdy",
            date="April 2020",
            agreed_action=text,
            progress={"March 2020": ProgressEntry(evidence=f"Evidence for {text}", grade=2)},
        )

    plan = PlanDocument(
        review="Mixed Groups",
        recommendations=[
            PlannedRecommendation(
                number=5,
                text="A recommendation with a sub-heading and then actions under none.",
                actions=[
                    action("Staff one.", "For Council Staff"),
                    action("Staff two.", "For Council Staff"),
                    action("Everyone.", None),
                ],
            )
        ],
    )
    back = read_docx(write_docx(plan), source="mixed.docx")
    assert [(a.group, a.agreed_action) for a in back.recommendations[0].actions] == [
        ("For Council Staff", "Staff one."),
        ("For Council Staff", "Staff two."),
        (None, "Everyone."),
    ]
    assert back == plan
