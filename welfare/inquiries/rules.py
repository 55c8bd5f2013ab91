"""Inquiry and petition rules a clerk could state in a sentence: pure functions."""

from datetime import date, timedelta
from statistics import median

CHANNELS = ("counter", "phone", "letter", "mayor_mailbox", "referral_1999", "online")
STATUSES = ("open", "answered", "closed")
SATISFACTION = (1, 2, 3, 4, 5)


def add_working_days(start, days, holidays=frozenset()):
    """The date `days` working days after `start` (weekends and `holidays` not counted);
    an inquiry received on Friday with 6 working days is due the second Monday after."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def working_days_between(start, end, holidays=frozenset()):
    """Working days from `start` (exclusive) to `end` (inclusive); 0 when end <= start."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count += 1
    return count


def is_overdue(status, due_on, today):
    """Still open after its due date."""
    return status == "open" and due_on < today


def answered_in_time(responded_on, due_on):
    return responded_on is not None and responded_on <= due_on


def response_summary(rows):
    """From (received_on, responded_on, due_on) rows: answered count, median days to
    response (calendar days) and the share answered by the due date (0-1, None if none)."""
    answered = [(r, a, d) for r, a, d in rows if a is not None]
    if not answered:
        return {"answered": 0, "median_days": None, "in_time_share": None}
    return {"answered": len(answered),
            "median_days": median((a - r).days for r, a, _d in answered),
            "in_time_share": sum(answered_in_time(a, d) for _r, a, d in answered) / len(answered)}


def month_key(day: date):
    return f"{day.year:04d}-{day.month:02d}"
