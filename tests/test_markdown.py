"""The progress update in Markdown reads as the committee's document: headings, grades, evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.grades import Grade
from documents.markdown import write_markdown
from documents.plan_format import PlanDocument, ProgressEntry
from documents.word_reader import read_docx


@pytest.fixture
def seed(samples: Path) -> PlanDocument:
    return read_docx((samples / "progress-update-march-2020.docx").read_bytes(), source="seed.docx")


def test_the_seed_in_markdown_has_what_a_reader_looks_for(seed: PlanDocument) -> None:
    text = write_markdown(seed)
    assert text.startswith("# Scrutiny Monitoring – Progress Update: Digital Optimisation\n")
    assert "| **Link Officer/s** | Lorraine Dixon |\n| **Action Plan Agreed** | March 2019 |" in text
    columns = "Fully Achieved | On-Track | Slipped | Not Achieved | N/A (Fully Achieved) | Not yet assessed"
    assert f"| Round | {columns} |" in text
    assert "| March 2020 | 5 | 16 | 6 | 0 | 0 | 0 |" in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Summary",
        *[f"## Recommendation {n}" for n in range(1, 14)],
        "## Assessment of Progress Gradings",
    ]
    assert text.count("**March 2020: 3 Slipped**") == 6
    assert text.count("**March 2020: 1 Fully Achieved**") == 5
    assert (
        "## Recommendation 1\n\nA review of *My Stockton* with regards content and layout be undertaken.\n"
        in text
    )
    assert "### Action 2 · Lorraine Dixon · September 2019\n" in text
    assert "*Explanation:*\n\nThe decision to replace the Council website using the GOSS" in text
    # A Word list stays one list; a new paragraph follows it.
    assert (
        "were:\n\n- Tried but too difficult\n- Were unable to find what they were looking for.\n\n(Graph B)"
        in text
    )
    assert "| 4 | Not Achieved |" in text


def test_sub_headings_group_their_actions(seed: PlanDocument) -> None:
    text = write_markdown(seed)
    rec7 = text[text.index("## Recommendation 7") : text.index("## Recommendation 8")]
    headings = [line for line in rec7.splitlines() if line.startswith("#")]
    assert headings == [
        "## Recommendation 7",
        "### For Council Staff",
        "#### Action 1 · Lorraine Dixon / Liz Purdy · September 2019",
        "### For Community",
        "#### Action 2 · Craig Taylor · October 2019",
        "#### Action 3 · Mark Freeman · October 2019",
        "#### Action 4 · Carly Dixon / Andrew Mearns · October 2019",
    ]


def test_a_later_round_shows_carried_missing_and_impact(seed: PlanDocument) -> None:
    rec1 = seed.recommendations[0].actions
    rec1[0].progress["September 2020"] = ProgressEntry(fully_achieved_carried=True)
    rec1[1].progress["September 2020"] = ProgressEntry(
        evidence="Website live.", grade=Grade.FULLY_ACHIEVED, impact="Fewer calls."
    )
    text = write_markdown(seed)
    section = text[text.index("## Recommendation 1") : text.index("## Recommendation 2")]
    assert "**September 2020: N/A (Fully Achieved)**" in section
    assert "**September 2020: 1 Fully Achieved**\n\n*Evidence of progress:*\n\nWebsite live." in section
    assert "*Evidence of impact:*\n\nFewer calls." in section
    assert "**September 2020: not yet assessed**\n\nNo update yet." in section
    assert "| September 2020 | 1 | 0 | 0 | 0 | 1 | 25 |" in text
