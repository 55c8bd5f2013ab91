"""The roster's part of the home work list: low-income statuses about to expire, suspected
duplicate records, and the stored data-quality counts of the user's villages (when fresh)."""

from flask import url_for
from flask_babel import gettext as _

from welfare.auth import worklist
from welfare.auth.permissions import OFFICE
from welfare.roster import quality_store, queries
from welfare.web import show_datetime

# Data-quality checks on the home list: the title names the count, the urgency its weight.
QUALITY_ITEMS = {
    "elder_no_contact": (lambda n: _("%(n)s isolated elders have no emergency contact", n=n),
                         worklist.SOON),
    "elder_old_assessment": (lambda n: _("%(n)s isolated elders were not assessed within a "
                                         "year", n=n), worklist.ROUTINE),
    "no_phone": (lambda n: _("%(n)s people have no phone or mobile number", n=n),
                 worklist.ROUTINE),
}


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


@worklist.provider
def quality_work(user, now):
    if user.role not in OFFICE:
        return []
    kept = quality_store.stored({v.id for v in queries.villages()}, now)
    if kept is None:  # not counted lately: the page counts them live
        return []
    found, counted_at = kept
    detail = _("(Counted at %(time)s)", time=show_datetime(counted_at))
    items = []
    for key, (title, urgency) in QUALITY_ITEMS.items():
        count = sum(by_check.get(key, 0) for by_check in found.values())
        if count:
            items.append(worklist.WorkItem(
                title=title(f"{count:,}"), count=count, urgency=urgency,
                link=url_for("roster.quality_list", check=key), detail=detail))
    return items
