"""Pure statistics rules: periods, age-band cut-offs, suppression."""

import itertools
import random
from datetime import date

import pytest

from welfare.reports import rules
from welfare.roster.rules import age_band_for


@pytest.mark.parametrize(("start", "end", "today", "expected"), [
    ("", "", date(2025, 10, 15), (date(2024, 11, 1), date(2025, 10, 31))),
    ("2025-01", "2025-03", date(2025, 10, 15), (date(2025, 1, 1), date(2025, 3, 31))),
    ("2025-03", "2025-01", date(2025, 10, 15), (date(2025, 1, 1), date(2025, 3, 31))),
    ("2024-02", "2024-02", date(2025, 10, 15), (date(2024, 2, 1), date(2024, 2, 29))),
    ("garbage", "2025-13", date(2025, 10, 15), (date(2024, 11, 1), date(2025, 10, 31))),
    ("1990-01", "2025-12", date(2025, 10, 15), (date(2016, 1, 1), date(2025, 12, 31))),
])
def test_parse_period(start, end, today, expected):
    period = rules.parse_period(start, end, today)
    assert (period.start, period.end) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-01", date(2025, 1, 1)), ("114/01", date(2025, 1, 1)), ("114-1", date(2025, 1, 1)),
    ("民國114年3月", date(2025, 3, 1)), ("１１４／０３", date(2025, 3, 1)),
    (" 99/12 ", date(2010, 12, 1)),
    ("1/01", date(1912, 1, 1)), ("114/13", None), ("0/05", None), ("11401", None), ("", None),
    (None, None), ("2025/01/05", None),
])
def test_parse_month_takes_roc_and_ad(text, expected):
    assert rules.parse_month(text) == expected


def test_period_as_of_never_after_today():
    period = rules.parse_period("2025-01", "2025-12", date(2025, 10, 15))
    assert period.as_of(date(2025, 10, 15)) == date(2025, 10, 15)
    assert period.as_of(date(2026, 1, 2)) == date(2025, 12, 31)
    assert len(period.months) == 12


def _band_from_cutoffs(birth, on):
    for label, earliest, latest in rules.band_cutoffs(on):
        if (earliest is None or birth >= earliest) and birth <= latest:
            return label
    return None


@pytest.mark.parametrize("on", [date(2025, 10, 15), date(2024, 2, 29), date(2025, 2, 28),
                                date(2025, 3, 1), date(2028, 2, 29), date(2025, 12, 31)])
def test_band_cutoffs_agree_with_completed_years(on):
    rng = random.Random(on.toordinal())
    births = [date(1900, 1, 1).fromordinal(rng.randint(date(1915, 1, 1).toordinal(),
                                                        on.toordinal())) for _ in range(3000)]
    # Birthdays on the edges: today's day and month, 29 February, the day after.
    births += [on.replace(year=on.year - n) if not (on.month == 2 and on.day == 29)
               else date(on.year - n, 2, 28) for n in (0, 14, 15, 64, 65, 74, 75, 100)]
    births += [date(y, 2, 29) for y in range(1920, on.year, 4)]
    for birth in births:
        assert _band_from_cutoffs(birth, on) == age_band_for(birth, on), birth


def _check_suppression(cells, groups, hidden):
    for key, count in cells.items():
        if key not in hidden:
            assert not (0 < count < 3), key
    for group_of in groups:
        members = {}
        for key in cells:
            members.setdefault(group_of(key), []).append(key)
        for keys in members.values():
            inside = [k for k in keys if k in hidden]
            if inside and len(inside) < len(keys):
                assert len(inside) >= 2, (keys, inside)
                assert sum(cells[k] for k in inside) >= 3 or all(
                    cells[k] == 0 for k in keys if k not in hidden), (keys, inside)


@pytest.mark.parametrize("seed", range(40))
def test_suppression_protects_small_cells_against_totals(seed):
    rng = random.Random(seed)
    rows, cols, layers = rng.randint(1, 6), rng.randint(1, 5), rng.randint(1, 3)
    cells = {k: rng.choice([0, 0, 1, 2, 3, 4, 5, 9, 30])
             for k in itertools.product(range(rows), range(cols), range(layers))}
    groups = [lambda k: k[0], lambda k: k[1], lambda k: (k[0], k[2]), lambda k: "all"]
    hidden = rules.suppress(cells, groups)
    _check_suppression(cells, groups, hidden)


def test_suppression_examples():
    # A single 1 in a row with a known total: its smallest neighbour is hidden too.
    cells = {("a", 1): 1, ("a", 2): 7, ("a", 3): 20}
    assert rules.suppress(cells, [lambda k: k[0]]) == {("a", 1), ("a", 2)}
    # Two small cells that add up to 3 protect each other.
    cells = {("a", 1): 1, ("a", 2): 2, ("a", 3): 20}
    assert rules.suppress(cells, [lambda k: k[0]]) == {("a", 1), ("a", 2)}
    # Two small cells adding to 2 need a third.
    cells = {("a", 1): 1, ("a", 2): 1, ("a", 3): 20, ("a", 4): 40}
    assert rules.suppress(cells, [lambda k: k[0]]) == {("a", 1), ("a", 2), ("a", 3)}
    # Nothing small, nothing hidden.
    assert rules.suppress({1: 0, 2: 3, 3: 10}, [lambda k: "all"]) == set()


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (1, 3, 33.3), (0, 0, None), (5, 5, 100.0), (0, 7, 0.0)])
def test_percent(part, whole, expected):
    assert rules.percent(part, whole) == expected
