"""ROC (Minguo) dates: parse the forms seen in data files, format for display."""

import re
import unicodedata
from datetime import date, datetime

ROC_OFFSET = 1911

_AD_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_ROC_SEPARATED = re.compile(r"^(?:民國)?(\d{1,3})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_ROC_WORDS = re.compile(r"^(?:民國)?(\d{1,3})年(\d{1,2})月(\d{1,2})日?$")
_ROC_COMPACT = re.compile(r"^(\d{2,3})(\d{2})(\d{2})$")


class InvalidDate(ValueError):
    """Raised with a code: 'empty', 'format' or 'impossible'."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _build(year, month, day):
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise InvalidDate("impossible") from exc


def parse(raw):
    """Parse ROC (1141015, 114/10/15, 114.10.15, 0991231, 991231, 114年10月15日)
    or AD (2025-10-15, 2025/10/15, 20251015) into a date."""
    if raw is None:
        raise InvalidDate("empty")
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", str(raw)))
    if not text:
        raise InvalidDate("empty")
    if text.endswith(".0") and text[:-2].isdigit():  # a number read from a spreadsheet
        text = text[:-2]
    for form in _AD_FORMS:
        match = form.match(text)
        if match and int(match.group(1)) > 1911:
            return _build(*match.groups())
    for form in (_ROC_SEPARATED, _ROC_WORDS, _ROC_COMPACT):
        match = form.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if year < 1:
                raise InvalidDate("impossible")
            return _build(year + ROC_OFFSET, month, day)
    raise InvalidDate("format")


def parse_optional(raw):
    """Like parse, but blank gives None."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return parse(raw)


def roc_year(value):
    return value.year - ROC_OFFSET


def format_roc(value, style="slash"):
    """114/10/15 ('slash'), 114年10月15日 ('words') or 1141015 ('compact')."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    year = roc_year(value)
    if style == "words":
        return f"{year}年{value.month}月{value.day}日"
    if style == "compact":
        return f"{year:03d}{value.month:02d}{value.day:02d}"
    return f"{year:03d}/{value.month:02d}/{value.day:02d}"


def age_on(birth, on):
    """Completed years (實歲) on a given date."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def birth_cutoff(age, on):
    """Latest birth date for someone to be at least `age` on `on`."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February
        return on.replace(year=on.year - age, day=28)
