"""Roster writers for institution stays (機構安置): recorded and ended by staff, audited."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import InstitutionStay
from welfare.web import show_date


def add_stay(person, institution, started_on, actor):
    """Record that a person lives in an institution from a day on (one open stay at a time)."""
    institution = (institution or "").strip()
    errors = []
    if not institution:
        errors.append(("institution", _("Enter the name of the institution.")))
    if started_on is None:
        errors.append(("started_on", _("Enter the day the stay began.")))
    if errors:
        raise ServiceError(*errors)
    stay = InstitutionStay(person_id=person.id, institution=institution[:100],
                           started_on=started_on, created_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(stay)
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        # uq_institution_stays_open: someone recorded an open stay first.
        raise ServiceError(("institution", _("This person already has a stay that has not "
                                             "ended; end it first."))) from exc
    audit.record("create", actor=actor, entity=stay, summary=f"{person.name} {institution}",
                 after={"institution": institution, "started_on": started_on.isoformat()})
    return stay


def end_stay(stay, ended_on, actor):
    """Record the last day of a stay (moved out of the institution)."""
    if stay.ended_on is not None:
        raise ServiceError(_("This stay has already ended."))
    if ended_on is None:
        raise ServiceError(("ended_on", _("Enter the last day of the stay.")))
    if ended_on < stay.started_on:
        raise ServiceError(("ended_on", _("The stay cannot end before it began (%(day)s).",
                                          day=show_date(stay.started_on))))
    stay.ended_on, stay.ended_by_id = ended_on, actor.id
    db.session.flush()
    audit.record("end_stay", actor=actor, entity=stay,
                 summary=f"{stay.person.name} {stay.institution}",
                 after={"ended_on": ended_on.isoformat()})
    return stay
