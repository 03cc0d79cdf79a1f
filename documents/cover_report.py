"""The covering report for the committee's meeting, in the shape councils' reports take (purpose,
recommendation, executive summary, background, the detail, implications; see the seed
another-council-digital-strategy-update.txt), with the progress update appended: one Word document.

What only the report's author can say (the meeting's date, the implications) is left as a highlighted
"[To be completed …]" for them to fill in, never guessed.
"""

from __future__ import annotations

from typing import Any

from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.shared import Pt

from documents.grades import GRADE_LABELS, Grade
from documents.papers import ActionStanding, CoverReport, RecommendationStanding, RoundCounts
from documents.word_writer import add_progress_update, new_document, saved, write_inline

PURPOSE = "PURPOSE OF REPORT"
RECOMMENDATION = "RECOMMENDATION"
SUMMARY = "EXECUTIVE SUMMARY OF REPORT"
REASONS = "REASONS FOR RECOMMENDATION"
BACKGROUND = "BACKGROUND"
PROGRESS = "PROGRESS ON EACH RECOMMENDATION"
IMPLICATIONS = "IMPLICATIONS OF REPORT"
BACKGROUND_PAPERS = "BACKGROUND PAPERS"
APPENDIX = "APPENDIX 1: PROGRESS UPDATE"
# The implications a council's report asks of its author, each with what to write there.
IMPLICATION_AREAS = {
    "Financial": "the financial implications, with the finance officer's comments, or “None”",
    "Legal": "the legal implications, with the monitoring officer's comments, or “None”",
    "Human Resources": "any implications for staff, or “None”",
    "Equality and Diversity": "any equality implications, and whether an impact assessment is needed",
    "Risk": "the risks to delivering the agreed actions, or “None”",
}
TO_COMPLETE = "[To be completed by the report author{what}.]"
NOT_ASSESSED = "Not yet assessed"
_AGREED_ACTION_SHOWN = 100  # characters of an agreed action named in a recommendation's paragraph


def write_cover_docx(cover: CoverReport) -> bytes:
    document = new_document()
    _Cover(document, cover).write()
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(APPENDIX, level=1)
    add_progress_update(document, cover.progress_update)
    return saved(document)


def to_complete(what: str = "") -> str:
    return TO_COMPLETE.format(what=f": {what}" if what else "")


def change(before: int, after: int) -> str:
    """ "+2", "−1" (a minus sign, as print has it) or "no change"."""
    if after == before:
        return "no change"
    return f"+{after - before}" if after > before else f"−{before - after}"


def grade_counts_text(counts: RoundCounts, *, achieved_note: str = "") -> str:
    """ "6 Fully Achieved, 16 On-Track, 5 Slipped and 0 Not Achieved", the note after Fully Achieved."""
    parts = [f"{counts.counts[grade]} {GRADE_LABELS[grade]}" for grade in Grade]
    parts[0] += achieved_note
    return ", ".join(parts[:-1]) + " and " + parts[-1]


class _Cover:
    def __init__(self, document: Any, cover: CoverReport) -> None:
        self.document, self.cover = document, cover
        self.number = 0  # paragraphs are numbered through the report, as councils' reports are
        self.committee = cover.committee or "the Select Committee"
        self.latest = cover.latest.round_label

    def write(self) -> None:
        cover = self.cover
        self.header()
        self.heading(PURPOSE)
        self.numbered(
            f"This report presents the {self.latest} progress update on the action plan agreed after "
            f"{self.committee}'s scrutiny review of {cover.review}, so that the Committee can monitor "
            "how its recommendations are being delivered."
        )
        self.heading(RECOMMENDATION)
        self.numbered(
            f"That the Committee notes the progress made on the actions agreed in response to its review "
            f"of {cover.review}, as set out in this report and in the progress update at Appendix 1."
        )
        self.heading(SUMMARY)
        self.summary()
        self.heading(REASONS)
        self.numbered(
            "The Committee monitors the delivery of the recommendations it made until every agreed action "
            "is complete or it signs the review off."
        )
        self.heading(BACKGROUND)
        self.background()
        self.heading(PROGRESS)
        for recommendation in cover.recommendations:
            self.recommendation(recommendation)
        self.heading(IMPLICATIONS)
        self.numbered("The implications of this report, with the comments of the relevant officers:")
        for area, what in IMPLICATION_AREAS.items():
            self.heading(area, level=2)
            self.placeholder(to_complete(what))
        self.heading(BACKGROUND_PAPERS)
        self.placeholder(to_complete("the review's final report and the agreed action plan, with dates"))
        self.placeholder(to_complete("the report author's name, telephone extension and the date"))

    def header(self) -> None:
        """The seed's first lines: who reports, to which meeting, when; then the title."""
        table = self.document.add_table(rows=2, cols=3)
        table.style = self.document.styles["Table Grid"]
        for column, (label, value) in enumerate(
            [
                ("Report of", to_complete()),
                ("Meeting", self.cover.committee or to_complete("the meeting")),
                ("Date", to_complete("the meeting's date")),
            ]
        ):
            table.cell(0, column).paragraphs[0].add_run(label).bold = True
            self.runs(table.cell(1, column).paragraphs[0], value)
        self.document.add_paragraph()
        title = self.document.add_paragraph()
        title.add_run(
            f"{self.cover.review.upper()} – SCRUTINY REVIEW PROGRESS UPDATE ({self.latest.upper()})"
        ).bold = True

    def summary(self) -> None:
        cover, latest = self.cover, self.cover.latest
        actions = sum(len(rec.actions) for rec in cover.recommendations)
        earlier = f" ({latest.carried} of them in earlier rounds)" if latest.carried else ""
        unassessed = (
            f"; {latest.not_assessed} have not been assessed in this round" if latest.not_assessed else ""
        )
        self.numbered(
            f"The action plan has {actions} agreed actions under {len(cover.recommendations)} "
            f"recommendations. Their assessments in the {self.latest} round: "
            f"{grade_counts_text(latest, achieved_note=earlier)}{unassessed}."
        )
        previous = cover.previous
        if previous is None:
            self.numbered(
                f"{self.latest} is the first round with returns, so there is no earlier round to compare "
                "with."
            )
            self.counts_table([latest])
            return
        moves = [
            f"{GRADE_LABELS[grade]} {change(previous.counts[grade], latest.counts[grade])} "
            f"({previous.counts[grade]} to {latest.counts[grade]})"
            for grade in Grade
        ]
        self.numbered(f"Since the {previous.round_label} round: " + "; ".join(moves) + ".")
        self.counts_table([previous, latest])
        changed = [(rec, action) for rec in cover.recommendations for action in rec.actions if action.changed]
        if not changed:
            self.numbered(f"No action's assessment has changed since the {previous.round_label} round.")
            return
        self.numbered(f"Assessments that changed since the {previous.round_label} round:")
        for rec, action in changed:
            assert action.grade is not None and action.previous_grade is not None
            self.bullet(
                f"Recommendation {rec.number}, action {action.position} ({action.responsibility}): "
                f"{action.previous_grade.label} → {action.grade.label}"
            )

    def counts_table(self, rounds: list[RoundCounts]) -> None:
        """Assessment of Progress by round, and the change between the two."""
        compared = len(rounds) == 2
        table = self.document.add_table(rows=7, cols=len(rounds) + 1 + compared)
        table.style = self.document.styles["Table Grid"]
        headings = ["Assessment of Progress", *(r.round_label for r in rounds)] + (
            ["Change"] if compared else []
        )
        for column, text in enumerate(headings):
            table.cell(0, column).paragraphs[0].add_run(text).bold = True
        rows: list[tuple[str, list[int]]] = [
            (f"{grade.value} {GRADE_LABELS[grade]}", [r.counts[grade] for r in rounds]) for grade in Grade
        ]
        rows += [(NOT_ASSESSED, [r.not_assessed for r in rounds]), ("Total", [r.total for r in rounds])]
        for row, (label, values) in enumerate(rows, start=1):
            cells = [label, *map(str, values)] + ([change(*values)] if compared else [])
            for column, text in enumerate(cells):
                table.cell(row, column).text = text
        self.document.add_paragraph()

    def background(self) -> None:
        cover = self.cover
        agreed = (
            f" The action plan responding to them was agreed in {cover.action_plan_agreed}."
            if cover.action_plan_agreed
            else ""
        )
        self.numbered(
            f"{self.committee[0].upper()}{self.committee[1:]}'s scrutiny review of {cover.review} made "
            f"{len(cover.progress_update.recommendations)} recommendations.{agreed}"
        )
        if cover.link_officers:
            officers = _and(cover.link_officers)
            self.numbered(
                f"The review's link officer{'s are' if len(cover.link_officers) > 1 else ' is'} {officers}; "
                "the officers responsible for each action return its progress."
            )
        count = len(cover.rounds)
        self.numbered(
            f"Progress has been reported in {count} monitoring round{'s' if count > 1 else ''}: "
            f"{_and(cover.rounds)}. Each action is assessed as 1 Fully Achieved, 2 On-Track, 3 Slipped or "
            "4 Not Achieved; an action once Fully Achieved stays so. The progress update for the "
            f"{self.latest} round is attached as Appendix 1."
        )

    def recommendation(self, rec: RecommendationStanding) -> None:
        paragraph = self.numbered(f"Recommendation {rec.number}: ", bold=True)
        lines = rec.text.split("\n")
        write_inline(paragraph, lines[0], bold=False)
        for line in lines[1:]:
            self.line(line)
        if not rec.actions:
            self.line("No actions have been agreed for it yet.")
            return
        count = len(rec.actions)
        # Only what is there: "1 Slipped; 3 not yet assessed", not four zeros besides.
        graded = ", ".join(f"{n} {GRADE_LABELS[grade]}" for grade, n in rec.counts.counts.items() if n)
        unassessed = f"{rec.counts.not_assessed} not yet assessed" if rec.counts.not_assessed else ""
        self.line(
            f"Its {count} agreed action{'s' if count > 1 else ''} in the {self.latest} round: "
            + "; ".join(filter(None, [graded, unassessed]))
            + "."
        )
        for action in rec.actions:
            self.bullet(self.standing(action))

    def standing(self, action: ActionStanding) -> str:
        name = f"Action {action.position} ({action.responsibility}), “{_shortened(action.agreed_action)}”: "
        if action.achieved_in:
            return name + f"Fully Achieved in {action.achieved_in}."
        now = action.grade.label if action.grade else f"not yet assessed in {self.latest}"
        before = ""
        previous = self.cover.previous
        if previous and action.previous_grade and action.previous_grade != action.grade:
            before = f" (was {action.previous_grade.label} in {previous.round_label})"
        why = f" {' '.join(action.explanation.split())}" if action.explanation else ""
        return f"{name}{now}{before}.{why}"

    # --- the writing itself ---

    def heading(self, text: str, *, level: int = 1) -> None:
        self.document.add_heading(text, level=level)

    def numbered(self, text: str, *, bold: bool = False) -> Any:
        self.number += 1
        paragraph = self.document.add_paragraph()
        paragraph.add_run(f"{self.number}. ")
        write_inline(paragraph, text, bold=bold)
        paragraph.paragraph_format.space_after = Pt(6)
        return paragraph

    def line(self, text: str) -> None:
        if text.startswith("- "):
            self.bullet(text[2:])
        elif text.strip():
            write_inline(self.document.add_paragraph(), text, bold=False)

    def bullet(self, text: str) -> None:
        write_inline(self.document.add_paragraph(style="List Bullet"), text, bold=False)

    def placeholder(self, text: str) -> None:
        self.runs(self.document.add_paragraph(), text)

    @staticmethod
    def runs(paragraph: Any, text: str) -> None:
        """Text, with what the author is to complete highlighted so that it is not missed."""
        run = paragraph.add_run(text)
        if text.startswith(TO_COMPLETE[:10]):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _shortened(text: str) -> str:
    """The agreed action's first line, cut at a word near _AGREED_ACTION_SHOWN characters."""
    first = " ".join(text.split("\n")[0].split())
    if len(first) <= _AGREED_ACTION_SHOWN and "\n" not in text:
        return first
    return first[:_AGREED_ACTION_SHOWN].rsplit(" ", 1)[0].rstrip(",;:") + "…"
