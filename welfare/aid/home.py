"""Emergency aid's part of the home work list: cases to assess, decide and pay, and the
overdue ones."""

from flask import current_app, url_for
from flask_babel import gettext as _

from welfare.aid import queries
from welfare.auth import worklist
from welfare.auth.permissions import CLERKS, SUPERVISORS


def _item(title, cases, view, urgency):
    return worklist.WorkItem(title=title, count=len(cases), unit=_("cases"),
                             link=url_for("aid.index", view=view), urgency=urgency,
                             deadline=min(c.applied_on for c in cases))


@worklist.provider
def aid_work(user, now):
    today = worklist.local_day(now)
    limit = current_app.config["AID_DECISION_DAYS"]
    items = []
    overdue = queries.overdue_count(today, limit)
    if overdue and user.role in (*CLERKS, *SUPERVISORS):
        items.append(worklist.WorkItem(
            title=_("Emergency-aid applications undecided after %(n)s working days", n=limit),
            count=overdue, unit=_("cases"), link=url_for("aid.index", view="overdue"),
            urgency=worklist.OVERDUE))
    if user.role in SUPERVISORS:
        cases = queries.waiting("assessed", not_assessed_by=user.id)
        if cases:
            items.append(_item(_("Decide emergency-aid cases"), cases, "to_decide",
                               worklist.SOON))
    if user.role in CLERKS:
        for status, title, view in (("applied", _("Assess emergency-aid applications"), "open"),
                                    ("approved", _("Pay approved emergency aid"), "to_pay")):
            cases = queries.waiting(status)
            if cases:
                items.append(_item(title, cases, view, worklist.SOON))
    return items
