"""Visits and alerts about a person, for roster.history (office staff only)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth.permissions import OFFICE
from welfare.extensions import db
from welfare.roster.history import SOURCES, Event
from welfare.roster.models import IsolatedElder
from welfare.visits.labels import ALERT_LABELS, KIND_LABELS, OUTCOME_LABELS
from welfare.visits.models import Alert, Visit


def _elder_rows(model, person_id, order):
    return db.session.scalars(
        sa.select(model).join(IsolatedElder, IsolatedElder.id == model.elder_id)
        .where(IsolatedElder.person_id == person_id).order_by(order.desc())).all()


def visit_events(person, viewer):
    if viewer is not None and not viewer.has_role(*OFFICE):
        return
    for visit in _elder_rows(Visit, person.id, Visit.visited_at):
        by = visit.volunteer.name if visit.volunteer else (
            visit.recorded_by.display_name if visit.recorded_by else "")
        yield Event("visit", visit.visited_at,
                    _("%(kind)s: %(outcome)s", kind=KIND_LABELS[visit.kind],
                      outcome=OUTCOME_LABELS[visit.outcome]),
                    by=by, extra={"visit_kind": visit.kind, "outcome": visit.outcome})
    for alert in _elder_rows(Alert, person.id, Alert.opened_at):
        state = _("open") if alert.is_open else _("closed")
        yield Event("alert", alert.opened_at,
                    _("Alert: %(reason)s (%(state)s)", reason=ALERT_LABELS[alert.reason],
                      state=state),
                    by=alert.owner.display_name if alert.owner else "",
                    extra={"reason": alert.reason, "open": alert.is_open})


SOURCES.append(visit_events)
