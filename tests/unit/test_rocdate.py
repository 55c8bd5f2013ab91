from datetime import date, datetime

import pytest

from welfare.core import rocdate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1141015", date(2025, 10, 15)),
        ("114/10/15", date(2025, 10, 15)),
        ("114.10.15", date(2025, 10, 15)),
        ("114-10-15", date(2025, 10, 15)),
        ("0991231", date(2010, 12, 31)),
        ("991231", date(2010, 12, 31)),
        ("114年10月15日", date(2025, 10, 15)),
        ("民國114年10月15日", date(2025, 10, 15)),
        ("49/12/31", date(1960, 12, 31)),
        ("50/3/5", date(1961, 3, 5)),
        ("2025-10-15", date(2025, 10, 15)),
        ("2025/10/15", date(2025, 10, 15)),
        ("20251015", date(2025, 10, 15)),
        ("１１４／１０／１５", date(2025, 10, 15)),
        (" 114/10/15 ", date(2025, 10, 15)),
        ("1141015.0", date(2025, 10, 15)),
        (1141015, date(2025, 10, 15)),
        (date(2025, 1, 2), date(2025, 1, 2)),
        (datetime(2025, 1, 2, 13, 0), date(2025, 1, 2)),
    ],
)
def test_parse_accepts_every_form(raw, expected):
    assert rocdate.parse(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "empty"),
        (None, "empty"),
        ("114/02/30", "impossible"),
        ("1140230", "impossible"),
        ("114/13/01", "impossible"),
        ("2025-02-29", "impossible"),
        ("hello", "format"),
        ("12345", "format"),
        ("0/01/01", "impossible"),
    ],
)
def test_parse_rejects(raw, code):
    with pytest.raises(rocdate.InvalidDate) as info:
        rocdate.parse(raw)
    assert info.value.code == code


def test_leap_day_in_roc_113():
    assert rocdate.parse("113/02/29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    ("value", "style", "text"),
    [
        (date(2025, 10, 15), "slash", "114/10/15"),
        (date(2010, 1, 5), "slash", "099/01/05"),
        (date(2025, 10, 15), "words", "114年10月15日"),
        (date(2010, 12, 31), "compact", "0991231"),
        (None, "slash", ""),
    ],
)
def test_format(value, style, text):
    assert rocdate.format_roc(value, style) == text


def test_roundtrip():
    day = date(1935, 7, 7)
    for style in ("slash", "words", "compact"):
        assert rocdate.parse(rocdate.format_roc(day, style)) == day


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1960, 12, 31), date(2025, 12, 31), 65),
        (date(1960, 12, 31), date(2025, 12, 30), 64),
        (date(1961, 1, 1), date(2025, 12, 31), 64),
        (date(1960, 2, 29), date(2025, 2, 28), 64),
        (date(1960, 2, 29), date(2025, 3, 1), 65),
        (date(1925, 10, 15), date(2025, 10, 15), 100),
    ],
)
def test_age_in_completed_years(birth, on, age):
    assert rocdate.age_on(birth, on) == age


def test_birth_cutoff_matches_kaohsiung_rule():
    # The 2025 round covers those born on or before 民國49年12月31日.
    assert rocdate.birth_cutoff(65, date(2025, 12, 31)) == date(1960, 12, 31)
    assert rocdate.birth_cutoff(65, date(2028, 2, 29)) == date(1963, 2, 28)
