"""The roster's part of the home work list: low-income statuses about to expire and
suspected duplicate records."""

from flask import url_for
from flask_babel import gettext as _

from welfare.auth import worklist
from welfare.auth.permissions import OFFICE
from welfare.roster import queries


@worklist.provider
def roster_work(user, now):
    if user.role not in OFFICE:
        return []
    today = worklist.local_day(now)
    items = []
    expiring = queries.expiring_statuses(user, today)
    if expiring:
        first = expiring[0].certified_until
        items.append(worklist.WorkItem(
            title=_("Low-income statuses expiring within 60 days"), count=len(expiring),
            unit="households", link=url_for("roster.expiring"),
            urgency=worklist.by_date(first, today, 14), deadline=first,
            detail=_("Remind the households to apply for the review in time.")))
    duplicates = queries.open_duplicates(user)
    if duplicates:
        items.append(worklist.WorkItem(
            title=_("Suspected duplicate records to review"), count=len(duplicates),
            unit="records", link=url_for("roster.duplicates"), urgency=worklist.ROUTINE))
    return items
