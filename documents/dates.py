"""The plan's dates as the committee writes them: "April 2019", "March 2021 – ongoing", "Ongoing"."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# Month names are a closed set: a regex is exact where a general date parser would guess at
# "March 2019 April 2019 – April 2021" and take seconds to import.
_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
_MONTH_YEAR = re.compile(
    r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?,?\s+(\d{4})\b", re.I
)


def parse_month(text: str) -> date:
    """ "March 2020" -> 2020-03-01. ValueError if the text is not a month and year and nothing else."""
    match = _MONTH_YEAR.fullmatch(text.strip())
    if not match:
        raise ValueError(f"“{text}” is not a month and year, such as “March 2020”")
    return date(int(match.group(2)), _MONTHS[match.group(1).lower()], 1)


def round_label(month: date) -> str:
    return f"{calendar.month_name[month.month]} {month.year}"


def canonical_round_label(text: str) -> str:
    """ "Sept 2020" -> "September 2020"."""
    return round_label(parse_month(text))


@dataclass(frozen=True)
class DueDate:
    due_from: date | None
    due_by: date | None  # the last day of the last month named
    ongoing: bool


def parse_due(text: str) -> DueDate:
    months = [date(int(y), _MONTHS[m.lower()], 1) for m, y in _MONTH_YEAR.findall(text)]
    ongoing = "ongoing" in text.lower()
    if not months:
        return DueDate(None, None, ongoing)
    last = max(months)
    end = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1])
    # "April 2019 – ongoing" has a start and no end: it is never overdue.
    if ongoing and len(months) == 1:
        return DueDate(months[0], None, True)
    return DueDate(min(months), end, ongoing)


_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?("
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(\d{4})\b",
    re.I,
)
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_UK_DAY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")  # day first, as a British council writes it


def find_day(text: str) -> tuple[date, str] | None:
    """The first day written in `text` ("12 March 2019", "12th of March 2019", "2019-03-12",
    "12/03/2019") and the text with it taken out; None if there is none, or it is no real day
    ("31 February 2019")."""
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_ISO_DAY, "ymd"), (_UK_DAY, "dmy")):
        match = pattern.search(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups(), strict=True))
        month = parts["m"]
        number = int(month) if month.isdigit() else _MONTHS[month.lower()]
        try:
            found = date(int(parts["y"]), number, int(parts["d"]))
        except ValueError:
            return None
        return found, (text[: match.start()] + " " + text[match.end() :]).strip()
    return None
