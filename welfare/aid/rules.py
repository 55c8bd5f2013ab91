"""Emergency-aid rules a social worker could state in a sentence: pure functions."""

from datetime import date
from statistics import median

from welfare.core.workdays import add_working_days, earliest_within, working_days_between

STATUSES = ("applied", "assessed", "approved", "refused", "paid")
OPEN_STATUSES = ("applied", "assessed")
METHODS = ("counter", "proxy", "bank")
BANK_RESULTS = ("pending", "paid", "failed")
REFERRERS = ("village_chief", "social_worker", "self", "other")
DOCUMENTS = ("id_card", "household_register", "bankbook", "death_certificate",
             "medical_certificate", "disaster_proof", "income_proof")
# The city decides in about 3-7 days (DOMAIN.md); the office's own limit is a setting,
# counted in working days.
DECISION_DAYS = 7
# Default causes and limits (社會救助法 art. 21); Kaohsiung's current amounts were not found,
# so they are data: the migration seeds these and staff change them.
DEFAULT_CAUSES = [
    ("earner_death", "主要生計者死亡", "Death of the main earner", 10000),
    ("earner_illness", "主要生計者重病或意外", "Serious illness or accident of the main earner",
     6000),
    ("disaster", "災害（火災、風災、水災）", "Disaster (fire, storm, flood)", 10000),
    ("income_loss", "突發失業或收入中斷", "Sudden loss of income", 5000),
    ("other", "其他重大變故", "Other major upheaval", 5000),
]


def days_since(applied_on: date, today: date, holidays=frozenset()):
    """Working days from the application to today (0 on the day itself)."""
    return working_days_between(applied_on, today, holidays)


def is_overdue(status, applied_on, today, limit=DECISION_DAYS, holidays=frozenset()):
    """Still undecided more than `limit` working days after the application."""
    return status in OPEN_STATUSES and days_since(applied_on, today, holidays) > limit


def decision_due(applied_on, limit=DECISION_DAYS, holidays=frozenset()):
    """The last day an application may still be undecided: `limit` working days after it."""
    return add_working_days(applied_on, limit, holidays)


def overdue_before(today, limit=DECISION_DAYS, holidays=frozenset()):
    """An open case applied for before this date is overdue today."""
    return earliest_within(today, limit, holidays)


def amount_problem(amount, limit, year_left=None):
    """Why a proposed or approved amount is not allowed, or None: not above zero, over the
    cause's limit, or over what the household may still receive this year (None: no limit)."""
    if amount is None or amount <= 0:
        return "positive"
    if amount > limit:
        return "over_limit"
    if year_left is not None and amount > year_left:
        return "over_year"
    return None


def year_left(yearly_limit, granted_this_year):
    """What a household may still receive this year, or None when there is no yearly limit."""
    if yearly_limit is None:
        return None
    return max(yearly_limit - granted_this_year, 0)


def may_decide(assessed_by_id, decider_id):
    """Four eyes: whoever assessed a case does not decide it."""
    return assessed_by_id is not None and assessed_by_id != decider_id


def may_reverse(recorded_by_id, reverser_id):
    """Four eyes: whoever recorded a payment does not reverse it. (The supervisor who
    decided the case may: reversing corrects the handing over, not the decision.)"""
    return recorded_by_id != reverser_id


def decision_summary(rows):
    """From (applied_on, decided_on) pairs: decided count and median days to decision."""
    days = [(d - a).days for a, d in rows if d is not None]
    return {"decided": len(days), "median_days": median(days) if days else None}
