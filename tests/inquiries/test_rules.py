from datetime import date

import pytest

from welfare.inquiries import rules


@pytest.mark.parametrize("start, days, due", [
    (date(2026, 12, 4), 6, date(2026, 12, 14)),   # Friday -> the second Monday after
    (date(2026, 12, 7), 6, date(2026, 12, 15)),   # Monday -> Tuesday next week
    (date(2026, 12, 5), 1, date(2026, 12, 7)),    # received on Saturday
    (date(2026, 12, 7), 3, date(2026, 12, 10)),
])
def test_add_working_days(start, days, due):
    assert rules.add_working_days(start, days) == due


def test_holidays_are_not_working_days():
    assert rules.add_working_days(date(2026, 12, 30), 2, {date(2027, 1, 1)}) == date(2027, 1, 4)
    assert rules.working_days_between(date(2026, 12, 4), date(2026, 12, 14)) == 6


@pytest.mark.parametrize("status, due, today, overdue", [
    ("open", date(2026, 12, 3), date(2026, 12, 4), True),
    ("open", date(2026, 12, 4), date(2026, 12, 4), False),
    ("answered", date(2026, 12, 1), date(2026, 12, 4), False),
])
def test_is_overdue(status, due, today, overdue):
    assert rules.is_overdue(status, due, today) is overdue


def test_response_summary():
    rows = [(date(2026, 1, 1), date(2026, 1, 3), date(2026, 1, 9)),   # 2 days, in time
            (date(2026, 1, 1), date(2026, 1, 11), date(2026, 1, 9)),  # 10 days, late
            (date(2026, 1, 1), date(2026, 1, 5), date(2026, 1, 9)),   # 4 days, in time
            (date(2026, 1, 1), None, date(2026, 1, 9))]               # open: not counted
    summary = rules.response_summary(rows)
    assert summary == {"answered": 3, "median_days": 4, "in_time_share": 2 / 3}
    assert rules.response_summary([]) == {"answered": 0, "median_days": None,
                                          "in_time_share": None}
