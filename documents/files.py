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
from documents.markdown import write_markdown
from documents.plan_format import PlanDocument, parse_plan_text
from documents.word_reader import read_docx
from documents.word_writer import write_docx

DocumentFormat = Literal["docx", "md", "json"]

_PLAN_KEYS = ("review", "committee", "link_officers", "action_plan_agreed", "rounds", "recommendations")
# The first meaningful line of a YAML/JSON plan: "review: …", "{" or '{"review": …'.
_PLAN_START = re.compile(r"""\s*(---|\{|["']?(?:""" + "|".join(_PLAN_KEYS) + r""")["']?\s*:)""")
_RECOMMENDATION_ROW = re.compile(r"^\s*Recommendation\s+\d+\s*:", re.I | re.M)
_OLE = b"\xd0\xcf\x11\xe0"  # old .doc files and password-protected .docx


def read_document(path: Path) -> PlanDocument:
    """The plan in a Word progress update, its plain-text export, or a YAML/JSON plan."""
    name = path.name
    try:
        data = path.read_bytes()
    except OSError:
        raise ImportRefused(f"{name}: the file cannot be read.") from None
    if not data.strip():
        raise ImportRefused(f"{name}: the file is empty.")
    if data.startswith((b"PK", _OLE)) or path.suffix.lower() == ".docx":
        return read_docx(data, source=name)
    text = _decode(data, name=name)
    first_line = next((line for line in text.splitlines() if line.strip() and not line.startswith("#")), "")
    if _PLAN_START.match(first_line):
        return parse_plan_text(text, source=name)
    if _RECOMMENDATION_ROW.search(text):
        from documents.text_export import parse_text_export

        return parse_text_export(text, source=name)
    raise ImportRefused(
        f"{name}: this is neither a progress update (Word, or its text export with “Recommendation 1:” "
        "rows) nor a plan in YAML or JSON (starting with “review:”)."
    )


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
