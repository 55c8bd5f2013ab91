"""Lifting a hold that was wrong (a death or move-out the household registry office has since
corrected): a supervisor, a reason, and the lifted hold kept on record."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.auth.permissions import SUPERVISORS
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import Person
from welfare.rounds.amend_models import HoldLift

OPEN = ("frozen", "approved")


def lift_problem(entry):
    """Why this entry's hold cannot be lifted now, or None."""
    if entry.hold is None:
        return _("This payout is not held.")
    if entry.round.status not in OPEN:
        return _("Holds of a closed round cannot be lifted.")
    status = db.session.scalar(sa.select(Person.status).where(Person.id == entry.person_id))
    if status != "registered":
        return _("The household register still records this person as died or moved out. "
                 "Have the register corrected first, then lift the hold.")
    return None


def lift_hold(entry, reason, actor):
    """Take the hold off an entry so it can be paid; the lift row keeps the hold as it was,
    who lifted it, when and why. The database clears the hold (see amend_models)."""
    reason = (reason or "").strip()
    if actor.role not in SUPERVISORS:
        raise ServiceError(_("Only a supervisor can lift a hold."))
    if not reason:
        raise ServiceError(("reason", _("Say why the hold is lifted, for example the household "
                                        "registry office's correction and its date.")))
    problem = lift_problem(entry)
    if problem:
        raise ServiceError(problem)
    was = {"hold": entry.hold, "hold_on": entry.hold_on.isoformat() if entry.hold_on else None,
           "hold_note": entry.hold_note}
    lift = HoldLift(round_id=entry.round_id, entry_id=entry.id, hold=entry.hold,
                    hold_on=entry.hold_on, hold_note=entry.hold_note or "",
                    reason=reason[:300], lifted_by_id=actor.id, lifted_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(lift)
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        if "gift_hold_lifts_held" in str(exc.orig):
            raise ServiceError(_("Someone else has just lifted this hold.")) from exc
        raise
    db.session.expire(entry)
    audit.record("lift_hold", actor=actor, entity=entry, summary=f"{entry.name}：{reason[:200]}",
                 before=was, after={"hold": None, "reason": reason[:300]},
                 village_id=entry.village_id)
    return lift


def lifts_of(entry_id):
    """The entry's lifted holds, oldest first."""
    return db.session.scalars(sa.select(HoldLift).where(HoldLift.entry_id == entry_id)
                              .order_by(HoldLift.lifted_at, HoldLift.id)).all()
