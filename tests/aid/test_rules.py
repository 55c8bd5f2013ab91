from datetime import date

import pytest

from welfare.aid import rules


@pytest.mark.parametrize("status, applied, today, overdue", [
    ("applied", date(2026, 12, 1), date(2026, 12, 8), False),  # 7 days: not yet
    ("applied", date(2026, 12, 1), date(2026, 12, 9), True),
    ("assessed", date(2026, 11, 1), date(2026, 12, 9), True),
    ("approved", date(2026, 11, 1), date(2026, 12, 9), False),  # decided: never overdue
    ("refused", date(2026, 11, 1), date(2026, 12, 9), False),
])
def test_overdue_after_the_decision_limit(status, applied, today, overdue):
    assert rules.is_overdue(status, applied, today, 7) is overdue


@pytest.mark.parametrize("amount, limit, problem", [
    (5000, 6000, None), (6000, 6000, None), (6001, 6000, "over_limit"), (0, 6000, "positive"),
    (None, 6000, "positive"), (-1, 6000, "positive"),
])
def test_amount_within_the_cause_limit(amount, limit, problem):
    assert rules.amount_problem(amount, limit) == problem


@pytest.mark.parametrize("assessor, decider, allowed", [(1, 2, True), (1, 1, False),
                                                        (None, 2, False)])
def test_four_eyes(assessor, decider, allowed):
    assert rules.may_decide(assessor, decider) is allowed


def test_decision_summary_median_days():
    rows = [(date(2026, 12, 1), date(2026, 12, 4)), (date(2026, 12, 1), date(2026, 12, 2)),
            (date(2026, 12, 1), None), (date(2026, 12, 1), date(2026, 12, 11))]
    assert rules.decision_summary(rows) == {"decided": 3, "median_days": 3}
    assert rules.decision_summary([]) == {"decided": 0, "median_days": None}
