"""The Select Committee's final report, read into a plan: the review's title, its committee, the
report's date and its numbered recommendations in the committee's own words. No action has been
agreed yet when a report is published, so a recommendation comes with none, and nothing is invented.

What is relied on in the report's text (Word's paragraphs, a PDF's text, or a text file; the seed is
samples/review-final-report.txt):

- The recommendations follow a line ending "recommend that:" ("The Committee recommend that:") or a
  heading line "Recommendations". Each starts at the beginning of a line with its number: "1)",
  "1." or "(1)" ("1.1" is a paragraph number, not a recommendation). Its text runs on over the lines
  below, blank ones included (a PDF's text breaks lines anywhere), until the next number. A line
  that starts with a bullet ("•", "-", "o") is a sub-item, kept as a "- " line of the text.
- The list ends at a numbered section ("2.0 Introduction", "6.1 …"), an "Appendix", or, once a
  recommendation's sentence has ended, a paragraph or a short heading that is not a number or a
  bullet. A line holding only a number (a page number) is skipped.
- The report may list its recommendations twice (in the summary and at the end): the lists must
  agree word for word.
- The title is what follows "our review of", "the scrutiny review of" or "this review into" up to
  the sentence's punctuation, or a line "Scrutiny Review of …" of its own, whichever the report says
  most often ("…following our review of Digital Optimisation.").
- The committee is the capitalised name before "Select Committee" (or "Scrutiny Committee/Panel")
  that the report names most often.
- The date is a line of its own in the first lines (the cover): "12 February 2019", "February
  2019" (kept as the 1st of that month, as rounds are), "Date: …" or "Final Report – …". A report
  without one has no date; none is guessed.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from documents.errors import ImportRefused
from documents.plan_format import PlanDocument, plan_from_data

_RECOMMEND_THAT = re.compile(r"\brecommends?\s+that\s*:\s*$", re.I | re.M)
_RECOMMENDATIONS_HEADING = re.compile(r"^\s*recommendations\s*:?\s*$", re.I | re.M)
_PROGRESS_ROW = re.compile(r"^\s*Recommendation\s+\d+\s*:", re.M)  # a progress update's, not a report's
_ITEM = re.compile(r"\(?(\d{1,3})(?:\)|\.(?!\d))\s+(\S.*)")
_BULLET = re.compile(r"(?:[•●▪◦‣∙·*\uf0b7\uf0a7-]|–|o)\s+(\S.*)")
_SECTION = re.compile(r"\d+\.\d+\b|appendix\b|appendices\b", re.I)
_PAGE_NUMBER = re.compile(r"\d{1,3}")
_SENTENCE_END = re.compile(r"[.!?][’'\"”)\]]*$")
# "…following our review of Digital Optimisation." A title may hold "and" or "in" ("Children in
# Care"), so only punctuation or a verb ends it.
_TITLE = re.compile(
    r"\b(?:[Oo]ur|[Tt]he|[Tt]his)\s+(?:scrutiny\s+)?review\s+(?:of|into)\s+[‘'\"“]?"
    r"([A-Z][^.,;:()‘’'\"“”\n]{1,120}?)[’'\"”]?(?=[.,;:(]|\s+(?:which|was|were|has|is|that)\s|$)"
)
# A cover's line of its own: "Scrutiny Review of Digital Optimisation".
_TITLE_LINE = re.compile(
    r"(?:the\s+)?(?:scrutiny\s+)?review\s+(?:of|into)\s+[‘'\"“]?([A-Z][^‘’'\"“”]+?)[’'\"”]?", re.I
)
_TITLE_WORDS = 12
_NAME_WORD = r"(?:[A-Z][\w’'&-]*|and|&)"
_COMMITTEE = re.compile(
    rf"\b({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,6}})\s+((?:Select|Scrutiny)\s+(?:Committee|Panel))\b"
)
_NOT_A_NAME = {"the", "final", "report", "chair", "vice-chair", "cllr", "councillor", "mr", "mrs", "ms", "dr"}
_MONTH_NAMES = "|".join(calendar.month_name[1:])
_COVER_DATE = re.compile(
    r"(?:(?:final\s+report|report|date(?:\s+of\s+report)?|published)\s*[:–—-]?\s*)?"
    rf"(?:(\d{{1,2}})(?:st|nd|rd|th)?\s+)?({_MONTH_NAMES}),?\s+(\d{{4}})",
    re.I,
)
_COVER_LINES = 40


@dataclass
class _Recommendation:
    number: int
    parts: list[str] = field(default_factory=list)  # the lead text, then each sub-item

    @property
    def text(self) -> str:
        lead, *items = self.parts
        return "\n".join([lead, *(f"- {item}" for item in items)]).strip()

    def ends_sentence(self) -> bool:
        return bool(_SENTENCE_END.search(self.parts[-1]))


def looks_like_final_report(text: str) -> bool:
    """A committee's report: "… recommend that:", or a "Recommendations" heading in a text that has
    no progress-update rows ("Recommendation 1:")."""
    if _RECOMMEND_THAT.search(text):
        return True
    return bool(_RECOMMENDATIONS_HEADING.search(text)) and not _PROGRESS_ROW.search(text)


def parse_final_report(text: str, *, source: str) -> PlanDocument:
    """The review a final report starts: refused whole, saying why, if anything needed is not found."""
    lines = [" ".join(line.split()) for line in text.replace("\f", "\n").splitlines()]
    anchors = [
        i
        for i, line in enumerate(lines)
        if _RECOMMEND_THAT.search(line) or _RECOMMENDATIONS_HEADING.match(line)
    ]
    lists = [_list_after(lines, i) for i in anchors]
    lists = [found for found in lists if found]
    if not lists:
        raise ImportRefused(
            f"{source}: no recommendations were found in this report, so nothing was imported. They are "
            "looked for after a line “The Committee recommend that:” (or a “Recommendations” heading), "
            "each starting with its number: “1) …”, “2) …”."
        )
    recommendations = [_numbered(found, source=source) for found in lists]
    first = recommendations[0]
    for other in recommendations[1:]:
        if other != first:
            number = next(n for n in sorted(first.keys() | other.keys()) if first.get(n) != other.get(n))
            texts = " and ".join(
                f"“{_short(t)}”" if t else "nothing" for t in (first.get(number), other.get(number))
            )
            raise ImportRefused(
                f"{source}: the report lists its recommendations twice, and they differ at recommendation "
                f"{number}: {texts}. Make the two lists agree and import it again."
            )
    said = [match.group(1) for match in _TITLE.finditer(_joined(lines))]
    said += [match.group(1) for line in lines if (match := _TITLE_LINE.fullmatch(line))]
    title = _most_said(t.strip() for t in said if len(t.split()) <= _TITLE_WORDS)
    if title is None:
        raise ImportRefused(
            f"{source}: the review's title was not found, so nothing was imported. The report should "
            "say which review it is, as in “following our review of Digital Optimisation”."
        )
    data: dict[str, Any] = {
        "review": title,
        "committee": _committee(_joined(lines)),
        "report_date": _cover_date(lines),
        "recommendations": [{"number": n, "text": t, "actions": []} for n, t in first.items()],
    }
    return plan_from_data(data, source=source)


def _list_after(lines: list[str], anchor: int) -> list[_Recommendation]:
    """The numbered recommendations that follow the line `anchor`; none if something else comes first."""
    found: list[_Recommendation] = []
    blank = False
    for line in lines[anchor + 1 :]:
        if not line:
            blank = True
            continue
        if _PAGE_NUMBER.fullmatch(line):
            continue
        item = _ITEM.fullmatch(line)
        if item:
            found.append(_Recommendation(number=int(item.group(1)), parts=[item.group(2)]))
        elif not found or _SECTION.match(line):
            break
        elif (bullet := _BULLET.fullmatch(line)) is not None:
            found[-1].parts.append(bullet.group(1))
        elif found[-1].ends_sentence() and (blank or _is_heading(line)):
            break
        else:
            found[-1].parts[-1] = _join(found[-1].parts[-1], line)
        blank = False
    return found


def _numbered(found: list[_Recommendation], *, source: str) -> dict[int, str]:
    texts: dict[int, str] = {}
    for recommendation in found:
        if recommendation.number in texts:
            raise ImportRefused(
                f"{source}: two recommendations are numbered {recommendation.number} "
                f"(“{_short(texts[recommendation.number])}” and “{_short(recommendation.text)}”), so "
                "nothing was imported. Number them as the committee agreed and import it again."
            )
        texts[recommendation.number] = recommendation.text
    return texts


def _join(before: str, after: str) -> str:
    # A word broken at its hyphen ("user-" / "friendly") is one word again; else the lines' words.
    if re.search(r"\w-$", before) and after[:1].islower():
        return before + after
    return f"{before} {after}"


def _is_heading(line: str) -> bool:
    """A short line without a sentence's punctuation, starting with a capital: "Appendix 1: …"."""
    return len(line.split()) <= 8 and line[:1].isupper() and not re.search(r"[.,;:!?]$", line)


def _joined(lines: list[str]) -> str:
    """The report as running text: a name or phrase broken over two lines is found whole."""
    return " ".join(line for line in lines if line)


def _committee(text: str) -> str | None:
    """The name said most often, and of those the longest (a name's last words are counted too)."""
    counts: Counter[str] = Counter()
    for match in _COMMITTEE.finditer(text):
        words = match.group(1).split()
        # Capitalised words that are no part of a name: a title before it, a signature's role.
        cut = [i for i, word in enumerate(words) if word.lower() in _NOT_A_NAME]
        words = words[cut[-1] + 1 :] if cut else words
        for start in range(len(words)):
            if words[start][:1].isupper():
                counts[" ".join([*words[start:], match.group(2)])] += 1
    return max(counts, key=lambda name: (counts[name], len(name))) if counts else None


def _most_said(candidates: Any) -> str | None:
    """The one said most often; of equals, the first said."""
    counts = Counter(c for c in candidates if c)
    return max(counts, key=counts.__getitem__) if counts else None


def _cover_date(lines: list[str]) -> str | None:
    cover = [line for line in lines if line][:_COVER_LINES]
    for line in cover:
        match = _COVER_DATE.fullmatch(line)
        if match:
            day, month, year = match.groups()
            months = [m.lower() for m in calendar.month_name]
            try:
                return date(int(year), months.index(month.lower()), int(day or 1)).isoformat()
            except ValueError:
                continue  # "31 February 2019" is no date
    return None


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
