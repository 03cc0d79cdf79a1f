"""Documents in and out: whichever form a plan arrives in, and the forms the committee reads.

A file is recognised by what is in it, not by its name: officers rename files, and Word's "save as
text" keeps the .docx name more often than one would hope.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from pathlib import Path
from typing import Literal

from documents.errors import ImportRefused
from documents.final_report import looks_like_final_report, parse_final_report
from documents.markdown import write_markdown
from documents.plan_format import PlanDocument, parse_plan_text
from documents.report_files import docx_text, is_progress_update, pdf_text
from documents.word_reader import open_docx, read_progress_update
from documents.word_writer import write_docx

DocumentFormat = Literal["docx", "md", "json"]

_PLAN_KEYS = ("review", "committee", "link_officers", "action_plan_agreed", "rounds", "recommendations")
# The first meaningful line of a YAML/JSON plan: "review: …", "{" or '{"review": …'.
_PLAN_START = re.compile(r"""\s*(---|\{|["']?(?:""" + "|".join(_PLAN_KEYS) + r""")["']?\s*:)""")
_RECOMMENDATION_ROW = re.compile(r"^\s*Recommendation\s+\d+\s*:", re.I | re.M)
_OLE = b"\xd0\xcf\x11\xe0"  # old .doc files and password-protected .docx
# The largest document imported: a council's biggest progress update is a few MB, a report with its
# photographs 10 to 15; anything bigger is more likely the wrong file, and is not read into memory.
IMPORT_MAX_BYTES = 20_000_000


def read_document(path: Path, *, max_bytes: int = IMPORT_MAX_BYTES) -> PlanDocument:
    """The plan in a Word progress update, its plain-text export, a YAML/JSON plan, or the review a
    Select Committee's final report (Word, PDF or text) starts."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ImportRefused(
                f"{name} is {round(size / 1_000_000, 1):g} MB, over the {max_bytes / 1_000_000:g} MB a "
                "document may be, so nothing was imported (SCRUTINY_IMPORT_MAX_BYTES sets the limit)."
            )
        data = path.read_bytes()
    except OSError:
        raise ImportRefused(f"{name}: the file cannot be read.") from None
    if not data.strip():
        raise ImportRefused(f"{name}: the file is empty.")
    if data.startswith(b"%PDF-"):
        return _final_report(pdf_text(data, source=name), name=name)
    if data.startswith((b"PK", _OLE)) or path.suffix.lower() == ".docx":
        document = open_docx(data, source=name)
        if not is_progress_update(document) and looks_like_final_report(text := docx_text(document)):
            return parse_final_report(text, source=name)
        return read_progress_update(document, source=name)
    text = _decode(data, name=name)
    first_line = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    if _PLAN_START.match(first_line):
        return parse_plan_text(text, source=name)
    if looks_like_final_report(text):
        return parse_final_report(text, source=name)
    if _RECOMMENDATION_ROW.search(text):
        from documents.text_export import parse_text_export

        return parse_text_export(text, source=name)
    raise ImportRefused(
        f"{name}: this is neither a progress update (Word, or its text export with “Recommendation 1:” "
        "rows), a plan in YAML or JSON (starting with “review:”), nor a Select Committee's final report "
        "(with “The Committee recommend that:” before its numbered recommendations)."
    )


def _final_report(text: str, *, name: str) -> PlanDocument:
    if not looks_like_final_report(text):
        raise ImportRefused(
            f"{name}: this PDF is not a Select Committee's final report: it has no “The Committee recommend "
            "that:” line or “Recommendations” heading before numbered recommendations. Progress updates "
            "are imported from Word or its text export, not PDF."
        )
    return parse_final_report(text, source=name)


def _decode(data: bytes, *, name: str) -> str:
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ImportRefused(
            f"{name}: the text is not in UTF-8, so its characters cannot be read reliably. "
            "Save it again as text with UTF-8 encoding (in Word: Save As, Plain Text, Unicode (UTF-8))."
        ) from None
    if "\x00" in text:
        raise ImportRefused(f"{name}: this is not a text file or a Word document.")
    return text


def write_document(plan: PlanDocument, *, path: Path, fmt: DocumentFormat) -> None:
    """Write the plan as a Word progress update, Markdown or JSON; a half-written file is never left."""
    if fmt == "docx":
        content = write_docx(plan)
    elif fmt == "md":
        content = write_markdown(plan).encode()
    else:
        content = plan.to_json().encode() + b"\n"
    write_file(path, content)


def write_file(path: Path, content: bytes) -> None:
    """Write the whole file or leave what was there: a half-written file is never left."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
