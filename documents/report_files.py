"""The text of a committee's report as it arrives: a Word document's paragraphs in order, or a PDF's
text layer. documents/final_report.py reads the recommendations out of that text."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from docx.oxml.ns import qn

from documents.errors import ImportRefused

_REVIEW_ROW = re.compile(r"\s*review\s*:?\s*$", re.I)


def is_progress_update(document: Any) -> bool:
    """The council's progress-update layout (documents/word_reader.py): a header table with a
    "Review:" row. A report's own tables (evidence, a list of recommendations) have none."""
    rows = (row for table in document.tables for row in table.rows[:8])
    return any(row.cells and _REVIEW_ROW.match(row.cells[0].text) for row in rows)


def docx_text(document: Any) -> str:
    """Each paragraph a line, with a blank line between, as a report's text export has them; a
    paragraph Word numbers itself gets its number written out ("1) "), a bulleted one "- ". Tables'
    cells are read in order too: some reports set their recommendations in a table."""
    numbers = _ListNumbers(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        paragraphs = (
            [block]
            if hasattr(block, "text")
            else [p for row in block.rows for cell in _distinct(row.cells) for p in cell.paragraphs]
        )
        for paragraph in paragraphs:
            lines += [numbers.prefix(paragraph) + paragraph.text, ""]
    return "\n".join(lines)


def _distinct(cells: list[Any]) -> list[Any]:
    # A merged cell is given once for each grid column it covers.
    distinct: list[Any] = []
    for cell in cells:
        if not any(cell._tc is seen._tc for seen in distinct):
            distinct.append(cell)
    return distinct


class _ListNumbers:
    """Word's own list numbering, counted as Word counts it: per list and level, from its start."""

    def __init__(self, document: Any) -> None:
        try:
            self.numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            self.numbering = None
        self.counters: dict[tuple[str, int], int] = {}

    def prefix(self, paragraph: Any) -> str:
        num_pr = _num_pr(paragraph)
        if num_pr is None or num_pr.numId is None or self.numbering is None:
            return ""
        num_id = str(num_pr.numId.val)
        level = int(num_pr.ilvl.val) if num_pr.ilvl is not None else 0
        found = self.numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId=string(../w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val)]'
            f'/w:lvl[@w:ilvl="{level}"]'
        )
        if not found:
            return ""
        lvl = found[0]
        kind = _val(lvl, "w:numFmt") or "decimal"
        if kind != "decimal" or level > 0:
            return "- "
        start = int(_val(lvl, "w:start") or 1)
        count = self.counters.get((num_id, level), start - 1) + 1
        self.counters[(num_id, level)] = count
        for deeper in [key for key in self.counters if key[0] == num_id and key[1] > level]:
            del self.counters[deeper]
        written = (_val(lvl, "w:lvlText") or "%1.").replace(f"%{level + 1}", str(count))
        return f"{written} "


def _num_pr(paragraph: Any) -> Any:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        return ppr.numPr
    style = paragraph.style
    style_ppr = style.element.pPr if style is not None else None
    return style_ppr.numPr if style_ppr is not None else None


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else None


def pdf_text(data: bytes, *, source: str) -> str:
    """The PDF's text layer, page after page; refused if it has none (a scan) or cannot be read."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf warns on the log about every small flaw of a council's PDF; the text is what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ImportRefused(
                f"{source} is a password-protected PDF: save it again without a password, or import "
                "the Word document it was made from."
            )
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except ImportRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise ImportRefused(
            f"{source}: the PDF is damaged or incomplete (was it cut short while copying?)"
        ) from None
    if not text.strip():
        raise ImportRefused(
            f"This PDF has no text in it (a scanned image?): {source}. Import the Word document it "
            "was made from, or a PDF saved from Word, whose text can be read."
        )
    return text
