"""Pure statistics rules: reporting periods, age-band cut-offs, small-count suppression."""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from welfare.roster.rules import AGE_BANDS, _years_before, age_band

# Published counts below this are hidden (a count of 1 or 2 could identify someone).
SMALLEST_PUBLISHED = 3
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ROC_MONTH = re.compile(r"^(?:民國)?(\d{1,3})[-/.年](\d{1,2})月?$")


@dataclass(frozen=True)
class Period:
    """A run of whole months, first day of `start` to last day of `end`."""

    start: date
    end: date

    @property
    def months(self):
        return month_range(self.start, self.end)

    def as_of(self, today):
        """The day roster snapshots are taken: the period's end, never after today."""
        return min(self.end, today)


def month_start(day):
    return day.replace(day=1)


def month_end(day):
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def add_months(day, months):
    """The first of the month `months` after `day`'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_range(start, end):
    """(year, month) pairs from start's month to end's month inclusive."""
    months = []
    current = month_start(start)
    while current <= end:
        months.append((current.year, current.month))
        current = add_months(current, 1)
    return months


def parse_month(text):
    """'2025-03', or ROC '114/03' (114-03, 114年3月), -> date(2025, 3, 1); None when empty
    or malformed."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))
    match = _MONTH.match(text)
    roc = _ROC_MONTH.match(text) if not match else None
    if not (match or roc):
        return None
    year, month = int((match or roc).group(1)), int((match or roc).group(2))
    year += 1911 if roc else 0
    if not (1 <= month <= 12 and 1912 <= year <= 2200):
        return None
    return date(year, month, 1)


def parse_period(start_text, end_text, today, default_months=12):
    """The period a dashboard asks for; the last `default_months` months when unset;
    start and end swapped when given backwards; at most ten years long."""
    end = parse_month(end_text) or month_start(today)
    start = parse_month(start_text) or add_months(end, 1 - default_months)
    if start > end:
        start, end = end, start
    if len(month_range(start, end)) > 120:
        start = add_months(end, -119)
    return Period(start, month_end(end))


def band_cutoffs(on):
    """(label, earliest birth, latest birth) for each age band on a day; None is open."""
    cutoffs = []
    for low, high in AGE_BANDS:
        latest = _years_before(on, low)
        earliest = None if high >= 200 else _years_before(on, high + 1) + timedelta(days=1)
        cutoffs.append((age_band(low), earliest, latest))
    return cutoffs


def band_labels():
    return [age_band(low) for low, _ in AGE_BANDS]


def senior_bands(minimum=65):
    """Labels of the bands that hold only people aged `minimum` or more."""
    return [age_band(low) for low, _ in AGE_BANDS if low >= minimum]


def percent(part, whole):
    """part / whole as a percentage rounded to one decimal; None when whole is 0."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)


def is_small(count):
    """True for counts that must not be published (1 or 2)."""
    return count is not None and 0 < count < SMALLEST_PUBLISHED


def suppress(cells, groups):
    """Keys of cells to hide: every count of 1 or 2, plus complementary cells so that
    no hidden cell can be worked out from a published total.

    `cells` maps a key to its count; `groups` is a list of functions mapping a key to
    the group whose total is (or may become) public, e.g. a village's total. In each
    group the hidden cells must be none, or at least two whose sum is 3 or more."""
    hidden = {key for key, count in cells.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for group_of in groups:
            members = {}
            for key in cells:
                members.setdefault(group_of(key), []).append(key)
            for keys in members.values():
                while True:
                    inside = [k for k in keys if k in hidden]
                    total = sum(cells[k] for k in inside)
                    if not inside or (len(inside) >= 2 and total >= SMALLEST_PUBLISHED):
                        break
                    candidates = sorted((cells[k], str(k), k) for k in keys
                                        if k not in hidden and cells[k] > 0)
                    if not candidates:
                        zeros = [k for k in keys if k not in hidden]
                        if len(inside) >= 2 or not zeros:
                            break
                        hidden.add(zeros[0])
                    else:
                        hidden.add(candidates[0][2])
                    changed = True
    return hidden
