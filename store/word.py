"""The council's progress-update Word document, read into a plan and written from one.

The layout is the seed's (samples/progress-update-march-2020.docx): a header table ("Review:",
"Link Officer/s:", "Action Plan Agreed:"), then one table per recommendation with a label column
and one column per agreed action, then the grading key. Inside a recommendation, a row with an
empty label ("For Council Staff") starts a sub-heading with its own rows and action columns. A cell
merged across action columns gives its value to every action it covers; a label merged down over
two rows stacks their values ("Redesign home page…:-" above each action's own text).

Cell text convention, shared with the plain-text export's parser (store/text_export.py): paragraphs
joined with "\\n", each stripped at its ends, blank paragraphs at the ends dropped and runs of them
collapsed to one empty line; italic runs are `*text*`, bold `**text**`; list paragraphs are
"- text"; a hyperlink is its bare URL when that is what it shows, else `[text](url)`. Sub-headings
and the stacked text above a merged label are bold by layout, so their bold is not part of the text.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row, CT_Tc
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

from store.dates import parse_month, round_label
from store.errors import ImportRefused
from store.models import FULLY_ACHIEVED_CARRIED, GRADE_LABELS, Grade
from store.people import names_in_responsibility
from store.plan_format import PlanDocument, PlannedAction, ProgressEntry, plan_from_data

TITLE = "SCRUTINY MONITORING – PROGRESS UPDATE"
INTRO = (
    "Updates on the progress of actions in relation to agreed recommendations from previous scrutiny "
    "reviews are required approximately 12 months after the relevant Select Committee has agreed the "
    "Action Plan. Progress updates must be detailed, evidencing what has taken place regarding each "
    "recommendation – a grade assessing progress should then be given (see end of document for grading "
    "explanation)."
)
GRADING_KEY = "Assessment of Progress Gradings:"
# Written in the grade cell when an explanation is given without a grade, so it is not read as one.
NOT_ASSESSED = "Not yet assessed"
EXPLANATION_HINT = "(include explanation if required)"

# The seed's measurements, in twips: A4, narrow margins, a 2608-wide label column.
_PAGE_WIDTH, _PAGE_HEIGHT, _SIDE_MARGIN, _TOP_MARGIN = 11906, 16838, 964, 1134
_LABEL_WIDTH, _VALUE_WIDTH = 2608, 7370
_LABEL_FILL = "D9E2F3"

_ROUND_ROW = re.compile(
    r"(evidence of progress|assessment of progress|evidence of impact)\s*(?:\((.*?)\))?", re.I
)
_FIELD_ROWS = {
    "responsibility": "responsibility",
    "date": "date",
    "agreed action": "agreed_action",
    "agreed success measure": "success_measure",
    "success measure": "success_measure",
}
_ROUND_FIELDS = {
    "evidence of progress": "evidence",
    "assessment of progress": "assessment",
    "evidence of impact": "impact",
}
_HEADER_ROWS = {
    "review": "review",
    "committee": "committee",
    "select committee": "committee",
    "link officer/s": "link_officers",
    "link officers": "link_officers",
    "link officer": "link_officers",
    "action plan agreed": "action_plan_agreed",
}
_RECOMMENDATION_ROW = re.compile(r"recommendation\s+(\d+)\b")
_GRADE_CELL = re.compile(r"([1-4])[.)]?(?:\s*[-–:(]?\s*(.+?)\)?)?")


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def read_docx(data: bytes, *, source: str) -> PlanDocument:
    """The plan in a progress-update document; ImportRefused, naming table, row and action, if not."""
    document = _open(data, source=source)
    return plan_from_data(_DocumentReader(document, source=source).read(), source=source)


def _open(data: bytes, *, source: str) -> Any:
    if not data.strip():
        raise ImportRefused(f"{source}: the file is empty.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused(
            f"{source} is an older Word (.doc) or password-protected file: "
            "open it in Word and save it as a .docx without a password."
        )
    if not data.startswith(b"PK"):
        raise ImportRefused(f"{source} is not a Word document (is it a text file renamed .docx?)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise ImportRefused(f"{source} is a zip file, not a Word document.")
            if archive.testzip() is not None:
                raise zipfile.BadZipFile
        return docx.Document(io.BytesIO(data))
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError, etree.XMLSyntaxError):
        raise ImportRefused(
            f"{source}: the Word document is damaged or incomplete (was it cut short while copying?)"
        ) from None


@dataclass
class _Row:
    table: Table  # python-docx needs it to find hyperlink targets and styles
    tr: CT_Row
    label: str  # the label cell's text on one line, lower case, for matching
    written: str  # the same as written
    name: str  # as written, for messages: "Assessment of Progress (March 2020)"
    merged_down: bool  # the label cell is merged down from the row above
    values: list[CT_Tc]  # the cells right of the label
    continues: bool = False  # the row above goes on here: merged down, or a row without a label


@dataclass
class _Group:
    heading: str | None
    rows: list[_Row] = field(default_factory=list)


def _starts_unheaded_group(row: _Row, group: _Group) -> bool:
    """A second Responsibility row in one group: actions with no sub-heading after a headed group
    ("For Community", then actions under no heading) begin there."""
    if not row.label or row.merged_down or _row_kind(row.written) != ("responsibility", ""):
        return False
    return any(r.label and _row_kind(r.written) == ("responsibility", "") for r in group.rows)


class _DocumentReader:
    def __init__(self, document: Any, *, source: str) -> None:
        self.document = document
        self.source = source

    def refuse(self, where: str, reason: str) -> ImportRefused:
        return ImportRefused(f"{self.source}: {where}: {reason}")

    def read(self) -> dict[str, Any]:
        header: dict[str, Any] | None = None
        recommendations: list[dict[str, Any]] = []
        for table in self.document.tables:
            rows = [_row(table, tr) for tr in table._tbl.tr_lst]
            if not rows:
                continue
            first = rows[0].label
            number = _RECOMMENDATION_ROW.match(first)
            if number:
                recommendations.append(self.recommendation(int(number.group(1)), rows))
            elif first.startswith("assessment of progress grading"):
                continue
            elif any(row.label.rstrip(":").strip() == "review" for row in rows):
                header = self.header(rows)
            elif _row_kind(rows[0].written) is not None:
                after = f"Recommendation {recommendations[-1]['number']}" if recommendations else "the header"
                raise self.refuse(
                    f"the table after {after}",
                    f"it starts with “{rows[0].name}” but has no “Recommendation” row "
                    "(join it to the table above in Word)",
                )
        if header is None:
            raise ImportRefused(
                f"{self.source}: there is no table with a “Review:” row, so the review is unknown."
            )
        if not recommendations:
            raise ImportRefused(f"{self.source}: there are no “Recommendation” tables.")
        return {**header, "recommendations": recommendations}

    def header(self, rows: list[_Row]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for row in rows:
            key = _HEADER_ROWS.get(row.label.rstrip(":").strip())
            if key is None:
                continue
            value = _normalise(_plain_lines(row.values[0])) if row.values else ""
            if key == "link_officers":
                found[key] = names_in_responsibility(value)
            elif value or key == "review":
                found[key] = value
        return found

    def recommendation(self, number: int, rows: list[_Row]) -> dict[str, Any]:
        where = f"Recommendation {number}"
        text = "\n".join(t for t in (_cell_text(tc, rows[0].table) for tc in rows[0].values) if t)
        groups = [_Group(heading=None)]
        for row in rows[1:]:
            row.continues = row.merged_down
            if not row.label and not row.merged_down:
                filled = [tc for tc in row.values if _cell_text(tc, row.table)]
                if len(filled) == 1 and _is_heading(filled[0], row.table):
                    groups.append(_Group(heading=_cell_text(filled[0], row.table, layout_bold=True)))
                    continue
                if not filled:
                    continue
                # A row without a label carries on the one above (a long cell split by hand).
                row.continues = True
            elif _starts_unheaded_group(row, groups[-1]):
                groups.append(_Group(heading=None))
            groups[-1].rows.append(row)
        actions: list[dict[str, Any]] = []
        for group in groups:
            if group.heading is None and not group.rows:
                continue
            actions.extend(self.group(group, where=where, first_position=len(actions) + 1))
        return {"number": number, "text": text, "actions": actions}

    def group(self, group: _Group, *, where: str, first_position: int) -> list[dict[str, Any]]:
        columns = _action_columns(group.rows)
        actions: list[dict[str, Any]] = [{"progress": {}} for _ in columns]
        if group.heading is not None:
            for action in actions:
                action["group"] = group.heading
        titled = f"{where} ({group.heading})" if group.heading else where
        if not columns:
            raise self.refuse(titled, "there are no agreed actions")
        seen: set[tuple[str, str]] = set()
        for stack in _stacked(group.rows):
            row = stack[0]
            kind = _row_kind(row.written)
            if kind is None:
                expected = "Responsibility, Date, Agreed Action, Agreed Success Measure, Evidence of Progress"
                raise self.refuse(
                    f"{where}, row “{row.name}”", f"is not a row of the progress update ({expected}, …)"
                )
            name, month_text = kind
            if name in _ROUND_FIELDS:
                if not month_text:
                    raise self.refuse(f"{where}, row “{row.name}”", "does not say which month’s round it is")
                try:
                    month = round_label(parse_month(month_text))
                except ValueError as error:
                    raise self.refuse(f"{where}, row “{row.name}”", str(error)) from None
            else:
                month = ""
            if (name, month) in seen:
                raise self.refuse(f"{titled}, row “{row.name}”", "appears twice")
            seen.add((name, month))
            for index, (action, lines) in enumerate(zip(actions, _stack_values(stack, columns), strict=True)):
                self.put(
                    action,
                    name=name,
                    month=month,
                    lines=lines,
                    where=f"{where}, row “{row.name}”, action {first_position + index}",
                )
        if ("agreed action", "") not in seen:
            raise self.refuse(titled, "the “Agreed Action:” row is missing")
        for action in actions:
            action["progress"] = {
                month: entry for month, entry in action["progress"].items() if any(entry.values())
            }
        return actions

    def put(self, action: dict[str, Any], *, name: str, month: str, lines: list[str], where: str) -> None:
        if name in _FIELD_ROWS:
            action[_FIELD_ROWS[name]] = _normalise(lines)
            return
        entry = action["progress"].setdefault(month, {})
        field_name = _ROUND_FIELDS[name]
        if field_name == "impact":
            entry["impact"] = _normalise(lines)
        elif field_name == "evidence":
            text = _normalise(lines)
            first, _, rest = text.partition("\n")
            if _is_carried(first):
                entry["fully_achieved_carried"] = True
                text = _normalise(rest.split("\n"))
            entry["evidence"] = text
        else:
            grade, explanation, carried = _grade_cell(lines)
            if grade is not None and grade != "":
                try:
                    entry["grade"] = Grade.parse(grade)
                except ValueError:
                    raise ImportRefused(
                        f"{self.source}: {where}: “{grade}” is not a grade "
                        "(1 Fully Achieved, 2 On-Track, 3 Slipped, 4 Not Achieved)"
                    ) from None
            if carried:
                entry["fully_achieved_carried"] = True
            entry["explanation"] = explanation


def _row(table: Table, tr: CT_Row) -> _Row:
    tcs = list(tr.tc_lst)
    label_tc = tcs[0] if tcs and tcs[0].grid_offset == 0 else None
    lines = _plain_lines(label_tc) if label_tc is not None else []
    spaced = " ".join(" ".join(line.split()) for line in lines if line.strip())
    first_line = next((line.strip() for line in lines if line.strip()), "")
    return _Row(
        table=table,
        tr=tr,
        label=spaced.lower(),
        written=spaced,
        name=first_line.rstrip(":").strip(),
        merged_down=label_tc is not None and label_tc.vMerge == "continue",
        values=[tc for tc in tcs if tc is not label_tc],
    )


def _is_heading(tc: CT_Tc, table: Table) -> bool:
    """A sub-heading row: one cell across every action column, in bold as the layout has it."""
    columns = len(table._tbl.tblGrid.gridCol_lst)
    if tc.grid_offset != 1 or tc.grid_offset + tc.grid_span != columns:
        return False
    cell: Any = _Cell(tc, table)
    runs = [Run(r, cell) for r in tc.iter(qn("w:r")) if "".join(r.itertext()).strip()]
    return bool(runs) and all(_effective(run, "bold") for run in runs)


def _row_kind(label: str) -> tuple[str, str] | None:
    """ "Assessment of Progress (March 2020): …" -> ("assessment of progress", "March 2020")."""
    key = label.rstrip(":").strip()
    if key.lower() in _FIELD_ROWS:
        return key.lower(), ""
    match = _ROUND_ROW.match(key)
    if match:
        return match.group(1).lower(), (match.group(2) or "").strip()
    return None


def _stacked(rows: list[_Row]) -> Iterator[list[_Row]]:
    """Rows under one label cell merged downwards, together."""
    stack: list[_Row] = []
    for row in rows:
        if row.continues and stack:
            stack.append(row)
            continue
        if stack:
            yield stack
        stack = [row]
    if stack:
        yield stack


def _action_columns(rows: list[_Row]) -> list[int]:
    """The first grid column of each action: every cell edge in the group's rows starts one."""
    starts = {tc.grid_offset for row in rows for tc in row.values}
    return sorted(starts)


def _stack_values(stack: list[_Row], columns: list[int]) -> list[list[str]]:
    """Each action's lines in these rows: a cell over several actions gives its text to each."""
    values: list[list[str]] = [[] for _ in columns]
    for depth, row in enumerate(stack):
        above = depth + 1 < len(stack) and stack[depth + 1].merged_down
        for tc in row.values:
            start = tc.grid_offset  # python-docx works it out anew (an XPath query) each time
            end = start + tc.grid_span
            text = _cell_text(tc, row.table, layout_bold=above)
            if not text:
                continue
            for index, column in enumerate(columns):
                if start <= column < end:
                    lines = values[index]
                    lines.extend([*text.split("\n")])
    return values


def _grade_cell(lines: list[str]) -> tuple[str | None, str | None, bool]:
    """The grade (as written), the explanation after it, and whether it says "N/A (Fully Achieved)"."""
    text = _normalise(lines)
    if not text:
        return None, None, False
    first, _, rest = text.partition("\n")
    explanation = _normalise(rest.split("\n")) or None
    written = first.strip("* ").rstrip(".")
    if _is_carried(written):
        return None, explanation, True
    if written.lower() == NOT_ASSESSED.lower():
        return None, explanation, False
    return _grade_text(written) or _shorten(written), explanation, False


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _grade_text(text: str) -> str | None:
    """ "2", "On-Track", "2 - On-Track" -> text Grade.parse reads; None if it is not a grade."""
    try:
        Grade.parse(text)
        return text
    except ValueError:
        pass
    match = _GRADE_CELL.fullmatch(text)
    if match is None:
        return None
    if match.group(2):
        try:
            if Grade.parse(match.group(2)) != Grade(int(match.group(1))):
                return None
        except ValueError:
            return None
    return match.group(1)


def _is_carried(text: str) -> bool:
    return " ".join(text.strip("* ").split()).lower() == FULLY_ACHIEVED_CARRIED.lower()


# --- cell text -------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Containers whose runs are part of the visible text: tracked insertions, smart tags, content controls.
_TRANSPARENT = {
    f"{_W}ins",
    f"{_W}smartTag",
    f"{_W}sdt",
    f"{_W}sdtContent",
    f"{_W}customXml",
    f"{_W}fldSimple",
}


def _plain_lines(tc: CT_Tc) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))]


def _cell_text(tc: CT_Tc, table: Table, *, layout_bold: bool = False) -> str:
    cell = _Cell(tc, table)
    lines: list[str] = []
    for paragraph in cell.paragraphs:
        lines.extend(_paragraph_lines(paragraph, layout_bold=layout_bold))
    return _normalise(lines)


def _normalise(lines: Sequence[str]) -> str:
    """Blank lines at the ends dropped and runs of them collapsed, each line stripped."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


@dataclass
class _Piece:
    text: str
    style: str  # "", "i", "b", "bi", or "raw" for text already in the convention (links)


def _paragraph_lines(paragraph: Paragraph, *, layout_bold: bool) -> list[str]:
    pieces: list[_Piece] = []
    for element, run in _inline(paragraph):
        if run is None:
            pieces.append(_Piece(_link_text(element, paragraph), "raw"))
            continue
        italic = _effective(run, "italic")
        bold = _effective(run, "bold") and not layout_bold
        pieces.append(_Piece(run.text, ("b" if bold else "") + ("i" if italic else "")))
    lines: list[list[_Piece]] = [[]]
    for piece in pieces:
        parts = piece.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(_Piece(part, piece.style))
    rendered = [_render(line).strip() for line in lines]
    if _is_list(paragraph) and rendered and rendered[0]:
        rendered[0] = f"- {rendered[0]}"
    return rendered


def _inline(paragraph: Paragraph) -> Iterator[tuple[Any, Run | None]]:
    """Runs (with a Run) and hyperlinks (without), in order, looking inside tracked insertions."""

    def walk(parent: Any) -> Iterator[tuple[Any, Run | None]]:
        for child in parent:
            if child.tag == f"{_W}r":
                yield child, Run(child, paragraph)
            elif child.tag == f"{_W}hyperlink":
                yield child, None
            elif child.tag in _TRANSPARENT:
                yield from walk(child)

    return walk(paragraph._p)


def _link_text(element: Any, paragraph: Paragraph) -> str:
    text = "".join(t.text or "" for t in element.iter(qn("w:t")))
    rel_id = element.get(qn("r:id"))
    url = ""
    if rel_id and rel_id in paragraph.part.rels:
        url = paragraph.part.rels[rel_id].target_ref
    anchor = element.get(qn("w:anchor"))
    if url and anchor:
        url = f"{url}#{anchor}"
    if not url or not text.strip():
        return text
    return url if text.strip() == url else f"[{text.strip()}]({url})"


def _effective(run: Run, attribute: str) -> bool:
    value = getattr(run.font, attribute)
    if value is not None:
        return bool(value)
    style = run.style if run._r.rPr is not None and run._r.rPr.rStyle is not None else None
    while style is not None:
        value = getattr(style.font, attribute)
        if value is not None:
            return bool(value)
        style = style.base_style
    return False


def _render(pieces: list[_Piece]) -> str:
    merged: list[_Piece] = []
    for piece in pieces:
        if merged and merged[-1].style == piece.style:
            merged[-1] = _Piece(merged[-1].text + piece.text, piece.style)
        else:
            merged.append(piece)
    out = []
    for piece in merged:
        marker = {"i": "*", "b": "**", "bi": "***"}.get(piece.style, "")
        core = piece.text.strip()
        if not marker or not core:
            out.append(piece.text)
            continue
        lead = piece.text[: len(piece.text) - len(piece.text.lstrip())]
        trail = piece.text[len(piece.text.rstrip()) :]
        out.append(f"{lead}{marker}{core}{marker}{trail}")
    return "".join(out)


def _is_list(paragraph: Paragraph) -> bool:
    ppr: Any = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
        return bool(ppr.numPr.numId.val != 0)
    return _style_is_list(paragraph.part, paragraph._p.style)


@functools.lru_cache(maxsize=256)
def _style_is_list(part: Any, style_id: str | None) -> bool:
    """Whether a paragraph style, or one it is based on, numbers its paragraphs. Remembered per
    document: python-docx looks a style up by walking all of them, for each of a plan's thousands of
    paragraphs."""
    style = part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
    while style is not None:
        style_ppr: Any = style.element.pPr
        num_pr = style_ppr.numPr if style_ppr is not None else None
        if num_pr is not None:
            return num_pr.numId is None or num_pr.numId.val != 0
        style = style.base_style
    return False


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def write_docx(plan: PlanDocument) -> bytes:
    """The progress-update document for the committee, in the seed's layout, with every round."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Twips(_PAGE_WIDTH), Twips(_PAGE_HEIGHT)
    section.left_margin = section.right_margin = Twips(_SIDE_MARGIN)
    section.top_margin = section.bottom_margin = Twips(_TOP_MARGIN)
    _set_normal_style(document)
    _add_hyperlink_style(document)
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
        document.add_paragraph()
    writer.grading_key()
    document.add_paragraph()
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


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
    rests = [_normalise(lines[shared:]) for lines in split]
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
            _write_inline(paragraph, line, bold=bold)

    def recommendation(
        self,
        number: int,
        text: str,
        actions: list[PlannedAction],
        rounds: list[str],
        impact_rounds: set[str],
    ) -> None:
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
            ("Date:", None, [a.date for a in group], True, None),
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
    return entry.evidence


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

_EMPHASIS = r"[^\s*](?:[^*]*[^\s*])?"
_INLINE = re.compile(
    r"\[(?P<link_text>[^\]\n]+)\]\((?P<link_url>[a-z][a-z0-9+.-]*:[^)\s]+)\)"
    r"|(?P<url>https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'*])"
    rf"|\*\*\*(?P<bi>{_EMPHASIS})\*\*\*"
    rf"|\*\*(?P<b>{_EMPHASIS})\*\*"
    rf"|\*(?P<i>{_EMPHASIS})\*",
    re.I,
)


def _write_inline(paragraph: Paragraph, text: str, *, bold: bool) -> None:
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            _add_run(paragraph, text[position : match.start()], bold=bold)
        if match.group("link_url"):
            _add_hyperlink(paragraph, match.group("link_text"), match.group("link_url"))
        elif match.group("url"):
            _add_hyperlink(paragraph, match.group("url"), match.group("url"))
        else:
            style = next(name for name in ("bi", "b", "i") if match.group(name))
            _add_run(paragraph, match.group(style), bold=bold or "b" in style, italic="i" in style)
        position = match.end()
    if position < len(text):
        _add_run(paragraph, text[position:], bold=bold)


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


def _add_hyperlink_style(document: Any) -> None:
    style = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    style.font.underline = True
    style.unhide_when_used = True
