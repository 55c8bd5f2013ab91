"""Inquiry and petition rules a clerk could state in a sentence: pure functions."""

from datetime import date
from statistics import median

from welfare.core.workdays import add_working_days, working_days_between  # noqa: F401

CHANNELS = ("counter", "phone", "letter", "mayor_mailbox", "referral_1999", "online")
STATUSES = ("open", "answered", "closed")
SATISFACTION = (1, 2, 3, 4, 5)


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
