"""Whole numbers from request text: ASCII digits within a range, else None."""

import pytest

from welfare.params import INT32_MAX, whole_number


@pytest.mark.parametrize("text, minimum, maximum, number", [
    ("12", 0, 100, 12), (" 12 ", 0, 100, 12), ("0", 0, 100, 0), ("100", 0, 100, 100),
    ("101", 0, 100, None), ("-1", 0, 100, None), ("-1", -5, 5, -1),
    (str(INT32_MAX), 0, INT32_MAX, INT32_MAX), (str(INT32_MAX + 1), 0, INT32_MAX, None),
    ("9" * 40, 0, INT32_MAX, None), ("-" + "9" * 40, -INT32_MAX, 0, None),
    ("abc", 0, 100, None), ("1.5", 0, 100, None), ("1e3", 0, 10**6, None),
    ("0x10", 0, 100, None), ("²", 0, 100, None), ("١٢", 0, 100, None), ("１２", 0, 100, None),
    ("", 0, 100, None), (None, 0, 100, None), ("-", 0, 100, None), ("+5", 0, 100, None),
    ("1\x00", 0, 100, None),
])
def test_whole_number(text, minimum, maximum, number):
    assert whole_number(text, minimum, maximum) == number
