"""Alert and sweep writers: opening, escalating and closing alerts; emergency sweeps."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from welfare.auth import audit, scope
from welfare.auth.models import User, utcnow
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster import services as roster_services
from welfare.roster.models import IsolatedElder, Person
from welfare.visits import notices, rules
from welfare.visits.models import Alert, AlertEvent, Assignment, Sweep, SweepCheck


def _staff_owner(elder):
    """The staff member for the elder's village, else any active staff member."""
    staff = db.session.scalars(
        sa.select(User).where(User.role == "staff", User.is_active_account.is_(True))
        .order_by(User.id)
    ).all()
    for user in staff:
        if elder.person.village_id in user.village_ids:
            return user
    return next((u for u in staff if not u.village_ids), staff[0] if staff else None)


def _volunteer_owner(elder):
    row = db.session.get(Assignment, elder.id)
    for volunteer in (row.primary, row.backup) if row else ():
        if volunteer is not None and volunteer.active and volunteer.user.is_active:
            return volunteer.user
    return None


def step_owner(alert):
    if rules.step_owner_kind(alert.reason, alert.step) == "volunteer":
        return _volunteer_owner(alert.elder) or _staff_owner(alert.elder)
    return _staff_owner(alert.elder)


def open_alert(elder, reason, visit, actor, now):
    """Open an alert at the first step of its chain, unless one is open for the same reason."""
    existing = db.session.scalar(sa.select(Alert).where(
        Alert.elder_id == elder.id, Alert.reason == reason, Alert.closed_at.is_(None)))
    if existing is not None:
        _event(existing, "repeat", actor, _("Reported again."))
        return existing
    step, deadline = rules.escalation_step(reason, now, now)
    alert = Alert(elder=elder, visit_id=visit.id, reason=reason, step=step, opened_at=now,
                  deadline_at=deadline)
    alert.owner = step_owner(alert)
    db.session.add(alert)
    db.session.flush()
    _event(alert, "opened", actor, at=now)
    audit.record("open_alert", actor=actor, entity=alert, summary=f"{reason} {elder.person.name}")
    notices.step_started(alert)
    return alert


def _event(alert, action, actor, notes="", at=None):
    alert.events.append(AlertEvent(action=action, step=alert.step, notes=notes,
                                   user_id=getattr(actor, "id", None), at=at or utcnow()))


def after_visit(visit, elder, actor, now, reason, closes, check_id):
    """Alerts and sweep checks that follow from a new visit (recording.save_visit found
    which apply in the same select that loaded the caller or the elder)."""
    if closes:
        # Plain rows (no eager loads).
        for alert in db.session.scalars(sa.select(Alert).where(
                Alert.elder_id == elder.id, Alert.reason == "no_answer",
                Alert.closed_at.is_(None)).options(sa.orm.lazyload("*"))):
            _close(alert, "found_well", _("Reached on a later contact."), actor, now)
    if reason:
        open_alert(elder, reason, visit, actor, now)
    if check_id is not None:
        # The visit row already names the sweep (inserted with its sweep_id).
        check = db.session.get(SweepCheck, check_id, options=[sa.orm.lazyload("*")])
        check.state = rules.sweep_state(visit.outcome, visit.needs or (), visit.referral)
        check.visit_id, check.updated_at = visit.id, now


@scope.sees_everything
def escalate_due(now, actor=None):
    """Move every open alert whose deadline passed up its chain; returns how many moved.
    Safe to run at once from two processes or hosts: PostgreSQL hands each overdue alert
    to one run (FOR UPDATE SKIP LOCKED), and every move is a compare-and-set of the step
    and deadline the run read, so a step is taken once (SQLite serialises the writes)."""
    overdue_ids = db.session.scalars(
        sa.select(Alert.id).where(Alert.closed_at.is_(None), Alert.deadline_at.is_not(None),
                                  Alert.deadline_at <= now)
        .order_by(Alert.id).with_for_update(skip_locked=True)).all()
    if not overdue_ids:
        return 0
    moved = 0
    for alert in db.session.scalars(sa.select(Alert).where(Alert.id.in_(overdue_ids))
                                    .order_by(Alert.id)).all():
        if _move(alert, now, actor):
            moved += 1
    db.session.flush()
    return moved


def _move(alert, now, actor):
    step, deadline = rules.escalation_step(alert.reason, alert.opened_at, now)
    if step == alert.step and deadline == alert.deadline_at:
        return False
    taken = db.session.execute(
        sa.update(Alert).where(Alert.id == alert.id, Alert.step == alert.step,
                               Alert.deadline_at == alert.deadline_at,
                               Alert.closed_at.is_(None))
        .values(step=step, deadline_at=deadline)
        .execution_options(synchronize_session=False)).rowcount
    if not taken:  # another run moved it (or it was closed) since it was read
        db.session.expire(alert)
        return False
    for index in range(alert.step + 1, step + 1):
        alert.events.append(AlertEvent(action="escalated", step=index, at=now,
                                       notes=rules.step_code(alert.reason, index),
                                       user_id=getattr(actor, "id", None)))
    previous_owner, previous_step = alert.owner, alert.step
    set_committed_value(alert, "step", step)
    set_committed_value(alert, "deadline_at", deadline)
    alert.owner = step_owner(alert)
    notices.deadline_passed(alert, previous_owner, previous_step)
    notices.step_started(alert)
    audit.record("escalate_alert", actor=actor, entity=alert,
                 summary=f"{alert.reason} -> {rules.step_code(alert.reason, alert.step)}")
    return True


def run_escalation(now=None):
    """The scheduled run (cron, RQ or the in-process scheduler): escalate and commit."""
    moved = escalate_due(now or utcnow())
    db.session.commit()
    return moved


def take_alert(alert, actor):
    """A staff member takes the alert over."""
    _require_open(alert)
    alert.owner = actor
    _event(alert, "taken", actor)
    audit.record("take_alert", actor=actor, entity=alert, summary=alert.reason)


def note_alert(alert, notes, actor):
    """Write down what was tried (called the daughter, no answer...)."""
    _require_open(alert)
    if not notes.strip():
        raise ServiceError(("notes", _("Write what was done.")))
    _event(alert, "note", actor, notes.strip())


def close_alert(alert, outcome, notes, actor, confirm_register=False, on=None, now=None):
    """Close with an outcome; a confirmed death, move or shared home changes the register."""
    _require_open(alert)
    if outcome not in rules.CLOSE_OUTCOMES:
        raise ServiceError(("outcome", _("Choose how it ended.")))
    if confirm_register and outcome not in rules.REGISTER_OUTCOMES:
        raise ServiceError(("outcome", _("Only a death, a move or a shared home changes "
                                         "the register.")))
    now = now or utcnow()
    if confirm_register:
        change_register(alert.elder, outcome, on or date.today(), actor)
        alert.register_changed = True
    _close(alert, outcome, notes, actor, now)


def _close(alert, outcome, notes, actor, now):
    alert.closed_at, alert.close_outcome, alert.close_notes = now, outcome, notes.strip()
    alert.closed_by_id = getattr(actor, "id", None)
    _event(alert, "closed", actor, notes.strip(), at=now)
    audit.record("close_alert", actor=actor, entity=alert, summary=f"{alert.reason}: {outcome}")


def change_register(elder, outcome, on, actor):
    """Staff confirmed: mark the person deceased or moved, or the elder not living alone."""
    person = elder.person
    if outcome in ("deceased", "moved"):
        data = {k: getattr(person, k) for k in roster_services.PERSON_FIELDS}
        data.update(status="deceased" if outcome == "deceased" else "moved_out", status_date=on)
        roster_services.update_person(person, data, actor)
    reasons = {"deceased": _("Deceased"), "moved": _("Moved away"),
               "not_alone": _("Not living alone")}
    roster_services.update_elder(elder, {"care_level": elder.care_level, "active": False,
                                         "inactive_reason": str(reasons[outcome])}, actor)


def _require_open(alert):
    if not alert.is_open:
        raise ServiceError(_("This alert is already closed."))


def start_sweep(reason, villages, actor, today):
    """Every active elder in the villages gets a safety check due today."""
    if not reason.strip():
        raise ServiceError(("reason", _("Say why (typhoon, heat wave...).")))
    if not villages:
        raise ServiceError(("villages", _("Choose at least one village.")))
    sweep = Sweep(reason=reason.strip(), due_on=today, started_by_id=actor.id,
                  villages=list(villages))
    db.session.add(sweep)
    db.session.flush()
    elder_ids = db.session.scalars(
        sa.select(IsolatedElder.id).join(Person).where(
            IsolatedElder.active.is_(True), Person.village_id.in_([v.id for v in villages]))
    ).all()
    if elder_ids:
        db.session.execute(sa.insert(SweepCheck), [
            {"sweep_id": sweep.id, "elder_id": i, "state": "pending", "updated_at": utcnow()}
            for i in elder_ids])
    audit.record("start_sweep", actor=actor, entity=sweep,
                 summary=f"{sweep.reason}: {len(elder_ids)}")
    return sweep


def close_sweep(sweep, actor):
    """End the sweep; unchecked elders fall back to their usual schedule."""
    if sweep.closed_at is not None:
        raise ServiceError(_("This sweep has already ended."))
    sweep.closed_at = utcnow()
    audit.record("close_sweep", actor=actor, entity=sweep, summary=sweep.reason)
