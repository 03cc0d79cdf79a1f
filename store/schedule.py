"""When things are due: the weekly summary's slot and the reminders before a round's deadline.

Pure time arithmetic on an injected `now`, in the council's time zone, so clocks changing in March
and October move nothing: "Monday 09:00 Europe/London" is 09:00 on the wall clock either side.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from documents.errors import UserFacingError

DAYS = [d.lower() for d in calendar.day_name]
WORKING_HOURS = (time(9, 0), time(17, 0))


@dataclass(frozen=True)
class Weekly:
    """Every week on `weekday` (0 = Monday) at `at`, wall-clock time in `zone`."""

    weekday: int = 0
    at: time = time(9, 0)
    zone: str = "Europe/London"

    def describe(self) -> str:
        return f"every {calendar.day_name[self.weekday]} at {self.at:%H:%M} ({self.zone})"

    def latest_slot(self, now: datetime) -> datetime:
        """The most recent scheduled moment at or before `now` (UTC). A bot that was down for two
        weeks finds one slot — the latest — so it posts once when back, not once per missed week."""
        tz = ZoneInfo(self.zone)
        local_today = now.astimezone(tz).date()
        day = local_today - timedelta(days=(local_today.weekday() - self.weekday) % 7)
        slot = datetime.combine(day, self.at, tz)
        if slot.astimezone(UTC) > now:
            slot = datetime.combine(day - timedelta(days=7), self.at, tz)
        return slot.astimezone(UTC)

    def next_slot(self, now: datetime) -> datetime:
        tz = ZoneInfo(self.zone)
        latest_local = self.latest_slot(now).astimezone(tz)
        return datetime.combine(latest_local.date() + timedelta(days=7), self.at, tz).astimezone(UTC)


_WEEKLY = re.compile(
    r"(?:every\s+)?(?P<day>" + "|".join(DAYS) + r"|mon|tue|tues|wed|thu|thur|thurs|fri)s?"
    r"(?:\s+at)?\s+(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<ampm>am|pm)?"
    r"(?:\s+(?:in\s+)?(?P<zone>[A-Za-z_]+/[A-Za-z_/]+|UTC))?$",
    re.I,
)


def parse_weekly(text: str, *, default_zone: str) -> Weekly:
    """ "every Friday at 14:00", "monday 9am", "Tue 16.30 Europe/Dublin" -> Weekly."""
    match = _WEEKLY.search(" ".join(text.split()))
    if not match:
        raise UserFacingError(
            "I couldn't read that schedule. Say, for example, “summary every Friday at 14:00”."
        )
    day = match["day"].lower()
    weekday = next(i for i, name in enumerate(DAYS) if name.startswith(day[:3]))
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise UserFacingError(f"“{match['hour']}{match['ampm']}” is not a time of day.")
        hour = hour % 12 + (12 if match["ampm"].lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UserFacingError(f"“{hour}:{minute:02d}” is not a time of day.")
    zone = match["zone"] or default_zone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserFacingError(f"“{zone}” is not a time zone I know, such as Europe/London.") from None
    return Weekly(weekday=weekday, at=time(hour, minute), zone=zone)


def reminder_moment(*, deadline: date, days_before: int, zone: str) -> datetime:
    """When the reminder `days_before` the deadline goes out (UTC): 09:00 that day, moved back to the
    Friday when it falls on a weekend, so nobody is nudged at night or on a Saturday."""
    day = deadline - timedelta(days=days_before)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return datetime.combine(day, WORKING_HOURS[0], ZoneInfo(zone)).astimezone(UTC)


def within_working_hours(now: datetime, *, zone: str) -> bool:
    local = now.astimezone(ZoneInfo(zone))
    return local.weekday() < 5 and WORKING_HOURS[0] <= local.time() < WORKING_HOURS[1]
