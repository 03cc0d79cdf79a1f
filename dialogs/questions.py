"""What the chair asks, in plain words, turned into a question the store can answer.

"status 7", "what's the status of rec 7?", "status wifi", "how is the iDEA one going", "slipped",
"overdue", "my actions". Pure text handling: no botbuilder, so it is tested on its own.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Ask(enum.StrEnum):
    RECOMMENDATION = "recommendation"  # by number
    SEARCH = "search"  # by words from a recommendation's text
    OVERVIEW = "overview"
    SLIPPED = "slipped"
    NOT_ACHIEVED = "not achieved"
    MISSING = "missing"
    OVERDUE = "overdue"
    MY_ACTIONS = "my actions"
    WAITING = "waiting"  # for the scrutiny officer's review
    RETURNED = "returned"  # to their officers by the scrutiny officer


@dataclass(frozen=True)
class Question:
    ask: Ask
    number: int | None = None
    words: str = ""


# Lists are asked for in a few words: "slipped", "which actions have slipped?", "show me the overdue ones".
_LISTS: list[tuple[Ask, re.Pattern[str]]] = [
    (Ask.NOT_ACHIEVED, re.compile(r"\bnot achieved\b")),
    (Ask.SLIPPED, re.compile(r"\bslipp?(ed|ing)?\b")),
    (Ask.MISSING, re.compile(r"\b(missing|outstanding|no update|not updated|lacking)\b")),
    (Ask.OVERDUE, re.compile(r"\b(overdue|late|past due)\b")),
    (Ask.WAITING, re.compile(r"\b(waiting( for review)?|awaiting review|unreviewed|not reviewed)\b")),
    (Ask.RETURNED, re.compile(r"\b(returned|sent back)\b")),
    (Ask.MY_ACTIONS, re.compile(r"^(my|mine|(show |what are )?my actions?|what do i own)$")),
]
_LIST_FILLER = re.compile(
    r"\b(show|list|me|the|all|which|what|are|is|have|has|actions?|ones?|recommendations?|any|please|there)\b"
)
_NUMBER = re.compile(
    r"^(?:status\s+)?(?:of\s+)?(?:(?:rec|recommendation|recommendations|no|number)\s*)?#?(\d{1,3})$"
)
_STATUS_OF = re.compile(
    r"^(?:what\s*(?:is|s)\s+|whats\s+|how\s*(?:is|s)\s+|hows\s+|tell me\s+|give me\s+)?"
    r"(?:the\s+)?(?:latest\s+|current\s+)?(?:status|progress|position)\s*(?:of|on|for|with)?\s*(?:the\s+)?(.*)$"
)
_ABOUT = re.compile(r"^(?:what about|how about|tell me about|show me|show|about)\s+(?:the\s+)?(.+)$")
_POLITE = re.compile(r"\b(?:please|thanks|thank you|pls)\b")
_HOW_IS = re.compile(
    r"^(?:how\s*(?:is|s|are)|hows)\s+(?:the\s+)?(.+?)(?:\s+one)?\s+(?:going|doing|getting on|progressing)$"
)


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w#' ]+", " ", text).replace("'", "")
    return " ".join(text.split())


def parse_question(text: str | None) -> Question | None:
    """The question in `text`, or None when it is not a status question (then it may be a command)."""
    said = " ".join(_POLITE.sub(" ", normalise(text or "")).split())
    if not said:
        return None
    if said in ("status", "overview", "summary of status", "how are we doing", "whats the status"):
        return Question(Ask.OVERVIEW)
    if match := _NUMBER.match(said):
        return Question(Ask.RECOMMENDATION, number=int(match.group(1)))
    if match := _HOW_IS.match(said):
        return _about(match.group(1))
    if match := _STATUS_OF.match(said):
        return _about(match.group(1)) if match.group(1) else Question(Ask.OVERVIEW)
    for ask, pattern in _LISTS:
        if pattern.search(said) and not _LIST_FILLER.sub(" ", pattern.sub(" ", said)).strip():
            return Question(ask)
    if match := _ABOUT.match(said):
        return _about(match.group(1))
    return None


def _about(subject: str) -> Question:
    subject = re.sub(r"\b(one|recommendation|rec)\b$", "", subject).strip()
    if match := _NUMBER.match(subject):
        return Question(Ask.RECOMMENDATION, number=int(match.group(1)))
    for ask, pattern in _LISTS:
        if pattern.fullmatch(subject):
            return Question(ask)
    return Question(Ask.SEARCH, words=subject) if subject else Question(Ask.OVERVIEW)
