"""Visit writers: volunteers, assignments, contact rules, and recording a visit."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.auth.permissions import VOLUNTEERS
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.visits import api_queries, rules, sync
from welfare.visits.models import Assignment, ContactRule, Volunteer
from welfare.visits.problems import NoSuchElder

# Recording a visit lives in recording.py (the phone sync's hot path); same names here.
from welfare.visits.recording import (  # noqa: E402,F401
    VisitConflict,
    follow_up_for,
    parse_time,
    photo_dir,
    record_visit,
    save_visit,
)

VOLUNTEER_FIELDS = ("name", "phone", "care_point", "active")


# Volunteers and assignments

def create_volunteer(user, data, villages, actor):
    """Give a volunteer login its profile."""
    if user.role != "volunteer":
        raise ServiceError(("user_id", _("Choose an account with the volunteer role.")))
    if db.session.scalar(sa.select(Volunteer.id).where(Volunteer.user_id == user.id)):
        raise ServiceError(("user_id", _("This account already has a volunteer profile.")))
    if not (data.get("name") or "").strip():
        raise ServiceError(("name", _("Enter the name.")))
    volunteer = Volunteer(user=user, **{k: data[k] for k in VOLUNTEER_FIELDS if k in data})
    volunteer.villages = list(villages)
    db.session.add(volunteer)
    db.session.flush()
    audit.record("create", actor=actor, entity=volunteer, summary=volunteer.name,
                 after=audit.snapshot(volunteer, VOLUNTEER_FIELDS))
    return volunteer


def update_volunteer(volunteer, data, villages, actor):
    """Change a volunteer's profile, villages or active flag."""
    if not (data.get("name") or "").strip():
        raise ServiceError(("name", _("Enter the name.")))
    before = audit.snapshot(volunteer, VOLUNTEER_FIELDS)
    before["villages"] = sorted(v.code for v in volunteer.villages)
    for key in VOLUNTEER_FIELDS:
        if key in data:
            setattr(volunteer, key, data[key])
    volunteer.villages = list(villages)
    after = audit.snapshot(volunteer, VOLUNTEER_FIELDS)
    after["villages"] = sorted(v.code for v in volunteer.villages)
    old, new = audit.changed(before, after)
    if new:
        audit.record("update", actor=actor, entity=volunteer, summary=volunteer.name,
                     before=old, after=new)
    return volunteer


def assign(elder, primary, backup, actor):
    """Set an elder's primary and backup volunteer."""
    if primary is None:
        raise ServiceError(("primary_id", _("Choose the primary volunteer.")))
    if backup is not None and backup.id == primary.id:
        raise ServiceError(("backup_id", _("The backup must be someone else.")))
    if not primary.active:
        raise ServiceError(("primary_id", _("This volunteer is not active.")))
    row = db.session.get(Assignment, elder.id)
    before = {"primary_id": row.primary_id, "backup_id": row.backup_id} if row else {}
    if row is None:
        row = Assignment(elder_id=elder.id)
        db.session.add(row)
    row.primary_id, row.backup_id = primary.id, backup.id if backup else None
    row.assigned_at = utcnow()
    db.session.flush()
    audit.record("assign", actor=actor, entity=elder, summary=elder.person.name, before=before,
                 after={"primary_id": row.primary_id, "backup_id": row.backup_id})
    return row


def update_rule(level, data, actor):
    """Change the minimum contact for one care level."""
    errors = []
    if not 1 <= (data.get("interval_days") or 0) <= 366:
        errors.append(("interval_days", _("Enter a number of days from 1 to 366.")))
    kinds = [k for k in data.get("counted_kinds") or [] if k in rules.KINDS]
    if not kinds:
        errors.append(("counted_kinds", _("Choose at least one kind of contact.")))
    if errors:
        raise ServiceError(*errors)
    rule = db.session.get(ContactRule, level)
    fields = ("interval_days", "contacts_per_month", "counted_kinds", "in_person_every_days")
    if rule is None:
        rule = ContactRule(care_level=level)
        db.session.add(rule)
        before = {}
    else:
        before = audit.snapshot(rule, fields)
    rule.interval_days = data["interval_days"]
    rule.contacts_per_month = data.get("contacts_per_month") or 0
    rule.counted_kinds = kinds
    rule.in_person_every_days = data.get("in_person_every_days") or None
    db.session.flush()
    audit.record("update", actor=actor, entity_type="contact_rules", entity_id=level,
                 summary=f"L{level}", before=before, after=audit.snapshot(rule, fields))
    return rule


# The phone's sync (POST /api/v1/visits)

def sync_visit(caller, user, data):
    """Store a visit sent by the API's caller (sync.caller's row; `user` is loaded for an
    office account). A volunteer records for an elder assigned to them, found in the same
    select; office staff for any elder in their villages, on a volunteer's behalf.
    Returns (visit values, created); raises NoSuchElder, VisitConflict or ServiceError."""
    if caller.role not in VOLUNTEERS:
        return _sync_for_office(user, data)
    if caller.elder_id is None:
        raise NoSuchElder()
    return save_visit(data, elder_id=caller.elder_id, care_level=caller.care_level,
                      elder_name=caller.elder_name, actor_id=caller.user_id,
                      volunteer_id=caller.volunteer_id, follow_up=sync.follow_up(caller))


def _sync_for_office(user, data):
    elder = api_queries.visible_elder(user, data.get("elder_id"))
    volunteer = None
    if data.get("volunteer_id") is not None:  # a number in range (check_visit_input)
        volunteer = db.session.get(Volunteer, data["volunteer_id"])
        if volunteer is None:
            raise ServiceError(("volunteer_id", _("No such volunteer.")))
    return save_visit(data, elder_id=elder.id, care_level=elder.care_level,
                      elder_name=elder.person.name, actor_id=user.id,
                      volunteer_id=volunteer.id if volunteer else None,
                      follow_up=follow_up_for(elder.id))
