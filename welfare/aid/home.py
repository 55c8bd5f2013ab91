"""Emergency aid's part of the home work list: cases to assess, decide and pay, and the
overdue ones. A pile's deadline is its oldest case's decision day: past it, the item says
overdue and comes first."""

from flask import current_app, url_for
from flask_babel import gettext as _

from welfare.aid import queries, rules
from welfare.auth import worklist
from welfare.auth.permissions import CLERKS, SUPERVISORS


def _item(title, cases, view, today, limit, holidays):
    """A pile of cases to decide: due on its oldest case's decision day."""
    deadline = min(rules.decision_due(c.applied_on, limit, holidays) for c in cases)
    return worklist.WorkItem(title=title, count=len(cases), unit="cases",
                             link=url_for("aid.index", view=view), deadline=deadline,
                             urgency=worklist.by_date(deadline, today))


@worklist.provider
def aid_work(user, now):
    today = worklist.local_day(now)
    limit = current_app.config["AID_DECISION_DAYS"]
    holidays = queries.holidays()
    items = []
    overdue = queries.overdue_count(today, limit)
    if overdue and user.role in (*CLERKS, *SUPERVISORS):
        items.append(worklist.WorkItem(
            title=_("Emergency-aid applications undecided after %(n)s working days", n=limit),
            count=overdue, unit="cases", link=url_for("aid.index", view="overdue"),
            urgency=worklist.OVERDUE))
    if user.role in SUPERVISORS:
        cases = queries.waiting("assessed", not_assessed_by=user.id)
        if cases:
            items.append(_item(_("Decide emergency-aid cases"), cases, "to_decide", today,
                               limit, holidays))
    if user.role in CLERKS:
        cases = queries.waiting("applied")
        if cases:
            items.append(_item(_("Assess emergency-aid applications"), cases, "open", today,
                               limit, holidays))
        # Paying has no deadline of its own: the decision is made.
        to_pay = queries.waiting("approved")
        if to_pay:
            items.append(worklist.WorkItem(
                title=_("Pay approved emergency aid"), count=len(to_pay), unit="cases",
                link=url_for("aid.index", view="to_pay"), urgency=worklist.ROUTINE))
        owed = queries.to_recover_count()
        if owed:
            items.append(worklist.WorkItem(
                title=_("Emergency aid to recover (應追繳)"), count=owed, unit="cases",
                link=url_for("aid.index", view="to_recover"), urgency=worklist.ROUTINE))
    return items
