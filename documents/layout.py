"""The progress update's own words, and the way a cell's text is written, shared by the Word reader
and writer, the text export's reader and the Markdown writer.

Cell text convention: paragraphs joined with "\\n", each stripped at its ends, blank paragraphs at
the ends dropped and runs of them collapsed to one empty line; italic runs are `*text*`, bold
`**text**`; list paragraphs are "- text"; a hyperlink is its bare URL when that is what it shows,
else `[text](url)`. Sub-headings and the stacked text above a merged label are bold by layout, so
their bold is not part of the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from documents.plan_format import PlannedRecommendation

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


def said_below(recommendation: PlannedRecommendation) -> list[str]:
    """The lines the papers print under a recommendation: that it has no actions yet, and the
    executive's response; one not accepted says only the response (no actions are asked of it)."""
    if recommendation.not_accepted and recommendation.response:
        return [recommendation.response]
    none_yet = [] if recommendation.actions else [NO_AGREED_ACTIONS]
    return none_yet + ([recommendation.response] if recommendation.response else [])


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


class Inline(NamedTuple):
    """A piece of a cell's text as the convention marks it: emphasis, or a link to `url`."""

    text: str
    bold: bool = False
    italic: bool = False
    url: str | None = None


_EMPHASIS = r"[^\s*](?:[^*]*[^\s*])?"
_INLINE = re.compile(
    r"\[(?P<link_text>(?:\\.|[^\]\\\n])+)\]\((?P<link_url>[a-z][a-z0-9+.-]*:[^)\s]+)\)"
    r"|(?P<url>https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'*])"
    rf"|\*\*\*(?P<bi>{_EMPHASIS})\*\*\*"
    rf"|\*\*(?P<b>{_EMPHASIS})\*\*"
    rf"|\*(?P<i>{_EMPHASIS})\*",
    re.I,
)
_ESCAPED = re.compile(r"\\([^\w\s])")  # "\[" in a link's text (a file named "a [final].xlsx")


def inline(text: str) -> list[Inline]:
    """One line of a cell's text in pieces: the one reading of the convention that every surface
    draws from (the Word writer, the cards, the terminal), so none shows its characters."""
    pieces: list[Inline] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            pieces.append(Inline(text[position : match.start()]))
        if match.group("link_url"):
            pieces.append(Inline(_ESCAPED.sub(r"\1", match.group("link_text")), url=match.group("link_url")))
        elif match.group("url"):
            pieces.append(Inline(match.group("url"), url=match.group("url")))
        else:
            style = next(name for name in ("bi", "b", "i") if match.group(name))
            pieces.append(Inline(match.group(style), bold="b" in style, italic="i" in style))
        position = match.end()
    if position < len(text):
        pieces.append(Inline(text[position:]))
    return pieces


def plain_words(text: str) -> str:
    """A cell's text without its markup, for where nothing is drawn but letters (a choice's title, a
    button, the terminal): "*My Stockton*" reads "My Stockton", "[report](https://…)" reads "report"."""
    return "\n".join("".join(piece.text for piece in inline(line)) for line in text.split("\n"))
