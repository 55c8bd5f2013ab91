"""Pure roster rules: age bands, name similarity, status expiry."""

from datetime import date, timedelta

from welfare.core.rocdate import age_on

AGE_BANDS = ((0, 14), (15, 64), (65, 74), (75, 84), (85, 89), (90, 99), (100, 200))


def age_band(age):
    """The label of the band an age falls in: '65-74', '100+'."""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}+" if high >= 200 else f"{low}-{high}"
    return "?"


def age_band_for(birth, on):
    return age_band(age_on(birth, on))


def names_similar(a, b):
    """Same length and at most one character different (typos, variant characters)."""
    a, b = (a or "").strip(), (b or "").strip()
    if not a or not b or a == b:
        return a == b and bool(a)
    if len(a) != len(b):
        return False
    return sum(x != y for x, y in zip(a, b, strict=True)) <= 1


def expires_within(until, today, days=60):
    """True when a certification ends between today and `days` from now."""
    return today <= until <= today + timedelta(days=days)


def birth_range_for_ages(age_min, age_max, today):
    """(earliest, latest) birth dates for people aged age_min..age_max today."""
    latest = None
    earliest = None
    if age_min is not None:
        latest = _years_before(today, age_min)
    if age_max is not None:
        earliest = _years_before(today, age_max + 1) + timedelta(days=1)
    return earliest, latest


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)
