"""Whether a message reports progress or asks something. Officers type their progress straight into
the chat ("Staff signed up to iDEA; 40 badges earned."): that is kept for their next update, never
answered as a question about iDEA. A question may come without its question mark ("anything we've
failed to deliver"), so asking is looked for in how it starts and how it is put.
"""

from __future__ import annotations

import re

from understanding.words import normalise

# Fewer words than this is a command or a question, not a report of progress.
EVIDENCE_WORDS = 5
# Longer than this and not asking anything: a report, whatever else it says.
REPORT_WORDS = 10
# How questions and requests start, apostrophes dropped ("what's" is "whats").
QUESTION_STARTS = frozenset(
    "what whats how hows when whens where wheres who whos whose which why is are was were can could"
    " do does did will would should has have had any anything anyone show list tell give overview"
    " summary status please pls kindly".split()
)
# A question word with its verb anywhere: "the survey on why residents dont go online - what did it find".
_ASKING = re.compile(
    r"\b(?:what|why|how|who|when|which|where|whose)\s+(?:did|does|do|is|are|was|were|has|have|will|can"
    r"|could|should|would|s)\b"
)
# What was done, said first: "Updated the website…", "Staff signed up…".
_DONE_FIRST = re.compile(r"^(?:\S+\s+){0,2}[a-z]+ed\b")


def asks(text: str) -> bool:
    said = normalise(text)
    words = said.split()
    return "?" in text or (bool(words) and words[0] in QUESTION_STARTS) or bool(_ASKING.search(said))


def looks_like_evidence(text: str) -> bool:
    """A sentence or more that asks nothing: perhaps progress, so its words are worth keeping."""
    return len(normalise(text).split()) >= EVIDENCE_WORDS and not asks(text)


def reads_as_report(text: str) -> bool:
    """Progress reported, not a question typed without its question mark ("the one about Adults and
    Children's Services"): a finished sentence, a long one, or one that starts with what was done."""
    said = text.strip()
    return looks_like_evidence(said) and (
        said.endswith((".", "!"))
        or ";" in said
        or len(normalise(said).split()) >= REPORT_WORDS
        or bool(_DONE_FIRST.match(normalise(said)))
    )
