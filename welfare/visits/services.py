"""Visit writers: volunteers, assignments, contact rules, and recording a visit."""

import base64
import binascii
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.visits import alerts, rules
from welfare.visits.models import Assignment, ContactRule, Visit, Volunteer

VOLUNTEER_FIELDS = ("name", "phone", "care_point", "active")
MAX_PHOTO_BYTES = 3 * 1024 * 1024


class VisitConflict(ServiceError):
    """The uuid is already stored with other content."""

    def __init__(self, visit):
        super().__init__(_("This record was already sent with different content."))
        self.visit = visit


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


# Recording a visit

def parse_time(value):
    """An ISO 8601 time as naive UTC; a time without offset is Taiwan time."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC) - timedelta(hours=8)
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def _check_visit(data, now):
    errors = []
    if data.get("kind") not in rules.KINDS:
        errors.append(("kind", _("Choose how you made contact.")))
    if data.get("outcome") not in rules.OUTCOMES:
        errors.append(("outcome", _("Choose what happened.")))
    visited_at = parse_time(data.get("visited_at") or "")
    if visited_at is None:
        errors.append(("visited_at", _("Enter the time of the visit.")))
    elif visited_at > now + timedelta(minutes=10):
        errors.append(("visited_at", _("The visit time cannot be in the future.")))
    elif visited_at < now - timedelta(days=400):
        errors.append(("visited_at", _("The visit time is more than a year ago.")))
    try:
        duration = int(data.get("duration_minutes") or 0)
    except (TypeError, ValueError):
        duration = -1
    if not 0 <= duration <= 1440:
        errors.append(("duration_minutes", _("Enter minutes from 0 to 1440.")))
    assessment = data.get("assessment") or {}
    if not isinstance(assessment, dict) or any(
            k not in rules.ASSESSMENT or v not in rules.ASSESSMENT_VALUES
            for k, v in assessment.items()):
        errors.append(("assessment", _("The assessment has an unknown answer.")))
    needs = data.get("needs") or []
    if not isinstance(needs, list) or any(n not in rules.NEEDS for n in needs):
        errors.append(("needs", _("Choose needs from the list.")))
    if len(data.get("notes") or "") > 4000:
        errors.append(("notes", _("Notes can be at most 4,000 characters.")))
    for key, low, high in (("lat", -90, 90), ("lng", -180, 180), ("gps_accuracy", 0, 1e6)):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not (
                isinstance(value, int | float) and low <= value <= high)):
            errors.append((key, _("The position is not valid.")))
    if errors:
        raise ServiceError(*errors)
    clean = dict(data)
    clean.update(visited_at=visited_at, duration_minutes=duration, assessment=assessment,
                 needs=sorted(set(needs)), notes=(data.get("notes") or "").strip())
    return clean


def _decode_photo(photo):
    if not photo:
        return None
    text = photo.split(",", 1)[1] if photo.startswith("data:") else photo
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ServiceError(("photo", _("The photo could not be read."))) from exc
    if len(raw) > MAX_PHOTO_BYTES or raw[:3] != b"\xff\xd8\xff" and raw[:4] != b"\x89PNG":
        raise ServiceError(("photo", _("The photo must be a JPEG or PNG under 3 MB.")))
    return raw


def _photo_name(uuid, photo):
    if not photo:
        return ""
    return f"{uuid}.png" if photo.startswith(b"\x89PNG") else f"{uuid}.jpg"


def photo_dir():
    return Path(current_app.instance_path) / "visit-photos"


def record_visit(elder, data, actor, volunteer=None, now=None):
    """Store a visit once per uuid; returns (visit, created). Raises VisitConflict."""
    now = now or utcnow()
    clean = _check_visit(data, now)
    uuid = str(data.get("uuid") or "").strip().lower()
    if not 8 <= len(uuid) <= 36:
        raise ServiceError(("uuid", _("The record has no valid identifier.")))
    digest = rules.content_hash({**clean, "elder_id": elder.id, "photo": data.get("photo")})
    photo = _decode_photo(data.get("photo"))
    visit = Visit(
        uuid=uuid, content_hash=digest, elder_id=elder.id, recorded_by_id=actor.id,
        volunteer_id=volunteer.id if volunteer else None, kind=clean["kind"],
        outcome=clean["outcome"], visited_at=clean["visited_at"],
        duration_minutes=clean["duration_minutes"], assessment=clean["assessment"] or None,
        needs=clean["needs"] or None, referral=bool(clean.get("referral")),
        notes=clean["notes"], lat=clean.get("lat"), lng=clean.get("lng"),
        gps_accuracy=clean.get("gps_accuracy"),
        photo=_photo_name(uuid, photo),
    )
    try:
        # A replay racing this one: the unique uuid decides, the loser compares.
        with db.session.begin_nested():
            db.session.add(visit)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(sa.select(Visit).where(Visit.uuid == uuid))
        if existing is None:
            raise
        return _replay(existing, digest)
    if photo:
        photo_dir().mkdir(parents=True, exist_ok=True)
        (photo_dir() / visit.photo).write_bytes(photo)
    audit.record("record_visit", actor=actor, entity=visit, summary=elder.person.name,
                 after={"elder_id": elder.id, "kind": visit.kind, "outcome": visit.outcome})
    alerts.after_visit(visit, elder, actor, now)
    return visit, True


def _replay(existing, digest):
    if existing.content_hash != digest:
        raise VisitConflict(existing)
    return existing, False
