from datetime import date, timedelta

import pytest

from welfare.aid import rules

CHRISTMAS = frozenset({date(2026, 12, 25)})  # 行憲紀念日, a holiday again from 2025


@pytest.mark.parametrize("status, applied, today, overdue", [
    # Tue 1 Dec: 7 working days run to Thu 10 Dec (the weekend does not count).
    ("applied", date(2026, 12, 1), date(2026, 12, 9), False),
    ("applied", date(2026, 12, 1), date(2026, 12, 10), False),
    ("applied", date(2026, 12, 1), date(2026, 12, 11), True),
    ("applied", date(2026, 12, 4), date(2026, 12, 14), False),  # Fri to Mon: 1 working day
    # Fri 18 Dec: the holiday on Fri 25 Dec and two weekends push it to Wed 30 Dec.
    ("applied", date(2026, 12, 18), date(2026, 12, 30), False),
    ("applied", date(2026, 12, 18), date(2026, 12, 31), True),
    ("assessed", date(2026, 11, 1), date(2026, 12, 9), True),
    ("approved", date(2026, 11, 1), date(2026, 12, 9), False),  # decided: never overdue
    ("refused", date(2026, 11, 1), date(2026, 12, 9), False),
])
def test_overdue_after_the_decision_limit_in_working_days(status, applied, today, overdue):
    assert rules.is_overdue(status, applied, today, 7, CHRISTMAS) is overdue


@pytest.mark.parametrize("applied, today, days", [
    (date(2026, 12, 1), date(2026, 12, 1), 0), (date(2026, 12, 4), date(2026, 12, 7), 1),
    (date(2026, 12, 5), date(2026, 12, 6), 0), (date(2026, 12, 24), date(2026, 12, 28), 1),
    (date(2026, 12, 10), date(2026, 12, 1), 0),
])
def test_days_since_application_are_working_days(applied, today, days):
    assert rules.days_since(applied, today, CHRISTMAS) == days


@pytest.mark.parametrize("today", [date(2026, 12, 1) + timedelta(days=n) for n in range(45)])
@pytest.mark.parametrize("limit", [0, 1, 5, 7])
def test_overdue_before_agrees_with_counting(today, limit):
    """The list's cut-off date says the same as counting each case's working days."""
    cutoff = rules.overdue_before(today, limit, CHRISTMAS)
    for back in range(0, 30):
        applied = today - timedelta(days=back)
        assert (applied < cutoff) is rules.is_overdue("applied", applied, today, limit,
                                                      CHRISTMAS)


@pytest.mark.parametrize("amount, limit, left, problem", [
    (5000, 6000, None, None), (6000, 6000, None, None), (6001, 6000, None, "over_limit"),
    (0, 6000, None, "positive"), (None, 6000, None, "positive"), (-1, 6000, None, "positive"),
    (5000, 6000, 5000, None), (5001, 6000, 5000, "over_year"), (1, 6000, 0, "over_year"),
    (7000, 6000, 0, "over_limit"),  # the cause's limit is named first
])
def test_amount_within_the_limits(amount, limit, left, problem):
    assert rules.amount_problem(amount, limit, left) == problem


@pytest.mark.parametrize("yearly, granted, left", [(None, 50000, None), (20000, 0, 20000),
                                                   (20000, 15000, 5000), (20000, 25000, 0)])
def test_what_a_household_has_left_this_year(yearly, granted, left):
    assert rules.year_left(yearly, granted) == left


@pytest.mark.parametrize("assessor, decider, allowed", [(1, 2, True), (1, 1, False),
                                                        (None, 2, False)])
def test_four_eyes(assessor, decider, allowed):
    assert rules.may_decide(assessor, decider) is allowed


def test_decision_summary_median_days():
    rows = [(date(2026, 12, 1), date(2026, 12, 4)), (date(2026, 12, 1), date(2026, 12, 2)),
            (date(2026, 12, 1), None), (date(2026, 12, 1), date(2026, 12, 11))]
    assert rules.decision_summary(rows) == {"decided": 3, "median_days": 3}
    assert rules.decision_summary([]) == {"decided": 0, "median_days": None}
