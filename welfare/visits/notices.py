"""Who is told about an alert: the owner of each step when it starts, and the owner of a
step whose deadline passed. Names are masked: messages leave the office's systems."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import scope
from welfare.extensions import db
from welfare.notify import services as notify
from welfare.visits import queries, rules
from welfare.visits.labels import ALERT_LABELS, STEP_LABELS
from welfare.visits.models import Volunteer
from welfare.web import show_datetime


def _who(alert):
    name = alert.elder.person.name
    return name[:1] + "○" * max(len(name) - 1, 1)


def step_started(alert):
    """The new step's owner: what to do and by when."""
    step = rules.step_code(alert.reason, alert.step)
    subject = _("Alert %(n)s: %(step)s", n=alert.id, step=STEP_LABELS.get(step, step))
    body = _("%(reason)s for %(who)s. Your step: %(step)s. Deadline: %(deadline)s.",
             reason=ALERT_LABELS[alert.reason], who=_who(alert),
             step=STEP_LABELS.get(step, step),
             deadline=show_datetime(alert.deadline_at) if alert.deadline_at else "-")
    notify.tell("alert_step", f"alert:{alert.id}:step:{alert.step}", alert.owner, subject, body)


def deadline_passed(alert, owner, step_index):
    """The owner of the step that ran out: it has moved on without them."""
    step = rules.step_code(alert.reason, step_index)
    subject = _("Alert %(n)s: the deadline passed", n=alert.id)
    body = _("%(reason)s for %(who)s: the step %(step)s was not done in time and the alert "
             "has moved on.", reason=ALERT_LABELS[alert.reason], who=_who(alert),
             step=STEP_LABELS.get(step, step))
    notify.tell("alert_overdue", f"alert:{alert.id}:late:{step_index}", owner, subject, body)


@scope.sees_everything
def remind_volunteers(today=None):
    """Each primary volunteer, the day a visit falls due and once it is overdue (once per
    due date: the outbox keeps one message per key)."""
    today = today or queries.local_today()
    volunteers = {v.id: v for v in db.session.scalars(sa.select(Volunteer))}
    for row in queries.schedule_rows(today):
        volunteer = volunteers.get(row.primary_id)
        if volunteer is None or not volunteer.active or row.schedule.status not in (
                "due", "overdue"):
            continue
        who = row.name[:1] + "○" * max(len(row.name) - 1, 1)
        if row.schedule.status == "due":
            body = _("Please contact %(who)s today.", who=who)
        else:
            body = _("The contact with %(who)s is %(n)s days late.", who=who,
                     n=row.schedule.overdue_days)
        notify.tell(f"visit_{row.schedule.status}",
                    f"visit:{row.elder_id}:{row.schedule.due_on.isoformat()}:"
                    f"{row.schedule.status}", volunteer.user, _("Home visit reminder"), body)


def run_reminders(now=None):
    """The scheduled run (hourly): remind and commit."""
    from flask import current_app

    with current_app.test_request_context():
        remind_volunteers()
        db.session.commit()
