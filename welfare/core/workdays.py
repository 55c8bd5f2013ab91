"""Working days: weekdays that are not office holidays (the holidays are data, passed in)."""

from datetime import timedelta


def is_working_day(day, holidays=frozenset()):
    return day.weekday() < 5 and day not in holidays


def add_working_days(start, days, holidays=frozenset()):
    """The date `days` working days after `start` (weekends and `holidays` not counted);
    an inquiry received on Friday with 6 working days is due the second Monday after."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start, end, holidays=frozenset()):
    """Working days from `start` (exclusive) to `end` (inclusive); 0 when end <= start."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def earliest_within(end, days, holidays=frozenset()):
    """The earliest start with at most `days` working days from it to `end`: a start before
    it is more than `days` working days ago (the cut-off of an overdue list)."""
    start, count = end, 0
    while True:
        if is_working_day(start, holidays):
            if count == days:
                return start
            count += 1
        start -= timedelta(days=1)
