from datetime import date

import pytest

from welfare.roster.rules import (
    age_band,
    birth_range_for_ages,
    expires_within,
    names_similar,
)


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, "0-14"), (14, "0-14"), (15, "15-64"), (64, "15-64"), (65, "65-74"), (74, "65-74"),
     (75, "75-84"), (89, "85-89"), (90, "90-99"), (99, "90-99"), (100, "100+"), (112, "100+")],
)
def test_age_band(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [("陳美玲", "陳美鈴", True), ("陳美玲", "陳美玲", True), ("陳美玲", "林美鈴", False),
     ("王明", "王小明", False), ("", "", False), ("林阿滿", "林阿满", True)],
)
def test_names_similar(a, b, similar):
    assert names_similar(a, b) is similar


@pytest.mark.parametrize(
    ("until", "inside"),
    [(date(2025, 1, 1), True), (date(2025, 3, 2), True), (date(2025, 3, 3), False),
     (date(2024, 12, 31), False)],
)
def test_expires_within_sixty_days(until, inside):
    assert expires_within(until, date(2025, 1, 1)) is inside


def test_birth_range_for_ages():
    today = date(2025, 6, 1)
    earliest, latest = birth_range_for_ages(65, 74, today)
    assert latest == date(1960, 6, 1)          # 65 today
    assert earliest == date(1950, 6, 2)        # still 74 today, 75 tomorrow
    assert birth_range_for_ages(None, None, today) == (None, None)
