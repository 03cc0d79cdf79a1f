"""The council's progress-update Word document, written from a plan in the seed's layout
(samples/progress-update-march-2020.docx), so that documents/word_reader.py reads it back the same.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from documents.grades import FULLY_ACHIEVED_CARRIED, GRADE_LABELS, Grade
from documents.layout import (
    ATTACHED,
    EXPLANATION_HINT,
    GRADING_KEY,
    INTRO,
    NOT_ASSESSED,
    NOT_YET_REVIEWED,
    TITLE,
    inline,
    normalise_lines,
    said_below,
)
from documents.plan_format import (
    PlanDocument,
    PlannedAction,
    ProgressEntry,
)

# The seed's measurements, in twips: A4, narrow margins, a 2608-wide label column.
_PAGE_WIDTH, _PAGE_HEIGHT, _SIDE_MARGIN, _TOP_MARGIN = 11906, 16838, 964, 1134
_LABEL_WIDTH, _VALUE_WIDTH = 2608, 7370
_LABEL_FILL = "D9E2F3"


def write_docx(plan: PlanDocument) -> bytes:
    """The progress-update document for the committee, in the seed's layout, with every round."""
    document = new_document()
    add_progress_update(document, plan)
    return saved(document)


def new_document() -> Any:
    """An empty document on the seed's page, in its body text (Arial 11pt), with a hyperlink style."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Twips(_PAGE_WIDTH), Twips(_PAGE_HEIGHT)
    section.left_margin = section.right_margin = Twips(_SIDE_MARGIN)
    section.top_margin = section.bottom_margin = Twips(_TOP_MARGIN)
    _set_normal_style(document)
    _style_headings(document)
    _add_hyperlink_style(document)
    return document


def saved(document: Any) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_progress_update(document: Any, plan: PlanDocument) -> None:
    """The progress update, from its header table to the grading key, at the end of `document` (made
    by new_document): alone, or appended to the committee's covering report (documents/cover_report.py)."""
    writer = _Writer(document)

    header = [("Review:", plan.review)]
    if plan.committee:
        header.append(("Committee:", plan.committee))
    header += [
        ("Link Officer/s:", " / ".join(plan.link_officers)),
        ("Action Plan Agreed:", plan.action_plan_agreed or ""),
    ]
    table = writer.table([_VALUE_WIDTH], rows=len(header) + 1)
    title = writer.merge(table, 0, 0, 1)
    writer.fill(title, TITLE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _shade(title)
    for index, (label, value) in enumerate(header, start=1):
        writer.label(table.cell(index, 0), label)
        writer.fill(table.cell(index, 1), value)
    document.add_paragraph()
    document.add_paragraph(INTRO)
    document.add_paragraph()

    rounds = plan.round_labels()
    impact_rounds = {
        label
        for rec in plan.recommendations
        for action in rec.actions
        for label, entry in action.progress.items()
        if entry.impact
    }
    for recommendation in plan.recommendations:
        writer.recommendation(
            recommendation.number, recommendation.text, recommendation.actions, rounds, impact_rounds
        )
        for line in said_below(recommendation):
            document.add_paragraph(line).runs[0].italic = True
        document.add_paragraph()
    writer.grading_key()
    document.add_paragraph()


def _cell(table: Table, row: int, column: int) -> _Cell:
    """table.cell(row, column), without python-docx building every cell of the table for each call."""
    return table.rows[row].cells[column]


def _groups(actions: list[PlannedAction]) -> list[list[PlannedAction]]:
    groups: list[list[PlannedAction]] = []
    for action in actions:
        if groups and groups[-1][0].group == action.group:
            groups[-1].append(action)
        else:
            groups.append([action])
    return groups


def _spans(count: int, columns: int) -> list[tuple[int, int]]:
    """(first column, last column) of each of `count` actions over `columns` value columns."""
    base, extra = divmod(columns, count)
    spans, start = [], 1
    for index in range(count):
        width = base + (1 if index < extra else 0)
        spans.append((start, start + width - 1))
        start += width
    return spans


def _common_prefix(texts: list[str]) -> tuple[str, list[str]] | None:
    """Leading lines shared by every action's text, and what is left of each; None if none."""
    split = [t.split("\n") for t in texts]
    shared = 0
    while all(len(lines) > shared + 1 for lines in split) and len({lines[shared] for lines in split}) == 1:
        shared += 1
    prefix = "\n".join(split[0][:shared])
    if not shared or not prefix.strip() or "**" in prefix:
        return None
    rests = [normalise_lines(lines[shared:]) for lines in split]
    if not all(rests) or any(
        rest != "\n".join(lines[shared:]) for rest, lines in zip(rests, split, strict=True)
    ):
        return None
    return prefix, rests


class _Writer:
    def __init__(self, document: Any) -> None:
        self.document = document

    def table(self, widths: list[int], *, rows: int) -> Table:
        table = self.document.add_table(rows=rows, cols=len(widths) + 1)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, [_LABEL_WIDTH, *widths], strict=True):
            column.width = Twips(width)
            for cell in column.cells:
                cell.width = Twips(width)
        return table

    def merge(self, table: Table, row: int, first: int, last: int) -> _Cell:
        cell = _cell(table, row, first)
        return cell.merge(_cell(table, row, last)) if last > first else cell

    def label(self, cell: _Cell, text: str, *, hint: str | None = None) -> None:
        self.fill(cell, text, bold=True)
        if hint:
            run = cell.add_paragraph().add_run(hint)
            run.font.size = Pt(8)
        _shade(cell)

    def fill(
        self,
        cell: _Cell,
        text: str,
        *,
        bold: bool = False,
        align: Any = None,
    ) -> None:
        paragraphs = text.split("\n") if text else [""]
        for index, line in enumerate(paragraphs):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            if align is not None:
                paragraph.alignment = align
            if line.startswith("- "):
                paragraph.style = self.document.styles["List Bullet"]
                line = line[2:]
            write_inline(paragraph, line, bold=bold)

    def recommendation(
        self,
        number: int,
        text: str,
        actions: list[PlannedAction],
        rounds: list[str],
        impact_rounds: set[str],
    ) -> None:
        if not actions:
            # Its own table, as the reader expects; the words below it, where they cannot be read as a row.
            table = self.table([_VALUE_WIDTH], rows=1)
            self.label(_cell(table, 0, 0), f"Recommendation {number}:")
            self.fill(_cell(table, 0, 1), text)
            return
        groups = _groups(actions)
        columns = max(len(group) for group in groups)
        width = _VALUE_WIDTH // columns
        plans = [self.group_rows(group, rounds, impact_rounds) for group in groups]
        total = 1 + sum(
            (1 if group[0].group else 0) + sum(2 if stacked is not None else 1 for *_, stacked in rows)
            for group, rows in zip(groups, plans, strict=True)
        )
        table = self.table([width] * columns, rows=total)
        self.label(_cell(table, 0, 0), f"Recommendation {number}:")
        self.fill(self.merge(table, 0, 1, columns), text)
        row = 1
        for group, rows in zip(groups, plans, strict=True):
            if group[0].group:
                _shade(_cell(table, row, 0))
                self.fill(self.merge(table, row, 1, columns), group[0].group, bold=True)
                row += 1
            spans = _spans(len(group), columns)
            for label, hint, values, merge_equal, stacked_above in rows:
                self.label(_cell(table, row, 0), label, hint=hint)
                if stacked_above is not None:
                    _merge_label_down(table, row)
                    self.fill(self.merge(table, row, 1, columns), stacked_above, bold=True)
                    row += 1
                self.values(table, row, spans, values, merge_equal=merge_equal)
                row += 1

    def group_rows(
        self, group: list[PlannedAction], rounds: list[str], impact_rounds: set[str]
    ) -> list[tuple[str, str | None, list[str], bool, str | None]]:
        """(label, hint, one value per action, merge equal neighbours, stacked text above) per row."""
        agreed = [a.agreed_action for a in group]
        shared = _common_prefix(agreed) if len(group) > 1 else None
        rows: list[tuple[str, str | None, list[str], bool, str | None]] = [
            ("Responsibility:", None, [a.responsibility for a in group], True, None),
            ("Date:", None, [a.date_shown for a in group], True, None),
            ("Agreed Action:", None, shared[1] if shared else agreed, False, shared[0] if shared else None),
            ("Agreed Success Measure:", None, [a.success_measure for a in group], True, None),
        ]
        for label in rounds:
            entries = [a.progress.get(label) for a in group]
            rows.append(
                (f"Evidence of Progress ({label}):", None, [_evidence(e) for e in entries], False, None)
            )
            rows.append(
                (
                    f"Assessment of Progress ({label}):",
                    EXPLANATION_HINT,
                    [_assessment(e) for e in entries],
                    False,
                    None,
                )
            )
            if label in impact_rounds:
                rows.append(
                    (
                        f"Evidence of Impact ({label}):",
                        None,
                        [(e.impact or "") if e else "" for e in entries],
                        False,
                        None,
                    )
                )
        return rows

    def values(
        self, table: Table, row: int, spans: list[tuple[int, int]], values: list[str], *, merge_equal: bool
    ) -> None:
        index = 0
        while index < len(values):
            end = index
            while merge_equal and end + 1 < len(values) and values[end + 1] == values[index]:
                end += 1
            cell = self.merge(table, row, spans[index][0], spans[end][1])
            self.fill(cell, values[index])
            index = end + 1

    def grading_key(self) -> None:
        table = self.table([1843] * 4, rows=2)
        self.label(table.cell(0, 0), GRADING_KEY)
        table.cell(0, 0).merge(table.cell(1, 0))
        for grade in Grade:
            self.fill(
                table.cell(0, grade.value), str(grade.value), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
            )
            self.fill(table.cell(1, grade.value), GRADE_LABELS[grade], align=WD_ALIGN_PARAGRAPH.CENTER)


def _evidence(entry: ProgressEntry | None) -> str:
    if entry is None:
        return ""
    if entry.fully_achieved_carried:
        return "\n".join(t for t in (FULLY_ACHIEVED_CARRIED, entry.evidence) if t)
    lines = [NOT_YET_REVIEWED] if entry.not_yet_reviewed else []
    attached = [ATTACHED, *(f"- {a.link}" for a in entry.attachments)] if entry.attachments else []
    return "\n".join([*lines, entry.evidence, *attached, *filter(None, [entry.on_behalf])])


def _assessment(entry: ProgressEntry | None) -> str:
    if entry is None:
        return ""
    if entry.grade is not None:
        first = str(int(entry.grade))
    elif entry.fully_achieved_carried:
        first = FULLY_ACHIEVED_CARRIED
    elif entry.explanation:
        first = NOT_ASSESSED
    else:
        first = ""
    return f"{first}\n\n{entry.explanation}" if entry.explanation else first


def _merge_label_down(table: Table, row: int) -> None:
    table.cell(row, 0).merge(table.cell(row + 1, 0))


def _shade(cell: _Cell) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), _LABEL_FILL)
    cell._tc.get_or_add_tcPr().append(shading)


# --- inline text ---------------------------------------------------------------------------


def write_inline(paragraph: Paragraph, text: str, *, bold: bool) -> None:
    for piece in inline(text):
        if piece.url is not None:
            _add_hyperlink(paragraph, piece.text, piece.url)
        else:
            _add_run(paragraph, piece.text, bold=bold or piece.bold, italic=piece.italic)


def _add_run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    run = paragraph.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True


def _add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    run.append(properties)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def _set_normal_style(document: Any) -> None:
    """Arial 11pt, single spaced, no space between paragraphs: the seed's body text."""
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    fonts = normal.element.rPr.rFonts
    for attribute in ("w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), "Arial")
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _style_headings(document: Any) -> None:
    """Headings (the covering report's, the overview's) in the body's Arial, bold and black, as
    councils' reports have them, not the template's blue."""
    for name, size in (("Heading 1", 12), ("Heading 2", 11)):
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12)
        style.paragraph_format.space_after = Pt(6)
        fonts = style.element.rPr.rFonts
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over the Arial named here


def _add_hyperlink_style(document: Any) -> None:
    style = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    style.font.underline = True
    style.unhide_when_used = True
