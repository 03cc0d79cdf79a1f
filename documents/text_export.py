"""The progress update document as Word's plain-text export.

Word writes one table row a line with the cells split by tabs; merged cells give fewer cells, and a
cell with several paragraphs runs over several lines. A line that starts with a tab has an empty
first cell: the row went on over a page break, or it is a sub-heading such as "For Community".
The first cell of every other row is its label ("Agreed Action:", "Evidence of Progress (March
2020):"), and that is what this reader goes by.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Any

from documents.dates import canonical_round_label
from documents.errors import ImportRefused
from documents.grades import Grade
from documents.layout import NO_AGREED_ACTIONS
from documents.plan_format import PlanDocument, names_in_responsibility, plan_from_data


class Kind(StrEnum):
    REVIEW = "Review"
    LINK_OFFICERS = "Link Officer/s"
    AGREED = "Action Plan Agreed"
    RECOMMENDATION = "Recommendation"
    SUB_HEADING = "sub-heading"
    RESPONSIBILITY = "Responsibility"
    DATE = "Date"
    AGREED_ACTION = "Agreed Action"
    SUCCESS_MEASURE = "Agreed Success Measure"
    EVIDENCE = "Evidence of Progress"
    GRADE = "Assessment of Progress"
    EXPLANATION = "(include explanation if required)"
    IMPACT = "Evidence of Impact"
    GRADING_KEY = "Assessment of Progress Gradings"


HEADER = (Kind.REVIEW, Kind.LINK_OFFICERS, Kind.AGREED)
ACTION_PLAN = (Kind.RESPONSIBILITY, Kind.DATE, Kind.AGREED_ACTION, Kind.SUCCESS_MEASURE)
PROGRESS = (Kind.EVIDENCE, Kind.GRADE, Kind.EXPLANATION, Kind.IMPACT)
FIELDS = {
    Kind.RESPONSIBILITY: "responsibility",
    Kind.DATE: "date",
    Kind.AGREED_ACTION: "agreed_action",
    Kind.SUCCESS_MEASURE: "success_measure",
}

_ROUND = r"(?:\s*\((?P<round>(?!include)[^()]*)\))?"
_LABELS = [
    (Kind.REVIEW, r"Review:?"),
    (Kind.LINK_OFFICERS, r"Link Officers?(?:\s*/\s*s)?:?"),
    (Kind.AGREED, r"Action Plan Agreed:?"),
    (Kind.RECOMMENDATION, r"Recommendation\s+(?P<number>\d+)\s*:?"),
    (Kind.RESPONSIBILITY, r"Responsibility:?"),
    (Kind.DATE, r"Dates?:?"),
    (Kind.AGREED_ACTION, r"Agreed Actions?:?"),
    (Kind.SUCCESS_MEASURE, r"Agreed Success Measures?:?"),
    (Kind.EVIDENCE, r"Evidence of Progress" + _ROUND + r"\s*:?"),
    (Kind.GRADE, r"Assessment of Progress" + _ROUND + r"\s*:?(?:\s*\(include explanation if required\))?"),
    (Kind.EXPLANATION, r"\(include explanation if required\)"),
    (Kind.IMPACT, r"Evidence of Impact" + _ROUND + r"\s*:?"),
    (Kind.GRADING_KEY, r"Assessment of Progress Gradings:?"),
]
_LABEL_PATTERNS = [(kind, re.compile(pattern, re.I)) for kind, pattern in _LABELS]
# "Assessment of Progress" with its month on the next line: "(March 2020):".
_ROUND_ONLY = re.compile(r"\((?P<round>(?!include)[^()]*)\)\s*:?")

# "N/A (Fully Achieved)": done in an earlier round. As in documents/word_reader.py, the grade stays as written
# (usually none) and whatever follows is still the evidence or the explanation.
_CARRIED = re.compile(r"\**\s*N\s*/?\s*A\s*\(\s*Fully\s+Achieved\s*\)\s*\.?\s*\**[\s.:;,–-]*", re.I)
_GRADE_NAMES = r"Fully\s+Achieved|On[\s-]+Track|Slipped|Not\s+Achieved"
_GRADE = re.compile(
    rf"\**(?:(?P<number>[1-4])(?:\s*[-–:(]?\s*(?P<named>{_GRADE_NAMES})\)?)?|(?P<name>{_GRADE_NAMES}))"
    r"(?!\w)\**[\s.:;,)–-]*(?P<rest>.*)",
    re.I | re.S,
)
_SUB_HEADING_LENGTH = 60
_TAG = re.compile(r"</?[a-z]+>", re.I)
# Word's bold and italic runs as Markdown; spaces stay outside the markers, or Markdown ignores them.
_MARKUP = [
    (re.compile(rf"<{tag}>(\s*)(.*?)(\s*)</{tag}>", re.I | re.S), mark)
    for tag, mark in (("b", "**"), ("i", "*"))
]

Cell = list[str]  # its paragraphs


@dataclass
class _Row:
    kind: Kind
    line: int
    cells: list[Cell] = field(default_factory=list)  # from the labelled line, merged cells still empty
    carried: list[Cell] = field(default_factory=list)  # from continuation rows, column by column
    widths: list[int] = field(default_factory=list)  # per physical line: up to its last non-empty cell
    round: str | None = None
    number: int | None = None

    def column(self, i: int) -> Cell:
        label = self.cells[i] if i < len(self.cells) else []
        more = self.carried[i] if i < len(self.carried) else []
        return label + more

    def columns(self, n: int, *, merged_fill: bool) -> list[str]:
        label = [self.cells[i] if i < len(self.cells) else [] for i in range(n)]
        if merged_fill:
            # An empty cell after a value on the labelled line is the rest of a merged cell.
            for i in range(1, n):
                if not _has_text(label[i]):
                    label[i] = label[i - 1]
        return [_text(label[i] + (self.carried[i] if i < len(self.carried) else [])) for i in range(n)]

    def used_columns(self) -> int:
        return max(
            (i + 1 for i in range(max(len(self.cells), len(self.carried))) if _has_text(self.column(i))),
            default=0,
        )


@dataclass
class _Group:
    name: str | None
    line: int
    rows: list[_Row] = field(default_factory=list)

    def find(self, kind: Kind) -> _Row | None:
        return next((row for row in self.rows if row.kind == kind), None)


@dataclass
class _Table:
    number: int
    line: int
    text: _Row
    groups: list[_Group] = field(default_factory=list)
    no_actions: bool = False  # the exported plan says "No agreed actions yet." under it


def _has_text(cell: Cell) -> bool:
    return any(p.strip() for p in cell)


def _text(cell: Cell) -> str:
    """Paragraphs joined by newlines, runs of blank paragraphs kept as one, Word's <i>/<b> as Markdown."""
    paragraphs: list[str] = []
    for paragraph in cell:
        paragraph = paragraph.strip()
        if paragraph or (paragraphs and paragraphs[-1]):
            paragraphs.append(paragraph)
    text = "\n".join(paragraphs).strip()
    for pattern, mark in _MARKUP:
        text = pattern.sub(partial(_emphasis, mark=mark), text)
    return text


def _emphasis(match: re.Match[str], *, mark: str) -> str:
    inside = f"{mark}{match[2]}{mark}" if match[2] else ""  # "<i> </i>" leaves only its space
    return f"{match[1]}{inside}{match[3]}"


def _label(head: str) -> tuple[Kind, re.Match[str]] | None:
    for kind, pattern in _LABEL_PATTERNS:
        match = pattern.fullmatch(head)
        if match:
            return kind, match
    return None


class _Reader:
    def __init__(self, source: str, lines: list[str]) -> None:
        self.source = source
        self.lines = lines
        self.header: dict[Kind, str] = {}
        self.tables: list[_Table] = []
        self.table: _Table | None = None
        self.row: _Row | None = None
        self.tail: Cell | None = None  # the cell that a further paragraph line belongs to
        self.blank_before = False

    def refuse(self, line: int, reason: str) -> ImportRefused:
        return ImportRefused(f"{self.source}: line {line}: {reason}")

    def read(self) -> None:
        for number, line in enumerate(self.lines, start=1):
            if not line.strip():
                self.blank_before = True
                continue
            cells = line.split("\t")
            head = cells[0].strip()
            if not head:
                self.continuation_row(number, cells[1:])
            elif found := _label(head):
                self.labelled_row(number, *found, cells[1:])
            else:
                self.other_line(number, head, cells[1:])
            self.blank_before = False

    # -- the three kinds of line ------------------------------------------------------------------

    def labelled_row(self, number: int, kind: Kind, match: re.Match[str], values: list[str]) -> None:
        self.row, self.tail = None, None
        if kind == Kind.GRADING_KEY:
            self.table = None
            return
        if kind in HEADER:
            if self.tables:
                raise self.refuse(number, f"a second “{kind.value}:” row; a document holds one review")
            value = next((v for v in values if v.strip()), "")
            self.header[kind] = " ".join(_TAG.sub("", value).split())  # a title, not formatted text
            return
        row = _Row(kind=kind, line=number)
        self.add_cells(row, values, into=row.cells)
        if kind == Kind.RECOMMENDATION:
            row.number = int(match["number"])
            if any(t.number == row.number for t in self.tables):
                raise self.refuse(number, f"Recommendation {row.number} appears twice")
            self.table = _Table(number=row.number, line=number, text=row)
            self.tables.append(self.table)
        else:
            if self.table is None:
                raise self.refuse(number, f"“{kind.value}” comes before any “Recommendation 1:” row")
            if kind in PROGRESS and match.groupdict().get("round") is not None:
                self.set_round(row, match["round"], number)
            self.group_for(row).rows.append(row)
        self.row = row

    def continuation_row(self, number: int, values: list[str]) -> None:
        if self.table is None or self.row is None:
            return  # prose or layout outside the recommendation tables
        filled = [v.strip() for v in values if v.strip()]
        if len(filled) == 1 and len(filled[0]) <= _SUB_HEADING_LENGTH and self.starts_group(number):
            row = _Row(kind=Kind.SUB_HEADING, line=number, cells=[[filled[0]]])
            # Bold by layout, as in documents/word_reader.py: the name is plain text.
            name = " ".join(_TAG.sub("", filled[0]).split())
            self.table.groups.append(_Group(name=name, line=number, rows=[row]))
            self.row, self.tail = row, row.cells[0]
            return
        self.add_cells(self.row, values, into=self.row.carried)

    def other_line(self, number: int, head: str, values: list[str]) -> None:
        row = self.row
        if self.table is None or row is None:
            return  # the title, the introduction and other prose between the tables
        said_none = head == NO_AGREED_ACTIONS and not any(v.strip() for v in values)
        if row.kind == Kind.RECOMMENDATION and said_none:
            self.table.no_actions = True
            self.row, self.tail = None, None
            return
        round_only = _ROUND_ONLY.fullmatch(head)
        if round_only and row.kind in PROGRESS and row.round is None and row.kind != Kind.EXPLANATION:
            self.set_round(row, round_only["round"], number)
            self.add_cells(row, values, into=row.carried)
            return
        if head.lower() == "assessment of" and self.next_line(number).lower().startswith("progress gradings"):
            self.row, self.tail, self.table = None, None, None  # the grading key, its label over two rows
            return
        if any(v.strip() for v in values):
            expected = ", ".join(f"“{k.value}”" for k in (*ACTION_PLAN, *PROGRESS))
            raise self.refuse(number, f"“{head}” is not a row of a progress update (expected {expected})")
        if self.tail is None:
            if not row.cells:
                row.cells.append([])
            self.tail = row.cells[0]
        if self.blank_before:
            self.tail.append("")
        self.tail.append(head)

    # -- helpers -----------------------------------------------------------------------------------

    def add_cells(self, row: _Row, values: list[str], *, into: list[Cell]) -> None:
        width = 0
        for i, value in enumerate(values):
            value = value.strip()
            while len(into) <= i:
                into.append([])
            if not value:
                continue
            width = i + 1
            target = into[i]
            before = row.column(i) if into is row.carried else target
            if into is row.carried and value[0].islower() and _has_text(before):
                # A sentence cut by a page break: it goes on in the same paragraph.
                joined = target if _has_text(target) else row.cells[i]
                while not joined[-1].strip():
                    joined.pop()
                joined[-1] = f"{joined[-1]} {value}"
                self.tail = joined
                continue
            if self.blank_before and _has_text(before):
                target.append("")
            target.append(value)
            self.tail = target
        row.widths.append(width)

    def set_round(self, row: _Row, label: str, number: int) -> None:
        try:
            row.round = canonical_round_label(label)
        except ValueError as error:
            raise self.refuse(number, str(error)) from None

    def group_for(self, row: _Row) -> _Group:
        assert self.table is not None
        groups = self.table.groups
        if not groups:
            groups.append(_Group(name=None, line=self.table.line))
        group = groups[-1]
        if row.kind in ACTION_PLAN and group.find(row.kind) is not None:
            if row.kind == Kind.RESPONSIBILITY and any(r.kind in PROGRESS for r in group.rows):
                groups.append(_Group(name=None, line=row.line))  # more actions without a sub-heading
                return groups[-1]
            raise self.refuse(
                row.line, f"a second “{row.kind.value}” row in Recommendation {self.table.number}"
            )
        return group

    def next_line(self, number: int) -> str:
        return next((line.strip() for line in self.lines[number:] if line.strip()), "")

    def starts_group(self, number: int) -> bool:
        """A lone short cell after the recommendation or a progress block, before a "Responsibility:"."""
        assert self.row is not None
        if self.row.kind != Kind.RECOMMENDATION and self.row.kind not in PROGRESS:
            return False
        found = _label(self.next_line(number).split("\t")[0].strip())
        return found is not None and found[0] in ACTION_PLAN


def _actions(reader: _Reader, table: _Table, group: _Group) -> Iterator[dict[str, Any]]:
    where = f"Recommendation {table.number}" + (f", “{group.name}”" if group.name else "")
    agreed = [row for row in group.rows if row.kind == Kind.AGREED_ACTION]
    if not agreed:
        raise ImportRefused(f"{reader.source}: {where} (line {group.line}): no “Agreed Action” row")
    n = max(max(row.widths, default=0) for row in agreed)
    if n == 0:
        raise reader.refuse(agreed[0].line, f"the “Agreed Action” row of {where} is empty")
    for row in group.rows:
        if row.used_columns() > n:
            raise reader.refuse(
                row.line,
                f"“{row.kind.value}” has {row.used_columns()} cells but {where} has "
                f"{n} agreed action{'' if n == 1 else 's'}",
            )

    plan: dict[Kind, list[str]] = {}
    for kind in ACTION_PLAN:
        found = group.find(kind)
        plan[kind] = found.columns(n, merged_fill=True) if found else [""] * n
        if kind not in (Kind.RESPONSIBILITY, Kind.AGREED_ACTION):
            continue
        if found is None:
            raise ImportRefused(f"{reader.source}: {where} (line {group.line}): no “{kind.value}” row")
        if "" in plan[kind]:
            empty = plan[kind].index("") + 1
            raise reader.refuse(found.line, f"{where}, action {empty}: the “{kind.value}” cell is empty")

    rounds: dict[str, dict[Kind, _Row]] = {}
    current: str | None = None
    for row in group.rows:
        if row.kind not in PROGRESS:
            continue
        if row.kind == Kind.EXPLANATION:
            graded = [r for r in group.rows[: group.rows.index(row)] if r.kind == Kind.GRADE]
            if not graded:
                raise reader.refuse(
                    row.line, "“(include explanation if required)” has no “Assessment of Progress”"
                )
            row.round = graded[-1].round
        row.round = row.round or current
        if row.round is None:
            raise reader.refuse(
                row.line, f"“{row.kind.value}” names no month, such as “{row.kind.value} (March 2020):”"
            )
        current = row.round
        block = rounds.setdefault(row.round, {})
        if row.kind in block:
            raise reader.refuse(row.line, f"a second “{row.kind.value} ({row.round})” row in {where}")
        block[row.kind] = row

    for i in range(n):
        progress = {label: entry for label, block in rounds.items() if (entry := _entry(reader, block, i))}
        yield {"group": group.name, **{FIELDS[k]: plan[k][i] for k in ACTION_PLAN}, "progress": progress}


def _entry(reader: _Reader, block: dict[Kind, _Row], i: int) -> dict[str, Any] | None:
    cells = {kind: row.columns(i + 1, merged_fill=False)[i] for kind, row in block.items()}
    evidence = cells.get(Kind.EVIDENCE, "")
    graded = cells.get(Kind.GRADE, "")
    explanations = [cells.get(Kind.EXPLANATION, "")]
    carried = False
    if carried_evidence := _CARRIED.match(evidence):
        carried, evidence = True, evidence[carried_evidence.end() :].strip()
    grade: Grade | None = None
    if carried_grade := _CARRIED.match(graded):
        carried = True
        explanations.insert(0, graded[carried_grade.end() :])
    elif graded:
        match = _GRADE.fullmatch(graded)
        grade = _grade_of(match)
        if match is None or grade is None:
            shown = graded.split("\n")[0][:40]
            raise reader.refuse(
                block[Kind.GRADE].line,
                f"“{shown}” is not a grade (1 Fully Achieved, 2 On-Track, 3 Slipped, 4 Not Achieved)",
            )
        explanations.insert(0, match["rest"])
    explanation = "\n".join(e.strip() for e in explanations if e.strip())
    impact = cells.get(Kind.IMPACT, "")
    if not (evidence or grade or explanation or impact or carried):
        return None  # not yet assessed
    return {
        "evidence": evidence,
        "grade": grade,
        "explanation": explanation or None,
        "impact": impact or None,
        "fully_achieved_carried": carried,
    }


def _grade_of(match: re.Match[str] | None) -> Grade | None:
    if match is None:
        return None
    try:
        if match["name"]:
            return Grade.parse(" ".join(match["name"].split()))
        grade = Grade.parse(match["number"])
        if match["named"] and Grade.parse(" ".join(match["named"].split())) != grade:
            return None  # "2 Slipped": which one?
    except ValueError:
        return None
    return grade


def parse_text_export(text: str, *, source: str) -> PlanDocument:
    """Read a progress update (or an action plan without rounds yet) from Word's plain-text export."""
    if not text.strip():
        raise ImportRefused(f"{source}: the file is empty")
    reader = _Reader(source, text.removeprefix("\ufeff").splitlines())
    reader.read()
    if not reader.tables:
        raise ImportRefused(
            f"{source}: no recommendations found; a progress update has rows such as “Recommendation 1:” "
            "and “Agreed Action:”"
        )
    if not reader.header.get(Kind.REVIEW):
        raise ImportRefused(f"{source}: no “Review:” row naming the review")

    recommendations = []
    for table in reader.tables:
        if not table.groups and not table.no_actions:
            raise ImportRefused(
                f"{source}: Recommendation {table.number} (line {table.line}): no “Agreed Action” row"
            )
        heading = table.text
        paragraphs = [
            p for i in range(max(len(heading.cells), len(heading.carried))) for p in heading.column(i)
        ]
        recommendations.append(
            {
                "number": table.number,
                "text": _text(paragraphs),
                "actions": [action for group in table.groups for action in _actions(reader, table, group)],
            }
        )
    # Every round the document names, even one with nothing graded in it yet.
    labels = {row.round: None for t in reader.tables for g in t.groups for row in g.rows if row.round}
    data = {
        "review": reader.header[Kind.REVIEW],
        "link_officers": names_in_responsibility(reader.header.get(Kind.LINK_OFFICERS, "")),
        "action_plan_agreed": reader.header.get(Kind.AGREED) or None,
        "rounds": [{"label": label} for label in labels],
        "recommendations": recommendations,
    }
    return plan_from_data(data, source=source)
