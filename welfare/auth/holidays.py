"""The office's holidays: weekdays it is closed, kept by the admin on a page (audited) and
read by every working-day count. A deployment may add dates with the OFFICE_HOLIDAYS
setting (ISO dates, comma-separated); the page's list is the office's calendar."""

from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import OfficeHoliday
from welfare.errors import ServiceError
from welfare.extensions import db

# 行政院人事行政總處「中華民國115年（西元2026年）政府行政機關辦公日曆表」(院授人培字第
# 11430248312號函, 2025-06-13): 120 days off, of which these 16 are weekdays. The 116年
# (2027) calendar was not found when this was written: the admin adds it on the page.
CALENDAR_2026 = (
    ("2026-01-01", "開國紀念日"),
    ("2026-02-16", "農曆除夕"), ("2026-02-17", "春節"), ("2026-02-18", "春節"),
    ("2026-02-19", "春節"), ("2026-02-20", "除夕前一日補假"),
    ("2026-02-27", "和平紀念日補假"), ("2026-04-03", "兒童節補假"),
    ("2026-04-06", "清明節補假"), ("2026-05-01", "勞動節"), ("2026-06-19", "端午節"),
    ("2026-09-25", "中秋節"), ("2026-09-28", "孔子誕辰紀念日／教師節"),
    ("2026-10-09", "國慶日補假"), ("2026-10-26", "臺灣光復暨金門古寧頭大捷紀念日補假"),
    ("2026-12-25", "行憲紀念日"),
)
SOURCED_YEARS = (2026,)


def listed(year=None):
    """The holidays on the office's calendar, by date (of one year, or all)."""
    stmt = sa.select(OfficeHoliday).order_by(OfficeHoliday.day)
    if year is not None:
        stmt = stmt.where(OfficeHoliday.day.between(date(year, 1, 1), date(year, 12, 31)))
    return db.session.scalars(stmt).all()


def years():
    """The years the calendar has dates for, newest first."""
    return sorted({h.day.year for h in listed()}, reverse=True)


def office_holidays():
    """Every date working-day counts skip: the calendar's and the deployment's extra ones."""
    days = set(db.session.scalars(sa.select(OfficeHoliday.day)))
    return frozenset(days | set(current_app.config.get("OFFICE_HOLIDAYS") or ()))


def add_holiday(day, name, actor):
    """Put a weekday on the calendar with its name (a weekend needs no entry)."""
    name = (name or "").strip()
    errors = []
    if day is None:
        errors.append(("day", _("Enter the date.")))
    elif day.weekday() >= 5:
        errors.append(("day", _("This date is a Saturday or Sunday: the office is closed "
                                "anyway.")))
    elif db.session.scalar(sa.select(OfficeHoliday.id).where(OfficeHoliday.day == day)):
        errors.append(("day", _("This date is already on the calendar.")))
    if not name:
        errors.append(("name", _("Enter the holiday's name.")))
    if errors:
        raise ServiceError(*errors)
    holiday = OfficeHoliday(day=day, name=name[:60], created_by_id=actor.id)
    db.session.add(holiday)
    db.session.flush()
    audit.record("holiday_add", actor=actor, entity=holiday, summary=f"{day} {name}"[:300],
                 after={"day": day.isoformat(), "name": holiday.name})
    return holiday


def remove_holiday(holiday, actor):
    """Take a date off the calendar (the office is open that day after all)."""
    before = {"day": holiday.day.isoformat(), "name": holiday.name}
    audit.record("holiday_remove", actor=actor, entity=holiday,
                 summary=f"{holiday.day} {holiday.name}"[:300], before=before)
    db.session.delete(holiday)
    db.session.flush()


def seed(actor=None):
    """Put the sourced calendar's dates that are missing on it (demo data and new installs)."""
    have = set(db.session.scalars(sa.select(OfficeHoliday.day)))
    rows = [OfficeHoliday(day=date.fromisoformat(d), name=n,
                          created_by_id=actor.id if actor else None)
            for d, n in CALENDAR_2026 if date.fromisoformat(d) not in have]
    db.session.add_all(rows)
    db.session.flush()
    return len(rows)
