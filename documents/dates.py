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
