"""Telling an inquiry's owner before it falls due and when it is overdue (a periodic task,
idempotent: the outbox sends each reminder once)."""

from datetime import date

from flask_babel import gettext as _

from welfare.auth import scope
from welfare.extensions import db
from welfare.inquiries import queries, rules
from welfare.notify import services as notify
from welfare.web import show_date


def _tell(inquiry, kind, subject):
    body = _("Inquiry %(n)s (%(topic)s), received %(received)s, is due on %(due)s.",
             n=inquiry.id, topic=inquiry.topic, received=show_date(inquiry.received_on),
             due=show_date(inquiry.due_on))
    notify.tell(kind, f"inquiry:{inquiry.id}:{kind}", inquiry.owner, subject, body)


@scope.sees_everything
def remind(today=None):
    """Owners of open inquiries due by the next working day, and of overdue ones."""
    today = today or date.today()
    for inquiry in queries.due_soon(today, rules.add_working_days(today, 1)):
        _tell(inquiry, "inquiry_due", _("Inquiry %(n)s is due soon", n=inquiry.id))
    for inquiry in queries.overdue(today):
        _tell(inquiry, "inquiry_overdue", _("Inquiry %(n)s is overdue", n=inquiry.id))


def run_reminders(now=None):
    """The scheduled run: remind and commit."""
    from flask import current_app

    with current_app.test_request_context():  # messages are translated
        remind(now.date() if now else None)
        db.session.commit()
