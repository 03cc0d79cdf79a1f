"""The impact of scrutiny: every review's recommendations, and what became of them, for the annual
report, in Word and in Markdown. The same words and numbers in both.
"""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH

from documents.papers import ReviewOutcome, ScrutinyOverview
from documents.word_writer import new_document, saved

TITLE = "The impact of scrutiny"
INTRO = (
    "Every scrutiny review's recommendations, and what has become of them, from the progress updates "
    "the committees have received. A recommendation is achieved when every one of its agreed actions "
    "is Fully Achieved; slipped when any action's latest assessment is Slipped or Not Achieved; "
    "outstanding otherwise (on track, not yet assessed, or no actions agreed yet). Achieved, slipped "
    "and outstanding together are the accepted recommendations."
)
COLUMNS = (
    "Review",
    "Committee",
    "Latest round",
    "Recommendations",
    "Accepted",
    "Achieved",
    "Slipped",
    "Outstanding",
)
ALL_REVIEWS = "All reviews"
NO_ROUND = "none yet"


def _row(outcome: ReviewOutcome) -> list[str]:
    return [
        outcome.review,
        outcome.committee or "",
        outcome.latest_round or NO_ROUND,
        *map(str, _numbers(outcome)),
    ]


def _numbers(outcome: ReviewOutcome) -> list[int]:
    return [
        outcome.recommendations,
        len(outcome.accepted),
        len(outcome.achieved),
        len(outcome.slipped),
        len(outcome.outstanding),
    ]


def _totals(overview: ScrutinyOverview) -> list[str]:
    sums = [sum(column) for column in zip(*(_numbers(o) for o in overview.reviews), strict=True)]
    return [ALL_REVIEWS, "", "", *map(str, sums)]


def _which(outcome: ReviewOutcome) -> list[str]:
    """ "Achieved: recommendations 4 and 6", one line per outcome that has any."""
    lines = []
    for name, numbers in (
        ("Achieved", outcome.achieved),
        ("Slipped", outcome.slipped),
        ("Outstanding", outcome.outstanding),
    ):
        if numbers:
            listed = ", ".join(map(str, numbers[:-1])) + " and " if len(numbers) > 1 else ""
            noun = "recommendations" if len(numbers) > 1 else "recommendation"
            lines.append(f"{name}: {noun} {listed}{numbers[-1]}")
    not_accepted = outcome.recommendations - len(outcome.accepted)
    if not_accepted:
        lines.append(f"Not accepted: {not_accepted}")
    return lines


def write_overview_markdown(overview: ScrutinyOverview) -> str:
    def cells(values: list[str]) -> str:
        return "| " + " | ".join(" ".join(v.split()).replace("|", "\\|") for v in values) + " |"

    out = [f"# {TITLE}", "", INTRO, "", cells(list(COLUMNS)), "|---|---|---|" + "---:|" * 5]
    out += [cells(_row(outcome)) for outcome in overview.reviews]
    out += [cells([f"**{v}**" if v else "" for v in _totals(overview)]), ""]
    for outcome in overview.reviews:
        out += [f"## {outcome.review}", ""]
        out += [f"- {line}" for line in _which(outcome)] + [""]
    return "\n".join(out)


def write_overview_docx(overview: ScrutinyOverview) -> bytes:
    document = new_document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(INTRO)
    document.add_paragraph()
    rows = [_row(outcome) for outcome in overview.reviews]
    table = document.add_table(rows=len(rows) + 2, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    for row, values in enumerate([list(COLUMNS), *rows, _totals(overview)]):
        bold = row in (0, len(rows) + 1)
        for column, value in enumerate(values):
            paragraph = table.cell(row, column).paragraphs[0]
            paragraph.add_run(value).bold = bold
            if column >= 3 and row > 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for outcome in overview.reviews:
        document.add_heading(outcome.review, level=2)
        for line in _which(outcome):
            document.add_paragraph(line, style="List Bullet")
    return saved(document)
