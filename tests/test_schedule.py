"""The weekly slot and reminder times, on an injected clock, across the clocks changing."""

from datetime import UTC, date, datetime, time

import pytest

from documents.errors import UserFacingError
from store.schedule import Weekly, parse_weekly, reminder_moment, within_working_hours

MONDAY_9 = Weekly()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_monday_nine_is_nine_on_the_london_wall_clock_in_summer_and_winter() -> None:
    # British Summer Time: 09:00 London is 08:00 UTC; in winter (GMT) it is 09:00 UTC.
    assert MONDAY_9.latest_slot(utc(2026, 6, 15, 8, 0)) == utc(2026, 6, 15, 8, 0)
    assert MONDAY_9.latest_slot(utc(2026, 6, 15, 7, 59)) == utc(2026, 6, 8, 8, 0)
    assert MONDAY_9.latest_slot(utc(2026, 12, 7, 9, 0)) == utc(2026, 12, 7, 9, 0)


def test_the_clocks_changing_weekend_moves_the_slot_with_the_wall_clock() -> None:
    # Clocks go back on Sunday 25 October 2026: the Monday before is BST, the Monday after GMT.
    assert MONDAY_9.latest_slot(utc(2026, 10, 19, 8, 0)) == utc(2026, 10, 19, 8, 0)
    assert MONDAY_9.next_slot(utc(2026, 10, 19, 8, 0)) == utc(2026, 10, 26, 9, 0)
    # And forward on Sunday 29 March 2026.
    assert MONDAY_9.next_slot(utc(2026, 3, 23, 9, 0)) == utc(2026, 3, 30, 8, 0)


def test_after_two_missed_weeks_there_is_one_slot_the_latest() -> None:
    assert MONDAY_9.latest_slot(utc(2026, 11, 18, 12, 0)) == utc(2026, 11, 16, 9, 0)


@pytest.mark.parametrize(
    ("said", "weekly"),
    [
        ("summary every Friday at 14:00", Weekly(4, time(14, 0), "Europe/London")),
        ("every monday at 9am", Weekly(0, time(9, 0), "Europe/London")),
        ("Tue 16.30 Europe/Dublin", Weekly(1, time(16, 30), "Europe/Dublin")),
        ("thursdays at 12pm", Weekly(3, time(12, 0), "Europe/London")),
    ],
)
def test_schedules_said_in_plain_words(said: str, weekly: Weekly) -> None:
    assert parse_weekly(said, default_zone="Europe/London") == weekly


@pytest.mark.parametrize(
    ("said", "reason"),
    [
        ("every week", "couldn't read"),
        ("friday at 25:00", "not a time"),
        ("friday 9:00 Mars/Olympus", "time zone"),
    ],
)
def test_unreadable_schedules_are_refused_in_plain_words(said: str, reason: str) -> None:
    with pytest.raises(UserFacingError, match=reason):
        parse_weekly(said, default_zone="Europe/London")


def test_reminders_never_fall_at_a_weekend() -> None:
    # Deadline Friday 2 October 2026: 14 days before is a Friday; 3 days before is Tuesday.
    assert reminder_moment(deadline=date(2026, 10, 2), days_before=14, zone="Europe/London") == utc(
        2026, 9, 18, 8
    )
    # Deadline Tuesday 6 October: 3 days before is Saturday, so the Friday before.
    assert reminder_moment(deadline=date(2026, 10, 6), days_before=3, zone="Europe/London") == utc(
        2026, 10, 2, 8
    )


def test_working_hours_are_weekday_daytime_in_the_council_time_zone() -> None:
    assert within_working_hours(utc(2026, 11, 23, 10, 0), zone="Europe/London")
    assert not within_working_hours(utc(2026, 11, 23, 22, 0), zone="Europe/London")
    assert not within_working_hours(utc(2026, 11, 21, 10, 0), zone="Europe/London")
