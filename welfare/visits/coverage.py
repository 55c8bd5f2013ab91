"""Read-only coverage figures: elders contacted within their window, volunteer hours."""

from datetime import date, timedelta

import sqlalchemy as sa

from welfare.extensions import db
from welfare.visits import queries, rules
from welfare.visits.models import Visit


def month_bounds(month_start, today):
    """(first day, last day counted): the whole month, or up to today for this month."""
    next_month = (month_start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return month_start, min(today, next_month - timedelta(days=1))


def _covered(row):
    return row.last_contact is not None and row.schedule.status != "overdue"


def coverage(month_start, today, user=None):
    """Per village and per volunteer: elders, on schedule at month end, contacts, hours."""
    first, last = month_bounds(month_start, today)
    until = queries.day_start_utc(last + timedelta(days=1))
    since = queries.day_start_utc(first)
    rows = queries.schedule_rows(last, user, until=until)
    contacts = dict(db.session.execute(
        sa.select(Visit.elder_id, sa.func.count()).where(
            Visit.visited_at >= since, Visit.visited_at < until,
            Visit.outcome.in_(rules.REACHED_OUTCOMES)).group_by(Visit.elder_id)).all())
    hours = {vid: (minutes or 0) / 60 for vid, minutes in db.session.execute(
        sa.select(Visit.volunteer_id, sa.func.sum(Visit.duration_minutes)).where(
            Visit.visited_at >= since, Visit.visited_at < until,
            Visit.volunteer_id.is_not(None)).group_by(Visit.volunteer_id))}
    visits_made = dict(db.session.execute(
        sa.select(Visit.volunteer_id, sa.func.count()).where(
            Visit.visited_at >= since, Visit.visited_at < until,
            Visit.volunteer_id.is_not(None)).group_by(Visit.volunteer_id)).all())
    by_village, by_volunteer = {}, {}
    for row in rows:
        for key, table in ((row.village_id, by_village), (row.primary_id, by_volunteer)):
            entry = table.setdefault(key, {"elders": 0, "covered": 0, "contacts": 0})
            entry["elders"] += 1
            entry["covered"] += _covered(row)
            entry["contacts"] += contacts.get(row.elder_id, 0)
    for table in (by_village, by_volunteer):
        for entry in table.values():
            entry["share"] = rules.share(entry["covered"], entry["elders"])
    for volunteer_id, entry in by_volunteer.items():
        entry["hours"] = round(hours.get(volunteer_id, 0), 1)
        entry["visits"] = visits_made.get(volunteer_id, 0)
    totals = {"elders": len(rows), "covered": sum(_covered(r) for r in rows),
              "hours": round(sum(hours.values()), 1)}
    totals["share"] = rules.share(totals["covered"], totals["elders"])
    return {"first": first, "last": last, "villages": by_village, "volunteers": by_volunteer,
            "totals": totals}


def month_choices(today, count=6):
    """The first day of this month and the months before it."""
    months, day = [], date(today.year, today.month, 1)
    for _ in range(count):
        months.append(day)
        day = (day - timedelta(days=1)).replace(day=1)
    return months
