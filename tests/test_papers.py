"""The committee's papers from the command line: the covering report for a meeting (read back with
python-docx: its sections in order, its counts and their change since the round before) with the
progress update appended, and the overview of every review in Word and Markdown."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_COLOR_INDEX
from sqlalchemy import select
from test_cli import Cli, cli  # noqa: F401 (fixture)

from documents.cover_report import IMPLICATION_AREAS
from documents.grades import Grade
from documents.plan_format import PlanDocument, PlannedAction, PlannedRecommendation, ProgressEntry
from documents.word_reader import read_docx
from store.db import Database
from store.models import AgreedAction, Recommendation, Review, UpdateSource, Verdict
from store.papers import review_outcome
from store.returns import decide
from store.rounds import current_round
from store.updates import record_update

REVIEW = "Digital Optimisation"
WASTE = "Household Waste and Recycling"
HEADINGS = [
    "PURPOSE OF REPORT",
    "RECOMMENDATION",
    "EXECUTIVE SUMMARY OF REPORT",
    "REASONS FOR RECOMMENDATION",
    "BACKGROUND",
    "PROGRESS ON EACH RECOMMENDATION",
    "IMPLICATIONS OF REPORT",
    "BACKGROUND PAPERS",
    "APPENDIX 1: PROGRESS UPDATE",
]
SLIPPED_WHY = "Two venues closed for repairs."
# The September 2020 returns recorded below, each accepted by the scrutiny officer: "7.2" is
# Recommendation 7's second action. In March 2020 7.2 was On-Track, 1.2, 1.3 and 9.1 Slipped.
SEPTEMBER = {
    "7.2": (Grade.SLIPPED, SLIPPED_WHY),
    "1.2": (Grade.FULLY_ACHIEVED, None),
    "1.3": (Grade.FULLY_ACHIEVED, None),
    "9.1": (Grade.ON_TRACK, None),
}


def record(where: Cli, answers: dict[str, tuple[Grade | None, str | None]], *, accept: bool = True) -> None:
    """Returns for the review's open round, as officers record them in Teams; accepted by an admin."""

    async def work() -> None:
        database = Database(where.database_url)
        try:
            async with database.session() as session:
                review_id = await session.scalar(select(Review.id).where(Review.title == REVIEW))
                assert review_id is not None
                round_ = await current_round(session, review_id=review_id)
                assert round_ is not None
                for ref, (grade, explanation) in answers.items():
                    number, position = map(int, ref.split("."))
                    action_id = await session.scalar(
                        select(AgreedAction.id)
                        .join(Recommendation)
                        .where(
                            Recommendation.review_id == review_id,
                            Recommendation.number == number,
                            AgreedAction.position == position,
                        )
                    )
                    assert action_id is not None
                    update = await record_update(
                        session,
                        action_id=action_id,
                        round_id=round_.id,
                        evidence=f"Evidence for {ref} in {round_.label}.",
                        grade=grade,
                        explanation=explanation,
                        impact=None,
                        by_person_id=None,
                        source=UpdateSource.TEAMS,
                        max_text_length=20_000,
                    )
                    if accept:
                        await decide(
                            session,
                            update_id=update.id,
                            verdict=Verdict.ACCEPTED,
                            reason=None,
                            person_id=None,
                            is_admin=True,
                            activity_id=None,
                        )
        finally:
            await database.dispose()

    asyncio.run(work())


@pytest.fixture
def september(cli: Cli, samples: Path) -> Cli:  # noqa: F811 (the fixture imported above)
    """The March 2020 progress update imported, the September 2020 round open and SEPTEMBER returned."""
    cli.ok("import", samples / "progress-update-march-2020.docx")
    cli.ok("round", "open", "September 2020")
    record(cli, SEPTEMBER)
    return cli


def paragraphs(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def body_until_appendix(document: Document) -> list[str]:
    texts = []
    for paragraph in document.paragraphs:
        if paragraph.text == HEADINGS[-1]:
            break
        texts.append(paragraph.text)
    return texts


def counts_table(document: Document) -> list[list[str]]:
    (table,) = [t for t in document.tables if t.cell(0, 0).text == "Assessment of Progress"]
    return [[cell.text for cell in row.cells] for row in table.rows]


def appendix(document: Document) -> bytes:
    """The document from after the appendix's heading on, as a document of its own."""
    (heading,) = [p for p in document.paragraphs if p.text == HEADINGS[-1]]
    body = document.element.body
    for element in list(body):
        body.remove(element)
        if element is heading._p:
            break
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_cover_report_has_a_councils_sections_and_counts_the_record(
    september: Cli, tmp_path: Path
) -> None:
    record(september, {"2.1": (Grade.SLIPPED, "Survey postponed.")}, accept=False)  # waits: not on paper
    out = tmp_path / "papers.docx"
    said = september.ok("export", "--cover", "-o", out)
    assert f"Wrote {out}: the covering report on the September 2020 round of “{REVIEW}”" in said
    document = docx.Document(str(out))

    assert paragraphs(document, "Heading 1") == HEADINGS
    assert paragraphs(document, "Heading 2") == list(IMPLICATION_AREAS)
    text = "\n".join(body_until_appendix(document))
    assert "2. That the Committee notes the progress made on the actions agreed" in text

    # March 2020 as imported: 5 Fully Achieved, 16 On-Track, 6 Slipped. September 2020: the five done
    # in March stay Fully Achieved and 1.2 and 1.3 join them; 9.1 On-Track; 7.2 Slipped; the other 19
    # (2.1's return among them: not yet accepted) are not assessed in September.
    assert counts_table(document) == [
        ["Assessment of Progress", "March 2020", "September 2020", "Change"],
        ["1 Fully Achieved", "5", "7", "+2"],
        ["2 On-Track", "16", "1", "−15"],
        ["3 Slipped", "6", "1", "−5"],
        ["4 Not Achieved", "0", "0", "no change"],
        ["Not yet assessed", "0", "18", "+18"],
        ["Total", "27", "27", "no change"],
    ]
    assert (
        "Their assessments in the September 2020 round: 7 Fully Achieved (5 of them in earlier rounds), "
        "1 On-Track, 1 Slipped and 0 Not Achieved; 18 have not been assessed in this round." in text
    )
    assert "Since the March 2020 round: Fully Achieved +2 (5 to 7); On-Track −15 (16 to 1);" in text
    for changed in (
        "Recommendation 1, action 2 (Lorraine Dixon): Slipped → Fully Achieved",
        "Recommendation 7, action 2 (Craig Taylor): On-Track → Slipped",
        "Recommendation 9, action 1 (Lorraine Dixon / Liz Purdy): Slipped → On-Track",
    ):
        assert changed in paragraphs(document, "List Bullet")
    assert "Progress has been reported in 2 monitoring rounds: March 2020 and September 2020." in text
    assert "Recommendation 7: SBC embraces the iDEA" in text
    assert "Its 4 agreed actions in the September 2020 round: 1 Slipped; 3 not yet assessed." in text
    assert "Its 3 agreed actions in the September 2020 round: 3 Fully Achieved." in text  # Recommendation 1
    action_72 = next(
        b for b in paragraphs(document, "List Bullet") if b.startswith("Action 2 (Craig Taylor)")
    )
    assert action_72.endswith(f": Slipped (was On-Track in March 2020). {SLIPPED_WHY}")
    assert any(b.endswith(": Fully Achieved in March 2020.") for b in paragraphs(document, "List Bullet"))
    assert "Survey postponed." not in text

    # What only the author can say is marked for them, not made up.
    marked = [p for p in document.paragraphs if p.text.startswith("[To be completed by the report author")]
    assert len(marked) == len(IMPLICATION_AREAS) + 2
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for p in marked for run in p.runs)

    # Appended: the progress update, as `export` writes it alone.
    alone = tmp_path / "alone.docx"
    september.ok("export", "-o", alone)
    appended = read_docx(appendix(document), source="appendix")
    assert appended == read_docx(alone.read_bytes(), source="alone")
    assert appended.round_labels() == ["March 2020", "September 2020"]


def test_the_cover_report_counts_what_its_appendix_shows(september: Cli, tmp_path: Path) -> None:
    """Returns still waiting are counted only when the appendix carries them too; --round reports an
    earlier round, the first of all with nothing to compare."""
    record(september, {"2.1": (Grade.SLIPPED, "Survey postponed.")}, accept=False)
    everything = tmp_path / "everything.docx"
    september.ok("export", "--cover", "-o", everything, "--include-unreviewed")
    rows = counts_table(docx.Document(str(everything)))
    assert rows[3] == ["3 Slipped", "6", "2", "−4"]

    march = tmp_path / "march.docx"
    assert "the March 2020 round" in september.ok("export", "--cover", "-o", march, "--round", "March 2020")
    document = docx.Document(str(march))
    assert counts_table(document) == [
        ["Assessment of Progress", "March 2020"],
        ["1 Fully Achieved", "5"],
        ["2 On-Track", "16"],
        ["3 Slipped", "6"],
        ["4 Not Achieved", "0"],
        ["Not yet assessed", "0"],
        ["Total", "27"],
    ]
    text = "\n".join(body_until_appendix(document))
    assert "March 2020 is the first round with returns, so there is no earlier round to compare with." in text
    assert "September 2020" not in text


def test_a_cover_report_with_nothing_to_report_says_so_and_writes_nothing(
    cli: Cli,  # noqa: F811 (the fixture imported above)
    samples: Path,
    tmp_path: Path,
) -> None:
    out = tmp_path / "papers.docx"

    def refused(*args: str) -> str:
        result = cli("export", "--cover", "-o", out, *args)
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert not out.exists()
        return " ".join(result.output.split())

    assert "There are no reviews yet. Import a plan first" in refused()
    cli.ok("import", Path(__file__).parent / "plans" / "waste-and-recycling.yaml")
    assert f"There is no review called “Digital Optimisation”. Reviews: {WASTE}." in refused(
        "--review", REVIEW
    )

    bare = tmp_path / "bare.yaml"
    bare.write_text(
        f"review: {REVIEW}\nrecommendations:\n  - number: 1\n    text: A review of My Stockton.\n"
        "    actions:\n      - {responsibility: Lorraine Dixon, agreed_action: Review it.}\n",
        encoding="utf-8",
    )
    cli.ok("import", bare)
    assert f"“{REVIEW}” has no monitoring rounds yet, so there is no progress to report." in refused(
        "-r", REVIEW
    )
    cli.ok("round", "open", "September 2020", "-r", REVIEW)
    assert f"“{REVIEW}” has no progress updates yet (rounds: September 2020)" in refused("-r", REVIEW)
    record(cli, {"1.1": (Grade.ON_TRACK, None)}, accept=False)
    assert "no progress updates the scrutiny officer has accepted yet (rounds: September 2020). " in refused(
        "-r", REVIEW
    )

    for args, reason in (
        (("--format", "md"), "The covering report is a Word document"),
        (("--overview",), "Choose one: --cover writes one review's papers"),
    ):
        assert reason in refused("-r", REVIEW, *args)


def test_the_overview_counts_every_reviews_recommendations(september: Cli, tmp_path: Path) -> None:
    # A later return left ungraded does not hide that 3.2 slipped in March.
    record(september, {"3.2": (None, None)})
    september.ok("import", Path(__file__).parent / "plans" / "waste-and-recycling.yaml")

    markdown = tmp_path / "impact.md"
    assert "the impact of scrutiny, 2 reviews" in september.ok("export", "--overview", "-o", markdown)
    text = markdown.read_text(encoding="utf-8")
    # Digital Optimisation: 4 (its one action done in March) and now 1 (1.2 and 1.3 done in
    # September) achieved; 3 (3.2), 7 (7.2, 7.4) and 9 (9.2; 9.1 is back on track) slipped; the rest
    # outstanding. Waste: each recommendation with an action Slipped or Not Achieved in April 2023.
    rows = [
        ["Digital Optimisation", "", "September 2020", "13", "13", "2", "3", "8"],
        [WASTE, "Place Select Committee", "April 2023", "8", "8", "0", "5", "3"],
    ]
    for row in rows:
        assert "| " + " | ".join(row) + " |" in text
    assert "| **All reviews** |  |  | **21** | **21** | **2** | **8** | **11** |" in text
    assert "- Achieved: recommendations 1 and 4\n- Slipped: recommendations 3, 7 and 9\n" in text
    assert "- Outstanding: recommendations 2, 5, 6, 8, 10, 11, 12 and 13\n" in text
    assert "- Slipped: recommendations 2, 4, 5, 6 and 8\n- Outstanding: recommendations 1, 3 and 7\n" in text

    word = tmp_path / "impact.docx"
    september.ok("export", "--overview", "-o", word)
    document = docx.Document(str(word))
    assert paragraphs(document, "Heading 1") == ["The impact of scrutiny"]
    assert paragraphs(document, "Heading 2") == ["Digital Optimisation", WASTE]
    (table,) = document.tables
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert cells[0] == [
        "Review",
        "Committee",
        "Latest round",
        "Recommendations",
        "Accepted",
        "Achieved",
        "Slipped",
        "Outstanding",
    ]
    assert cells[1:] == [*rows, ["All reviews", "", "", "21", "21", "2", "8", "11"]]
    assert "Achieved: recommendations 1 and 4" in paragraphs(document, "List Bullet")

    refused = september("export", "--overview", "-o", tmp_path / "impact.json")
    assert (
        refused.exit_code == 1
        and "The overview is written as Word (.docx) or Markdown (.md)." in refused.output
    )
    refused = september("export", "--overview", "-o", tmp_path / "one.md", "--review", REVIEW)
    assert refused.exit_code == 1 and "The overview covers every review" in refused.output


def test_a_recommendation_is_achieved_slipped_or_outstanding_by_its_actions_latest_grades() -> None:
    def action(*grades: int | None) -> PlannedAction:
        """Graded so in March 2020, then September 2020."""
        rounds = iter(["March 2020", "September 2020"])
        return PlannedAction(
            responsibility="Lorraine Dixon",
            agreed_action="Do it.",
            progress={next(rounds): ProgressEntry(evidence="So far.", grade=grade) for grade in grades},
        )

    plan = PlanDocument.model_construct(
        review=REVIEW,
        recommendations=[
            PlannedRecommendation(number=1, text="Done.", actions=[action(1), action(3, 1)]),
            PlannedRecommendation(
                number=2, text="Slipped, then ungraded.", actions=[action(1), action(3, None)]
            ),
            PlannedRecommendation(number=3, text="Back on track.", actions=[action(4, 2)]),
            PlannedRecommendation(number=4, text="Never returned.", actions=[action()]),
            # A report's recommendation whose actions are not drafted yet (the plan format will allow
            # none once a final report can be imported): outstanding, not achieved for having none.
            PlannedRecommendation.model_construct(number=5, text="No actions yet.", actions=[]),
        ],
    )
    outcome = review_outcome(plan)
    assert (outcome.accepted, outcome.achieved, outcome.slipped, outcome.outstanding) == (
        [1, 2, 3, 4, 5],
        [1],
        [2],
        [3, 4, 5],
    )
    assert outcome.latest_round == "September 2020" and outcome.recommendations == 5
