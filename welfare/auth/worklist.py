"""What waits for the signed-in user: the home page's work list.

The domains above auth hand in providers (their `home.py` appends to PROVIDERS), so auth
imports none of them. A provider takes (user, now) and returns WorkItems for the work that
waits for that user; the request's scope (welfare.auth.scope) already narrows its selects.
"""

from dataclasses import dataclass
from datetime import date, datetime

from welfare.auth.models import utcnow

# urgency: the colour and the order on the home page; URGENT is for people who may be in
# danger (an open alert), whatever its deadline.
URGENT, OVERDUE, TODAY, SOON, ROUTINE = 0, 1, 2, 3, 4
URGENCIES = {URGENT: "urgent", OVERDUE: "overdue", TODAY: "today", SOON: "soon",
             ROUTINE: "routine"}

# Functions (user, now) -> iterable of WorkItem, one per domain concern.
PROVIDERS = []


@dataclass(frozen=True)
class WorkItem:
    title: str  # says what waits and what to do next
    count: int
    link: str
    urgency: int = ROUTINE
    deadline: datetime | date | None = None  # naive UTC datetime or a local date
    detail: str = ""  # the next step, the person, the level
    unit: str = ""  # what count counts ("people", "rounds"); empty: no figure shown

    @property
    def urgency_name(self):
        return URGENCIES[self.urgency]


def provider(function):
    """Register a work-list provider (used as a decorator in the domains' home.py)."""
    if function not in PROVIDERS:
        PROVIDERS.append(function)
    return function


def _deadline_key(item):
    deadline = item.deadline
    if deadline is None:
        return datetime.max
    if not isinstance(deadline, datetime):
        return datetime.combine(deadline, datetime.min.time())
    return deadline


def sort_key(item):
    """Most urgent first, then the nearest deadline, then the bigger pile."""
    return (item.urgency, _deadline_key(item), -item.count, str(item.title))


def work_for(user, now=None):
    """Every provider's items with something in them, most urgent first."""
    now = now or utcnow()
    items = [item for function in PROVIDERS for item in function(user, now) if item.count]
    return sorted(items, key=sort_key)


def local_day(now):
    """The office's calendar date at a naive UTC moment."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Taipei"))
    return now.replace(tzinfo=UTC).astimezone(zone).date()


def by_date(deadline, today, soon_days=7):
    """The urgency of a date deadline: passed, today, within soon_days, or later."""
    if deadline is None:
        return ROUTINE
    if deadline < today:
        return OVERDUE
    if deadline == today:
        return TODAY
    return SOON if (deadline - today).days <= soon_days else ROUTINE
