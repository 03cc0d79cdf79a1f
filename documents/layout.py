"""The progress update's own words, and the way a cell's text is written, shared by the Word reader
and writer, the text export's reader and the Markdown writer.

Cell text convention: paragraphs joined with "\\n", each stripped at its ends, blank paragraphs at
the ends dropped and runs of them collapsed to one empty line; italic runs are `*text*`, bold
`**text**`; list paragraphs are "- text"; a hyperlink is its bare URL when that is what it shows,
else `[text](url)`. Sub-headings and the stacked text above a merged label are bold by layout, so
their bold is not part of the text.
"""

from __future__ import annotations

from collections.abc import Sequence

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
# Above an update the scrutiny officer has not accepted, when such updates are asked for at all.
NOT_YET_REVIEWED = "(not yet reviewed)"
# Under a recommendation the committee has made but no action has been agreed for yet.
NO_AGREED_ACTIONS = "No agreed actions yet."
# Above the links to the files and Teams messages kept as evidence.
ATTACHED = "Attached:"


def normalise_lines(lines: Sequence[str]) -> str:
    """Blank lines at the ends dropped and runs of them collapsed, each line stripped."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
