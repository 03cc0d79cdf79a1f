"""The council's progress-update Word document, read into a plan.

The layout is the seed's (samples/progress-update-march-2020.docx): a header table ("Review:",
"Link Officer/s:", "Action Plan Agreed:"), then one table per recommendation with a label column
and one column per agreed action, then the grading key. Inside a recommendation, a row with an
empty label ("For Council Staff") starts a sub-heading with its own rows and action columns. A cell
merged across action columns gives its value to every action it covers; a label merged down over
two rows stacks their values ("Redesign home page…:-" above each action's own text).

A cell's text is written as documents/layout.py says, as the text export's reader
(documents/text_export.py) reads it.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from lxml import etree

from documents.dates import parse_month, round_label
from documents.errors import ImportRefused
from documents.grades import FULLY_ACHIEVED_CARRIED, Grade
from documents.layout import NOT_ASSESSED, normalise_lines
from documents.plan_format import (
    PlanDocument,
    names_in_responsibility,
    plan_from_data,
)

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


def read_docx(data: bytes, *, source: str) -> PlanDocument:
    """The plan in a progress-update document; ImportRefused, naming table, row and action, if not."""
    return read_progress_update(open_docx(data, source=source), source=source)


def read_progress_update(document: Any, *, source: str) -> PlanDocument:
    return plan_from_data(_DocumentReader(document, source=source).read(), source=source)


def open_docx(data: bytes, *, source: str) -> Any:
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
class _Cell:
    """A table cell (`w:tc`) where it sits in the table's grid, its text worked out once."""

    tc: Any
    part: Any  # the document's part: its styles and hyperlink targets
    start: int  # the first grid column it covers
    end: int  # the grid column after the last one it covers
    texts: dict[bool, str] = field(default_factory=dict)  # by layout_bold

    def text(self, *, layout_bold: bool = False) -> str:
        if layout_bold not in self.texts:
            self.texts[layout_bold] = _cell_text(self.tc, self.part, layout_bold=layout_bold)
        return self.texts[layout_bold]


@dataclass
class _Row:
    columns: int  # the table's grid columns
    label: str  # the label cell's text on one line, lower case, for matching
    written: str  # the same as written
    name: str  # as written, for messages: "Assessment of Progress (March 2020)"
    merged_down: bool  # the label cell is merged down from the row above
    values: list[_Cell]  # the cells right of the label
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
        part = self.document.part
        for table in self.document.tables:
            tbl = table._tbl
            columns = len(tbl.findall(f"{_W}tblGrid/{_W}gridCol"))
            rows = [_row(tr, part, columns) for tr in tbl.findall(f"{_W}tr")]
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
            value = normalise_lines(_plain_lines(row.values[0].tc)) if row.values else ""
            if key == "link_officers":
                found[key] = names_in_responsibility(value)
            elif value or key == "review":
                found[key] = value
        return found

    def recommendation(self, number: int, rows: list[_Row]) -> dict[str, Any]:
        where = f"Recommendation {number}"
        text = "\n".join(t for t in (cell.text() for cell in rows[0].values) if t)
        groups = [_Group(heading=None)]
        for row in rows[1:]:
            row.continues = row.merged_down
            if not row.label and not row.merged_down:
                filled = [cell for cell in row.values if cell.text()]
                if len(filled) == 1 and _is_heading(filled[0], row.columns):
                    groups.append(_Group(heading=filled[0].text(layout_bold=True)))
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
            action[_FIELD_ROWS[name]] = normalise_lines(lines)
            return
        entry = action["progress"].setdefault(month, {})
        field_name = _ROUND_FIELDS[name]
        if field_name == "impact":
            entry["impact"] = normalise_lines(lines)
        elif field_name == "evidence":
            text = normalise_lines(lines)
            first, _, rest = text.partition("\n")
            if _is_carried(first):
                entry["fully_achieved_carried"] = True
                text = normalise_lines(rest.split("\n"))
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


def _row(tr: Any, part: Any, columns: int) -> _Row:
    # The grid is read here with lxml once per row: python-docx's grid_offset is an XPath query
    # per cell per call, and was most of an import's time.
    cells: list[_Cell] = []
    start = _int_val(tr.find(f"{_W}trPr/{_W}gridBefore"), 0)
    for tc in tr.findall(f"{_W}tc"):
        span = _int_val(tc.find(f"{_W}tcPr/{_W}gridSpan"), 1)
        cells.append(_Cell(tc, part, start, start + span))
        start += span
    label = cells[0] if cells and cells[0].start == 0 else None
    lines = _plain_lines(label.tc) if label is not None else []
    spaced = " ".join(" ".join(line.split()) for line in lines if line.strip())
    first_line = next((line.strip() for line in lines if line.strip()), "")
    merge = label.tc.find(f"{_W}tcPr/{_W}vMerge") if label is not None else None
    return _Row(
        columns=columns,
        label=spaced.lower(),
        written=spaced,
        name=first_line.rstrip(":").strip(),
        merged_down=merge is not None and merge.get(f"{_W}val", "continue") == "continue",
        values=[cell for cell in cells if cell is not label],
    )


def _int_val(element: Any, default: int) -> int:
    value = element.get(f"{_W}val") if element is not None else None
    return int(value) if value is not None and value.isdigit() else default


def _is_heading(cell: _Cell, columns: int) -> bool:
    """A sub-heading row: one cell across every action column, in bold as the layout has it."""
    if cell.start != 1 or cell.end != columns:
        return False
    runs = [r for r in cell.tc.iter(f"{_W}r") if "".join(r.itertext()).strip()]
    return bool(runs) and all(_effective(r, cell.part, "b") for r in runs)


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
    starts = {cell.start for row in rows for cell in row.values}
    return sorted(starts)


def _stack_values(stack: list[_Row], columns: list[int]) -> list[list[str]]:
    """Each action's lines in these rows: a cell over several actions gives its text to each."""
    values: list[list[str]] = [[] for _ in columns]
    for depth, row in enumerate(stack):
        above = depth + 1 < len(stack) and stack[depth + 1].merged_down
        for cell in row.values:
            text = cell.text(layout_bold=above)
            if not text:
                continue
            for index, column in enumerate(columns):
                if cell.start <= column < cell.end:
                    lines = values[index]
                    lines.extend([*text.split("\n")])
    return values


def _grade_cell(lines: list[str]) -> tuple[str | None, str | None, bool]:
    """The grade (as written), the explanation after it, and whether it says "N/A (Fully Achieved)"."""
    text = normalise_lines(lines)
    if not text:
        return None, None, False
    first, _, rest = text.partition("\n")
    explanation = normalise_lines(rest.split("\n")) or None
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


_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# A run's text as python-docx's Run.text gives it, read with lxml: Run.text is an XPath query a run.
_RUN_TEXT = {f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}


def _plain_lines(tc: Any) -> list[str]:
    return ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in tc.iter(f"{_W}p")]


def _cell_text(tc: Any, part: Any, *, layout_bold: bool = False) -> str:
    lines: list[str] = []
    for paragraph in tc.findall(f"{_W}p"):
        lines.extend(_paragraph_lines(paragraph, part, layout_bold=layout_bold))
    return normalise_lines(lines)


@dataclass
class _Piece:
    text: str
    style: str  # "", "i", "b", "bi", or "raw" for text already in the convention (links)


def _paragraph_lines(paragraph: Any, part: Any, *, layout_bold: bool) -> list[str]:
    pieces: list[_Piece] = []
    for element in _inline(paragraph):
        if element.tag == f"{_W}hyperlink":
            pieces.append(_Piece(_link_text(element, part), "raw"))
            continue
        italic = _effective(element, part, "i")
        bold = _effective(element, part, "b") and not layout_bold
        pieces.append(_Piece(_run_text(element), ("b" if bold else "") + ("i" if italic else "")))
    if all(piece.style == "" for piece in pieces):  # plain text, as most of a plan is: nothing to mark
        rendered = [line.strip() for line in "".join(piece.text for piece in pieces).split("\n")]
    else:
        rendered = _rendered_lines(pieces)
    if rendered[0] and _is_list(paragraph, part):
        rendered[0] = f"- {rendered[0]}"
    return rendered


def _rendered_lines(pieces: list[_Piece]) -> list[str]:
    lines: list[list[_Piece]] = [[]]
    for piece in pieces:
        parts = piece.text.split("\n")
        for index, text in enumerate(parts):
            if index:
                lines.append([])
            if text:
                lines[-1].append(_Piece(text, piece.style))
    return [_render(line).strip() for line in lines]


def _inline(parent: Any) -> Iterator[Any]:
    """Runs and hyperlinks, in order, looking inside tracked insertions."""
    for child in parent:
        if child.tag in (f"{_W}r", f"{_W}hyperlink"):
            yield child
        elif child.tag in _TRANSPARENT:
            yield from _inline(child)


def _run_text(r: Any) -> str:
    out = []
    for child in r:
        if child.tag == f"{_W}t":
            out.append(child.text or "")
        elif child.tag == f"{_W}br":
            # A line break; a page or column break is no text.
            out.append("\n" if child.get(f"{_W}type", "textWrapping") == "textWrapping" else "")
        else:
            out.append(_RUN_TEXT.get(child.tag, ""))
    return "".join(out)


def _link_text(element: Any, part: Any) -> str:
    text = "".join(t.text or "" for t in element.iter(f"{_W}t"))
    rel_id = element.get(f"{_R}id")
    url = ""
    if rel_id and rel_id in part.rels:
        url = part.rels[rel_id].target_ref
    anchor = element.get(f"{_W}anchor")
    if url and anchor:
        url = f"{url}#{anchor}"
    if not url or not text.strip():
        return text
    return url if text.strip() == url else f"[{text.strip()}]({url})"


def _on(element: Any) -> bool | None:
    """An on/off property (`w:b`, `w:i`): None when absent, on when present without a value."""
    if element is None:
        return None
    return element.get(f"{_W}val", "true") in ("1", "true", "on")


def _effective(r: Any, part: Any, tag: str) -> bool:
    """Whether a run is bold ("b") or italic ("i"): set on the run, or by its character style."""
    rpr = r.find(f"{_W}rPr")
    if rpr is None:
        return False
    value = _on(rpr.find(f"{_W}{tag}"))
    if value is not None:
        return value
    style = rpr.find(f"{_W}rStyle")
    return style is not None and _style_sets(part, style.get(f"{_W}val"), tag)


@functools.lru_cache(maxsize=256)
def _style_sets(part: Any, style_id: str | None, tag: str) -> bool:
    """Whether a character style, or one it is based on, makes its runs bold or italic."""
    style = part.get_style(style_id, WD_STYLE_TYPE.CHARACTER)
    while style is not None:
        value = _on(style.element.find(f"{_W}rPr/{_W}{tag}"))
        if value is not None:
            return value
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


def _is_list(paragraph: Any, part: Any) -> bool:
    ppr = paragraph.find(f"{_W}pPr")
    if ppr is None:
        return _style_is_list(part, None)
    num_id = ppr.find(f"{_W}numPr/{_W}numId")
    if num_id is not None:
        return _int_val(num_id, 0) != 0
    style = ppr.find(f"{_W}pStyle")
    return _style_is_list(part, style.get(f"{_W}val") if style is not None else None)


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
