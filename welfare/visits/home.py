"""The home visits' part of the home work list: open alerts and their next step, overdue
visits for the office; today's checks and visits for a volunteer."""

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from welfare.auth import worklist
from welfare.auth.permissions import OFFICE, VOLUNTEERS
from welfare.extensions import db
from welfare.visits import queries, rules
from welfare.visits.labels import ALERT_LABELS, STEP_LABELS
from welfare.visits.models import Alert

ALERTS_SHOWN = 8


def _alert_urgency(deadline, now):
    """Every open alert is about someone who may need help now: urgent within a day."""
    if deadline is None or deadline - now <= timedelta(hours=24):
        return worklist.URGENT
    return worklist.TODAY


def _alert_item(alert, now):
    step = STEP_LABELS[rules.step_code(alert.reason, alert.step)]
    elder = alert.elder
    return worklist.WorkItem(
        title=_("%(reason)s: %(name)s (care level %(level)s)",
                reason=ALERT_LABELS.get(alert.reason, alert.reason),
                name=elder.person.name, level=elder.care_level),
        count=1, link=url_for("visits.alert", alert_id=alert.id),
        urgency=_alert_urgency(alert.deadline_at, now), deadline=alert.deadline_at,
        detail=_("Next step: %(step)s", step=step))


def _office_work(user, now):
    alerts = sorted(queries.open_alerts(user), key=lambda a: (
        _alert_urgency(a.deadline_at, now), -a.elder.care_level,
        a.deadline_at or now))
    items = [_alert_item(alert, now) for alert in alerts[:ALERTS_SHOWN]]
    if len(alerts) > ALERTS_SHOWN:
        items.append(worklist.WorkItem(
            title=_("More open alerts"), count=len(alerts) - ALERTS_SHOWN, unit="alerts",
            link=url_for("visits.alerts_page"), urgency=items[-1].urgency))
    today = worklist.local_day(now)
    late = [row for row in queries.schedule_rows(today, user)
            if row.schedule.status == "overdue"]
    if late:
        top = max(row.care_level for row in late)
        items.append(worklist.WorkItem(
            title=_("Elders overdue for a visit"), count=len(late), unit="people",
            link=url_for("visits.board", status="late"), urgency=worklist.OVERDUE,
            deadline=min(row.schedule.due_on for row in late),
            detail=_("The highest care level among them is %(level)s.", level=top)))
    return items


def _volunteer_work(user, now):
    volunteer = queries.volunteer_for(user)
    if volunteer is None:
        return []
    today = worklist.local_day(now)
    tasks = queries.today_tasks(volunteer, today)
    link = url_for("visits.app")
    sweeps = [row for kind, row in tasks if kind == "sweep"]
    rechecks = [row for kind, row in tasks if kind == "recheck"]
    due = [row for kind, row in tasks if kind == "due"]
    items = []
    if sweeps:
        items.append(worklist.WorkItem(
            title=_("Safety checks to make today"), count=len(sweeps), unit="people",
            link=link, urgency=worklist.TODAY, deadline=today))
    if rechecks:
        mine = db.session.scalars(sa.select(Alert).where(
            Alert.closed_at.is_(None), Alert.owner_id == user.id)).all()
        items += [replace(_alert_item(alert, now), link=link) for alert in mine]
    if due:
        late = [row for row in due if row.schedule.status == "overdue"]
        items.append(worklist.WorkItem(
            title=_("Visits due"), count=len(due), unit="people", link=link,
            urgency=worklist.OVERDUE if late else worklist.TODAY,
            deadline=min(row.schedule.due_on for row in due),
            detail=_("%(n)s of them are late.", n=len(late)) if late else ""))
    return items


@worklist.provider
def visit_work(user, now):
    if user.role in OFFICE:
        return _office_work(user, now)
    if user.role in VOLUNTEERS:
        return _volunteer_work(user, now)
    return []
